"""Behaviour of pathfinder.domain on small synthetic frames shaped like docs/architecture.md."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathfinder.domain.activity import WEEKDAYS, calendar_frame, streak
from pathfinder.domain.case_study import case_study_completeness
from pathfinder.domain.dates import format_date, today
from pathfinder.domain.glossary import search_glossary
from pathfinder.domain.pace import burnup, pace_forecast
from pathfinder.domain.plan import (
    PROGRESS_COLUMNS,
    STATUSES,
    format_hours,
    hours_by_track,
    next_steps,
    plan_progress,
    plan_table,
    retired_progress,
    track_progress,
)
from pathfinder.domain.skills import phase_confidence, rating_trend, skill_gaps
from pathfinder.entities import safe_link
from pathfinder.exports import case_study_markdown, interview_script, plan_csv, slugify

UTC_NOON = pd.Timestamp("2026-03-01T12:00:00Z")


@dataclass(frozen=True)
class Target:
    """Stand-in for pathfinder.store.Target."""

    target_date: date | None
    hours_per_week: float | None


def make_tracks() -> pd.DataFrame:
    """Two tracks, listed out of order on purpose."""
    return pd.DataFrame(
        {
            "id": ["practice", "foundations"],
            "order": [2, 1],
            "name": ["Practice", "Foundations"],
            "summary": ["", ""],
            "sources": [["1:00"], ["2:00"]],
        }
    )


def make_steps(hours: list[float] | None = None) -> pd.DataFrame:
    """Four steps over two tracks, shuffled; plan order is sql, metrics, interview, portfolio."""
    return pd.DataFrame(
        {
            "id": ["interview", "sql", "portfolio", "metrics"],
            "track_id": ["practice", "foundations", "practice", "foundations"],
            "order": [1, 1, 2, 2],
            "title": ["Mock interview", "Learn SQL", "Write a case study", "Define metrics"],
            "description": ["", "", "", ""],
            "why": ["", "", "", ""],
            "hours": hours if hours is not None else [2.0, 10.0, 5.0, 3.0],
            "basis": ["guest-recommends", "guest-did", "host-summary", "guest-did"],
            "sources": [["1:00"], ["2:00"], ["3:00"], ["4:00"]],
        }
    )


def make_progress(*rows: dict[str, Any]) -> pd.DataFrame:
    """Build a step-progress frame; each row needs step_id and status."""
    defaults: dict[str, Any] = {
        "started_at": UTC_NOON,
        "completed_at": pd.NaT,
        "note": "",
        "note_version": 1,
        "links": [],
        "updated_at": UTC_NOON,
    }
    records = [{**defaults, **row} for row in rows]
    frame = pd.DataFrame(records, columns=list(PROGRESS_COLUMNS))
    for column in ("started_at", "completed_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def make_plan(*rows: dict[str, Any], hours: list[float] | None = None) -> pd.DataFrame:
    """Build a plan table from the synthetic content and the given progress rows."""
    return plan_table(make_steps(hours), make_tracks(), make_progress(*rows))


def done(item_id: str, completed: str = "2026-03-02T09:00:00Z") -> dict[str, Any]:
    """Return a progress row for a step completed at the given UTC time."""
    return {"step_id": item_id, "status": "done", "completed_at": pd.Timestamp(completed)}


def make_activity(days: dict[str, int]) -> pd.DataFrame:
    """Build an activity_per_day frame from {'YYYY-MM-DD': events}."""
    return pd.DataFrame(
        {
            "day": pd.to_datetime(list(days), utc=True),
            "events": pd.Series(list(days.values()), dtype="int64"),
        }
    )


# --- plan_table / retired_progress ---------------------------------------------------------


def test_plan_lists_every_step_once_in_track_then_step_order() -> None:
    """The plan shows every step once, ordered by track order then step order."""
    plan = make_plan()
    assert plan["id"].tolist() == ["sql", "metrics", "interview", "portfolio"]
    assert plan["track"].tolist() == ["Foundations", "Foundations", "Practice", "Practice"]
    assert plan["position"].tolist() == [0, 1, 2, 3]


def test_steps_without_progress_default_to_not_started_with_empty_fields() -> None:
    """A step the learner has not touched is not-started, with no note, no links, no dates."""
    plan = make_plan()
    assert set(plan["status"]) == {"not-started"}
    assert plan["note"].tolist() == ["", "", "", ""]
    assert plan["links"].tolist() == [[], [], [], []]
    assert plan["note_version"].tolist() == [0, 0, 0, 0]
    assert plan["started_at"].isna().all()
    assert plan["completed_at"].isna().all()


def test_plan_carries_the_learners_status_note_and_links() -> None:
    """Saved progress shows up on its step: status, note, note version and links."""
    plan = make_plan(
        {
            "step_id": "metrics",
            "status": "in-progress",
            "note": "Read the metrics chapter",
            "note_version": 3,
            "links": ["https://example.com/metrics"],
        }
    )
    row = plan.set_index("id").loc["metrics"]
    assert row["status"] == "in-progress"
    assert row["note"] == "Read the metrics chapter"
    assert row["note_version"] == 3
    assert row["links"] == ["https://example.com/metrics"]
    assert row["started_at"] == UTC_NOON


def test_brand_new_learner_with_a_columnless_progress_frame_sees_every_step() -> None:
    """An empty progress frame, even one without columns, yields the full not-started plan."""
    plan = plan_table(make_steps(), make_tracks(), pd.DataFrame())
    assert len(plan) == 4
    assert set(plan["status"]) == {"not-started"}


def test_progress_for_retired_items_is_left_out_of_the_plan_and_reported() -> None:
    """Progress on an id no longer in the content is not in the plan but listed as retired."""
    progress = make_progress(done("sql"), done("old-step"))
    plan = plan_table(make_steps(), make_tracks(), progress)
    retired = retired_progress(make_steps(), progress)
    assert "old-step" not in set(plan["id"])
    assert len(plan) == 4
    assert retired["step_id"].tolist() == ["old-step"]
    assert retired["status"].tolist() == ["done"]


def test_duplicate_progress_rows_keep_the_latest_and_never_duplicate_a_step() -> None:
    """If an item has two progress rows, the most recently updated one wins."""
    progress = make_progress(
        {"step_id": "sql", "status": "done", "updated_at": pd.Timestamp("2026-03-05T00:00Z")},
        {"step_id": "sql", "status": "in-progress", "updated_at": UTC_NOON},
    )
    plan = plan_table(make_steps(), make_tracks(), progress)
    assert len(plan) == 4
    assert plan.set_index("id").loc["sql", "status"] == "done"


def test_unknown_status_is_rejected() -> None:
    """A status outside STATUSES is a data error, not silently treated as not-started."""
    with pytest.raises(ValueError, match="finished"):
        make_plan({"step_id": "sql", "status": "finished"})


# --- plan_progress / track_progress / next_steps -------------------------------------------


def test_percent_never_exceeds_100_when_a_retired_item_is_done() -> None:
    """Finishing every step plus a retired one shows 100%, not more."""
    plan = make_plan(*(done(i) for i in ["sql", "metrics", "interview", "portfolio", "gone"]))
    summary = plan_progress(plan)
    assert summary.percent == 100.0
    assert summary.done_steps == summary.planned_steps == 4


def test_skipped_steps_are_left_out_of_the_denominator() -> None:
    """Skipping the only unfinished step completes the plan."""
    plan = make_plan(
        done("sql"),
        done("metrics"),
        done("interview"),
        {"step_id": "portfolio", "status": "skipped"},
    )
    summary = plan_progress(plan)
    assert summary.planned_steps == 3
    assert summary.planned_hours == 15.0
    assert summary.skipped_steps == 1
    assert summary.percent == 100.0


def test_percent_is_share_of_planned_hours() -> None:
    """A 10-hour step moves the bar more than a 2-hour one: percent weighs by hours."""
    summary = plan_progress(make_plan(done("sql")))
    assert summary.done_hours == 10.0
    assert summary.planned_hours == 20.0
    assert summary.percent == 50.0


def test_percent_falls_back_to_step_counts_when_no_hours_are_planned() -> None:
    """With zero-hour steps the bar still moves, by the share of steps done."""
    summary = plan_progress(make_plan(done("sql"), hours=[0.0, 0.0, 0.0, 0.0]))
    assert summary.percent == 25.0


def test_percent_is_zero_not_nan_when_nothing_is_planned() -> None:
    """When every step is skipped, or the plan is empty, the percentage is 0, never NaN."""
    all_skipped = make_plan(
        *({"step_id": i, "status": "skipped"} for i in ["sql", "metrics", "interview", "portfolio"])
    )
    for plan in (all_skipped, make_plan().iloc[0:0]):
        summary = plan_progress(plan)
        assert summary.percent == 0.0
        assert summary.planned_steps == 0


def test_in_progress_steps_are_counted() -> None:
    """The summary counts steps the learner has started."""
    plan = make_plan({"step_id": "sql", "status": "in-progress"})
    assert plan_progress(plan).in_progress_steps == 1


@settings(deadline=None, max_examples=60)
@given(
    statuses=st.lists(st.sampled_from(STATUSES), min_size=4, max_size=4),
    hours=st.lists(st.floats(min_value=0, max_value=500), min_size=4, max_size=4),
    retired_done=st.booleans(),
)
def test_percent_is_always_between_0_and_100(
    statuses: list[str], hours: list[float], retired_done: bool
) -> None:
    """Whatever the statuses and hours, the percentage is a number from 0 to 100."""
    rows = [
        {"step_id": i, "status": s}
        for i, s in zip(["interview", "sql", "portfolio", "metrics"], statuses, strict=True)
    ]
    if retired_done:
        rows.append({"step_id": "gone", "status": "done"})
    percent = plan_progress(make_plan(*rows, hours=hours)).percent
    assert 0.0 <= percent <= 100.0
    assert not math.isnan(percent)


def test_track_progress_sums_each_track_in_track_order() -> None:
    """Each track shows its own steps and hours done and planned, skipped left out."""
    plan = make_plan(done("sql"), {"step_id": "interview", "status": "skipped"})
    tracks = track_progress(plan)
    assert tracks.columns.tolist() == [
        "track_id",
        "track",
        "done_steps",
        "planned_steps",
        "done_hours",
        "planned_hours",
        "percent",
    ]
    assert tracks["track_id"].tolist() == ["foundations", "practice"]
    assert tracks["done_steps"].tolist() == [1, 0]
    assert tracks["planned_steps"].tolist() == [2, 1]
    assert tracks["done_hours"].tolist() == [10.0, 0.0]
    assert tracks["planned_hours"].tolist() == [13.0, 5.0]
    assert tracks["percent"].round(1).tolist() == [76.9, 0.0]


def test_track_with_every_step_skipped_shows_zero_percent() -> None:
    """A fully skipped track has nothing to do and reads 0%, not NaN."""
    plan = make_plan(*({"step_id": i, "status": "skipped"} for i in ["interview", "portfolio"]))
    practice = track_progress(plan).set_index("track_id").loc["practice"]
    assert practice["planned_steps"] == 0
    assert practice["percent"] == 0.0


def test_hours_by_track_reports_done_and_planned_hours() -> None:
    """Hours per track come as done and planned columns, in track order."""
    hours = hours_by_track(make_plan(done("metrics")))
    assert hours.to_dict("list") == {
        "track_id": ["foundations", "practice"],
        "track": ["Foundations", "Practice"],
        "done_hours": [3.0, 0.0],
        "planned_hours": [13.0, 7.0],
    }


def test_next_steps_put_in_progress_first_then_not_started_in_plan_order() -> None:
    """Started work comes first, then untouched steps in plan order; done/skipped never."""
    plan = make_plan(
        done("sql"),
        {"step_id": "portfolio", "status": "in-progress"},
        {"step_id": "metrics", "status": "skipped"},
    )
    assert next_steps(plan)["id"].tolist() == ["portfolio", "interview"]
    assert next_steps(plan, n=1)["id"].tolist() == ["portfolio"]
    assert next_steps(make_plan(), n=3)["id"].tolist() == ["sql", "metrics", "interview"]


# --- pace_forecast / burnup ----------------------------------------------------------------


def test_pace_sentence_reads_like_the_example() -> None:
    """20 hours left at 5 h/week from 12 Feb 2027 finishes 12 March, 3 weeks before target."""
    plan = make_plan()
    forecast = pace_forecast(plan, Target(date(2027, 4, 2), 5.0), date(2027, 2, 12))
    assert forecast.finish_date == date(2027, 3, 12)
    assert forecast.days_ahead == 21
    assert forecast.status == "on-track"
    assert forecast.sentence == (
        "At 5 hours a week you finish on 12 March 2027, 3 weeks before your target date."
    )


def test_forecast_moves_later_when_hours_per_week_drop() -> None:
    """Spending fewer hours a week pushes the finish date out."""
    plan = make_plan(done("metrics"))
    today = date(2026, 3, 10)
    fast = pace_forecast(plan, Target(None, 8.0), today)
    slow = pace_forecast(plan, Target(None, 2.0), today)
    assert fast.finish_date is not None
    assert slow.finish_date is not None
    assert slow.finish_date > fast.finish_date
    assert slow.remaining_hours == fast.remaining_hours == 17.0
    assert slow.weeks_needed == 8.5


def test_behind_schedule_says_by_how_much_and_the_pace_needed() -> None:
    """When the finish is after the target, status is behind and the sentence gives a pace."""
    forecast = pace_forecast(make_plan(), Target(date(2026, 3, 24), 5.0), date(2026, 3, 10))
    assert forecast.status == "behind"
    assert forecast.days_ahead == -14
    assert forecast.required_hours_per_week == 10.0
    assert "2 weeks after your target date of 24 March 2026" in forecast.sentence
    assert "About 10 hours a week would get you there." in forecast.sentence


def test_target_date_in_the_past_asks_for_a_new_one() -> None:
    """A target date that has passed marks the plan behind and suggests picking a new date."""
    forecast = pace_forecast(make_plan(), Target(date(2026, 1, 1), 5.0), date(2026, 3, 10))
    assert forecast.status == "behind"
    assert forecast.required_hours_per_week is None
    assert "pick a new one" in forecast.sentence


@pytest.mark.parametrize(
    ("target", "status", "phrase"),
    [
        (Target(date(2026, 6, 1), None), "no-pace", "about 1.7 hours a week"),
        (Target(None, 0.0), "no-pace", "Set the hours you can spend each week"),
        (None, "no-pace", "You have 20 hours left."),
        (Target(None, 4.0), "no-target", "Set a target date"),
    ],
)
def test_missing_pace_or_target_is_explained(
    target: Target | None, status: str, phrase: str
) -> None:
    """Without weekly hours there is no finish date; without a target there is no verdict."""
    forecast = pace_forecast(make_plan(), target, date(2026, 3, 10))
    assert forecast.status == status
    assert phrase in forecast.sentence
    if status == "no-pace":
        assert forecast.finish_date is None
        assert forecast.hours_per_week is None


def test_finished_plan_reports_done() -> None:
    """With every step done or skipped the forecast says so, whatever the target."""
    plan = make_plan(
        done("sql"),
        done("metrics"),
        done("interview"),
        {"step_id": "portfolio", "status": "skipped"},
    )
    forecast = pace_forecast(plan, Target(date(2026, 1, 1), 5.0), date(2026, 3, 10))
    assert forecast.status == "done"
    assert forecast.remaining_hours == 0.0
    assert forecast.sentence == "You have finished every step in your plan."


def test_burnup_accumulates_done_hours_by_completion_day_up_to_today() -> None:
    """The burn-up rises on each completion day, sorted, and ends today at the hours done."""
    plan = make_plan(
        done("metrics", "2026-03-05T23:30:00Z"),
        done("sql", "2026-03-02T08:00:00Z"),
        done("interview", "2026-03-05T01:00:00Z"),
    )
    chart = burnup(plan, Target(date(2026, 4, 1), 5.0), date(2026, 3, 10))
    assert chart.actual["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-03-01",
        "2026-03-02",
        "2026-03-05",
        "2026-03-10",
    ]
    assert chart.actual["hours"].tolist() == [0.0, 10.0, 15.0, 15.0]
    assert chart.done_hours == 15.0
    assert chart.planned_hours == 20.0
    assert chart.target_date == date(2026, 4, 1)


def test_burnup_forecast_runs_from_todays_hours_to_the_total_at_the_finish_date() -> None:
    """The forecast line starts at today's hours and reaches the total on the finish date."""
    plan = make_plan(done("sql"))
    chart = burnup(plan, Target(None, 5.0), date(2026, 3, 10))
    assert chart.forecast["hours"].tolist() == [10.0, 20.0]
    assert chart.forecast["date"].dt.date.tolist() == [date(2026, 3, 10), date(2026, 3, 24)]
    assert chart.finish_date == date(2026, 3, 24)


