"""Link decisions: append-only, sourced statements that two records are the same person (sealed).

Candidates (pairs the model found, pending a decision) are replaced when linkage runs again; the
decisions about them are append-only like events, and a correction is a new decision. Which
records a candidate pairs, and why, are sealed with the keyring: a link between a named list and
an anonymized release re-identifies a person in government data.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # Not append-only: a new run replaces the pending candidates of its sources, and key rotation
    # re-encrypts the sealed pair and explanation. A candidate with a decision is never removed.
    op.create_table(
        "link_candidates",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("left_source", sa.String(length=128), nullable=False),
        sa.Column("right_source", sa.String(length=128), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by", sa.String(length=200), nullable=False),
        sa.Column("pair_enc", sa.Text(), nullable=False),
        sa.Column("explanation_enc", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.create_index("ix_link_candidates_sources", ["left_source", "right_source"], unique=False)

    op.create_table(
        "link_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("candidate_id", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.String(length=128), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["link_candidates.id"]),
        sa.ForeignKeyConstraint(["corrects"], ["link_decisions.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("corrects"),  # a decision is corrected once; the correction can be corrected in turn
    )
    with op.batch_alter_table("link_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_decisions_candidate_id"), ["candidate_id"], unique=False)

    # A decision's note, sealed. Apart from the decision so that key rotation can re-encrypt it
    # (AES-GCM binds it to its decision: it cannot be altered or moved to another); never deleted.
    op.create_table(
        "link_decision_notes",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("note_enc", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["link_decisions.id"]),
        sa.PrimaryKeyConstraint("decision_id"),
    )
    _guard("link_decisions", ("UPDATE", "DELETE"))
    _guard("link_decision_notes", ("DELETE",))


def _guard(table: str, actions: tuple[str, ...]) -> None:
    """The database itself refuses these statements on ``table`` (as for events in 0001)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in actions:
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'habeas {table} are append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION habeas_{table}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION 'habeas {table} are append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE {' OR '.join(actions)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION habeas_{table}_append_only()"
        )


def _drop_guard(table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS habeas_{table}_append_only()")


def downgrade() -> None:
    """Downgrade schema."""
    for table in ("link_decision_notes", "link_decisions"):
        _drop_guard(table)
    op.drop_table("link_decision_notes")
    with op.batch_alter_table("link_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_decisions_candidate_id"))
    op.drop_table("link_decisions")
    with op.batch_alter_table("link_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_link_candidates_sources")
    op.drop_table("link_candidates")
