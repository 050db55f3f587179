"""A write happens only for what changed: saving a value the store already has writes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from pathfinder.store import (
    activity_log,
    create_case_study,
    get_case_study,
    get_target,
    rate,
    rating_history,
    save_case_study,
    save_note,
    set_links,
    set_status,
    set_statuses,
    set_target,
    step_progress,
)


def logged(engine: Engine, profile_id: int) -> list[tuple[str, str | None]]:
    """Return the activity log as (kind, subject) pairs, oldest first."""
    log = activity_log(engine, profile_id, limit=1_000).sort_values("id")
    return list(zip(log["kind"], log["subject_id"], strict=True))


def test_setting_the_same_status_again_writes_and_logs_nothing(
    engine: Engine, profile_id: int
) -> None:
    """The first 'done' is a change and is logged; a second 'done' is neither."""
    assert set_status(engine, profile_id, "learn-sql", "done") is True
    before = step_progress(engine, profile_id).set_index("step_id").loc["learn-sql"]
    assert set_status(engine, profile_id, "learn-sql", "done") is False
    after = step_progress(engine, profile_id).set_index("step_id").loc["learn-sql"]
    assert after["updated_at"] == before["updated_at"]
    assert after["completed_at"] == before["completed_at"]
    assert logged(engine, profile_id) == [("status", "learn-sql")]


def test_an_untouched_item_set_to_not_started_changes_nothing(
    engine: Engine, profile_id: int
) -> None:
    """An item never touched is not started already: no row, no event (a track reset too)."""
    assert set_status(engine, profile_id, "learn-sql", "not-started") is False
    assert set_statuses(engine, profile_id, ["learn-sql", "trace-data-flow"], "not-started") == 0
    assert step_progress(engine, profile_id).empty
    assert logged(engine, profile_id) == []
    set_status(engine, profile_id, "learn-sql", "done")
    assert set_statuses(engine, profile_id, ["learn-sql", "trace-data-flow"], "not-started") == 1
    assert logged(engine, profile_id) == [("status", "learn-sql"), ("status", "learn-sql")]


def test_marking_a_track_done_logs_only_the_steps_that_changed(
    engine: Engine, profile_id: int
) -> None:
    """Of three steps, one already done: the bulk action changes and logs two."""
    set_status(engine, profile_id, "b", "done")
    assert set_statuses(engine, profile_id, ["a", "b", "c"], "done") == 2
    assert sorted(logged(engine, profile_id)[1:]) == [("status", "a"), ("status", "c")]
    assert set_statuses(engine, profile_id, ["a", "b", "c"], "done") == 0
    assert len(logged(engine, profile_id)) == 3


def test_saving_the_same_note_keeps_its_version(engine: Engine, profile_id: int) -> None:
    """The same text saved again is not a new version and not an event."""
    assert save_note(engine, profile_id, "learn-sql", "Joins first.", expected_version=0) == 1
    assert save_note(engine, profile_id, "learn-sql", "Joins first.", expected_version=1) == 1
    assert logged(engine, profile_id) == [("note", "learn-sql")]


def test_saving_the_same_links_logs_nothing(engine: Engine, profile_id: int) -> None:
    """The same list of links again changes nothing; a different order is a change."""
    links = ["https://example.org/a", "https://example.org/b"]
    assert set_links(engine, profile_id, "learn-sql", links) is True
    assert set_links(engine, profile_id, "learn-sql", list(links)) is False
    assert set_links(engine, profile_id, "learn-sql", links[::-1]) is True
    assert logged(engine, profile_id) == [("links", "learn-sql"), ("links", "learn-sql")]


def test_saving_the_same_target_logs_nothing(engine: Engine, profile_id: int) -> None:
    """The same date and hours again are not an event; a new hour count is."""
    day = dt.date(2027, 6, 30)
    assert set_target(engine, profile_id, day, 6.0) is True
    assert set_target(engine, profile_id, day, 6.0) is False
    assert set_target(engine, profile_id, day, 7.5) is True
    assert get_target(engine, profile_id).hours_per_week == 7.5
    assert logged(engine, profile_id) == [("target", None), ("target", None)]


def test_saving_an_unchanged_case_study_keeps_its_version(engine: Engine, profile_id: int) -> None:
    """Saving the title, sections and status it already has writes nothing."""
    draft = create_case_study(engine, profile_id, "Search metrics", {"problem": "Slow search"})
    fields = {"title": "Search metrics", "sections": {"problem": "Slow search"}, "status": "draft"}
    assert save_case_study(engine, profile_id, draft, expected_version=1, **fields) == 1
    assert get_case_study(engine, profile_id, draft).version == 1
    assert len(logged(engine, profile_id)) == 1  # the creation only


def test_rating_the_level_already_given_adds_no_history(engine: Engine, profile_id: int) -> None:
    """A second 3 for SQL is not a new rating; a 4 after it is."""
    assert rate(engine, profile_id, "skill", "sql", 3) is True
    assert rate(engine, profile_id, "skill", "sql", 3) is False
    assert rate(engine, profile_id, "skill", "sql", 4) is True
    assert rate(engine, profile_id, "phase", "sql", 3) is True  # another kind, its own history
    assert rating_history(engine, profile_id, "skill")["level"].tolist() == [3, 4]