def test_burnup_without_pace_has_no_forecast_and_counts_undated_completions_today() -> None:
    """Unknown pace leaves the forecast empty; a done step without a date counts today."""
    plan = make_plan({"step_id": "sql", "status": "done", "completed_at": pd.NaT})
    chart = burnup(plan, None, date(2026, 3, 10))
    assert chart.forecast.empty
    assert chart.actual["hours"].iloc[-1] == 10.0
    assert chart.actual["date"].iloc[-1] == pd.Timestamp("2026-03-10")


def test_burnup_with_nothing_done_starts_at_zero_today() -> None:
    """A new learner's burn-up is a single zero point today."""
    chart = burnup(make_plan(), Target(None, 5.0), date(2026, 3, 10))
    assert chart.actual.to_dict("list") == {"date": [pd.Timestamp("2026-03-10")], "hours": [0.0]}


# --- streak / calendar ---------------------------------------------------------------------


def test_streak_counts_consecutive_days_ending_today() -> None:
    """Three active days in a row up to today make a 3-day streak."""
    activity = make_activity({"2026-03-08": 1, "2026-03-09": 4, "2026-03-10": 2})
    assert streak(activity, date(2026, 3, 10)) == 3


def test_streak_breaks_on_a_gap() -> None:
    """A day without activity ends the streak; earlier days do not count."""
    activity = make_activity({"2026-03-05": 1, "2026-03-06": 1, "2026-03-09": 1, "2026-03-10": 1})
    assert streak(activity, date(2026, 3, 10)) == 2


