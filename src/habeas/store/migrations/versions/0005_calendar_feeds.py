"""Each user's private calendar feed, kept as the SHA-256 of its secret.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Not append-only (no guard triggers): a new feed replaces the user's old one, and revoking deletes it.
    op.create_table(
        "calendar_feeds",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("digest"),
        sa.UniqueConstraint("user_name"),  # one feed per user
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("calendar_feeds")
