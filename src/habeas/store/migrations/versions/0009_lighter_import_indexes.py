"""Lighter writes for imports: indexes that no query uses are dropped.

Every row an import writes updates each index of its table, and none of these is read:
`ix_name_tokens_token` (tokens are read by person, never looked up by token),
`ix_events_kind` (nothing selects events by kind), `ix_events_person_id` (a person's events
are found through `ix_events_person_date`, whose first column it is) and
`ix_event_sources_source_id` (no query asks which events cite a source, and sources are
never deleted).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:00:00.000000

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "ix_events_kind": ("events", ["kind"]),
    "ix_events_person_id": ("events", ["person_id"]),
    "ix_event_sources_source_id": ("event_sources", ["source_id"]),
    "ix_name_tokens_token": ("name_tokens", ["token"]),
}


def upgrade() -> None:
    """Upgrade schema."""
    for name, (table, _columns) in DROPPED.items():
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    """Downgrade schema."""
    for name, (table, columns) in DROPPED.items():
        op.create_index(name, table, columns, unique=False)