def test_streak_survives_until_the_learner_acts_today() -> None:
    """If today has no activity yet, a streak ending yesterday still counts."""
    activity = make_activity({"2026-03-08": 1, "2026-03-09": 1})
    assert streak(activity, date(2026, 3, 10)) == 2
    assert streak(activity, date(2026, 3, 11)) == 0


def test_days_with_zero_events_do_not_count_and_no_activity_is_zero() -> None:
    """A zero-event day breaks the streak and an empty history has no streak."""
    activity = make_activity({"2026-03-08": 1, "2026-03-09": 0, "2026-03-10": 1})
    assert streak(activity, date(2026, 3, 10)) == 1
    assert streak(make_activity({}), date(2026, 3, 10)) == 0


def test_calendar_is_a_complete_weekday_by_week_grid_with_zeros() -> None:
    """The calendar has 7 rows and one column per week, zeros on quiet days, NA after today."""
    activity = make_activity({"2026-03-03": 5, "2026-03-09": 2, "2025-01-01": 9})
    grid = calendar_frame(activity, date(2026, 3, 11), weeks=3)
    assert grid.index.tolist() == list(WEEKDAYS)
    assert [c.strftime("%Y-%m-%d") for c in grid.columns] == [
        "2026-02-23",
        "2026-03-02",
        "2026-03-09",
    ]
    assert grid.loc["Tue", pd.Timestamp("2026-03-02")] == 5
    assert grid.loc["Mon", pd.Timestamp("2026-03-09")] == 2
    assert grid.loc["Wed", pd.Timestamp("2026-03-09")] == 0
    assert grid.loc[["Thu", "Fri", "Sat", "Sun"], pd.Timestamp("2026-03-09")].isna().all()
    assert int(grid.sum().sum()) == 7  # the 2025 activity is outside the window


