"""Plan progress: statuses, bulk changes, links, resets, profiles and retired items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from pathfinder.domain.plan import retired_progress
from pathfinder.store import (
    InvalidInput,
    activity_log,
    create_case_study,
    ensure_profile,
    get_target,
    latest_ratings,
    list_case_studies,
    local_profile_id,
    rate,
    reset_all,
    reset_plan,
    save_note,
    set_links,
    set_status,
    set_statuses,
    set_target,
    step_progress,
)
from pathfinder.store.progress import STEP_PROGRESS_COLUMNS

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def statuses(engine: Engine, profile_id: int) -> dict[str, str]:
    """Return item id -> stored status."""
    frame = step_progress(engine, profile_id)
    return dict(zip(frame["step_id"], frame["status"], strict=True))


def row(engine: Engine, profile_id: int, item_id: str) -> pd.Series:
    """Return one item's stored progress row."""
    frame = step_progress(engine, profile_id).set_index("step_id")
    return frame.loc[item_id]


def test_empty_progress_has_the_full_columns_and_dtypes(engine: Engine, profile_id: int) -> None:
    """An untouched profile gets an empty frame shaped exactly like a full one."""
    empty = step_progress(engine, profile_id)
    set_status(engine, profile_id, "sql-basics", "done", now=T0)
    full = step_progress(engine, profile_id)
    assert empty.empty
    assert list(empty.columns) == list(STEP_PROGRESS_COLUMNS)
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()
    assert str(full["updated_at"].dtype) == "datetime64[us, UTC]"


def test_status_change_sets_start_and_completion_times(engine: Engine, profile_id: int) -> None:
    """started_at is set on first leaving not-started; completed_at only while done."""
    set_status(engine, profile_id, "sql-basics", "in-progress", now=T0)
    started = row(engine, profile_id, "sql-basics")
    assert started["status"] == "in-progress"
    assert started["started_at"] == pd.Timestamp(T0)
    assert pd.isna(started["completed_at"])

    set_status(engine, profile_id, "sql-basics", "done", now=T0 + timedelta(days=2))
    done = row(engine, profile_id, "sql-basics")
    assert done["started_at"] == pd.Timestamp(T0)
    assert done["completed_at"] == pd.Timestamp(T0 + timedelta(days=2))

    set_status(engine, profile_id, "sql-basics", "in-progress", now=T0 + timedelta(days=3))
    reopened = row(engine, profile_id, "sql-basics")
    assert reopened["started_at"] == pd.Timestamp(T0)
    assert pd.isna(reopened["completed_at"])


def test_marking_done_twice_keeps_the_first_completion(engine: Engine, profile_id: int) -> None:
    """Repeating a status (a double click, a rerun) changes nothing but the log."""
    set_status(engine, profile_id, "metrics", "done", now=T0)
    set_status(engine, profile_id, "metrics", "done", now=T0 + timedelta(hours=1))
    done = row(engine, profile_id, "metrics")
    assert done["completed_at"] == pd.Timestamp(T0)
    assert done["started_at"] == pd.Timestamp(T0)


def test_back_to_not_started_clears_the_times(engine: Engine, profile_id: int) -> None:
    """An item put back to not-started has neither start nor completion time."""
    set_status(engine, profile_id, "metrics", "done", now=T0)
    set_status(engine, profile_id, "metrics", "not-started", now=T0 + timedelta(hours=1))
    reset = row(engine, profile_id, "metrics")
    assert reset["status"] == "not-started"
    assert pd.isna(reset["started_at"])
    assert pd.isna(reset["completed_at"])


