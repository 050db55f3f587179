"""Alembic migrations for the progress store, shipped inside the package."""
