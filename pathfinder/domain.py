"""Pure functions on content and progress DataFrames: progress, pace, gaps and exports.

Every function here takes DataFrames shaped as in ``docs/architecture.md`` and returns new
ones; nothing is cached or mutated, so any Streamlit session can call them from any thread.

Rating scale (skills and lifecycle phases, self-rated 1-5)::

    1 new to it · 2 know the basics · 3 can do it with help · 4 can do it on my own ·
    5 could teach it

``LEVEL_TARGET`` is this project's choice of the rating to reach before applying for a data
product manager role (the interview gives no scale): ``required`` skills are the ones the
role is built on, so the target is doing them unaided (4); ``helpful`` skills need working
knowledge (3); ``optional`` ones only enough to follow the conversation (2). Nobody needs a
5 to get hired. An unrated skill reads as 0 ("not rated") but its gap is counted from 1.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

STATUSES: Final = ("not-started", "in-progress", "done", "skipped")
"""Plan-item statuses, in the order a learner moves through them."""

LEVEL_TARGET: Final = MappingProxyType({"required": 4, "helpful": 3, "optional": 2})
"""Self-rating (1-5) to reach per skill level; read-only so no session can change it."""

SKILL_LEVELS: Final = tuple(LEVEL_TARGET)
"""Skill levels from most to least important (the tie-break order for gaps)."""

RATING_SCALE: Final = MappingProxyType(
    {
        1: "New to it",
        2: "Know the basics",
        3: "Can do it with help",
        4: "Can do it on my own",
        5: "Could teach it",
    }
)
"""What each self-rating means; ``LEVEL_TARGET`` is chosen against these words."""

PROGRESS_COLUMNS: Final = (
    "item_id",
    "status",
    "started_at",
    "completed_at",
    "note",
    "note_version",
    "links",
    "updated_at",
)
"""Columns of ``pathfinder.store.item_progress``."""

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Row labels of ``calendar_frame``, Monday first (ISO weeks)."""

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a CSV cell as a formula."""

_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_OPEN_STATUSES: Final = ("in-progress", "not-started")
# A line's leading quote markers after html.escape, e.g. "&gt; &gt; " for a nested quote.
_ESCAPED_QUOTE_MARKERS: Final = re.compile(r"^ {0,3}(?:&gt; ?)+", re.MULTILINE)

PaceStatus = Literal["done", "on-track", "behind", "no-target", "no-pace"]


class TargetLike(Protocol):
    """Anything with a target date and weekly hours, such as ``pathfinder.store.Target``."""

    @property
    def target_date(self) -> date | None:
        """Return the date the learner wants to finish by."""

    @property
    def hours_per_week(self) -> float | None:
        """Return the hours the learner can spend each week."""


@dataclass(frozen=True)
class PlanProgress:
    """Headline progress of a plan; skipped steps count neither as done nor as to do."""

    done_steps: int
    total_steps: int
    done_hours: float
    total_hours: float
    percent: float
    skipped_steps: int
    in_progress_steps: int


@dataclass(frozen=True)
class PaceForecast:
    """When the plan finishes at the learner's pace, compared with their target date."""

    remaining_hours: float
    hours_per_week: float | None
    weeks_needed: float | None
    finish_date: date | None
    target_date: date | None
    days_ahead: int | None
    required_hours_per_week: float | None
    status: PaceStatus
    sentence: str


@dataclass(frozen=True, eq=False)
class BurnUp:
    """Series for a burn-up chart: hours done so far and the forecast to the finish."""

    actual: pd.DataFrame
    forecast: pd.DataFrame
    done_hours: float
    total_hours: float
    target_date: date | None
    finish_date: date | None
    pace: PaceForecast


# --- plan and progress -----------------------------------------------------------------


