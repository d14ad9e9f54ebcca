"""Casework: a person assigned to a user.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Not append-only: a person's assignee changes as the work does; the audit log keeps the history.
    op.create_table(
        "assignments",
        sa.Column("person_id", sa.String(length=128), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("person_id"),
    )
    op.create_index(op.f("ix_assignments_user_name"), "assignments", ["user_name"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_assignments_user_name"), table_name="assignments")
    op.drop_table("assignments")
