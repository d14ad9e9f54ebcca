"""A benchmark database in minutes: synthetic people and events written in bulk, sealed and indexed as the store does.

The case-file importer checks every record against what is stored (one query per person and
per event) and stores about 90 people a second: 100,000 people would take twenty minutes. The
bench needs only the rows, so this writes them with executemany, a chunk per transaction,
through the store's own pieces: the same envelopes (Repository's sealing), name tokens,
content digests and event JSON, under one import row. The database's triggers (the change
log) fire as for any write. Every person is fictitious.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from habeas.domain.codec import event_to_written
from habeas.domain.dates import DateRange
from habeas.domain.model import Event, Source
from habeas.security.search import name_tokens
from habeas.services import Actor, Context, track
from habeas.settings import Settings


def bulk_build(
    settings: Settings,
    people: int,
    name: Callable[[random.Random], str],
    events: Callable[[random.Random, str, int], Sequence[Event]],
    countries: Sequence[str],
    per_person: int,
    chunk: int = 5000,
) -> None:
    """Fill an empty database with ``people`` people of ``per_person`` events each (ids b000000, b000001, …)."""
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from habeas.ingest.casefile import CaseFile
    from habeas.store.repository import Repository, _split_notes, content_digest
    from habeas.store.tables import EventRow, EventSourceRow, ImportRow, NameTokenRow, PersonRow

    ctx = Context(settings, Actor("bench"))
    track.init_database(ctx)  # "bench" becomes the database's first admin
    keyring, rng = ctx.keyring, random.Random(7)
    source = Source("bench-src", "dataset", title="Synthetic benchmark records", date=DateRange.day(date(2025, 1, 1)))
    with Session(ctx.engine) as session:
        repo = Repository(session, keyring)
        repo.add_casefile(CaseFile(sources=[source]), "bench", [])
        batch = ImportRow(recorded_at=datetime.now(UTC), actor="bench", files=[])
        session.add(batch)
        session.commit()
        import_id = batch.id
    started = time.perf_counter()
    for first in range(0, people, chunk):
        person_rows: list[dict[str, Any]] = []
        token_rows: list[dict[str, Any]] = []
        event_rows: list[dict[str, Any]] = []
        cited: list[dict[str, Any]] = []
        with Session(ctx.engine) as session:
            repo = Repository(session, keyring)
            for n in range(first, min(first + chunk, people)):
                pid = f"b{n:06d}"
                full_name = name(rng)
                person_rows.append({
                    "id": pid, "name_enc": repo._seal("people", "name", pid, full_name),
                    "citizenship": rng.choice(countries), "import_id": import_id,
                })  # fmt: skip
                token_rows += [{"person_id": pid, "token": t} for t in name_tokens(keyring, full_name)]
                for event in events(rng, pid, per_person):
                    written, notes = _split_notes(event_to_written(event))
                    event_rows.append({
                        "id": event.id, "person_id": event.person, "cohort_id": event.cohort, "kind": event.kind,
                        "date_earliest": event.date.earliest, "date_latest": event.date.latest,
                        "recorded_at": datetime.now(UTC), "content_sha256": content_digest(keyring, event),
                        "written": written, "notes_enc": repo._seal("events", "notes", event.id, notes),
                        "import_id": import_id,
                    })  # fmt: skip
                    cited += [{"event_id": event.id, "source_id": s} for s in dict.fromkeys(event.sources)]
            session.execute(insert(PersonRow), person_rows)
            session.execute(insert(NameTokenRow), token_rows)
            session.execute(insert(EventRow), event_rows)
            session.execute(insert(EventSourceRow), cited)
            session.commit()
        done = min(first + chunk, people)
        rate = done / (time.perf_counter() - started)
        print(f"  {done:,} people stored ({rate:,.0f} people/s)", end="\r", flush=True)
    print()
    ctx.engine.dispose()