def _utc_day(values: pd.Series) -> pd.Series:
    """Return the UTC calendar day (naive midnight) of each timestamp; naive means UTC."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_localize(None).dt.normalize()


def _normalised_progress(progress: pd.DataFrame) -> pd.DataFrame:
    """Return one progress row per item (the latest), with every store column present."""
    frame = progress.reindex(columns=list(PROGRESS_COLUMNS))
    unknown = sorted(set(frame["status"].dropna()) - set(STATUSES))
    if unknown:
        raise ValueError(f"Unknown plan-item status {unknown}; expected one of {STATUSES}.")
    if frame["item_id"].duplicated().any():
        frame = frame.sort_values("updated_at", kind="stable", na_position="first")
        frame = frame.drop_duplicates("item_id", keep="last")
    return frame


def plan_table(steps: pd.DataFrame, tracks: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """Join every content step to its track and the learner's progress, in plan order.

    Adds ``track``, ``track_order``, ``position`` (0-based plan order) and the progress
    columns; steps without progress are ``not-started`` with an empty note and no links.
    Progress for ids that are not steps is left out (see ``retired_progress``).
    """
    # Plain lookups and one DataFrame construction instead of merges and column-by-column
    # assignment: on a few dozen rows pandas' per-call overhead is what costs, and every
    # page rerun builds this table.
    order_of = dict(zip(tracks["id"], tracks["order"], strict=True))
    name_of = dict(zip(tracks["id"], tracks["name"], strict=True))
    track_ids = steps["track_id"].tolist()
    track_order = np.array([order_of.get(t, np.nan) for t in track_ids], dtype=float)
    in_order = np.lexsort((steps["order"].to_numpy(), track_order))
    columns: dict[str, Any] = {name: steps[name].to_numpy()[in_order] for name in steps.columns}
    columns["hours"] = np.nan_to_num(steps["hours"].to_numpy(dtype=float)[in_order])
    columns["track"] = np.array([name_of.get(t) for t in track_ids], dtype=object)[in_order]
    columns["track_order"] = track_order[in_order]
    columns["position"] = np.arange(len(in_order))

    own = _normalised_progress(progress)
    row_of = {item: i for i, item in enumerate(own["item_id"].tolist())}
    found = np.array([row_of.get(step_id, -1) for step_id in columns["id"]], dtype=np.intp)
    has = found >= 0

    def pick(column: str, missing: object) -> np.ndarray:
        values = np.full(len(found), missing, dtype=object)
        values[has] = own[column].to_numpy(dtype=object)[found[has]]
        return values

    columns["status"] = pick("status", "not-started").astype(str)
    columns["note"] = np.where(pd.isna(pick("note", "")), "", pick("note", "")).astype(str)
    columns["note_version"] = pick("note_version", 0).astype("int64")
    columns["links"] = [list(v) if isinstance(v, list | tuple) else [] for v in pick("links", None)]
    for column in ("started_at", "completed_at", "updated_at"):
        stamps = pd.to_datetime(own[column], utc=True).array
        columns[column] = stamps.take(found, allow_fill=True)  # -1 becomes NaT
    plan = pd.DataFrame(columns)
    return plan


def retired_progress(steps: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """Return progress rows whose item is no longer a content step (kept, shown as retired)."""
    retired = progress.loc[~progress["item_id"].isin(steps["id"])]
    return retired.reset_index(drop=True)


def _percent(done: float, total: float) -> float:
    """Return done/total as 0-100, and 0 when there is nothing to do."""
    if total <= 0 or not math.isfinite(total) or not math.isfinite(done):
        return 0.0
    return float(min(max(done / total * 100.0, 0.0), 100.0))


def plan_progress(plan: pd.DataFrame) -> PlanProgress:
    """Summarise a plan table: steps and hours done out of everything not skipped.

    ``percent`` is the share of planned hours done, so a 10-hour step moves the bar more
    than a 1-hour one; when the planned steps carry no hours it falls back to step counts.
    """
    status = plan["status"]
    counted = status != "skipped"
    done = status == "done"
    done_steps = int(done.sum())
    total_steps = int(counted.sum())
    done_hours = float(plan.loc[done, "hours"].sum())
    total_hours = float(plan.loc[counted, "hours"].sum())
    if total_hours > 0:
        percent = _percent(done_hours, total_hours)
    else:
        percent = _percent(done_steps, total_steps)
    return PlanProgress(
        done_steps=done_steps,
        total_steps=total_steps,
        done_hours=done_hours,
        total_hours=total_hours,
        percent=percent,
        skipped_steps=int((status == "skipped").sum()),
        in_progress_steps=int((status == "in-progress").sum()),
    )


def track_progress(plan: pd.DataFrame) -> pd.DataFrame:
    """Return per-track steps and hours done and planned (skipped left out), in track order.

    Columns: track_id, track, done_steps, total_steps, done_hours, planned_hours, percent
    (of planned hours, or of steps when the track has no hours).
    """
    # Sums with numpy over factorised track codes: a groupby costs several milliseconds
    # here, and the overview and plan pages call this on every rerun.
    rows = plan
    codes, track_ids = pd.factorize(rows["track_id"], sort=False)
    status = rows["status"].to_numpy(dtype=object)
    hours = rows["hours"].to_numpy(dtype=float)
    counted = status != "skipped"
    done = status == "done"
    n = len(track_ids)
    first = np.unique(codes, return_index=True)[1]

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n)

    done_steps = total(done.astype(float)).astype("int64")
    total_steps = total(counted.astype(float)).astype("int64")
    done_hours = total(np.where(done, hours, 0.0))
    planned_hours = total(np.where(counted, hours, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        by_hours = np.where(planned_hours > 0, 100.0 * done_hours / planned_hours, np.nan)
        by_steps = np.where(total_steps > 0, 100.0 * done_steps / total_steps, np.nan)
    percent = np.clip(np.nan_to_num(np.where(np.isnan(by_hours), by_steps, by_hours)), 0, 100)
    per_track = pd.DataFrame(
        {
            "track_id": np.asarray(track_ids, dtype=object),
            "track": rows["track"].to_numpy()[first],
            "done_steps": done_steps,
            "total_steps": total_steps,
            "done_hours": done_hours,
            "planned_hours": planned_hours,
            "percent": percent.astype(float),
            "_order": rows["track_order"].to_numpy(dtype=float)[first],
        }
    )
    per_track = per_track.sort_values("_order", kind="stable").drop(columns="_order")
    per_track = per_track.reset_index(drop=True)
    return per_track


def hours_by_track(plan: pd.DataFrame) -> pd.DataFrame:
    """Return hours done and planned (skipped left out) per track, in track order."""
    return track_progress(plan)[["track_id", "track", "done_hours", "planned_hours"]]


def next_steps(plan: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Return up to ``n`` steps to work on: in-progress ones first, then not-started."""
    status = plan["status"].to_numpy(dtype=object)
    rank = np.select([status == s for s in _OPEN_STATUSES], range(len(_OPEN_STATUSES)), -1)
    chosen = np.flatnonzero(rank >= 0)
    position = plan["position"].to_numpy()[chosen]
    ordered = chosen[np.lexsort((position, rank[chosen]))][: max(n, 0)]
    return plan.take(ordered).reset_index(drop=True)


