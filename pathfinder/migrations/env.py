"""Alembic environment: runs on the connection pathfinder.store.migrate() hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pathfinder.store.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    # Offline/CLI runs would bypass the engine's SQLite settings and the migration lock.
    raise RuntimeError("Run migrations through pathfinder.store.migrate(engine).")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
