"""Table definitions at the newest migration, used to build queries (migrations own the DDL)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from pathfinder.entities import (
    CASE_STUDY_STATUSES,
    MAX_DISPLAY_NAME_LENGTH,
    MAX_HOURS_PER_WEEK,
    MAX_ID_LENGTH,
    MAX_ISSUER_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_LEVEL,
    MAX_SUBJECT_LENGTH,
    MAX_TITLE_LENGTH,
    MIN_LEVEL,
    NOT_STARTED,
    RATING_KINDS,
    STATUSES,
)

LOCAL_ISSUER, LOCAL_SUBJECT = "local", "default"

# Stable constraint names, so later migrations can alter constraints on both databases.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Store instants as UTC and hand them back tz-aware, whatever the database does."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; refuse naive values, whose meaning would depend on the server."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamp {value!r} must be timezone-aware")
        value = value.astimezone(UTC)
        # SQLite has no time zones: keep the naive UTC wall time so date() works on it.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC (SQLite) or convert from the session time zone (PostgreSQL)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JSONText(sa.types.TypeDecorator[Any]):
    """JSON kept as plain text, so both databases store and return exactly the same."""

    impl = sa.Text()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialise to compact JSON, keeping non-ASCII text readable in the database."""
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """Parse the stored JSON text."""
        return None if value is None else json.loads(value)


class utc_day(FunctionElement[date]):  # noqa: N801 - reads like the SQL function it renders
    """The UTC calendar day of a timestamp column."""

    type = sa.Date()
    inherit_cache = True


class week_start(FunctionElement[date]):  # noqa: N801 - reads like the SQL function it renders
    """The Monday on or before a date column (ISO weeks)."""

    type = sa.Date()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (or stays), six days back is that week's Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@compiles(week_start, "postgresql")
def _week_start_postgresql(element: week_start, compiler: SQLCompiler, **kw: Any) -> str:
    # Pure date arithmetic: date_trunc() would go through timestamptz and the session zone.
    arg = compiler.process(element.clauses, **kw)
    return f"({arg} - CAST(EXTRACT(ISODOW FROM {arg}) AS INTEGER) + 1)"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# SQLite only aliases rowid for a plain INTEGER primary key.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

profiles = sa.Table(
    "profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("issuer", sa.String(MAX_ISSUER_LENGTH), nullable=False),
    sa.Column("subject", sa.String(MAX_SUBJECT_LENGTH), nullable=False),
    sa.Column("display_name", sa.String(MAX_DISPLAY_NAME_LENGTH)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("issuer", "subject"),
)

item_progress = sa.Table(
    "item_progress",
    metadata,
    sa.Column(
        "profile_id", sa.Integer, sa.ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("item_id", sa.String(MAX_ID_LENGTH), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False, server_default=NOT_STARTED),
    sa.Column("started_at", UTCDateTime),
    sa.Column("completed_at", UTCDateTime),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("note_version", sa.Integer, nullable=False, server_default="0"),
    sa.Column("links", JSONText, nullable=False, server_default="[]"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(_in("status", STATUSES), name="status"),
)

ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    sa.Column(
        "profile_id",
        sa.Integer,
        sa.ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("subject_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=False),
    sa.Column("rated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(_in("kind", RATING_KINDS), name="kind"),
    sa.CheckConstraint(f"level BETWEEN {MIN_LEVEL} AND {MAX_LEVEL}", name="level"),
    sa.Index(None, "profile_id", "kind", "subject_id", "rated_at"),
)

targets = sa.Table(
    "targets",
    metadata,
    sa.Column(
        "profile_id", sa.Integer, sa.ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("target_date", sa.Date),
    sa.Column("hours_per_week", sa.Float),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(
        "hours_per_week IS NULL OR (hours_per_week > 0 AND hours_per_week <= "
        f"{MAX_HOURS_PER_WEEK:g})",
        name="hours_per_week",
    ),
)

activity_log = sa.Table(
    "activity_log",
    metadata,
    sa.Column("id", BigId, primary_key=True),
    # No cascade: the log is append-only and outlives every reset.
    sa.Column("profile_id", sa.Integer, sa.ForeignKey("profiles.id"), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("subject_id", sa.String(200)),
    sa.Column("detail", JSONText),
    sa.Index(None, "profile_id", "at"),
)

# One counter row per profile and UTC day, bumped in the same transaction as each log
# row, so chart reads cost O(active days) instead of O(log rows).
activity_daily = sa.Table(
    "activity_daily",
    metadata,
    sa.Column("profile_id", sa.Integer, sa.ForeignKey("profiles.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("events", sa.BigInteger, nullable=False),
)


def _owned_by_profile() -> sa.Column[int]:
    """Return the indexed owner column of a table whose rows go when their profile goes."""
    return sa.Column(
        "profile_id",
        sa.Integer,
        sa.ForeignKey("profiles.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


case_studies = sa.Table(
    "case_studies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owned_by_profile(),
    sa.Column("title", sa.String(MAX_TITLE_LENGTH), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
    sa.Column("sections", JSONText, nullable=False, server_default="{}"),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(_in("status", CASE_STUDY_STATUSES), name="status"),
    # An id is never given twice (a tab open on a deleted draft must not reach a new one).
    sqlite_autoincrement=True,
)

# Read-only share links: only the SHA-256 hash of a token is ever stored.
share_links = sa.Table(
    "share_links",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    _owned_by_profile(),
    sa.Column("label", sa.String(MAX_LABEL_LENGTH), nullable=False, server_default=""),
    sa.Column("token_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
)