# --- dates and wording ---------------------------------------------------------------------


def today() -> date:
    """Return today's date in UTC, the calendar the store's activity days use."""
    return datetime.now(UTC).date()


def slugify(text: str, fallback: str = "case-study") -> str:
    """Turn a title into a lowercase, hyphenated ASCII file-name stem ('Café KPIs' → cafe-kpis)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or fallback


def format_date(day: date) -> str:
    """Format a date as '12 March 2027', independent of the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_hours(hours: float) -> str:
    """Format an hour count as '1 hour', '2.5 hours' or '12 hours'."""
    rounded = round(hours, 1)
    return f"{rounded:g} hour" + ("" if rounded == 1 else "s")


# --- pace ----------------------------------------------------------------------------------


def _format_span(days: int) -> str:
    """Format a number of days as '1 day', '10 days' or '3 weeks' (weeks from 14 days)."""
    days = abs(days)
    if days < 14:
        return f"{days} day" + ("" if days == 1 else "s")
    return f"{round(days / 7)} weeks"


def _usable_pace(hours_per_week: float | None) -> float | None:
    """Return the weekly hours when they make a forecast possible, else None."""
    if hours_per_week is None:
        return None
    pace = float(hours_per_week)
    return pace if math.isfinite(pace) and pace > 0 else None