def test_calendar_defaults_to_52_weeks_and_handles_no_activity() -> None:
    """With no activity the default grid is 7 x 52 and all past cells are zero."""
    grid = calendar_frame(make_activity({}), date(2026, 3, 15))
    assert grid.shape == (7, 52)
    assert int(grid.sum().sum()) == 0
    assert grid.notna().all().all()  # 15 March 2026 is a Sunday: no future days


def test_calendar_rejects_fewer_than_one_week() -> None:
    """Asking for zero weeks is a programming error."""
    with pytest.raises(ValueError, match="weeks"):
        calendar_frame(make_activity({}), date(2026, 3, 15), weeks=0)


# --- skills and phases ---------------------------------------------------------------------


def make_skills() -> pd.DataFrame:
    """Five skills in content order over the three levels."""
    return pd.DataFrame(
        {
            "id": ["sql", "storytelling", "statistics", "python", "research"],
            "name": ["SQL", "Storytelling", "Statistics", "Python", "User research"],
            "category": ["data", "communication", "data", "data", "research"],
            "importance": ["helpful", "required", "required", "optional", "helpful"],
            "summary": ["", "", "", "", ""],
            "how_to_build": ["", "", "", "", ""],
            "sources": [[], [], [], [], []],
        }
    )


def make_ratings(levels: dict[str, int]) -> pd.DataFrame:
    """Build a latest_ratings frame from {subject_id: level}."""
    return pd.DataFrame(
        {
            "subject_id": list(levels),
            "level": pd.Series(list(levels.values()), dtype="int64"),
            "rated_at": pd.Series([UTC_NOON] * len(levels), dtype="datetime64[us, UTC]"),
        }
    )


