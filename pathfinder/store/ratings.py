"""Self-ratings (an append-only history, latest wins) and the learning target."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import Rating, RatingKind, Target
from pathfinder.store.activity import log_event
from pathfinder.store.common import (
    TIMESTAMP,
    checked,
    insert_for,
    read_frame,
    utc_now,
    write_for_profile,
)
from pathfinder.store.engine import run_read
from pathfinder.store.schema import ratings, targets

RATING_COLUMNS = {"subject_id": "str", "level": "int64", "rated_at": TIMESTAMP}


def rate(
    engine: Engine,
    profile_id: int,
    kind: str,
    subject_id: str,
    level: int,
    *,
    now: datetime | None = None,
) -> bool:
    """Record a self-rating of a skill or phase (kept as history; the latest one counts).

    Returns whether it was recorded: the level the latest rating already has is not a new
    rating, so a repeated save adds nothing to the history.
    """
    at = utc_now(now)
    checked(Rating, kind=kind, subject_id=subject_id, level=level, rated_at=at)

    def work(conn: Connection) -> bool:
        latest = conn.execute(
            sa.select(ratings.c.level)
            .where(
                (ratings.c.profile_id == profile_id)
                & (ratings.c.kind == kind)
                & (ratings.c.subject_id == subject_id)
            )
            .order_by(ratings.c.rated_at.desc(), ratings.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if latest == level:
            return False
        conn.execute(
            ratings.insert().values(
                profile_id=profile_id, kind=kind, subject_id=subject_id, level=level, rated_at=at
            )
        )
        log_event(conn, profile_id, at, "rating", subject_id, {"kind": kind, "level": level})
        return True

    return write_for_profile(engine, profile_id, work)


def rating_history(engine: Engine, profile_id: int, kind: RatingKind) -> pd.DataFrame:
    """Return every rating of one kind (subject_id, level, rated_at), oldest first."""
    stmt = (
        sa.select(ratings.c.subject_id, ratings.c.level, ratings.c.rated_at)
        .where((ratings.c.profile_id == profile_id) & (ratings.c.kind == kind))
        .order_by(ratings.c.rated_at, ratings.c.id)
    )
    return read_frame(engine, stmt, RATING_COLUMNS)


def latest_ratings(engine: Engine, profile_id: int, kind: RatingKind) -> pd.DataFrame:
    """Return the current rating per subject (subject_id, level, rated_at)."""
    newest_first = sa.func.row_number().over(
        partition_by=ratings.c.subject_id,
        # id breaks ties between ratings given within the same microsecond.
        order_by=(ratings.c.rated_at.desc(), ratings.c.id.desc()),
    )
    ranked = (
        sa.select(
            ratings.c.subject_id,
            ratings.c.level,
            ratings.c.rated_at,
            newest_first.label("rank"),
        )
        .where((ratings.c.profile_id == profile_id) & (ratings.c.kind == kind))
        .subquery()
    )
    stmt = (
        sa.select(ranked.c.subject_id, ranked.c.level, ranked.c.rated_at)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.subject_id)
    )
    return read_frame(engine, stmt, RATING_COLUMNS)


def set_target(
    engine: Engine,
    profile_id: int,
    target_date: date | None,
    hours_per_week: float | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Set the target date and weekly hours (None clears a value); return whether it changed."""
    target = checked(Target, target_date=target_date, hours_per_week=hours_per_week)
    checked_date, hours = target.target_date, target.hours_per_week
    at = utc_now(now)

    def work(conn: Connection) -> bool:
        stored = conn.execute(
            sa.select(targets.c.target_date, targets.c.hours_per_week).where(
                targets.c.profile_id == profile_id
            )
        ).first()
        if stored is not None and tuple(stored) == (checked_date, hours):
            return False  # the same target again: nothing to write or log
        insert = insert_for(conn, targets).values(
            profile_id=profile_id, target_date=checked_date, hours_per_week=hours, updated_at=at
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[targets.c.profile_id],
                set_={
                    "target_date": insert.excluded.target_date,
                    "hours_per_week": insert.excluded.hours_per_week,
                    "updated_at": insert.excluded.updated_at,
                },
            )
        )
        detail = {
            "target_date": None if checked_date is None else checked_date.isoformat(),
            "hours_per_week": hours,
        }
        log_event(conn, profile_id, at, "target", None, detail)
        return True

    return write_for_profile(engine, profile_id, work)


def get_target(engine: Engine, profile_id: int) -> Target:
    """Return the profile's target; both fields are None until one is set."""
    stmt = sa.select(targets.c.target_date, targets.c.hours_per_week).where(
        targets.c.profile_id == profile_id
    )
    row = run_read(engine, lambda conn: conn.execute(stmt).first())
    if row is None:
        return Target()
    hours = None if row.hours_per_week is None else float(row.hours_per_week)
    return Target(target_date=row.target_date, hours_per_week=hours)
