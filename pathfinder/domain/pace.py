"""Pace: when the plan finishes at the learner's weekly hours, and the burn-up series."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, Protocol

import pandas as pd

from pathfinder.domain.dates import format_date, format_span, utc_day
from pathfinder.domain.plan import format_hours, plan_progress
from pathfinder.entities import DONE

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
    planned_hours: float
    target_date: date | None
    finish_date: date | None
    pace: PaceForecast


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
    remaining = max(summary.planned_hours - summary.done_hours, 0.0)
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
    forecast = PaceForecast(
        remaining_hours=remaining,
        hours_per_week=pace,
        weeks_needed=weeks_needed,
        finish_date=finish_date,
        target_date=target_date,
        days_ahead=days_ahead,
        required_hours_per_week=required,
        status="done",
        sentence="",
    )
    status, sentence = _verdict(forecast, any_step_done=summary.done_steps > 0)
    return replace(forecast, status=status, sentence=sentence)


def _verdict(forecast: PaceForecast, *, any_step_done: bool) -> tuple[PaceStatus, str]:
    """Return the forecast's status and the sentence that tells the learner about it."""
    remaining, pace = forecast.remaining_hours, forecast.hours_per_week
    target_date, required = forecast.target_date, forecast.required_hours_per_week
    if remaining <= 0:
        if any_step_done:
            return "done", "You have finished every step in your plan."
        return "done", "Nothing is left to do: your plan has no steps that are not skipped."
    if pace is None or forecast.finish_date is None:
        sentence = (
            f"You have {format_hours(remaining)} left. "
            "Set the hours you can spend each week to see when you finish."
        )
        if target_date is not None and required is not None:
            sentence += (
                f" To finish by {format_date(target_date)} you need about "
                f"{format_hours(required)} a week."
            )
        return "no-pace", sentence
    lead = f"At {format_hours(pace)} a week you finish on {format_date(forecast.finish_date)}"
    days_ahead = forecast.days_ahead
    if target_date is None or days_ahead is None:
        return "no-target", f"{lead}. Set a target date to see whether you are on track."
    if days_ahead == 0:
        return "on-track", f"{lead}, on your target date."
    if days_ahead > 0:
        return "on-track", f"{lead}, {format_span(days_ahead)} before your target date."
    sentence = (
        f"{lead}, {format_span(days_ahead)} after your target date of {format_date(target_date)}."
    )
    if required is not None:
        return "behind", sentence + f" About {format_hours(required)} a week would get you there."
    return "behind", sentence + " Your target date has passed; pick a new one."


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

    done = plan.loc[plan["status"] == DONE]
    days = utc_day(done["completed_at"]).fillna(today_ts)
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
                "hours": [summary.done_hours, summary.planned_hours],
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
        planned_hours=summary.planned_hours,
        target_date=pace.target_date,
        finish_date=pace.finish_date,
        pace=pace,
    )