STEP_SKILLS = pd.DataFrame(
    {
        "step_id": ["sql", "metrics", "portfolio", "interview", "metrics"],
        "skill_id": ["sql", "statistics", "storytelling", "storytelling", "sql"],
    }
)


def test_skill_gaps_put_the_biggest_gap_first_then_level_then_content_order() -> None:
    """Gaps sort descending; ties go required, helpful, optional, then content order."""
    ratings = make_ratings({"sql": 1, "storytelling": 2, "statistics": 2, "python": 1})
    gaps = skill_gaps(make_skills(), ratings, STEP_SKILLS, make_plan())
    assert gaps["skill_id"].tolist() == ["storytelling", "statistics", "sql", "research", "python"]
    assert gaps["gap"].tolist() == [2, 2, 2, 2, 1]
    assert gaps["target"].tolist() == [4, 4, 3, 3, 2]


def test_unrated_skill_shows_zero_but_its_gap_counts_from_one() -> None:
    """An unrated skill reads as 'not rated' (0) and its gap is measured from 1."""
    gaps = skill_gaps(make_skills(), make_ratings({}), STEP_SKILLS, make_plan())
    research = gaps.set_index("skill_id").loc["research"]
    assert not research["rated"]
    assert research["current"] == 0
    assert research["gap"] == 2  # helpful target 3 minus 1


