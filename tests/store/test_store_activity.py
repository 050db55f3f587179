"""Activity aggregates for charts: per UTC day and per ISO week, the same on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
from sqlalchemy.engine import Engine

from pathfinder.store import (
    activity_log,
    activity_per_day,
    activity_per_week,
    rate,
    rebuild_activity_counts,
    save_note,
    set_status,
    set_statuses,
)

PLUS_FIVE = timezone(timedelta(hours=5))
EVENTS = [
    datetime(2024, 12, 31, 12, 0, tzinfo=UTC),  # Tuesday, week of Mon 2024-12-30
    datetime(2025, 1, 1, 8, 0, tzinfo=UTC),  # same ISO week, next year
    datetime(2025, 3, 2, 23, 30, tzinfo=UTC),  # Sunday late: week of Mon 2025-02-24
    datetime(2025, 3, 3, 1, 30, tzinfo=PLUS_FIVE),  # = Sunday 20:30 UTC, same day as above
    datetime(2025, 3, 3, 0, 10, tzinfo=UTC),  # Monday just after midnight: new week
    datetime(2025, 3, 9, 12, 0, tzinfo=UTC),  # Sunday, still week of 2025-03-03
    datetime(2025, 3, 10, 0, 0, tzinfo=UTC),  # Monday midnight: week of 2025-03-10
]


def utc(day: str) -> pd.Timestamp:
    """Return midnight UTC of an ISO day."""
    return pd.Timestamp(day, tz="UTC")


def record_events(engine: Engine, profile_id: int) -> None:
    """Record one status change at each of EVENTS."""
    for index, at in enumerate(EVENTS):
        set_status(engine, profile_id, f"item-{index}", "in-progress", now=at)


def test_events_are_counted_per_utc_day(engine: Engine, profile_id: int) -> None:
    """A day is a UTC calendar day, whatever zone the event was recorded in."""
    record_events(engine, profile_id)
    per_day = activity_per_day(engine, profile_id)
    assert per_day.to_dict("list") == {
        "day": [
            utc("2024-12-31"),
            utc("2025-01-01"),
            utc("2025-03-02"),
            utc("2025-03-03"),
            utc("2025-03-09"),
            utc("2025-03-10"),
        ],
        "events": [1, 1, 2, 1, 1, 1],
    }
    assert str(per_day["day"].dtype) == "datetime64[us, UTC]"
    assert str(per_day["events"].dtype) == "int64"


def test_events_are_counted_per_iso_week_starting_monday(engine: Engine, profile_id: int) -> None:
    """Weeks start on Monday, including across a year boundary."""
    record_events(engine, profile_id)
    per_week = activity_per_week(engine, profile_id)
    assert per_week.to_dict("list") == {
        "week": [utc("2024-12-30"), utc("2025-02-24"), utc("2025-03-03"), utc("2025-03-10")],
        "events": [2, 2, 2, 1],
    }
    assert (per_week["week"].dt.day_of_week == 0).all()


def test_aggregates_match_the_log_after_mixed_activity(engine: Engine, profile_id: int) -> None:
    """The per-day counters always agree with a count over the log itself."""
    base = datetime(2025, 5, 1, 10, tzinfo=UTC)
    for day in range(20):
        at = base + timedelta(days=day * 3, hours=day)
        set_statuses(engine, profile_id, [f"a-{day}", f"b-{day}"], "done", now=at)
        rate(engine, profile_id, "skill", "sql", 1 + day % 5, now=at)
    save_note(engine, profile_id, "a-1", "note", expected_version=0)
    log = activity_log(engine, profile_id, limit=10_000)
    expected = log.groupby(log["at"].dt.floor("D")).size()
    per_day = activity_per_day(engine, profile_id).set_index("day")["events"]
    assert per_day.to_dict() == expected.to_dict()
    per_week = activity_per_week(engine, profile_id)
    assert per_week["events"].sum() == len(log)


def test_rebuilding_the_counters_gives_the_same_answer(engine: Engine, profile_id: int) -> None:
    """Recounting from the log (the repair tool) matches the incremental counters."""
    record_events(engine, profile_id)
    before = activity_per_day(engine, profile_id)
    rebuild_activity_counts(engine, profile_id)
    pd.testing.assert_frame_equal(activity_per_day(engine, profile_id), before)


def test_aggregates_are_empty_frames_before_any_activity(engine: Engine, profile_id: int) -> None:
    """Charts get typed empty frames on a fresh profile."""
    assert list(activity_per_day(engine, profile_id).columns) == ["day", "events"]
    assert list(activity_per_week(engine, profile_id).columns) == ["week", "events"]
    assert activity_per_week(engine, profile_id).empty


def test_activity_log_is_newest_first_and_limited(engine: Engine, profile_id: int) -> None:
    """The recent-activity list shows the newest rows first, up to the limit."""
    record_events(engine, profile_id)
    recent = activity_log(engine, profile_id, limit=3)
    assert len(recent) == 3
    assert recent["at"].is_monotonic_decreasing
    assert recent["at"].iloc[0] == pd.Timestamp(EVENTS[-1])
    assert recent["detail"].iloc[0] == {"status": "in-progress"}
    assert recent["subject_id"].iloc[0] == "item-6"
