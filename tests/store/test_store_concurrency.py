"""Many sessions writing one profile at once: every confirmed write is saved, none is lost."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine

from pathfinder.store import (
    STATUSES,
    ChangedElsewhere,
    activity_log,
    activity_per_day,
    rate,
    rating_history,
    save_note,
    set_status,
    step_progress,
)

WRITERS = 20
TOGGLES = 50
ITEMS = [f"item-{n}" for n in range(8)]


def test_twenty_writers_fifty_toggles_saved_equals_confirmed(
    engine: Engine, profile_id: int
) -> None:
    """20 threads x 50 status toggles on shared items: log and state match what was confirmed.

    A toggle to the status an item already has changes nothing and is not logged; every
    toggle that reported a change is logged exactly once.
    """
    start = threading.Barrier(WRITERS)

    def writer(seed: int) -> list[tuple[str, str]]:
        rng = random.Random(seed)
        confirmed = []
        start.wait()  # all threads begin together, for real contention
        for _ in range(TOGGLES):
            item, status = rng.choice(ITEMS), rng.choice(STATUSES)
            if set_status(engine, profile_id, item, status):
                confirmed.append((item, status))  # only reached once the commit returned
        return confirmed

    with ThreadPoolExecutor(WRITERS) as pool:
        confirmed = [write for batch in pool.map(writer, range(WRITERS)) for write in batch]

    log = activity_log(engine, profile_id, limit=10_000).sort_values("id")
    assert 0 < len(confirmed) < WRITERS * TOGGLES  # some toggles repeated the current status
    # Every confirmed write is in the log, exactly once...
    logged = Counter(zip(log["subject_id"], log["detail"].map(lambda d: d["status"]), strict=True))
    assert logged == Counter(confirmed)
    # ...and the final state of each item is the last write the log recorded for it.
    last_logged = log.groupby("subject_id")["detail"].last().map(lambda d: d["status"]).to_dict()
    stored = step_progress(engine, profile_id).set_index("step_id")["status"].to_dict()
    assert stored == last_logged
    assert activity_per_day(engine, profile_id)["events"].sum() == len(confirmed)


def test_mixed_writers_on_one_profile_lose_nothing(engine: Engine, profile_id: int) -> None:
    """Notes, ratings and statuses written together by different sessions all land."""
    start = threading.Barrier(3)
    rounds = 30

    def note_writer() -> str:
        start.wait()
        version, text = 0, ""
        for n in range(rounds):
            text = f"draft {n}"
            version = save_note(engine, profile_id, "notes-item", text, expected_version=version)
        return text

    def rater() -> int:
        start.wait()
        for n in range(rounds):
            rate(engine, profile_id, "skill", "sql", 1 + n % 5)
        return rounds

    def toggler() -> tuple[str, int]:
        start.wait()
        status, changes = "not-started", 0
        for n in range(rounds):
            status = STATUSES[n % len(STATUSES)]
            # The first "not started" of a never-touched item is no change, and not logged.
            changes += set_status(engine, profile_id, "status-item", status)
        return status, changes

    with ThreadPoolExecutor(3) as pool:
        last_note = pool.submit(note_writer)
        ratings = pool.submit(rater)
        last_status = pool.submit(toggler)
        last_note_text, rating_count, final_status = (
            last_note.result(),
            ratings.result(),
            last_status.result(),
        )

    final_status, status_changes = final_status
    stored = step_progress(engine, profile_id).set_index("step_id")
    assert stored.loc["notes-item", "note"] == last_note_text
    assert stored.loc["notes-item", "note_version"] == rounds
    assert stored.loc["status-item", "status"] == final_status
    assert len(rating_history(engine, profile_id, "skill")) == rating_count
    assert status_changes == rounds - 1
    assert len(activity_log(engine, profile_id, limit=1000)) == 2 * rounds + status_changes


def test_racing_note_saves_from_one_version_let_exactly_one_win(
    engine: Engine, profile_id: int
) -> None:
    """Ten tabs save at once from the same version: one wins, nine get ChangedElsewhere."""
    tabs = 10
    start = threading.Barrier(tabs)

    def tab(n: int) -> str:
        start.wait()
        try:
            save_note(engine, profile_id, "metrics", f"tab {n}", expected_version=0)
        except ChangedElsewhere as conflict:
            return "conflict" if conflict.your_text == f"tab {n}" else "lost text"
        return f"tab {n}"

    with ThreadPoolExecutor(tabs) as pool:
        outcomes = list(pool.map(tab, range(tabs)))
    assert "lost text" not in outcomes
    winners = [o for o in outcomes if o != "conflict"]
    assert len(winners) == 1
    stored = step_progress(engine, profile_id).set_index("step_id").loc["metrics"]
    assert (stored["note"], stored["note_version"]) == (winners[0], 1)


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail loudly if a test leaves writer threads behind (they would hold connections)."""
    before = threading.active_count()
    yield
    assert threading.active_count() <= before