def test_skill_at_or_above_target_has_no_gap_and_n_leaves_it_out() -> None:
    """A skill rated above target has gap 0 and is never among the top n gaps."""
    ratings = make_ratings(
        {"sql": 5, "storytelling": 4, "statistics": 4, "python": 2, "research": 1}
    )
    gaps = skill_gaps(make_skills(), ratings, STEP_SKILLS, make_plan())
    assert gaps.set_index("skill_id").loc["sql", "gap"] == 0
    top = skill_gaps(make_skills(), ratings, STEP_SKILLS, make_plan(), n=3)
    assert top["skill_id"].tolist() == ["research"]


def test_latest_rating_wins_when_a_skill_has_several() -> None:
    """Only the most recent rating of a skill sets its current level."""
    ratings = pd.DataFrame(
        {
            "subject_id": ["sql", "sql"],
            "level": [4, 2],
            "rated_at": pd.to_datetime(["2026-03-05T00:00Z", "2026-03-01T00:00Z"], utc=True),
        }
    )
    gaps = skill_gaps(make_skills(), ratings, STEP_SKILLS, make_plan())
    assert gaps.set_index("skill_id").loc["sql", "current"] == 4


def test_closing_steps_are_the_unfinished_steps_that_build_the_skill_in_plan_order() -> None:
    """Done and skipped steps are not suggested; the rest come by title in plan order."""
    plan = make_plan(done("sql"), {"step_id": "portfolio", "status": "skipped"})
    gaps = skill_gaps(make_skills(), make_ratings({}), STEP_SKILLS, plan).set_index("skill_id")
    assert gaps.loc["sql", "closing_step_ids"] == ["metrics"]
    assert gaps.loc["sql", "closing_steps"] == ["Define metrics"]
    assert gaps.loc["storytelling", "closing_steps"] == ["Mock interview"]
    assert gaps.loc["storytelling", "closing_hours"] == 2.0
    assert gaps.loc["python", "closing_steps"] == []


def test_phase_confidence_lists_phases_in_order_with_missing_ratings_as_na() -> None:
    """Every phase appears in order; unrated phases have no level rather than 0."""
    phases = pd.DataFrame(
        {
            "id": ["build", "discover"],
            "order": [2, 1],
            "name": ["Build", "Discover"],
            "designer_takes_part": [False, True],
        }
    )
    confidence = phase_confidence(phases, make_ratings({"discover": 3, "gone": 5}))
    assert confidence.columns.tolist() == [
        "phase_id",
        "order",
        "name",
        "level",
        "designer_takes_part",
    ]
    assert confidence["name"].tolist() == ["Discover", "Build"]
    assert confidence["level"].iloc[0] == 3
    assert pd.isna(confidence["level"].iloc[1])
    assert confidence["designer_takes_part"].tolist() == [True, False]


