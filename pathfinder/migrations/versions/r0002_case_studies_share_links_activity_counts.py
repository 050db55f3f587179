"""Case studies, the share_links placeholder, the activity index and per-day counters.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_ts = sa.DateTime(timezone=True)
_BACKFILL = {
    "postgresql": (
        "INSERT INTO activity_daily (profile_id, day, events) "
        "SELECT profile_id, CAST((at AT TIME ZONE 'UTC') AS DATE) AS day, COUNT(*) "
        "FROM activity_log GROUP BY profile_id, CAST((at AT TIME ZONE 'UTC') AS DATE)"
    ),
    # SQLite keeps UTC wall time as 'YYYY-MM-DD HH:MM:SS.ffffff', so date() is the UTC day.
    "sqlite": (
        "INSERT INTO activity_daily (profile_id, day, events) "
        "SELECT profile_id, date(at), COUNT(*) FROM activity_log GROUP BY profile_id, date(at)"
    ),
}


def upgrade() -> None:
    """Add case studies, share links, the log index and backfill the per-day counters."""
    op.create_table(
        "case_studies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft"),
        sa.Column("sections", sa.Text, nullable=False, server_default="{}"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_studies"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_case_studies_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'ready', 'published')", name="ck_case_studies_status"
        ),
    )
    op.create_index("ix_case_studies_profile_id", "case_studies", ["profile_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts),
        sa.Column("revoked_at", _ts),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_share_links_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name="uq_share_links_token_hash"),
    )
    op.create_index("ix_share_links_profile_id", "share_links", ["profile_id"])
    op.create_index("ix_activity_log_profile_id_at", "activity_log", ["profile_id", "at"])
    op.create_table(
        "activity_daily",
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("profile_id", "day", name="pk_activity_daily"),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_activity_daily_profile_id_profiles"
        ),
    )
    # Count what the log already holds, so charts stay right across the upgrade.
    op.execute(_BACKFILL[op.get_bind().dialect.name])


def downgrade() -> None:
    """Drop what this revision added."""
    op.drop_table("activity_daily")
    op.drop_index("ix_activity_log_profile_id_at", table_name="activity_log")
    op.drop_index("ix_share_links_profile_id", table_name="share_links")
    op.drop_table("share_links")
    op.drop_index("ix_case_studies_profile_id", table_name="case_studies")
    op.drop_table("case_studies")
