"""Birth dates, several citizenships and unaccompanied children in the store, on SQLite and PostgreSQL.

The birth date is sealed like the name: the column, the rows and (on SQLite) the database
files never hold it in clear. A re-declared person that contradicts the stored one is
refused without the value; what a later file adds is an update. Every person is fictional.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from habeas.domain.dates import DateRange
from habeas.ingest.casefile import casefile_document
from habeas.security.crypto import DecryptionError
from habeas.services import security, track
from habeas.services.track import InvalidInput
from habeas.store.db import _alembic_config, current_revision, head_revision
from habeas.store.tables import PersonRow

# A day no other value below holds, so that finding it anywhere means it was kept in clear.
BIRTH = "2011-07-23"
CHILD = {
    "id": "uac-1",
    "name": "Lucía Inventada",
    "citizenship": ["GT", "MX"],
    "birth_year": 2011,
    "birth_date": BIRTH,
    "unaccompanied": True,
}


def _import(ctx, tmp_path: Path, name: str, *people: dict[str, Any]):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(json.dumps({"habeas": 1, "people": list(people)}))
    return track.import_casefiles(ctx, [path])


def _rows(ctx) -> str:  # type: ignore[no-untyped-def]
    with ctx.engine.connect() as connection:
        return repr(connection.execute(sa.text("SELECT * FROM people ORDER BY id")).all())


def _sqlite_files(ctx) -> bytes:  # type: ignore[no-untyped-def]
    database = make_url(str(ctx.engine.url)).database
    return b"".join(p.read_bytes() for p in Path(database).parent.glob(Path(database).name + "*"))


def test_the_extensions_are_stored_and_read_back(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD)
    person = track.timeline(ctx, "uac-1").person
    assert (person.citizenship, person.citizenships) == ("GT", ("GT", "MX"))
    assert person.birth_date == DateRange(date(2011, 7, 23), date(2011, 7, 23), BIRTH)
    assert (person.birth_year, person.unaccompanied) == (2011, True)


def test_the_birth_date_is_sealed_and_never_held_in_clear(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD, {"id": "uac-2", "birth_date": "2012-02~"})
    with ctx.engine.connect() as connection:
        sealed = dict(connection.execute(sa.text("SELECT id, birth_date_enc FROM people")).all())
    assert sealed["uac-1"] and sealed["uac-2"]
    assert BIRTH not in sealed["uac-1"] and "2012-02" not in sealed["uac-2"]
    rows = _rows(ctx)
    assert BIRTH not in rows and "2012-02~" not in rows and "23/07/2011" not in rows
    if ctx.engine.dialect.name == "sqlite":
        ctx.engine.dispose()
        assert BIRTH.encode() not in _sqlite_files(ctx)
    # Bound to its row: the envelope of one person's birth date does not open as another's.
    with ctx.engine.begin() as connection:
        connection.execute(sa.text("UPDATE people SET birth_date_enc = :e WHERE id = 'uac-2'"), {"e": sealed["uac-1"]})
    with pytest.raises(DecryptionError):
        track.timeline(ctx, "uac-2")


def test_one_country_is_kept_as_citizenship_and_several_in_citizenships(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "people.json", {"id": "uac-3", "citizenship": ["SV"]}, {"id": "uac-4", "citizenship": "HN"})
    _import(ctx, tmp_path, "child.json", CHILD)
    with ctx.engine.connect() as connection:
        query = sa.select(PersonRow.id, PersonRow.citizenship, PersonRow.citizenships)
        stored = {row[0]: (row[1], row[2]) for row in connection.execute(query)}
        plain_nulls = connection.execute(sa.text("SELECT count(*) FROM people WHERE citizenships IS NULL")).scalar()
    assert stored["uac-3"] == ("SV", None) and stored["uac-4"] == ("HN", None) and plain_nulls == 2
    assert stored["uac-1"] == ("GT", ["GT", "MX"])


def test_an_export_imports_back_unchanged(ctx, make_context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = [CHILD, {"id": "uac-5", "citizenship": "VE", "birth_date": "2010~", "unaccompanied": False}]
    _import(ctx, tmp_path, "people.json", *people)
    exported = casefile_document(track.export_casefile(ctx, include_sensitive=True))
    assert exported["people"] == people
    assert _import(ctx, tmp_path, "again.json", *exported["people"]).nothing_new
    # Without sensitive fields the full birth date stays behind (it identifies a person); the rest is the same.
    plain = casefile_document(track.export_casefile(ctx))["people"]
    assert plain == [{k: v for k, v in p.items() if k != "birth_date"} for p in people]


def test_a_different_birth_date_is_a_conflict_named_without_the_value(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD)
    before = _rows(ctx)
    with pytest.raises(InvalidInput) as caught:
        _import(ctx, tmp_path, "other.json", {"id": "uac-1", "birth_date": "2011-07-24"})
    message = str(caught.value)
    assert "person 'uac-1': `birth_date` differs from the stored record" in message
    assert "2011-07-24" not in message and BIRTH not in message
    assert _rows(ctx) == before


@pytest.mark.parametrize(
    ("later", "differs"),
    [
        ({"unaccompanied": False}, "`unaccompanied`"),
        ({"citizenship": "VE"}, "`citizenship`"),
        ({"citizenship": ["VE", "CO"]}, "`citizenship`"),
        ({"birth_year": 2010}, "`birth_year`"),
    ],
)
def test_a_contradiction_of_the_other_extensions_is_a_conflict(ctx, tmp_path, later, differs) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD)
    with pytest.raises(InvalidInput, match=f"person 'uac-1': {differs} differs"):
        _import(ctx, tmp_path, "other.json", {"id": "uac-1", **later})


def test_what_a_later_file_adds_to_a_person_is_an_update(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "adult.json", {"id": "uac-6", "name": "Persona Ficticia", "citizenship": "HN"})
    summary = _import(ctx, tmp_path, "more.json", {"id": "uac-6", "birth_date": "2009-05", "unaccompanied": True,
                                                  "citizenship": ["HN", "US"]})  # fmt: skip
    assert summary.updated["people"] == 1
    person = track.timeline(ctx, "uac-6").person
    assert (person.name, person.citizenship, person.citizenships) == ("Persona Ficticia", "HN", ("HN", "US"))
    assert person.birth_date is not None and person.birth_date.text == "2009-05" and person.unaccompanied is True


@pytest.mark.parametrize(
    "again",
    [
        {"birth_date": "2011-07-23/2011-07-23"},  # the same day written another way
        {"citizenship": "MX"},  # one of the countries stored
        {"citizenship": ["MX", "GT"]},  # the same countries in another order
        {"unaccompanied": True},
    ],
)
def test_what_the_stored_record_already_says_is_nothing_new(ctx, tmp_path, again) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD)
    before = _rows(ctx)
    assert _import(ctx, tmp_path, "again.json", {"id": "uac-1", **again}).nothing_new
    assert _rows(ctx) == before
    assert track.timeline(ctx, "uac-1").person.birth_date.text == BIRTH  # type: ignore[union-attr]


def test_a_key_rotation_keeps_the_birth_date(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path, "child.json", CHILD)
    with ctx.engine.connect() as connection:
        before = connection.execute(sa.text("SELECT birth_date_enc FROM people")).scalar_one()
    security.rotate_keys(ctx)
    with ctx.engine.connect() as connection:
        after = connection.execute(sa.text("SELECT birth_date_enc FROM people")).scalar_one()
    assert after != before
    assert track.timeline(ctx, "uac-1").person.birth_date.text == BIRTH  # type: ignore[union-attr]


# -- the migration ----------------------------------------------------------------------------


def test_a_database_at_0003_upgrades_and_its_people_read_as_before(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    adult = {"id": "uac-7", "name": "Persona Ficticia", "aliases": ["P. F."], "citizenship": "VE", "birth_year": 1990}
    _import(ctx, tmp_path, "adult.json", adult)
    config = _alembic_config(ctx.engine)
    command.downgrade(config, "0003")
    columns = {c["name"] for c in sa.inspect(ctx.engine).get_columns("people")}
    assert not columns & {"citizenships", "birth_date_enc", "unaccompanied"}
    assert current_revision(ctx.engine) == "0003"

    track.init_database(ctx)  # what `habeas init` runs to upgrade

    assert current_revision(ctx.engine) == head_revision()  # back to the newest migration, whichever it is
    person = track.timeline(ctx, "uac-7").person
    assert (person.name, person.aliases, person.citizenship, person.citizenships) == (
        "Persona Ficticia", ("P. F.",), "VE", ("VE",),
    )  # fmt: skip
    assert (person.birth_year, person.birth_date, person.unaccompanied) == (1990, None, None)
    assert casefile_document(track.export_casefile(ctx))["people"] == [adult]
    summary = _import(
        ctx, tmp_path, "more.json", {"id": "uac-7", "birth_date": "1990-02-02", "citizenship": ["VE", "US"]}
    )
    assert summary.updated["people"] == 1
    assert track.timeline(ctx, "uac-7").person.citizenships == ("VE", "US")
