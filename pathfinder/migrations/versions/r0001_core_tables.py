"""Core tables: profiles, item progress, ratings history, targets and the activity log.

Revision ID: 0001
Revises:
Create Date: 2025-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types at this revision: migrations must not follow later edits.
_id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the core tables."""
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200)),
        sa.Column("created_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_profiles"),
        sa.UniqueConstraint("issuer", "subject", name="uq_profiles_issuer_subject"),
    )
    op.create_table(
        "item_progress",
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="not-started"),
        sa.Column("started_at", _ts),
        sa.Column("completed_at", _ts),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("note_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("links", sa.Text, nullable=False, server_default="[]"),
        sa.Column("updated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("profile_id", "item_id", name="pk_item_progress"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_item_progress_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('not-started', 'in-progress', 'done', 'skipped')",
            name="ck_item_progress_status",
        ),
    )
    op.create_table(
        "ratings",
        sa.Column("id", _id, primary_key=True),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("rated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_ratings_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("kind IN ('skill', 'phase')", name="ck_ratings_kind"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_ratings_level"),
    )
    op.create_index(
        "ix_ratings_profile_id_kind_subject_id_rated_at",
        "ratings",
        ["profile_id", "kind", "subject_id", "rated_at"],
    )
    op.create_table(
        "targets",
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("target_date", sa.Date),
        sa.Column("hours_per_week", sa.Float),
        sa.Column("updated_at", _ts, nullable=False),
        sa.PrimaryKeyConstraint("profile_id", name="pk_targets"),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name="fk_targets_profile_id_profiles",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "hours_per_week IS NULL OR (hours_per_week > 0 AND hours_per_week <= 168)",
            name="ck_targets_hours_per_week",
        ),
    )
    op.create_table(
        "activity_log",
        sa.Column("id", _id, primary_key=True),
        sa.Column("profile_id", sa.Integer, nullable=False),
        sa.Column("at", _ts, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(200)),
        sa.Column("detail", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_activity_log"),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_activity_log_profile_id_profiles"
        ),
    )


def downgrade() -> None:
    """Drop the core tables."""
    for table in ("activity_log", "targets", "ratings", "item_progress", "profiles"):
        op.drop_table(table)
