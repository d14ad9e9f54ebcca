"""Link candidates and decisions in the store: sealed, append-only on SQLite and PostgreSQL, audited, reversible."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from habeas.linkage.types import Candidate, Comparison, RecordRef
from habeas.security.crypto import DecryptionError
from habeas.services import Actor, Context, NotFound, ServiceError, access, datasets, security
from habeas.services import links as service
from habeas.services.audit_log import audit_log
from habeas.store import links as store
from habeas.store.tables import Base
from habeas.synth.lists import synthetic_lists, write_lists


def import_lists(ctx: Context, out: Path, people: int = 40, lists: int = 3, seed: int = 7) -> dict[str, str]:
    """Synthetic lists imported as mapped lists; each synthetic list name → its release id in habeas."""
    made = synthetic_lists(people, lists, seed=seed)
    write_lists(made, out)
    ids = {}
    for name in made.lists:
        report = datasets.import_dataset(ctx, "mapped_list", out / f"{name}.csv", mapping=out / f"{name}.mapping.yaml")
        ids[name] = report.release
    return ids


def two_records(ctx: Context, ids: dict[str, str]) -> tuple[RecordRef, RecordRef]:
    """A record of list-1 and one of list-2 (person ids are the list's prefix and its row number)."""
    with Session(ctx.engine) as session:
        people = list(session.scalars(sa.text("SELECT id FROM people ORDER BY id")))
    first = next(p for p in people if p.startswith("list-1-"))
    second = next(p for p in people if p.startswith("list-2-"))
    return RecordRef(ids["list-1"], first), RecordRef(ids["list-2"], second)


def store_candidate(ctx: Context, left: RecordRef, right: RecordRef, probability: float = 0.97) -> str:
    """Store one candidate as a run would (the store's half of `habeas link run`)."""
    found = Candidate(
        left, right, probability, 5.0, (Comparison("name", "close", "surnames agree, given name differs", 40.0),)
    )
    with Session(ctx.engine) as session, session.begin():
        link_store = store.LinkStore(session, ctx.keyring)
        link_store.replace_pending(
            {left.source, right.source}, [found], engine="duckdb", actor="tester", now=ctx.clock.now()
        )
    return store.candidate_id(ctx.keyring, left, right)


@pytest.fixture
def linked(ctx: Context, tmp_path: Path) -> tuple[Context, dict[str, str], str]:
    ids = import_lists(ctx, tmp_path / "lists")
    left, right = two_records(ctx, ids)
    return ctx, ids, store_candidate(ctx, left, right)


def as_user(ctx: Context, name: str, role: str) -> Context:
    security.add_user(ctx, name, role)
    return Context(ctx.settings, Actor(name))


def test_a_decision_cannot_be_updated_or_deleted_in_sql(linked) -> None:
    ctx, ids, candidate = linked
    decision = service.accept(ctx, candidate, ids["list-1"], note="synthetic note")
    for statement in (
        f"UPDATE link_decisions SET verdict = 'different' WHERE id = {decision.id}",
        f"UPDATE link_decisions SET source_id = '{ids['list-2']}'",
        f"DELETE FROM link_decisions WHERE id = {decision.id}",
        "DELETE FROM link_decision_notes",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), ctx.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert service.candidate(ctx, candidate).candidate.status == "same"


def test_a_decided_candidate_is_never_removed_and_cannot_be_deleted(linked) -> None:
    ctx, ids, candidate = linked
    service.reject(ctx, candidate, ids["list-1"])
    with pytest.raises(sa.exc.IntegrityError), ctx.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM link_candidates"))
    # A new run that no longer finds the pair keeps it, with its decision.
    with Session(ctx.engine) as session, session.begin():
        replaced = store.LinkStore(session, ctx.keyring).replace_pending(
            set(ids.values()), [], engine="duckdb", actor="tester", now=ctx.clock.now()
        )
    assert replaced.removed == 0
    assert service.candidate(ctx, candidate).candidate.status == "different"


def test_running_again_replaces_pending_candidates_of_the_same_lists_only(linked) -> None:
    ctx, ids, _candidate = linked
    with Session(ctx.engine) as session:
        people = sorted(session.scalars(sa.text("SELECT id FROM people WHERE id LIKE 'list-3-%'")))
    other = store_candidate(ctx, RecordRef(ids["list-1"], "list-1-9"), RecordRef(ids["list-3"], people[0]), 0.6)
    with Session(ctx.engine) as session, session.begin():
        replaced = store.LinkStore(session, ctx.keyring).replace_pending(
            {ids["list-1"], ids["list-2"]}, [], engine="duckdb", actor="tester", now=ctx.clock.now()
        )
    assert replaced == store.Replaced(added=0, removed=1, decided=0)
    assert [v.id for v in service.review(ctx)] == [other]  # list-3's candidate was not among the lists run


def test_pairs_and_explanations_are_sealed_and_bound_to_their_row(linked) -> None:
    ctx, ids, candidate = linked
    service.accept(ctx, candidate, ids["list-1"], note="confirmed by a synthetic relative")
    with ctx.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM link_candidates")).mappings().one()
        note = connection.execute(sa.text("SELECT note_enc FROM link_decision_notes")).scalar_one()
        dumped = " ".join(str(v) for v in row.values()) + note
    assert "list-1-" not in dumped and "list-2-" not in dumped and "synthetic relative" not in dumped
    assert "surnames agree" not in dumped
    assert row["pair_enc"].startswith("hv1.") and row["explanation_enc"].startswith("hv1.")
    # An envelope copied into another row does not open there.
    with Session(ctx.engine) as session:
        link_store = store.LinkStore(session, ctx.keyring)
        with pytest.raises(DecryptionError):
            link_store._open("link_candidates", "pair", "another-row", row["pair_enc"])


def test_a_correction_reverses_the_decision_which_stays_as_it_was(linked) -> None:
    ctx, ids, candidate = linked
    first = service.accept(ctx, candidate, ids["list-1"])
    second = service.correct(ctx, first.id, ids["list-2"], note="different birth dates in court papers")
    assert (second.verdict, second.corrects, second.source) == ("different", first.id, ids["list-2"])
    view = service.candidate(ctx, candidate)
    assert view.candidate.status == "different"
    assert [(d.id, d.verdict) for d in view.candidate.decisions] == [(first.id, "same"), (second.id, "different")]
    # Only the decision in force can be corrected; a decided candidate is not decided again.
    with pytest.raises(ServiceError, match=f"decision {second.id} is in force"):
        service.correct(ctx, first.id, ids["list-1"])
    with pytest.raises(ServiceError, match="already decided"):
        service.accept(ctx, candidate, ids["list-1"])
    third = service.correct(ctx, second.id, ids["list-1"])
    assert third.verdict == "same" and service.candidate(ctx, candidate).candidate.status == "same"


def test_a_correction_naming_another_candidate_is_answered_as_missing(linked) -> None:
    ctx, ids, candidate = linked
    left, _right = two_records(ctx, ids)
    with Session(ctx.engine) as session:
        people = list(session.scalars(sa.text("SELECT id FROM people ORDER BY id")))
    other = store_candidate(ctx, left, RecordRef(ids["list-3"], next(p for p in people if p.startswith("list-3-"))))
    decision = service.accept(ctx, candidate, ids["list-1"])
    with pytest.raises(NotFound, match=f"no link decision {decision.id}"):
        service.correct(ctx, decision.id, ids["list-1"], candidate=other)
    assert service.candidate(ctx, candidate).candidate.decisions == (decision,)
    denied = [e for e in audit_log(ctx) if e.action == "link_correct" and e.outcome == "denied"]
    assert ("link_decision", str(decision.id)) in {(e.record_type, e.record_id) for e in denied}
    assert service.correct(ctx, decision.id, ids["list-1"], candidate=candidate).corrects == decision.id


def test_a_corrected_link_stays_in_the_combined_view_with_its_decisions(linked) -> None:
    ctx, ids, candidate = linked
    person = service.candidate(ctx, candidate).left.ref
    decision = service.accept(ctx, candidate, ids["list-1"])
    assert len(service.show(ctx, person.record_id).records) == 2
    fix = service.correct(ctx, decision.id, ids["list-2"])
    shown = service.show(ctx, person.record_id)
    assert [r.ref for r in shown.records] == [person]  # the other record is out of the cluster at once
    assert [[d.id for d in v.candidate.decisions] for v in shown.links] == [[decision.id, fix.id]]
    assert shown.links[0].corrected_by == {decision.id: fix}


def test_decisions_are_audited_without_the_records_values(linked) -> None:
    ctx, ids, candidate = linked
    decision = service.accept(ctx, candidate, ids["list-1"], note="synthetic note")
    service.correct(ctx, decision.id, ids["list-1"])
    entries = [e for e in audit_log(ctx) if e.action.startswith("link_")]
    actions = [e.action for e in entries]
    assert "link_accept" in actions and "link_correct" in actions
    accepted = [e for e in entries if e.action == "link_accept"]
    assert {(e.record_type, e.record_id) for e in accepted} >= {
        ("link_candidate", candidate),
        ("link_decision", str(decision.id)),
    }
    assert all("synthetic note" not in str(e) for e in entries)


def test_a_decision_needs_a_source_that_habeas_holds(linked) -> None:
    ctx, _ids, candidate = linked
    with pytest.raises(ServiceError, match="--source: no source 'hearsay'"):
        service.accept(ctx, candidate, "hearsay")
    assert service.candidate(ctx, candidate).candidate.decisions == ()


def test_a_viewer_cannot_see_or_decide_candidates(linked) -> None:
    ctx, ids, candidate = linked
    viewer = as_user(ctx, "vera", "viewer")
    for attempt in (
        lambda: service.review(viewer),
        lambda: service.candidate(viewer, candidate),
        lambda: service.accept(viewer, candidate, ids["list-1"]),
        lambda: service.show(viewer, "list-1-1"),
        lambda: service.estimate(viewer, list(ids.values())),
    ):
        with pytest.raises(access.Forbidden):
            attempt()
    assert service.candidate(ctx, candidate).candidate.decisions == ()
    denied = [e for e in audit_log(ctx) if e.actor == "vera" and e.outcome == "denied"]
    assert len(denied) == 5


def test_an_editor_sees_only_candidates_whose_people_they_reach(linked) -> None:
    ctx, ids, candidate = linked
    editor = as_user(ctx, "eddie", "editor")
    assert service.review(editor) == []
    with pytest.raises(NotFound):  # out of reach answers exactly as missing
        service.accept(editor, candidate, ids["list-1"])
    with pytest.raises(NotFound):
        service.candidate(editor, "0" * 64)
    view = service.candidate(ctx, candidate)
    people = [r.ref.record_id for r in (view.left, view.right)]
    access.define_group(ctx, "both", people=people)
    access.grant(ctx, "eddie", "both")
    editor = Context(ctx.settings, Actor("eddie"))
    assert [v.id for v in service.review(editor)] == [candidate]
    assert service.accept(editor, candidate[:10], ids["list-1"]).verdict == "same"  # a prefix of the id is enough


def test_key_rotation_keeps_candidates_and_notes_readable(linked) -> None:
    ctx, ids, candidate = linked
    service.accept(ctx, candidate, ids["list-1"], note="synthetic note")
    before = service.candidate(ctx, candidate)
    security.rotate_keys(ctx)
    rotated = Context(ctx.settings, ctx.actor)
    after = service.candidate(rotated, candidate)
    assert (after.left.ref, after.right.ref, after.candidate.comparisons) == (
        before.left.ref,
        before.right.ref,
        before.candidate.comparisons,
    )
    assert after.candidate.decisions[0].note == "synthetic note"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), rotated.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM link_decisions"))


