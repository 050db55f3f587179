"""Activity: study days, the streak and the calendar grid."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pandas as pd

from pathfinder.domain.dates import utc_day

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Row labels of ``calendar_frame``, Monday first (ISO weeks)."""


def _active_days(activity_per_day: pd.DataFrame) -> pd.DatetimeIndex:
    """Return the distinct UTC days with at least one event, sorted."""
    active = activity_per_day.loc[activity_per_day["events"] > 0, "day"]
    return pd.DatetimeIndex(utc_day(active).unique()).sort_values()


def streak(activity_per_day: pd.DataFrame, today: date) -> int:
    """Count consecutive active days ending today, or yesterday if today has no activity yet.

    ``today`` should be the UTC date, to match the store's UTC days.
    """
    active = set(_active_days(activity_per_day).date)
    day = today if today in active else today - timedelta(days=1)
    days = 0
    while day - timedelta(days=days) in active:
        days += 1
    return days


def calendar_frame(activity_per_day: pd.DataFrame, today: date, weeks: int = 52) -> pd.DataFrame:
    """Return events per day for the last ``weeks`` ISO weeks as a weekday x week grid.

    Rows are ``WEEKDAYS`` (Mon first), columns the Monday of each week, oldest first.
    Days without events are 0; days after ``today`` are NaN (so the values are floats).
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}.")
    today_ts = pd.Timestamp(today)
    this_monday = today_ts - pd.Timedelta(days=today_ts.weekday())
    first_monday = this_monday - pd.Timedelta(weeks=weeks - 1)
    days = pd.date_range(first_monday, periods=weeks * 7, freq="D")

    per_day = activity_per_day["events"].groupby(utc_day(activity_per_day["day"]).to_numpy()).sum()
    events = per_day.reindex(days, fill_value=0).astype(float).where(days <= today_ts)
    # Day i of the range is weekday i % 7 of week i // 7.
    return pd.DataFrame(
        events.to_numpy().reshape(weeks, 7).T,
        index=pd.Index(WEEKDAYS, name="weekday"),
        columns=pd.DatetimeIndex(days[::7], name="week"),
    )
