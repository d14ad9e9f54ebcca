"""The import's bulk writes store what SQLAlchemy's own INSERT stores, and find stored ids however many are asked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from habeas.services import track
from habeas.services.database import repository
from habeas.store.repository import insert_many, stored_among
from habeas.store.tables import EventRow, PersonRow, UserRow


def _event(ident: str, person: str | None, written: dict[str, object]) -> dict[str, object]:
    return {
        "id": ident,
        "person_id": person,
        "cohort_id": None,
        "kind": "booked_in",
        "date_earliest": date(2024, 2, 29),
        "date_latest": date(2024, 3, 1),
        "recorded_at": datetime(2026, 12, 4, 18, 30, 5, 123456, tzinfo=UTC),
        "content_sha256": "0" * 64,
        "written": written,
        "notes_enc": None,
        "import_id": None,
    }


def _people(session: Session) -> None:
    session.execute(sa.insert(PersonRow.__table__), [{"id": "p-1"}, {"id": "p-2"}])


def test_rows_written_in_bulk_read_back_as_rows_written_by_sqlalchemy(ctx) -> None:  # type: ignore[no-untyped-def]
    track.init_database(ctx)
    written = {"kind": "booked_in", "facility": "Fictional Annex — Ñ", "sources": ["s-1"], "direct": True}
    with repository(ctx, write=True) as repo:
        _people(repo.session)
        repo.session.execute(sa.insert(EventRow.__table__), [_event("by-core", "p-1", written)])
        insert_many(repo.session.connection(), EventRow.__table__, [_event("in-bulk", "p-2", written)])
        repo.session.commit()
    with repository(ctx) as repo:
        rows = {row.id: row for row in repo.session.scalars(sa.select(EventRow))}
    columns = [c.name for c in EventRow.__table__.columns if c.name not in ("seq", "id", "person_id")]
    assert [getattr(rows["in-bulk"], c) for c in columns] == [getattr(rows["by-core"], c) for c in columns]
    assert rows["in-bulk"].written == written and rows["in-bulk"].date_earliest == date(2024, 2, 29)


def test_a_json_column_given_as_text_is_stored_as_that_json(ctx) -> None:  # type: ignore[no-untyped-def]
    track.init_database(ctx)
    with repository(ctx, write=True) as repo:
        _people(repo.session)
        row = _event("as-text", "p-1", {})
        row["written"] = '{"facility":"Óscar\'s annex","kind":"booked_in"}'
        insert_many(repo.session.connection(), EventRow.__table__, [row], serialized={"written"})
        repo.session.commit()
    with repository(ctx) as repo:
        stored = repo.session.scalar(sa.select(EventRow.written).where(EventRow.id == "as-text"))
    assert stored == {"facility": "Óscar's annex", "kind": "booked_in"}


def test_a_column_left_to_its_default_gets_it(ctx) -> None:  # type: ignore[no-untyped-def]
    """Rows that leave a column to its Python default (``users.active``) go through SQLAlchemy, which fills it."""
    track.init_database(ctx)
    when = datetime(2026, 12, 4, tzinfo=UTC)
    with repository(ctx, write=True) as repo:
        rows = [{"name": "fictional-reader", "role": "viewer", "password_hash": None, "created_at": when}]
        insert_many(repo.session.connection(), UserRow.__table__, rows)
        repo.session.commit()
    with repository(ctx) as repo:
        active = repo.session.scalar(sa.select(UserRow.active).where(UserRow.name == "fictional-reader"))
    assert active is True


def test_stored_ids_are_found_among_many_in_one_question(ctx) -> None:  # type: ignore[no-untyped-def]
    track.init_database(ctx)
    with repository(ctx, write=True) as repo:
        repo.session.execute(sa.insert(PersonRow.__table__), [{"id": f"p-{n}"} for n in range(0, 3000, 7)])
        repo.session.commit()
    asked = [f"p-{n}" for n in range(3000)] + ["p-7", "p-'; DROP TABLE people; --", "p-ü"]
    with repository(ctx) as repo:
        found = stored_among(repo.session, PersonRow.id, asked)
        assert found == {f"p-{n}" for n in range(0, 3000, 7)}
        assert stored_among(repo.session, PersonRow.id, []) == set()
        assert repo.counts()["people"] == len(found)


def test_staged_rows_count_as_stored(ctx) -> None:  # type: ignore[no-untyped-def]
    """As a query through the session would, the lookup sees what the session holds but has not written."""
    track.init_database(ctx)
    with repository(ctx, write=True) as repo:
        repo.session.add(PersonRow(id="staged"))
        assert stored_among(repo.session, PersonRow.id, ["staged", "absent"]) == {"staged"}
        repo.session.rollback()
