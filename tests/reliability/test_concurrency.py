"""Many sessions, threads and processes on one profile: confirmed equals saved, nothing silent."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.engine import URL, Engine

from pathfinder import store
from tests.reliability.harness import Zygote

PROCESSES = 4
THREADS = 5
ROUNDS = 16


def logged_statuses(engine: Engine, profile_id: int) -> Counter[tuple[str, str]]:
    """Return how often each (item, status) change is in the activity log."""
    log = store.activity_log(engine, profile_id, limit=1_000_000)
    log = log[log["kind"] == "status"]
    return Counter(zip(log["subject_id"], log["detail"].map(lambda d: d["status"]), strict=True))


def test_processes_and_threads_on_one_profile_lose_no_confirmed_write(
    zygote: Zygote, engine: Engine, profile_id: int, store_url: URL
) -> None:
    """4 processes x 5 threads toggle and edit one note: every confirmed write is saved once."""
    url = store_url.render_as_string(hide_password=False)
    pids = [
        zygote.spawn(
            op="hammer", url=url, profile_id=profile_id, seed=s, threads=THREADS, rounds=ROUNDS
        )
        for s in range(PROCESSES)
    ]
    lines: list[dict[str, Any]] = []
    for pid in pids:
        status, output = zygote.reap(pid, kill=False)
        assert status == 0, output
        lines.extend(output)
    assert not [line for line in lines if line["kind"] == "crashed"]
    assert sum(line["kind"] == "finished" for line in lines) == PROCESSES
    statuses = [(line["item"], line["status"]) for line in lines if line["kind"] == "status"]
    notes = [line for line in lines if line["kind"] == "note"]
    surfaced = [line for line in lines if line["kind"] == "surfaced"]
    unchanged = [line for line in lines if line["kind"] == "unchanged"]
    assert len(statuses) + len(notes) + len(surfaced) + len(unchanged) == (
        PROCESSES * THREADS * ROUNDS
    )

    # Statuses: the log holds exactly the confirmed changes, and each item ends on its last.
    logged = logged_statuses(engine, profile_id)
    silent = (Counter(statuses) - logged) + (logged - Counter(statuses))
    # Notes: each confirmed save got its own version, and the newest one is what is stored.
    versions = Counter(line["version"] for line in notes)
    silent += Counter({v: n - 1 for v, n in versions.items() if n > 1})
    stored = store.step_progress(engine, profile_id).set_index("step_id")
    newest = max(notes, key=lambda line: line["version"])
    assert stored.loc["shared-note", "note"] == newest["text"]
    assert stored.loc["shared-note", "note_version"] == newest["version"]
    kinds = Counter(line["error"].split(":")[0] for line in surfaced)
    print(
        f"\n{store_url.get_backend_name()}: {len(statuses) + len(notes)} writes confirmed and "
        f"saved, {len(surfaced)} surfaced {dict(kinds)}, silent {sum(silent.values())}"
    )
    assert sum(silent.values()) == 0, silent
    assert all(line["error"] == "ChangedElsewhere" for line in surfaced)