def pace_forecast(plan: pd.DataFrame, target: TargetLike | None, today: date) -> PaceForecast:
    """Forecast the finish date at the learner's weekly hours and compare it with the target.

    The finish date is ``today`` plus remaining hours / hours per week, in whole days rounded
    up. ``days_ahead`` is target minus finish (positive means ahead). ``status`` is ``done``
    when nothing is left, then ``no-pace`` without weekly hours, ``no-target`` without a
    target date, else ``on-track`` or ``behind``.
    """
    summary = plan_progress(plan)
    remaining = max(summary.total_hours - summary.done_hours, 0.0)
    pace = _usable_pace(target.hours_per_week if target is not None else None)
    target_date = target.target_date if target is not None else None

    weeks_needed = remaining / pace if pace is not None else None
    finish_date = (
        today + timedelta(days=math.ceil(weeks_needed * 7)) if weeks_needed is not None else None
    )
    days_ahead = (
        (target_date - finish_date).days
        if target_date is not None and finish_date is not None
        else None
    )
    days_to_target = (target_date - today).days if target_date is not None else None
    required = (
        remaining / (days_to_target / 7)
        if days_to_target is not None and days_to_target > 0 and remaining > 0
        else None
    )

    status: PaceStatus
    if remaining <= 0:
        status = "done"
        sentence = (
            "You have finished every step in your plan."
            if summary.done_steps
            else "Nothing is left to do: your plan has no steps that are not skipped."
        )
    elif pace is None:
        status = "no-pace"
        sentence = (
            f"You have {format_hours(remaining)} left. "
            "Set the hours you can spend each week to see when you finish."
        )
        if target_date is not None and required is not None:
            sentence += (
                f" To finish by {format_date(target_date)} you need about "
                f"{format_hours(required)} a week."
            )
    else:
        assert finish_date is not None  # pace is known, so the finish date is too
        lead = f"At {format_hours(pace)} a week you finish on {format_date(finish_date)}"
        if target_date is None or days_ahead is None:
            status = "no-target"
            sentence = f"{lead}. Set a target date to see whether you are on track."
        elif days_ahead >= 0:
            status = "on-track"
            sentence = (
                f"{lead}, on your target date."
                if days_ahead == 0
                else f"{lead}, {_format_span(days_ahead)} before your target date."
            )
        else:
            status = "behind"
            sentence = (
                f"{lead}, {_format_span(days_ahead)} after your target date of "
                f"{format_date(target_date)}."
            )
            if required is not None:
                sentence += f" About {format_hours(required)} a week would get you there."
            else:
                sentence += " Your target date has passed; pick a new one."

    return PaceForecast(
        remaining_hours=remaining,
        hours_per_week=pace,
        weeks_needed=weeks_needed,
        finish_date=finish_date,
        target_date=target_date,
        days_ahead=days_ahead,
        required_hours_per_week=required,
        status=status,
        sentence=sentence,
    )


