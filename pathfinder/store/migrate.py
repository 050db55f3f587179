"""Bring a database's schema to the newest revision, once per process at start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pathfinder.store.engine import reading, writing
from pathfinder.store.errors import StoreConfigError

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a database actually needs upgrading: importing it costs
# about a second of every cold start, and nearly every start finds the schema current.
HEAD_REVISION = "0004"  # the newest file in migrations/versions; a test keeps them equal
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK_KEY = 0x70617468  # "path"

SchemaState = Literal["current", "pending", "newer"]


def alembic_config() -> Config:
    """Return an Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def current_revision(engine: Engine) -> str | None:
    """Return the database's schema revision, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with reading(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to revision; cheap and safe to call when already there."""
    if revision == "head" and _stored_revision(engine) == HEAD_REVISION:
        return  # the common case at every start: one small read, no Alembic import, no DDL
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    target = script.get_current_head() if revision == "head" else revision
    current = current_revision(engine)
    if current == target:
        return  # the common case at every start: one small read, no lock, no DDL
    if current is not None and current not in {s.revision for s in script.walk_revisions()}:
        raise StoreConfigError(
            f"The database is at schema revision {current}, which this version of the app "
            "does not know: it was written by a newer version. Upgrade the app."
        )
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            # Two app processes starting together must not both create the tables.
            # SQLite needs nothing: BEGIN IMMEDIATE already excludes other writers.
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_KEY)))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def schema_state(engine: Engine, *, statement_timeout_ms: int | None = None) -> SchemaState:
    """Say whether the schema is current, behind this code ("pending") or newer than it.

    Never migrates. "pending" means migrate() would run; "newer" means a newer version of
    the app wrote the database. One small read when current (no Alembic import); a
    PostgreSQL statement timeout keeps a hung server from holding the caller (it then
    raises StoreUnavailable, "busy").
    """
    stored = _stored_revision(engine, statement_timeout_ms)
    if stored == HEAD_REVISION:
        return "current"
    if stored is None:
        return "pending"
    from alembic.script import ScriptDirectory

    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    return "pending" if stored in known else "newer"


def _stored_revision(engine: Engine, statement_timeout_ms: int | None = None) -> str | None:
    """Read the schema revision recorded in the database without importing Alembic."""
    with reading(engine) as conn:
        if statement_timeout_ms is not None and conn.dialect.name == "postgresql":
            # SET LOCAL: only this read transaction; the pooled connection keeps its settings.
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(statement_timeout_ms)}")
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return None if value is None else str(value)
