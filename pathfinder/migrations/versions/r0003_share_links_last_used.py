"""Share links: remember when each link was last opened, so owners can see it is in use.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add share_links.last_used_at (nullable: a link nobody opened yet has none)."""
    op.add_column("share_links", sa.Column("last_used_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Drop share_links.last_used_at."""
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("last_used_at")
