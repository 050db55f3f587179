"""Bring a database's schema to the newest revision, once per process at start."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from pathfinder.store.engine import reading, writing
from pathfinder.store.errors import StoreConfigError

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK_KEY = 0x70617468  # "path"


def alembic_config() -> Config:
    """Return an Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def current_revision(engine: Engine) -> str | None:
    """Return the database's schema revision, or None for an empty database."""
    with reading(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """Return the newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found")
    return head


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to revision; cheap and safe to call when already there."""
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
