"""SIGKILL at random moments: the SQLite file stays intact and keeps every confirmed write."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from pathfinder import store
from tests.reliability.harness import Zygote, soak_seconds

CRASH_SECONDS = 8.0
IMPORT_ITEMS = 12


def fresh_store(path: Path) -> int:
    """Create a migrated SQLite store at path and return the local profile id."""
    engine = store.create_store_engine(f"sqlite:///{path}")
    store.migrate(engine)
    profile_id = store.local_profile_id(engine)
    engine.dispose()
    return profile_id


def integrity(path: Path) -> str:
    """Return PRAGMA integrity_check's verdict (recovering the WAL like the next start would)."""
    with closing(sqlite3.connect(path)) as conn:
        return ", ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))


def stored_items(path: Path) -> dict[str, tuple[str, str, int]]:
    """Return item_id -> (status, note, note_version) straight from the file."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT item_id, status, note, note_version FROM item_progress")
        return {item: (status, note, version) for item, status, note, version in rows}


def missing_confirmed(lines: list[dict[str, Any]], items: dict[str, tuple[str, str, int]]) -> list:
    """Return the confirmed writes that the file does not hold."""
    missing: list[Any] = []
    for line in lines:
        if line.get("kind") == "status" and items.get(line["item"], ("",))[0] != "done":
            missing.append(line)
        elif line.get("kind") == "batch":
            missing.extend(i for i in line["items"] if items.get(i, ("",))[0] != "in-progress")
        elif line.get("kind") == "note":
            _status, _note, version = items.get(line["item"], ("", "", 0))
            if version < line["version"]:  # a later, unconfirmed save may also have landed
                missing.append(line)
    return missing


def test_sigkill_during_writes_keeps_the_file_intact_and_every_confirmed_write(
    zygote: Zygote, tmp_path: Path
) -> None:
    """Writers killed with SIGKILL at random moments: integrity ok, no confirmed write lost."""
    db = tmp_path / "crash.db"
    profile_id = fresh_store(db)
    rng = random.Random(20261126)
    deadline = time.monotonic() + soak_seconds(CRASH_SECONDS)
    kills = confirmed = 0
    failures: list[str] = []
    while time.monotonic() < deadline:
        pid = zygote.spawn(op="write", db=str(db), profile_id=profile_id, tag=f"k{kills}")
        if kills % 2:
            zygote.first_line(pid)  # half the kills land mid-stream, half may land at start-up
        time.sleep(rng.uniform(0, 0.12))
        status, lines = zygote.reap(pid, kill=True)
        kills += 1
        crashed = [line for line in lines if line.get("kind") == "crashed"]
        assert not crashed, crashed
        assert status == signal.SIGKILL  # killed, not exited on its own
        confirmed += sum(line.get("kind") in {"status", "note", "batch"} for line in lines)
        verdict = integrity(db)
        if verdict != "ok":
            failures.append(f"kill {kills}: integrity_check says {verdict}")
            break
        lost = missing_confirmed(lines, stored_items(db))
        if lost:
            failures.append(f"kill {kills}: confirmed but missing {lost[:3]}")
    print(f"\ncrash safety: {kills} SIGKILLs, {confirmed} confirmed writes, failures: {failures}")
    assert failures == []
    assert kills >= 20
    assert confirmed > kills  # most children got well into their writing
    # The daily counters and the log still agree after all those kills.
    engine = store.create_store_engine(f"sqlite:///{db}")
    try:
        log_rows = len(store.activity_log(engine, profile_id, limit=1_000_000))
        assert store.activity_per_day(engine, profile_id)["events"].sum() == log_rows
    finally:
        engine.dispose()


def import_document() -> dict[str, Any]:
    """Return a valid export with enough rows that k can step through it."""
    return {
        "format": "pathfinder-progress",
        "version": 1,
        "items": [
            {
                "item_id": f"step-{n}",
                "status": "done",
                "completed_at": "2025-03-02T09:00:00Z",
                "started_at": "2025-03-01T09:00:00Z",
                "note": f"imported {n}",
            }
            for n in range(IMPORT_ITEMS)
        ],
        "ratings": [
            {
                "kind": "skill",
                "subject_id": "sql",
                "level": 1 + n % 5,
                "rated_at": f"2025-03-0{1 + n}T09:00:00Z",
            }
            for n in range(4)
        ],
        "target": {"target_date": "2026-01-31", "hours_per_week": 5},
        "case_studies": [{"title": "Churn", "status": "draft", "sections": {"problem": "x"}}],
    }


def snapshot(path: Path) -> list[str]:
    """Return the whole database as SQL text: every table, row and index, exactly as stored."""
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def test_an_import_killed_after_k_rows_leaves_the_store_exactly_as_before(
    zygote: Zygote, tmp_path: Path
) -> None:
    """An import SIGKILLed after each k rows (k stepping through the file) changes nothing."""
    db = tmp_path / "import.db"
    profile_id = fresh_store(db)
    engine = store.create_store_engine(f"sqlite:///{db}")
    store.set_status(engine, profile_id, "step-0", "in-progress")
    store.set_status(engine, profile_id, "kept-before", "done")
    store.save_note(engine, profile_id, "step-1", "typed before", expected_version=0)
    store.rate(engine, profile_id, "skill", "sql", 2)
    store.set_target(engine, profile_id, None, 3.0)
    engine.dispose()
    document = tmp_path / "import.json"
    document.write_text(json.dumps(import_document()))
    before = snapshot(db)
    # Rows an import touches: 3 old rows deleted from item_progress, 1 rating, 1 target,
    # then 12 items, 4 ratings, 1 target, 1 case study and 1 log row inserted.
    total_rows = 3 + 1 + 1 + IMPORT_ITEMS + 4 + 1 + 1 + 1
    for kill_after in range(1, total_rows + 1):
        pid = zygote.spawn(
            op="import",
            db=str(db),
            profile_id=profile_id,
            document=str(document),
            kill_after=kill_after,
        )
        status, lines = zygote.reap(pid, kill=False)
        assert status == signal.SIGKILL, (kill_after, lines)
        assert integrity(db) == "ok"
        assert snapshot(db) == before, f"store changed after {kill_after} rows"
    # With a budget beyond the last row the same import completes and is all there.
    pid = zygote.spawn(
        op="import",
        db=str(db),
        profile_id=profile_id,
        document=str(document),
        kill_after=total_rows + 1,
    )
    status, lines = zygote.reap(pid, kill=False)
    assert status == 0, lines
    assert [line["kind"] for line in lines] == ["imported"]
    engine = store.create_store_engine(f"sqlite:///{db}")
    export = store.export_profile(engine, profile_id)
    engine.dispose()
    assert [i["item_id"] for i in export["items"]] == sorted(f"step-{n}" for n in range(12))
    assert export["target"] == {"target_date": "2026-01-31", "hours_per_week": 5.0}
    print(f"\nimport crash: killed after each of 1..{total_rows} rows; store unchanged every time")