def burnup(plan: pd.DataFrame, target: TargetLike | None, today: date) -> BurnUp:
    """Return cumulative hours done per day and the forecast line from today to the finish.

    Each done step adds its hours on the UTC day of ``completed_at`` (today when that is
    missing or in the future). ``actual`` (date, hours) starts at zero the day before the
    first completion and ends today at the hours done; ``forecast`` (date, hours) runs from
    there to the total at the learner's pace and is empty when the pace is unknown or
    nothing is left.
    """
    summary = plan_progress(plan)
    pace = pace_forecast(plan, target, today)
    today_ts = pd.Timestamp(today)

    done = plan.loc[plan["status"] == "done"]
    days = _utc_day(done["completed_at"]).fillna(today_ts)
    days = days.mask(days > today_ts, today_ts)
    daily = done["hours"].groupby(days.to_numpy()).sum().sort_index()
    if daily.empty:
        actual = pd.DataFrame({"date": [today_ts], "hours": [0.0]})
    else:
        cumulative = daily.cumsum()
        dates = pd.DatetimeIndex(cumulative.index)
        start = pd.DataFrame({"date": [dates[0] - pd.Timedelta(days=1)], "hours": [0.0]})
        steps_done = pd.DataFrame({"date": dates, "hours": cumulative.to_numpy(dtype=float)})
        parts = [start, steps_done]
        if dates[-1] < today_ts:
            parts.append(pd.DataFrame({"date": [today_ts], "hours": [summary.done_hours]}))
        actual = pd.concat(parts, ignore_index=True)

    if pace.finish_date is not None and pace.remaining_hours > 0:
        forecast = pd.DataFrame(
            {
                "date": [today_ts, pd.Timestamp(pace.finish_date)],
                "hours": [summary.done_hours, summary.total_hours],
            }
        )
    else:
        forecast = pd.DataFrame(
            {"date": pd.Series(dtype="datetime64[ns]"), "hours": pd.Series(dtype=float)}
        )
    return BurnUp(
        actual=actual,
        forecast=forecast,
        done_hours=summary.done_hours,
        total_hours=summary.total_hours,
        target_date=pace.target_date,
        finish_date=pace.finish_date,
        pace=pace,
    )


# --- activity ------------------------------------------------------------------------------


def _active_days(activity_per_day: pd.DataFrame) -> pd.DatetimeIndex:
    """Return the distinct UTC days with at least one event, sorted."""
    active = activity_per_day.loc[activity_per_day["events"] > 0, "day"]
    return pd.DatetimeIndex(_utc_day(active).unique()).sort_values()


def streak(activity_per_day: pd.DataFrame, today: date) -> int:
    """Count consecutive active days ending today, or yesterday if today has no activity yet.

    ``today`` should be the UTC date, to match the store's UTC days.
    """
    days = _active_days(activity_per_day)
    today_ts = pd.Timestamp(today)
    anchor = today_ts if today_ts in days else today_ts - pd.Timedelta(days=1)
    offsets = np.sort((anchor - days[days <= anchor]).days.to_numpy())
    breaks = np.flatnonzero(offsets != np.arange(offsets.size))
    return int(breaks[0]) if breaks.size else int(offsets.size)


