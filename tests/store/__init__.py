"""Progress-store tests: each runs on SQLite and on PostgreSQL."""