def test_the_migration_makes_the_tables_the_orm_describes(ctx: Context) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ours = {"link_candidates", "link_decisions", "link_decision_notes"}
    with ctx.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    def tables_of(diff: object) -> set[str]:
        """The tables a difference touches: named as text (a column change) or by a table or index object."""
        items = diff if isinstance(diff, list) else [diff]
        found = set()
        for item in items:
            for part in item[1:] if isinstance(item, tuple) else ():
                if isinstance(part, str):
                    found.add(part)
                found.add(str(getattr(part, "name", "")))
                found.add(str(getattr(getattr(part, "table", None), "name", "")))
        return found

    assert [d for d in differences if tables_of(d) & ours] == []
    assert ours <= set(sa.inspect(ctx.engine).get_table_names())


def test_a_link_never_leaves_habeas_in_an_export(linked) -> None:
    from habeas.services import reports

    ctx, ids, candidate = linked
    before = {fmt: reports.export_data(ctx, fmt, include_sensitive=True) for fmt in ("ftm", "pfif")}
    service.accept(ctx, candidate, ids["list-1"], note="synthetic note")
    after = {fmt: reports.export_data(ctx, fmt, include_sensitive=True) for fmt in ("ftm", "pfif")}
    assert after == before  # exports read no link: the same records, the same bytes
    assert candidate.encode() not in after["ftm"] + after["pfif"]
