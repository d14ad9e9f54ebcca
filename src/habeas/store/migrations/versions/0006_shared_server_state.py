"""Shared server state: import jobs and sign-in throttling kept in the database, so several processes can serve.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the change log watches: table → (kind, the person column, the cohort column).
WATCHED = {
    "people": ("person", "id", None),
    "memberships": ("membership", "person_id", "cohort_id"),
    "events": ("event", "person_id", "cohort_id"),
}
# The PostgreSQL advisory lock that orders writers of the change log ("habeasdc" in ASCII): a change's
# number is taken under it and it is held until commit, so numbers become visible in order and a
# reader that saw change N has seen every change before N.
POSTGRES_CHANGES_LOCK = 0x6861626561736463


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "import_jobs",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("sheet", sa.String(length=200), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("strict", sa.Boolean(), nullable=False),
        sa.Column("filename_enc", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("rows_total", sa.BigInteger(), nullable=True),
        sa.Column("outcome_enc", sa.Text(), nullable=True),
        sa.Column("unexpected", sa.Boolean(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
        sa.Column("finished_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_index("ix_import_jobs_owner", "import_jobs", ["owner"])
    op.create_index("ix_import_jobs_finished_at", "import_jobs", ["finished_at"])
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", sa.Float(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sign_in_attempts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("since", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_sign_in_attempts_since", "sign_in_attempts", ["since"])
    op.create_table(
        "spent_codes",
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_name"),
    )
    op.create_table(
        "directory_changes",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.String(length=128), nullable=True),
        sa.Column("cohort_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgres_triggers()


def _sqlite_triggers() -> None:
    # SQLite has one writer at a time: a change's number is taken under the write lock, in commit order.
    for table, (kind, person, cohort) in WATCHED.items():
        for action, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            cohort_value = f"{row}.{cohort}" if cohort else "NULL"
            op.execute(
                f"CREATE TRIGGER {table}_{action.lower()}_changes AFTER {action} ON {table} "
                f"BEGIN INSERT INTO directory_changes (kind, person_id, cohort_id) "
                f"VALUES ('{kind}', {row}.{person}, {cohort_value}); END"
            )


def _postgres_triggers() -> None:
    op.execute(
        "CREATE FUNCTION habeas_directory_change() RETURNS trigger AS $$ "
        "DECLARE r RECORD; "
        "BEGIN "
        f"PERFORM pg_advisory_xact_lock({POSTGRES_CHANGES_LOCK}); "
        "IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF; "
        "IF TG_TABLE_NAME = 'people' THEN "
        "INSERT INTO directory_changes (kind, person_id) VALUES ('person', r.id); "
        "ELSIF TG_TABLE_NAME = 'memberships' THEN "
        "INSERT INTO directory_changes (kind, person_id, cohort_id) VALUES ('membership', r.person_id, r.cohort_id); "
        "ELSE "
        "INSERT INTO directory_changes (kind, person_id, cohort_id) VALUES ('event', r.person_id, r.cohort_id); "
        "END IF; "
        "RETURN NULL; "
        "END $$ LANGUAGE plpgsql"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER {table}_changes AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION habeas_directory_change()"
        )


def downgrade() -> None:
    """Downgrade schema."""
    dialect = op.get_bind().dialect.name
    for table in WATCHED:
        if dialect == "sqlite":
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{action}_changes")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_changes ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS habeas_directory_change()")
    op.drop_table("directory_changes")
    op.drop_table("spent_codes")
    op.drop_index("ix_sign_in_attempts_since", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_import_jobs_finished_at", table_name="import_jobs")
    op.drop_index("ix_import_jobs_owner", table_name="import_jobs")
    op.drop_table("import_jobs")