def test_rating_trend_averages_latest_ratings_per_category_and_drops_retired() -> None:
    """After each rating, a category shows the mean of its skills' latest ratings."""
    history = pd.DataFrame(
        {
            "subject_id": ["sql", "storytelling", "statistics", "sql", "old-skill"],
            "level": [1, 2, 5, 3, 4],
            "rated_at": pd.to_datetime(
                ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-09", "2026-03-01"], utc=True
            ),
        }
    )
    trend = rating_trend(history, make_skills())
    assert trend.columns.tolist() == ["rated_at", "category", "average", "rated_skills"]
    data = trend.loc[trend["category"] == "data"]
    assert data["average"].tolist() == [1.0, 1.0, 3.0, 4.0]  # sql 1; +stats 5; sql now 3
    assert data["rated_skills"].tolist() == [1, 1, 2, 2]
    communication = trend.loc[trend["category"] == "communication"]
    assert communication["average"].tolist() == [2.0, 2.0, 2.0]  # from its first rating on
    assert "old-skill" not in set(trend["category"])


def test_rating_trend_of_no_ratings_is_empty() -> None:
    """Without ratings there is no trend, and no error."""
    empty = pd.DataFrame(columns=["subject_id", "level", "rated_at"])
    assert rating_trend(empty, make_skills()).empty


# --- case study ----------------------------------------------------------------------------


SECTIONS = pd.DataFrame(
    {
        "id": ["result", "problem", "process"],
        "order": [3, 1, 2],
        "title": ["Result", "Problem", "Process"],
        "purpose": ["", "", ""],
        "guiding_questions": [[], [], []],
        "guest_example": ["", "", ""],
        "sources": [[], [], []],
    }
)


def test_completeness_is_the_share_of_sections_with_text() -> None:
    """Two of three sections written is two thirds; whitespace-only text does not count."""
    draft = {"problem": "Churn was rising.", "result": "Cut churn by 5%.", "process": "   \n"}
    assert case_study_completeness(SECTIONS, draft) == pytest.approx(2 / 3)
    assert case_study_completeness(SECTIONS, {}) == 0.0
    assert case_study_completeness(SECTIONS.iloc[0:0], draft) == 0.0


def test_markdown_has_every_filled_section_in_template_order_and_omits_empty_ones() -> None:
    """Filled sections appear as '## title' in template order; empty ones are left out."""
    draft = {"result": "Cut churn by 5%.", "problem": "Churn was rising.", "process": ""}
    text = case_study_markdown("Churn dashboard", SECTIONS, draft)
    assert text.startswith("# Churn dashboard\n\n")
    assert text.index("## Problem\n\nChurn was rising.") < text.index("## Result\n\nCut churn")
    assert "## Process" not in text


def test_markdown_escapes_pasted_html_but_keeps_markdown() -> None:
    """A pasted <script> shows as text; Markdown emphasis, lists and quotes still work."""
    draft = {
        "problem": "<script>alert('x')</script> R&D **bold**\n- item\n> a quote from Sara",
        "process": 'Used <img src=x onerror="alert(1)"> and 3 > 2',
    }
    text = case_study_markdown("<b>Title</b>", SECTIONS, draft)
    assert "<script>" not in text
    assert "<img" not in text
    assert "<b>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in text
    assert "R&amp;D **bold**\n- item\n> a quote from Sara" in text
    assert "3 &gt; 2" in text
    assert text.startswith("# &lt;b&gt;Title&lt;/b&gt;")


def test_markdown_ends_with_the_episode_citation_when_given() -> None:
    """The citation closes the piece, after a rule, in italics."""
    text = case_study_markdown(
        "T", SECTIONS, {"problem": "P"}, episode_citation="Based on DataTalks.Club S6E4"
    )
    assert text.endswith("---\n\n*Based on DataTalks.Club S6E4*\n")


# --- safe_link / plan_csv ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["https://example.com/path?q=1", "http://example.com", "HTTPS://Example.com/a_(b)"],
)
def test_safe_link_accepts_http_and_https_urls_with_a_host(url: str) -> None:
    """Web links are returned unchanged so the page can make them clickable."""
    assert safe_link(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.com/file",
        "https://",
        "http:///path-only",
        "//example.com",
        "example.com",
        "https://exa mple.com",
        "https://example.com/\nx",
        "http://[::1",
        "",
        None,
        42,
    ],
)
def test_safe_link_rejects_anything_but_http_urls_with_a_host(url: object) -> None:
    """Scripts, data URIs, other schemes and malformed links are not made clickable."""
    assert safe_link(url) is None


def test_safe_link_trims_surrounding_whitespace() -> None:
    """A link pasted with spaces around it still works."""
    assert safe_link("  https://example.com  ") == "https://example.com"