def test_timestamps_are_stored_as_utc_whatever_zone_is_given(
    engine: Engine, profile_id: int
) -> None:
    """A time given in another zone comes back as the same instant in UTC."""
    local = datetime(2025, 3, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    set_status(engine, profile_id, "metrics", "done", now=local)
    stored = row(engine, profile_id, "metrics")["completed_at"]
    assert stored == pd.Timestamp("2025-03-04 04:30", tz="UTC")
    assert str(stored.tz) == "UTC"


def test_naive_times_and_unknown_statuses_are_refused(engine: Engine, profile_id: int) -> None:
    """A naive datetime or a status outside the four is a caller bug, not stored data."""
    with pytest.raises(ValueError, match="timezone-aware"):
        set_status(engine, profile_id, "metrics", "done", now=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="'finished' is not one of not-started"):
        set_status(engine, profile_id, "metrics", "finished")
    assert step_progress(engine, profile_id).empty


def test_bulk_status_marks_a_whole_track_in_one_go(engine: Engine, profile_id: int) -> None:
    """set_statuses changes every listed item and logs one row per item."""
    track = ["a-1", "a-2", "a-3"]
    set_status(engine, profile_id, "a-2", "in-progress", now=T0)
    assert set_statuses(engine, profile_id, track, "done", now=T0 + timedelta(days=1)) == 3
    frame = step_progress(engine, profile_id).set_index("step_id")
    assert (frame.loc[track, "status"] == "done").all()
    assert frame.loc["a-2", "started_at"] == pd.Timestamp(T0)
    log = activity_log(engine, profile_id)
    assert (log["kind"] == "status").sum() == 4
    assert set_statuses(engine, profile_id, track, "not-started") == 3
    assert set(statuses(engine, profile_id).values()) == {"not-started"}


def test_bulk_status_with_one_bad_id_changes_nothing(engine: Engine, profile_id: int) -> None:
    """A bulk change is all or nothing."""
    with pytest.raises(ValueError, match="step_id"):
        set_statuses(engine, profile_id, ["ok-1", ""], "done")
    assert step_progress(engine, profile_id).empty


def test_links_are_saved_as_a_list(engine: Engine, profile_id: int) -> None:
    """Links round-trip as a Python list and only web links are accepted."""
    set_links(engine, profile_id, "metrics", ["https://example.org/a", "http://example.org/b"])
    assert row(engine, profile_id, "metrics")["links"] == [
        "https://example.org/a",
        "http://example.org/b",
    ]
    with pytest.raises(
        InvalidInput, match="links\\[0\\]: 'javascript:alert\\(1\\)' is not a web link"
    ):
        set_links(engine, profile_id, "metrics", ["javascript:alert(1)"])
    assert len(row(engine, profile_id, "metrics")["links"]) == 2


def test_retired_items_keep_their_history(engine: Engine, profile_id: int) -> None:
    """Progress on an item that vanished from content is kept and reported as retired."""
    set_status(engine, profile_id, "old-item", "done", now=T0)
    save_note(engine, profile_id, "old-item", "what I learned", expected_version=0)
    set_status(engine, profile_id, "new-item", "in-progress", now=T0)
    progress = step_progress(engine, profile_id)
    retired = retired_progress(pd.DataFrame({"id": ["new-item"]}), progress)
    assert retired["step_id"].tolist() == ["old-item"]
    kept = progress.set_index("step_id").loc["old-item"]
    assert kept["status"] == "done"
    assert kept["note"] == "what I learned"


def test_nothing_is_retired_when_nothing_is_stored(engine: Engine, profile_id: int) -> None:
    """An empty progress table retires nothing."""
    empty = step_progress(engine, profile_id)
    assert retired_progress(pd.DataFrame({"id": ["x"]}), empty).empty


def test_reset_plan_unstarts_everything_and_keeps_notes(engine: Engine, profile_id: int) -> None:
    """Reset plan puts every item back to not-started, keeps notes, and is logged."""
    set_statuses(engine, profile_id, ["a", "b"], "done", now=T0)
    save_note(engine, profile_id, "a", "keep me", expected_version=0)
    assert reset_plan(engine, profile_id) == 2
    frame = step_progress(engine, profile_id).set_index("step_id")
    assert set(frame["status"]) == {"not-started"}
    assert frame["completed_at"].isna().all()
    assert frame.loc["a", "note"] == "keep me"
    assert activity_log(engine, profile_id, limit=1)["kind"].tolist() == ["reset-plan"]


def test_reset_all_clears_everything_but_the_log(engine: Engine, profile_id: int) -> None:
    """Reset all removes progress, ratings, target and case studies; the log survives."""
    set_status(engine, profile_id, "a", "done", now=T0)
    rate(engine, profile_id, "skill", "sql", 3, now=T0)
    set_target(engine, profile_id, None, 5)
    create_case_study(engine, profile_id, "Churn", {"problem": "users leave"})
    before = len(activity_log(engine, profile_id, limit=100))
    reset_all(engine, profile_id)
    assert step_progress(engine, profile_id).empty
    assert latest_ratings(engine, profile_id, "skill").empty
    assert get_target(engine, profile_id).hours_per_week is None
    assert list_case_studies(engine, profile_id).empty
    log = activity_log(engine, profile_id, limit=100)
    assert len(log) == before + 1
    assert log["kind"].iloc[0] == "reset-all"


def test_profiles_are_keyed_by_issuer_and_subject(engine: Engine) -> None:
    """The same person gets the same profile; another issuer with that subject does not."""
    first = ensure_profile(engine, "https://accounts.example.com", "123", "Ana")
    again = ensure_profile(engine, "https://accounts.example.com", "123", "Ana B.")
    other = ensure_profile(engine, "https://login.other.example", "123")
    assert first == again
    assert other != first
    assert local_profile_id(engine) not in {first, other}
    assert local_profile_id(engine) == local_profile_id(engine)


def test_profile_keys_are_stored_and_compared_exactly(engine: Engine) -> None:
    """A trailing space, letter case or a 255th character makes another profile, on both stores."""
    issuer = "https://accounts.example.com"
    subjects = ["alice", "alice ", " alice", "Alice", "s" * 255, "s" * 254]
    ids = [ensure_profile(engine, issuer, subject) for subject in subjects]
    assert len(set(ids)) == len(subjects)
    assert [ensure_profile(engine, issuer, subject) for subject in subjects] == ids


@pytest.mark.parametrize(
    ("issuer", "subject"),
    [
        ("https://accounts.example.com", "s" * 256),
        ("https://accounts.example.com", ""),
        ("https://accounts.example.com", "  "),
        ("https://accounts.example.com", "nul\x00"),
        ("i" * 256, "alice"),
        ("", "alice"),
    ],
)
def test_a_key_the_store_cannot_hold_as_it_is_is_refused(
    engine: Engine, issuer: str, subject: str
) -> None:
    """ensure_profile refuses a blank or too long issuer or subject instead of cutting it."""
    with pytest.raises(InvalidInput, match="cannot key a profile"):
        ensure_profile(engine, issuer, subject)


def test_one_profile_never_sees_another_profiles_progress(engine: Engine, profile_id: int) -> None:
    """Progress, notes and the log are per profile."""
    other = ensure_profile(engine, "https://accounts.example.com", "someone-else")
    set_status(engine, other, "a", "done")
    save_note(engine, other, "a", "private", expected_version=0)
    assert step_progress(engine, profile_id).empty
    assert activity_log(engine, profile_id).empty
    reset_all(engine, profile_id)
    assert statuses(engine, other) == {"a": "done"}
