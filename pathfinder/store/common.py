"""Small helpers shared by the store modules: clocks, upserts, locked writes, checks, frames."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from pathfinder.entities import Entity, first_problem
from pathfinder.store.engine import run_read, run_write
from pathfinder.store.errors import InvalidInput
from pathfinder.store.schema import profiles

TIMESTAMP = "datetime64[us, UTC]"
_TIMESTAMP_DTYPE = pd.DatetimeTZDtype(unit="us", tz="UTC")
E = TypeVar("E", bound=Entity)
T = TypeVar("T")


def utc_now(now: datetime | None = None) -> datetime:
    """Return now (or the given instant) as an aware UTC datetime."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")  # a caller bug, not input
    return now.astimezone(UTC)


def per_dialect(build: Callable[[Any], Any]) -> Mapping[str, Any]:
    """Build an INSERT ... ON CONFLICT statement once per dialect, at import time.

    build receives the dialect's insert() function. Building these statements costs
    more than running them, and a status toggle is the app's most frequent write.
    """
    return MappingProxyType(
        {"sqlite": build(sqlite.insert), "postgresql": build(postgresql.insert)}
    )


def insert_for(conn: Connection, table: sa.Table) -> Any:
    """Return the dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL do)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def lock_profile(conn: Connection, profile_id: int) -> None:
    """Serialise writers of one profile on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).

    Every write takes this row lock first, so locks are always taken in the same order
    (profile, then items, then the daily counter) and writers cannot deadlock.
    FOR NO KEY UPDATE still lets foreign-key checks of other rows through.
    """
    found = conn.execute(
        sa.select(profiles.c.id).where(profiles.c.id == profile_id).with_for_update(key_share=True)
    ).first()
    if found is None:
        raise LookupError(f"no profile with id {profile_id}")


def write_for_profile(engine: Engine, profile_id: int, work: Callable[[Connection], T]) -> T:
    """Run work in one write transaction that first takes the profile's lock (lock_profile)."""

    def locked(conn: Connection) -> T:
        lock_profile(conn, profile_id)
        return work(conn)

    return run_write(engine, locked)


def columns_of(table: sa.Table, columns: Mapping[str, str]) -> list[sa.Column[Any]]:
    """Return the table's columns named by a frame's column dtypes, in the same order."""
    return [table.c[name] for name in columns]


def read_frame(engine: Engine, stmt: sa.Executable, columns: Mapping[str, str]) -> pd.DataFrame:
    """Run one SELECT and return its rows as a frame with the given columns and dtypes."""
    rows = run_read(engine, lambda conn: conn.execute(stmt).all())
    return frame(rows, columns)


def checked(model: type[E], **fields: Any) -> E:
    """Return the entity built from fields, or raise InvalidInput naming the field and rule.

    A value of the wrong Python type (a number for a note) is a caller's bug: TypeError.
    """
    try:
        return model(**fields)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        message = first_problem(error, whole=model.__name__)
        if detail["type"].endswith("_type"):
            raise TypeError(message) from None
        name = str(detail["loc"][0]) if detail["loc"] else ""
        rule = model.model_fields[name].description if name in model.model_fields else None
        if rule is not None and len(detail["loc"]) == 1:
            message = f"{name} {detail['input']!r} is not {rule}"  # e.g. a level: 1 to 5
        raise InvalidInput(message) from None


def frame(rows: Sequence[Sequence[Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """Build a DataFrame with fixed dtypes, so an empty result looks like a full one."""
    table = pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(columns))
    for name, dtype in columns.items():
        if dtype == TIMESTAMP:
            table[name] = pd.to_datetime(table[name], utc=True).astype(_TIMESTAMP_DTYPE)
        else:
            table[name] = table[name].astype(pd.api.types.pandas_dtype(dtype))
    return table