def calendar_frame(activity_per_day: pd.DataFrame, today: date, weeks: int = 52) -> pd.DataFrame:
    """Return events per day for the last ``weeks`` ISO weeks as a weekday x week grid.

    Rows are ``WEEKDAYS`` (Mon first), columns the Monday of each week, oldest first.
    Days without events are 0; days after ``today`` are NaN. Values are floats so the grid
    can hold NaN in one 2-D block: a nullable Int64 grid costs ~7 ms to build, column by
    column.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}.")
    today_ts = pd.Timestamp(today)
    this_monday = today_ts - pd.Timedelta(days=today_ts.weekday())
    first_monday = this_monday - pd.Timedelta(weeks=weeks - 1)
    days = pd.date_range(first_monday, periods=weeks * 7, freq="D")

    per_day = activity_per_day["events"].groupby(_utc_day(activity_per_day["day"]).to_numpy()).sum()
    events = per_day.reindex(days, fill_value=0).to_numpy(dtype=float)
    events[days > today_ts] = np.nan
    return pd.DataFrame(
        events.reshape(weeks, 7).T,
        index=pd.Index(WEEKDAYS, name="weekday"),
        columns=pd.DatetimeIndex(days[::7], name="week"),
    )


# --- skills and phases ---------------------------------------------------------------------


def _latest_levels(latest_ratings: pd.DataFrame) -> pd.Series:
    """Return the most recent rating level per subject id."""
    ordered = latest_ratings.sort_values("rated_at", kind="stable")
    latest = ordered.drop_duplicates("subject_id", keep="last")
    return pd.Series(latest["level"].to_numpy(), index=latest["subject_id"].to_numpy())


def skill_gaps(
    skills: pd.DataFrame,
    latest_ratings: pd.DataFrame,
    step_skills: pd.DataFrame,
    plan: pd.DataFrame,
    n: int | None = None,
) -> pd.DataFrame:
    """Return each skill's rating, target and gap, biggest gap first, with steps that close it.

    ``current`` is 0 for an unrated skill (``rated`` False); the gap then counts it as 1,
    the lowest rating, so an unrated required skill shows the same gap as one rated 1.
    Ties go required, helpful, optional, then content order. ``closing_step_ids`` /
    ``closing_steps`` (titles) list the in-progress and not-started steps that build the
    skill, in plan order, with their ``closing_hours``. With ``n`` only the ``n`` biggest
    gaps are returned and skills already at target are left out.
    """
    unknown_levels = sorted(set(skills["level"]) - set(SKILL_LEVELS))
    if unknown_levels:
        raise ValueError(f"Unknown skill level {unknown_levels}; expected one of {SKILL_LEVELS}.")
    # Dicts and numpy over a few dozen skills and links: merges and groupbys cost ~1 ms
    # each here, and the skills page computes this on every rerun.
    latest = _latest_levels(latest_ratings).to_dict()
    ids = skills["id"].tolist()
    levels = skills["level"].tolist()
    rated = np.array([skill_id in latest for skill_id in ids], dtype=bool)
    current = np.array([int(latest.get(skill_id, 0)) for skill_id in ids], dtype="int64")
    target = np.array([LEVEL_TARGET[level] for level in levels], dtype="int64")
    gap = np.clip(target - np.maximum(current, 1), 0, None)

    open_rows = plan.loc[plan["status"].isin(_OPEN_STATUSES)]
    open_steps = {
        step_id: (position, title, float(hours))
        for step_id, position, title, hours in zip(
            open_rows["id"],
            open_rows["position"],
            open_rows["title"],
            open_rows["hours"],
            strict=True,
        )
    }
    closing: dict[str, list[str]] = {skill_id: [] for skill_id in ids}
    for step_id, skill_id in zip(step_skills["step_id"], step_skills["skill_id"], strict=True):
        if step_id in open_steps and skill_id in closing:
            closing[skill_id].append(step_id)
    closing_ids = [sorted(closing[i], key=lambda step: open_steps[step][0]) for i in ids]

    rank = {level: i for i, level in enumerate(SKILL_LEVELS)}
    order = np.lexsort((np.arange(len(ids)), np.array([rank[level] for level in levels]), -gap))
    frame = pd.DataFrame(
        {
            "skill_id": np.asarray(ids, dtype=object),
            "skill": skills["name"].to_numpy(),
            "category": skills["category"].to_numpy(),
            "level": np.asarray(levels, dtype=object),
            "skill_order": np.arange(len(ids)),
            "rated": rated,
            "current": current,
            "target": target,
            "gap": gap,
            "closing_step_ids": closing_ids,
            "closing_steps": [[open_steps[step][1] for step in steps] for steps in closing_ids],
            "closing_hours": [sum(open_steps[step][2] for step in steps) for steps in closing_ids],
        }
    )
    frame = frame.take(order).reset_index(drop=True)
    return frame if n is None else biggest_gaps(frame, n)


def biggest_gaps(gaps: pd.DataFrame, n: int) -> pd.DataFrame:
    """Return the ``n`` biggest gaps of a ``skill_gaps`` table, leaving out skills at target."""
    return gaps.loc[gaps["gap"] > 0].head(max(n, 0)).reset_index(drop=True)


def phase_confidence(phases: pd.DataFrame, latest_phase_ratings: pd.DataFrame) -> pd.DataFrame:
    """Return each lifecycle phase in order with the learner's confidence (1-5, or <NA>).

    Columns: phase_id, order, name, level, designer_takes_part.
    """
    frame = (
        phases[["id", "order", "name", "designer_takes_part"]]
        .rename(columns={"id": "phase_id"})
        .sort_values("order", kind="stable")
        .reset_index(drop=True)
    )
    levels = frame["phase_id"].map(_latest_levels(latest_phase_ratings))
    frame.insert(3, "level", levels.astype("Int64"))
    frame["designer_takes_part"] = frame["designer_takes_part"].astype(bool)
    return frame


def rating_trend(rating_history: pd.DataFrame, skills: pd.DataFrame) -> pd.DataFrame:
    """Return, after each rating, the mean latest rating per skill category (rated skills only).

    Columns: rated_at (UTC), category, average, rated_skills. Categories are in content
    order; a category appears from its first rating on. Ratings of skills no longer in
    the content are left out.
    """
    columns = ["rated_at", "category", "average", "rated_skills"]
    category_of = pd.Series(skills["category"].to_numpy(), index=skills["id"].to_numpy())
    history = rating_history.loc[rating_history["subject_id"].isin(category_of.index)]
    if history.empty:
        return pd.DataFrame(columns=columns)
    stamps = pd.to_datetime(history["rated_at"], utc=True)
    # One row per moment, one column per skill: the latest rating so far, carried forward.
    wide = (
        pd.DataFrame({"at": stamps, "skill": history["subject_id"], "level": history["level"]})
        .pivot_table(index="at", columns="skill", values="level", aggfunc="last")
        .sort_index()
        .ffill()
    )
    groups = category_of.reindex(wide.columns).to_numpy()
    average = wide.T.groupby(groups, sort=False).mean().T
    counted = wide.notna().T.groupby(groups, sort=False).sum().T
    order = [c for c in pd.unique(skills["category"]) if c in average.columns]
    trend = pd.DataFrame(
        {
            "rated_at": np.repeat(average.index.to_numpy(), len(order)),
            "category": np.tile(np.array(order, dtype=object), len(average)),
            "average": average[order].to_numpy().ravel(),
            "rated_skills": counted[order].to_numpy().ravel().astype("int64"),
        }
    )
    return trend.loc[trend["rated_skills"] > 0].reset_index(drop=True)


# --- case study ----------------------------------------------------------------------------


def _section_texts(sections: pd.DataFrame, draft_sections: dict[str, str]) -> pd.DataFrame:
    """Return the template sections in order with the learner's stripped text for each."""
    ordered = sections.sort_values("order", kind="stable")
    texts = ordered["id"].map(dict(draft_sections)).astype(object).fillna("").astype(str)
    texts = texts.str.strip()
    return pd.DataFrame(
        {"title": ordered["title"].astype(str).to_numpy(), "text": texts.to_numpy()}
    )


