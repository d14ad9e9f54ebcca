"""Import case files (and records converted from partner formats): validate all, check reach, store all or nothing.

Every person, cohort and event a file touches is checked against the importer's reach
before anything is compared or stored; a record out of reach is answered as one that
does not exist, and a declared id that belongs to one is only said to be taken.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from habeas.domain.model import Event, Person
from habeas.security.access import Action
from habeas.security.audit import Outcome
from habeas.services import Context, access
from habeas.services.database import InvalidInput, repository, take_write_lock
from habeas.store.repository import ConflictError, ImportSummary, Repository, StoredIds

if TYPE_CHECKING:
    # The case-file reader (with its JSON Schema validator) is imported where files are read:
    # the commands that only read the database load this module through the track service.
    from habeas.ingest.casefile import CaseFile

__all__ = ["ImportSummary", "InvalidInput", "import_casefile_data", "import_casefiles", "import_records"]


def _file_record(name: str, content: Path | bytes) -> dict[str, str]:
    try:
        raw = content.read_bytes() if isinstance(content, Path) else content
    except OSError:
        raw = b""
    return {"name": Path(name).name, "sha256": hashlib.sha256(raw).hexdigest() if raw else ""}


def import_casefiles(ctx: Context, paths: Sequence[Path]) -> ImportSummary:
    """Validate every file, then store all of them in one transaction, or nothing."""
    return _import(ctx, [(str(p), p) for p in paths])


def import_casefile_data(ctx: Context, files: Sequence[tuple[str, bytes]]) -> ImportSummary:
    """As :func:`import_casefiles`, for files held in memory (a web upload): (file name, raw bytes)."""
    return _import(ctx, list(files))


def _import(ctx: Context, files: Sequence[tuple[str, Path | bytes]]) -> ImportSummary:
    from habeas.ingest.casefile import CaseFileError, parse_casefile_data

    access.require(ctx, Action.IMPORT)
    within = access.reachable(ctx, Action.WRITE_PERSON)
    with _CYCLE_COLLECTION.paused(), repository(ctx, write=True) as repo:
        ids = StoredIds(repo.session, within)
        try:
            casefile = parse_casefile_data(files, ids, _event_id_digests(ctx))
        except CaseFileError as exc:
            raise InvalidInput(exc.problems) from exc
        _refuse_out_of_reach(ctx, repo, ids, casefile)
        _refuse_unnamed_answers(repo, ids, casefile)
        return _store(repo, ctx, casefile, [_file_record(name, content) for name, content in files])


def import_records(ctx: Context, casefile: CaseFile, name: str, sha256: str) -> ImportSummary:
    """Store records converted from another format (e.g. PFIF), validated exactly like a case file."""
    from habeas.ingest.casefile import CaseFileError, casefile_document, parse_documents

    access.require(ctx, Action.IMPORT)
    within = access.reachable(ctx, Action.WRITE_PERSON)
    document = json.loads(json.dumps(casefile_document(casefile), ensure_ascii=False, default=str))
    with _CYCLE_COLLECTION.paused(), repository(ctx, write=True) as repo:
        ids = StoredIds(repo.session, within)
        try:
            checked = parse_documents([(name, document, {})], ids, event_ids=_event_id_digests(ctx))
        except CaseFileError as exc:
            raise InvalidInput(exc.problems) from exc
        _refuse_out_of_reach(ctx, repo, ids, checked)
        _refuse_unnamed_answers(repo, ids, checked)
        return _store(repo, ctx, checked, [{"name": Path(name).name, "sha256": sha256}])


class _CycleCollectionPause:
    """Python's cycle collector held off while imports run, in whichever threads, and let go after the last.

    An import builds a few million short-lived containers (the files' values, records, rows), none
    in a cycle that outlives it; each few hundred of them started a collection that walked all the
    others, a third of the reading's processor time. Reference counting still frees everything.
    The collector is process-wide, so the pause is counted: it resumes (if it ran before) when no
    import is left, never while one is still running.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._imports = 0
        self._resume = False

    @contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            if self._imports == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._imports += 1
        try:
            yield
        finally:
            with self._lock:
                self._imports -= 1
                if self._imports == 0 and self._resume:
                    gc.enable()


# One for the process, as the collector it pauses is.
_CYCLE_COLLECTION = _CycleCollectionPause()


def _event_id_digests(ctx: Context) -> Callable[[bytes], list[str]]:
    keyring = ctx.keyring
    return lambda content: [keyring.identity_mac("event-id", content).hex()]


def _refuse_out_of_reach(ctx: Context, repo: Repository, ids: StoredIds, casefile: CaseFile) -> None:
    """Refuse records whose ids belong to records the importer may not reach, before anything is compared.

    References to such records were already answered as unknown by the reader (``StoredIds``
    with a scope). What is left are records the files declare under an id that is taken:
    merging them would compare the file's values with the stored ones (a guessing oracle) or
    join a person to a cohort (opening the record). The answer says only that the id is taken.
    """
    declared = [
        *(("people", "person", p.id) for p in casefile.people),
        *(("cohorts", "cohort", c.id) for c in casefile.cohorts),
        *(("events", "event", e.id) for e in casefile.events),
    ]
    refused = [
        (what, ident) for section, what, ident in declared if ids.taken(section, ident) and not ids.has(section, ident)
    ]
    if not refused:
        return
    access.audit(ctx, "import", Outcome.DENIED, [(what, ident) for what, ident in refused])
    raise InvalidInput(
        [f"{what} id {ident!r} is already taken in this database; choose another id" for what, ident in refused]
    )


def _refuse_unnamed_answers(repo: Repository, ids: StoredIds, casefile: CaseFile) -> None:
    """Refuse a new answer that names no inquiry while several are open, counting the stored events too.

    The reader refused those whose timelines the files hold whole; here the timelines are the
    stored events of the people and cohorts concerned with the files' events laid over them.
    """
    from habeas.ingest.casefile import unnamed_answer_events, unnamed_answers

    answers = unnamed_answer_events(casefile.events, lambda ident: ids.taken("events", ident))
    if not answers:
        return
    subjects = _answer_subjects(repo, answers, casefile.people)
    people = [p.id for p in subjects.values() if p.id]
    stored = repo.events(people, {c for p in subjects.values() for c in p.cohorts})
    events = {e.id: e for e in stored} | {e.id: e for e in casefile.events}
    refused = unnamed_answers(subjects.items(), list(events.values()), {a.id for a in answers})
    if refused:
        raise InvalidInput(refused)


def _answer_subjects(repo: Repository, answers: Sequence[Event], declared: Sequence[Person]) -> dict[str, Person]:
    """The timelines an answer may close an inquiry on: its person's, or its cohort's and every member's."""
    from habeas.ingest.casefile import cohort_subject, person_subject

    in_files: dict[str, set[str]] = {}
    for person in declared:
        in_files.setdefault(person.id, set()).update(person.cohorts)

    def cohorts_of(person_id: str) -> set[str]:
        return in_files.get(person_id, set()) | set(repo.person_cohorts(person_id) or ())

    subjects: dict[str, Person] = {}
    for answer in answers:
        if answer.person is not None:
            subjects.update([person_subject(answer.person, cohorts_of(answer.person))])
        elif answer.cohort is not None:
            members = {pid for pid, cohorts in in_files.items() if answer.cohort in cohorts}
            members |= set(repo.member_ids(answer.cohort))
            subjects.update(
                [cohort_subject(answer.cohort), *(person_subject(m, cohorts_of(m)) for m in sorted(members))]
            )
    return subjects


def _store(repo: Repository, ctx: Context, casefile: CaseFile, files: list[dict[str, str]]) -> ImportSummary:
    take_write_lock(repo.session)
    with repo.bulk_writes():
        return _write(repo, ctx, casefile, files)


def _write(repo: Repository, ctx: Context, casefile: CaseFile, files: list[dict[str, str]]) -> ImportSummary:
    try:
        summary = repo.add_casefile(casefile, ctx.actor.name, files)
    except ConflictError as exc:
        repo.session.rollback()
        access.audit(ctx, "import", Outcome.FAILED, [("import", None)])
        raise InvalidInput(exc.problems) from exc
    # Every import that commits is audited, "nothing new" included (it still names whom it touched).
    # The entries join the import's transaction: a crash leaves both, or neither.
    touched = dict.fromkeys([p.id for p in casefile.people] + [e.person for e in casefile.events if e.person])
    batch = str(summary.import_id) if summary.import_id is not None else None
    records = [("import", batch)] + [("person", p) for p in touched]
    access.audit(ctx, "import", records=records, connection=repo.session.connection())
    repo.session.commit()
    access.sign_checkpoint(ctx)
    return summary
