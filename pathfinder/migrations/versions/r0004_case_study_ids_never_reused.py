"""Case studies: an id, once given, is never given again (SQLite reused a deleted one's).

SQLite hands a new row the largest id plus one, so deleting the newest draft and creating
another gave the new draft the deleted one's id, and a tab still open on the deleted
draft saved over the new one. AUTOINCREMENT makes SQLite remember the largest id ever
given (from this migration on); PostgreSQL's sequences never reuse an id, so nothing
changes there. SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt with
the same columns, constraints and index as revision 0002 made, rows and ids kept.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_COPY_ROWS = (
    "INSERT INTO case_studies_rebuilt "
    "(id, profile_id, title, status, sections, version, shared, created_at, updated_at) "
    "SELECT id, profile_id, title, status, sections, version, shared, created_at, updated_at "
    "FROM case_studies"
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "case_studies_rebuilt",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("sections", sa.Text, nullable=False, server_default="{}"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_studies"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_case_studies_profile_id_profiles",
            ondelete="CASCADE",
        ),
        # The name revision 0002's table has (the naming convention prefixed it twice).
        sa.CheckConstraint(
            "status IN ('draft', 'ready', 'published')",
            name=op.f("ck_case_studies_ck_case_studies_status"),
        ),
        sqlite_autoincrement=autoincrement,
    )
    op.execute(_COPY_ROWS)
    op.drop_table("case_studies")
    op.rename_table("case_studies_rebuilt", "case_studies")
    op.create_index("ix_case_studies_profile_id", "case_studies", ["profile_id"])


def upgrade() -> None:
    """Rebuild case_studies with AUTOINCREMENT on SQLite."""
    _rebuild(autoincrement=True)


def downgrade() -> None:
    """Rebuild case_studies without AUTOINCREMENT on SQLite."""
    _rebuild(autoincrement=False)