def case_study_completeness(sections: pd.DataFrame, draft_sections: dict[str, str]) -> float:
    """Return the share (0-1) of template sections that have non-blank text."""
    if sections.empty:
        return 0.0
    texts = _section_texts(sections, draft_sections)["text"]
    return float((texts != "").mean())


def escape_markdown_html(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so pasted HTML shows as text; keep blockquote markers.

    A ``>`` that starts a line is Markdown's quote marker and cannot open a tag, so it is
    kept; every other ``>`` and every ``<`` and ``&`` becomes an entity, which Markdown
    renders back as the character itself.
    """
    escaped = html.escape(text, quote=False)
    return _ESCAPED_QUOTE_MARKERS.sub(lambda match: match.group(0).replace("&gt;", ">"), escaped)


def case_study_markdown(
    title: str,
    sections: pd.DataFrame,
    draft_sections: dict[str, str],
    episode_citation: str | None = None,
) -> str:
    """Render a case-study draft as Markdown: '# title', then '## section' for filled ones.

    Sections follow the template order and empty ones are left out. The learner's text is
    kept as Markdown, with ``&``, ``<`` and ``>`` escaped so no raw HTML passes through.
    """
    texts = _section_texts(sections, draft_sections)
    filled = texts.loc[texts["text"] != ""]
    parts = [f"# {escape_markdown_html(title.strip()) or 'Case study'}"]
    parts.extend(
        f"## {escape_markdown_html(heading)}\n\n{escape_markdown_html(body)}"
        for heading, body in zip(
            filled["title"], filled["text"].str.replace("\r\n", "\n"), strict=True
        )
    )
    if episode_citation and episode_citation.strip():
        parts.append(f"---\n\n*{escape_markdown_html(episode_citation.strip())}*")
    return "\n\n".join(parts) + "\n"


# --- interview material --------------------------------------------------------------------


def interview_script(questions: pd.DataFrame, episode_title: str) -> str:
    """Render the interview questions as a Markdown script with room for notes under each."""
    ordered = questions.sort_values("order", kind="stable")
    parts = [
        "# Customer-development interview script",
        f"Questions from *{escape_markdown_html(episode_title)}*. Ask them in order and write "
        "what you hear under each one.",
    ]
    parts.extend(
        f"## {number}. {escape_markdown_html(question)}\n\n"
        f"*Why ask it:* {escape_markdown_html(purpose)}\n\nNotes:"
        for number, question, purpose in zip(
            ordered["order"], ordered["question"], ordered["purpose"], strict=True
        )
    )
    return "\n\n".join(parts) + "\n"


def search_glossary(glossary: pd.DataFrame, query: str) -> pd.DataFrame:
    """Return glossary rows whose term or definition contains ``query`` (any case; blank = all)."""
    needle = query.strip()
    if not needle:
        return glossary
    found = glossary["term"].str.contains(needle, case=False, regex=False) | glossary[
        "definition"
    ].str.contains(needle, case=False, regex=False)
    return glossary.loc[found]


# --- links and exports ---------------------------------------------------------------------


def safe_link(url: object) -> str | None:
    """Return ``url`` (trimmed) when it is an http(s) URL with a host, else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    return candidate


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """Prefix an apostrophe to text a spreadsheet would run as a formula ('=cmd' -> "'=cmd")."""
    text = values.astype(object).fillna("").astype(str)
    risky = text.str.startswith(FORMULA_PREFIXES)
    neutral: pd.Series = text.mask(risky, "'" + text)
    return neutral


def _date_text(values: pd.Series) -> pd.Series:
    """Return UTC dates as YYYY-MM-DD text, blank when missing."""
    text: pd.Series = _utc_day(values).dt.strftime("%Y-%m-%d")
    return text.fillna("")


def plan_csv(plan: pd.DataFrame) -> str:
    """Return the plan with the learner's status as CSV text, safe to open in a spreadsheet.

    Columns: track, step, step_id, title, hours, status, started, completed, note, links
    (space-separated), with RFC 4180 CRLF line ends. Text cells starting with =, +, -, @,
    tab or CR get a leading apostrophe so spreadsheets show them instead of running them.
    """
    export = pd.DataFrame(
        {
            "track": plan["track"],
            "step": plan["order"],
            "step_id": plan["id"],
            "title": plan["title"],
            "hours": plan["hours"],
            "status": plan["status"],
            "started": _date_text(plan["started_at"]),
            "completed": _date_text(plan["completed_at"]),
            "note": plan["note"],
            "links": plan["links"].str.join(" "),
        }
    )
    for column in ("track", "step_id", "title", "status", "note", "links"):
        export[column] = neutralise_formulas(export[column])
    # CRLF as in RFC 4180: the writer then quotes any cell holding a bare CR or LF.
    return export.to_csv(index=False, lineterminator="\r\n")