def test_plan_csv_lists_every_step_with_its_status() -> None:
    """The CSV has a header and one row per step, in plan order, with status and dates."""
    plan = make_plan(done("metrics", "2026-03-04T10:00:00Z"))
    table = pd.read_csv(io.StringIO(plan_csv(plan)), dtype=str, keep_default_na=False)
    assert table.columns.tolist() == [
        "track",
        "step",
        "step_id",
        "title",
        "hours",
        "status",
        "started",
        "completed",
        "note",
        "links",
    ]
    assert table["step_id"].tolist() == ["sql", "metrics", "interview", "portfolio"]
    assert table.set_index("step_id").loc["metrics", "status"] == "done"
    assert table.set_index("step_id").loc["metrics", "completed"] == "2026-03-04"


@pytest.mark.parametrize(
    "payload", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_plan_csv_neutralises_spreadsheet_formulas(payload: str) -> None:
    """A note, title or link starting with a formula character is prefixed with an apostrophe."""
    steps = make_steps()
    steps.loc[steps["id"] == "sql", "title"] = payload
    progress = make_progress(
        {"step_id": "sql", "status": "in-progress", "note": payload, "links": [payload, "x"]}
    )
    csv_text = plan_csv(plan_table(steps, make_tracks(), progress))
    table = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    row = table.set_index("step_id").loc["sql"]
    assert row["title"] == "'" + payload
    assert row["note"] == "'" + payload
    assert row["links"] == f"'{payload} x"
    assert "\n=" not in csv_text
    assert ",=" not in csv_text


# --- small helpers the pages use -----------------------------------------------------------


def test_today_is_a_date() -> None:
    """today() gives a calendar date (UTC), not a datetime."""
    assert type(today()) is date


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Churn Dashboard: a Case Study!", "churn-dashboard-a-case-study"),
        ("Café KPIs", "cafe-kpis"),
        ("  ../../etc/passwd ", "etc-passwd"),
        ("", "case-study"),
        ("???", "case-study"),
    ],
)
def test_slugify_makes_safe_file_names(title: str, slug: str) -> None:
    """Titles become lowercase hyphenated ASCII file names, with a fallback when blank."""
    assert slugify(title) == slug


def test_format_date_and_hours_read_naturally() -> None:
    """Dates read '12 March 2027'; hours are singular for one and trimmed of '.0'."""
    assert format_date(date(2027, 3, 12)) == "12 March 2027"
    assert format_hours(1.0) == "1 hour"
    assert format_hours(2.5) == "2.5 hours"
    assert format_hours(12.0) == "12 hours"


def test_interview_script_numbers_questions_in_order_with_room_for_notes() -> None:
    """The script lists every question in order, with its purpose and a Notes line."""
    questions = pd.DataFrame(
        {
            "id": ["tools", "pain"],
            "order": [2, 1],
            "question": ["Which tools do you use?", "What slows you down?"],
            "purpose": ["Map the stack", "Find the <pain>"],
            "sources": [[], []],
        }
    )
    script = interview_script(questions, "Becoming a Data Product Manager")
    assert script.startswith("# Customer-development interview script")
    assert script.index("## 1. What slows you down?") < script.index("## 2. Which tools")
    assert script.count("Notes:") == 2
    assert "Find the &lt;pain&gt;" in script


def test_glossary_search_matches_term_or_definition_in_any_case() -> None:
    """Searching finds a word in the term or the definition; a blank search shows all."""
    glossary = pd.DataFrame(
        {
            "id": ["prd", "kpi"],
            "term": ["PRD", "KPI"],
            "definition": ["Product requirements document", "Key performance indicator (a+b)"],
            "sources": [[], []],
        }
    )
    assert search_glossary(glossary, "prd")["id"].tolist() == ["prd"]
    assert search_glossary(glossary, "PERFORMANCE")["id"].tolist() == ["kpi"]
    assert search_glossary(glossary, "(a+b")["id"].tolist() == ["kpi"]
    assert len(search_glossary(glossary, "  ")) == 2
    assert search_glossary(glossary, "zzz").empty


def test_markdown_escapes_html_inside_code_too() -> None:
    """'<' in a code span is escaped as well: renderers disagree on code, so none is trusted."""
    text = case_study_markdown("T", SECTIONS, {"problem": "`a < b` then `<script>`"})
    assert "`a &lt; b` then `&lt;script&gt;`" in text
