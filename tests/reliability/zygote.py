"""A pre-imported process that forks store writers on request, so tests can SIGKILL them cheaply.

Importing the store takes seconds on a small machine; forking an already-imported
process takes milliseconds. The test talks to this process over stdin/stdout, one JSON
object per line, and kills the forked children itself:

    {"op": "write", "db": "/tmp/x.db", "profile_id": 1, "tag": "k7"}
    {"op": "import", "db": "/tmp/x.db", "profile_id": 1, "document": "/tmp/d.json",
     "kill_after": 5}
    {"op": "hammer", "url": "...", "profile_id": 1, "seed": 3, "threads": 4, "rounds": 40}
    {"op": "reap", "pid": 1234}
    {"op": "quit"}

Children print one line per *confirmed* write (after the commit returned), with a single
os.write so that lines from several processes never interleave.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from pathfinder import store, transfer

# Tables an import deletes from or inserts into; a row trigger on each counts the rows.
IMPORT_TABLES = ("item_progress", "ratings", "targets", "case_studies", "activity_log")


def emit(**fields: Any) -> None:
    """Write one JSON line, tagged with this process id, in one system call (atomic)."""
    os.write(1, (json.dumps({"from": os.getpid(), **fields}) + "\n").encode("utf-8"))


def write_forever(db: str, profile_id: int, tag: str) -> None:
    """Write statuses, notes and batches until killed, printing each confirmed write."""
    engine = store.create_store_engine(f"sqlite:///{db}")
    version = 0
    for n in range(100_000):  # bounded: the test kills us long before this ends
        if n % 3 == 0:
            item = f"{tag}-{n}"
            store.set_status(engine, profile_id, item, "done")
            emit(kind="status", item=item)
        elif n % 3 == 1:
            item = f"{tag}-note"
            version = store.save_note(
                engine, profile_id, item, f"{tag} v{version + 1}", expected_version=version
            )
            emit(kind="note", item=item, version=version)
        else:
            items = [f"{tag}-{n}-a", f"{tag}-{n}-b"]
            store.set_statuses(engine, profile_id, items, "in-progress")
            emit(kind="batch", items=items)


def kill_after_rows(engine: Engine, rows: int) -> None:
    """Make the process SIGKILL itself when the rows-th row is deleted or inserted."""
    touched = 0

    def row_touched() -> int:
        nonlocal touched
        touched += 1
        if touched >= rows:
            os.kill(os.getpid(), signal.SIGKILL)
        return touched

    @event.listens_for(engine, "connect")
    def _install(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.create_function("pf_row_touched", 0, row_touched)
        for table in IMPORT_TABLES:
            for action in ("INSERT", "DELETE"):
                dbapi_connection.execute(
                    f"CREATE TEMP TRIGGER pf_{table}_{action.lower()} AFTER {action} "
                    f"ON main.{table} BEGIN SELECT pf_row_touched(); END"
                )


def import_and_die(db: str, profile_id: int, document_path: str, kill_after: int) -> None:
    """Import a file, SIGKILLing this process after kill_after rows were written."""
    with open(document_path, "rb") as handle:
        raw = handle.read()
    known = json.loads(raw)
    document = transfer.parse_import(
        raw,
        known_step_ids={i["item_id"] for i in known.get("items", [])},
        known_skill_ids={r["subject_id"] for r in known.get("ratings", [])},
        known_phase_ids={r["subject_id"] for r in known.get("ratings", [])},
    )
    engine = store.create_store_engine(f"sqlite:///{db}")
    kill_after_rows(engine, kill_after)
    store.import_profile(engine, profile_id, document)
    emit(kind="imported")


def hammer(url: str, profile_id: int, seed: int, threads: int, rounds: int) -> None:
    """Toggle statuses and edit one shared note from several threads; report every outcome."""
    engine = store.create_store_engine(url)
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def session(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        start.wait()
        version = 0
        for n in range(rounds):
            outcome: dict[str, Any]
            try:
                if n % 4 == 3:
                    text = f"p{os.getpid()}-t{number}-n{n}"
                    try:
                        version = store.save_note(
                            engine, profile_id, "shared-note", text, expected_version=version
                        )
                        outcome = {"kind": "note", "text": text, "version": version}
                    except store.ChangedElsewhere as clash:
                        version = clash.current_version  # a real tab reloads, then retries
                        outcome = {"kind": "surfaced", "error": "ChangedElsewhere"}
                else:
                    item, status = f"item-{rng.randrange(6)}", rng.choice(store.STATUSES)
                    changed = store.set_status(engine, profile_id, item, status)
                    # Setting the status an item already has changes nothing: not logged.
                    kind = "status" if changed else "unchanged"
                    outcome = {"kind": kind, "item": item, "status": status}
            except store.StoreUnavailable as error:
                outcome = {"kind": "surfaced", "error": f"StoreUnavailable: {error}"}
            with lock:
                emit(**outcome)

    workers = [threading.Thread(target=session, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    engine.dispose()
    emit(kind="finished")


COMMANDS: dict[str, Callable[[dict[str, Any]], None]] = {
    "write": lambda c: write_forever(c["db"], c["profile_id"], c["tag"]),
    "import": lambda c: import_and_die(c["db"], c["profile_id"], c["document"], c["kill_after"]),
    "hammer": lambda c: hammer(c["url"], c["profile_id"], c["seed"], c["threads"], c["rounds"]),
}


def fork_child(command: dict[str, Any]) -> None:
    """Fork a child that runs command and exits; tell the test its pid."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            COMMANDS[command["op"]](command)
        except BaseException as error:  # reported to the test, which fails on it
            emit(kind="crashed", error=f"{type(error).__name__}: {error}")
            code = 1
        finally:
            os._exit(code)
    emit(event="child", pid=pid)


def main() -> None:
    """Serve fork requests until told to quit (or stdin closes)."""
    emit(event="ready")
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        if command["op"] == "reap":
            _pid, status = os.waitpid(command["pid"], 0)
            emit(event="reaped", pid=command["pid"], status=status)
        else:
            fork_child(command)


if __name__ == "__main__":
    main()
