"""Calendar days and the wording of dates and spans, independent of the server's locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final

import pandas as pd

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


def today() -> date:
    """Return today's date in UTC, the calendar the store's activity days use."""
    return datetime.now(UTC).date()


def utc_day(values: pd.Series) -> pd.Series:
    """Return the UTC calendar day (naive midnight) of each timestamp; naive means UTC."""
    stamps = pd.to_datetime(values, utc=True)
    return stamps.dt.tz_localize(None).dt.normalize()


def format_date(day: date) -> str:
    """Format a date as '12 March 2027', independent of the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_span(days: int) -> str:
    """Format a number of days as '1 day', '10 days' or '3 weeks' (weeks from 14 days)."""
    days = abs(days)
    if days < 14:
        return f"{days} day" + ("" if days == 1 else "s")
    return f"{round(days / 7)} weeks"
