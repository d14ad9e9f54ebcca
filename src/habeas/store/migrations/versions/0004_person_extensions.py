"""A person's birth date (sealed), every country of citizenship, and whether they are an unaccompanied child.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-16 10:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("citizenships", sa.JSON(), nullable=True),
        sa.Column("birth_date_enc", sa.Text(), nullable=True),
        sa.Column("unaccompanied", sa.Boolean(), nullable=True),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    # Empty for every person stored before: they read as they did. Plain ALTER TABLE, not a batch
    # copy of the table: SQLite adds (and, from 3.35, drops) such columns in place, and copying
    # `people` would break the foreign keys of events, memberships and the indexes that point at it.
    for column in _columns():
        op.add_column("people", column)


def downgrade() -> None:
    """Downgrade schema."""
    for column in reversed(_columns()):
        op.drop_column("people", column.name)
