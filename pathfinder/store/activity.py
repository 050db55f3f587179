"""The append-only activity log and the per-day counters that make its charts cheap."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.store.common import TIMESTAMP, per_dialect, read_frame, write_for_profile
from pathfinder.store.schema import activity_daily, utc_day, week_start
from pathfinder.store.schema import activity_log as log_table

DEFAULT_LOG_LIMIT = 50
PER_DAY_COLUMNS = {"day": TIMESTAMP, "events": "int64"}
PER_WEEK_COLUMNS = {"week": TIMESTAMP, "events": "int64"}
LOG_COLUMNS = {
    "id": "int64",
    "at": TIMESTAMP,
    "kind": "str",
    "subject_id": "object",
    "detail": "object",
}


def _bump_day(insert: Any) -> Any:
    new = insert(activity_daily)
    return new.on_conflict_do_update(
        index_elements=[activity_daily.c.profile_id, activity_daily.c.day],
        set_={"events": activity_daily.c.events + new.excluded.events},
    )


_BUMP_DAY = per_dialect(_bump_day)


def log_events(
    conn: Connection,
    profile_id: int,
    at: datetime,
    kind: str,
    events: list[tuple[str | None, Any]],
) -> None:
    """Append log rows and bump the day's counter inside the caller's transaction."""
    if not events:
        return
    conn.execute(
        log_table.insert(),
        [
            {"profile_id": profile_id, "at": at, "kind": kind, "subject_id": s, "detail": d}
            for s, d in events
        ],
    )
    # at is UTC (callers pass utc_now()), so .date() is the UTC day the SQL side uses.
    conn.execute(
        _BUMP_DAY[conn.dialect.name],
        {"profile_id": profile_id, "day": at.date(), "events": len(events)},
    )


def log_event(
    conn: Connection,
    profile_id: int,
    at: datetime,
    kind: str,
    subject_id: str | None = None,
    detail: Any = None,
) -> None:
    """Append one log row and bump the day's counter inside the caller's transaction."""
    log_events(conn, profile_id, at, kind, [(subject_id, detail)])


def activity_per_day(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return events per UTC day (day, events), oldest first, for activity charts."""
    # Reads the per-day counters (one row per active day), not the log: the cost stays
    # flat however long someone has used the app.
    stmt = (
        sa.select(activity_daily.c.day, sa.func.sum(activity_daily.c.events).label("events"))
        .where(activity_daily.c.profile_id == profile_id)
        .group_by(activity_daily.c.day)
        .order_by(activity_daily.c.day)
    )
    return read_frame(engine, stmt, PER_DAY_COLUMNS)


def activity_per_week(engine: Engine, profile_id: int) -> pd.DataFrame:
    """Return events per ISO week (week = its Monday, events), oldest first."""
    week = week_start(activity_daily.c.day)
    stmt = (
        sa.select(week.label("week"), sa.func.sum(activity_daily.c.events).label("events"))
        .where(activity_daily.c.profile_id == profile_id)
        .group_by(week)
        .order_by(week)
    )
    return read_frame(engine, stmt, PER_WEEK_COLUMNS)


def activity_log(engine: Engine, profile_id: int, limit: int = DEFAULT_LOG_LIMIT) -> pd.DataFrame:
    """Return the most recent log rows (id, at, kind, subject_id, detail), newest first."""
    stmt = (
        sa.select(
            log_table.c.id,
            log_table.c.at,
            log_table.c.kind,
            log_table.c.subject_id,
            log_table.c.detail,
        )
        .where(log_table.c.profile_id == profile_id)
        .order_by(log_table.c.at.desc(), log_table.c.id.desc())
        .limit(limit)
    )
    return read_frame(engine, stmt, LOG_COLUMNS)


def rebuild_activity_counts(engine: Engine, profile_id: int) -> None:
    """Recount a profile's per-day counters from its log (after bulk loads or repairs)."""

    def work(conn: Connection) -> None:
        conn.execute(activity_daily.delete().where(activity_daily.c.profile_id == profile_id))
        day = utc_day(log_table.c.at)
        conn.execute(
            activity_daily.insert().from_select(
                ["profile_id", "day", "events"],
                sa.select(log_table.c.profile_id, day, sa.func.count())
                .where(log_table.c.profile_id == profile_id)
                .group_by(log_table.c.profile_id, day),
            )
        )

    write_for_profile(engine, profile_id, work)
