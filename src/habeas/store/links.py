"""Link candidates and decisions in the database: which records may be, or were decided to be, the same person.

A candidate's pair of records and its explanation are sealed (AES-GCM envelopes bound to the
candidate's row); its id is a keyed digest of the pair, so the same pair found again has the
same id and reveals nothing without the key file. Decisions are append-only (the database's
triggers refuse UPDATE and DELETE, migration 0007); a decision's effect is that of the newest
decision on its candidate, so a correction is simply a newer decision that says the opposite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from habeas.linkage.types import Candidate, Comparison, RecordRef
from habeas.security.crypto import FieldContext, Keyring
from habeas.store.tables import Base

Verdict = Literal["same", "different"]
Status = Literal["pending", "same", "different"]
VERDICTS: tuple[Verdict, ...] = ("same", "different")


class LinkCandidateRow(Base):
    """A pair the model found; ``pair_enc`` and ``explanation_enc`` are sealed. Replaced while pending."""

    __tablename__ = "link_candidates"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    left_source: Mapped[str] = mapped_column(String(128))
    right_source: Mapped[str] = mapped_column(String(128))
    probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    engine: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    found_by: Mapped[str] = mapped_column(String(200))
    pair_enc: Mapped[str] = mapped_column(Text)
    explanation_enc: Mapped[str] = mapped_column(Text)


Index("ix_link_candidates_sources", LinkCandidateRow.left_source, LinkCandidateRow.right_source)


class LinkDecisionRow(Base):
    """A sourced statement that a candidate's records are (``same``) or are not (``different``) one person."""

    __tablename__ = "link_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("link_candidates.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    corrects: Mapped[int | None] = mapped_column(ForeignKey("link_decisions.id"), unique=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id"))
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinkDecisionNoteRow(Base):
    """A decision's note, sealed; kept apart so key rotation can re-encrypt it (rows are never deleted)."""

    __tablename__ = "link_decision_notes"

    decision_id: Mapped[int] = mapped_column(ForeignKey("link_decisions.id"), primary_key=True)
    note_enc: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class StoredDecision:
    id: int
    candidate: str
    verdict: Verdict
    corrects: int | None
    source: str
    actor: str
    recorded_at: datetime
    note: str | None = None


@dataclass(frozen=True)
class StoredCandidate:
    """A candidate as stored, opened: its records, the model's figures and explanation, and its status."""

    id: str
    left: RecordRef
    right: RecordRef
    probability: float
    match_weight: float
    comparisons: tuple[Comparison, ...]
    engine: str
    found_at: datetime
    status: Status = "pending"
    decisions: tuple[StoredDecision, ...] = ()

    @property
    def refs(self) -> tuple[RecordRef, RecordRef]:
        return self.left, self.right


@dataclass(frozen=True)
class Replaced:
    added: int  # new pending candidates
    removed: int  # pending candidates of these sources the new run did not find again
    decided: int  # pairs found again that already have a decision: kept as they are


def _utc(moment: datetime) -> datetime:
    """SQLite gives back the UTC time it was given without its zone; PostgreSQL in the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def candidate_id(keyring: Keyring, left: RecordRef, right: RecordRef) -> str:
    """The pair's id: a keyed digest (the key of content-derived ids, which rotation keeps), order-free."""
    first, second = sorted((left, right))
    text = json.dumps([[first.source, first.record_id], [second.source, second.record_id]])
    return keyring.identity_mac("link-candidate", text.encode()).hex()


class LinkStore:
    """Candidates and decisions on one session, sealed and opened with ``keyring``."""

    def __init__(self, session: Session, keyring: Keyring):
        self.session = session
        self.keyring = keyring

    # -- sealing ----------------------------------------------------------------------------

    def _seal(self, column: str, row_id: str, value: Any) -> str:
        return self.keyring.encrypt(json.dumps(value), FieldContext("link_candidates", column, row_id))

    def _open(self, table: str, column: str, row_id: str, envelope: str) -> Any:
        return json.loads(self.keyring.decrypt(envelope, FieldContext(table, column, row_id)))

    # -- candidates -------------------------------------------------------------------------

    def replace_pending(
        self, sources: Iterable[str], found: Sequence[Candidate], *, engine: str, actor: str, now: datetime
    ) -> Replaced:
        """Store a run's candidates: pending ones among ``sources`` go, decided ones stay, new ones come in."""
        within = sorted(set(sources))
        decided = set(self.session.scalars(select(LinkDecisionRow.candidate_id).distinct()))
        among = LinkCandidateRow.left_source.in_(within) & LinkCandidateRow.right_source.in_(within)
        stale = set(self.session.scalars(select(LinkCandidateRow.id).where(among))) - decided
        new: dict[str, Candidate] = {}
        for candidate in found:
            new.setdefault(candidate_id(self.keyring, candidate.left, candidate.right), candidate)
        if stale:
            self.session.execute(delete(LinkCandidateRow).where(LinkCandidateRow.id.in_(sorted(stale))))
        for ident, candidate in new.items():
            if ident in decided:
                continue
            left, right = sorted((candidate.left, candidate.right))
            self.session.add(
                LinkCandidateRow(
                    id=ident,
                    left_source=left.source,
                    right_source=right.source,
                    probability=float(candidate.probability),
                    match_weight=float(candidate.match_weight),
                    engine=engine,
                    found_at=now,
                    found_by=actor,
                    pair_enc=self._seal("pair", ident, [[r.source, r.record_id] for r in (left, right)]),
                    explanation_enc=self._seal(
                        "explanation", ident, [_comparison_json(c) for c in candidate.comparisons]
                    ),
                )
            )
        self.session.flush()
        kept = sum(1 for ident in new if ident in decided)
        return Replaced(added=len(new) - kept, removed=len(stale - set(new)), decided=kept)

    def candidates(
        self, status: Status | None = None, min_probability: float | None = None, ids: Iterable[str] | None = None
    ) -> list[StoredCandidate]:
        """Candidates, highest probability first (then by id, so the order is stable)."""
        query = select(LinkCandidateRow).order_by(LinkCandidateRow.probability.desc(), LinkCandidateRow.id)
        if min_probability is not None:
            query = query.where(LinkCandidateRow.probability >= min_probability)
        if ids is not None:
            query = query.where(LinkCandidateRow.id.in_(sorted(set(ids))))
        rows = list(self.session.scalars(query))
        decisions = self.decisions([row.id for row in rows])
        found = [self._candidate(row, decisions.get(row.id, ())) for row in rows]
        return [c for c in found if status is None or c.status == status]

    def candidate(self, ident: str) -> StoredCandidate | None:
        found = self.candidates(ids=[ident])
        return found[0] if found else None

    def ids_starting(self, prefix: str, limit: int = 2) -> list[str]:
        """Candidate ids that start with ``prefix`` (a reviewer types the first characters), at most ``limit``."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = select(LinkCandidateRow.id).where(LinkCandidateRow.id.like(f"{escaped}%", escape="\\"))
        return list(self.session.scalars(query.order_by(LinkCandidateRow.id).limit(limit)))

    def _candidate(self, row: LinkCandidateRow, decisions: Sequence[StoredDecision]) -> StoredCandidate:
        pair = self._open("link_candidates", "pair", row.id, row.pair_enc)
        left, right = (RecordRef(str(source), str(record)) for source, record in pair)
        if candidate_id(self.keyring, left, right) != row.id:
            raise ValueError(f"link candidate {row.id}: its sealed pair does not match its id")
        explanation = self._open("link_candidates", "explanation", row.id, row.explanation_enc)
        status: Status = decisions[-1].verdict if decisions else "pending"
        return StoredCandidate(
            id=row.id,
            left=left,
            right=right,
            probability=row.probability,
            match_weight=row.match_weight,
            comparisons=tuple(Comparison(**c) for c in explanation),
            engine=row.engine,
            found_at=_utc(row.found_at),
            status=status,
            decisions=tuple(decisions),
        )

    def source_ids(self) -> set[str]:
        """Every source named by a candidate (lists, releases, "people"), read without opening anything."""
        rows = self.session.execute(select(LinkCandidateRow.left_source, LinkCandidateRow.right_source))
        return {source for pair in rows for source in pair}

    # -- decisions --------------------------------------------------------------------------

    def decisions(self, candidate_ids: Iterable[str] | None = None) -> dict[str, tuple[StoredDecision, ...]]:
        """Each candidate's decisions, oldest first (the last one is in force)."""
        query = select(LinkDecisionRow).order_by(LinkDecisionRow.id)
        if candidate_ids is not None:
            query = query.where(LinkDecisionRow.candidate_id.in_(sorted(set(candidate_ids))))
        rows = list(self.session.scalars(query))
        notes = self._notes([row.id for row in rows])
        found: dict[str, list[StoredDecision]] = {}
        for row in rows:
            found.setdefault(row.candidate_id, []).append(_decision(row, notes.get(row.id)))
        return {ident: tuple(items) for ident, items in found.items()}

    def decision(self, ident: int) -> StoredDecision | None:
        row = self.session.get(LinkDecisionRow, ident)
        return _decision(row, self._notes([ident]).get(ident)) if row is not None else None

    def _notes(self, decision_ids: Sequence[int]) -> dict[int, str]:
        if not decision_ids:
            return {}
        query = select(LinkDecisionNoteRow).where(LinkDecisionNoteRow.decision_id.in_(decision_ids))
        return {
            row.decision_id: self._open("link_decision_notes", "note", str(row.decision_id), row.note_enc)
            for row in self.session.scalars(query)
        }

    def add_decision(
        self,
        candidate: str,
        verdict: Verdict,
        *,
        source: str,
        actor: str,
        now: datetime,
        corrects: int | None = None,
        note: str | None = None,
    ) -> int:
        """Append one decision (and its sealed note); returns its id. The caller checks that it may."""
        row = LinkDecisionRow(
            candidate_id=candidate, verdict=verdict, corrects=corrects, source_id=source, actor=actor, recorded_at=now
        )
        self.session.add(row)
        self.session.flush()
        if note:
            context = FieldContext("link_decision_notes", "note", str(row.id))
            self.session.add(
                LinkDecisionNoteRow(decision_id=row.id, note_enc=self.keyring.encrypt(json.dumps(note), context))
            )
            self.session.flush()
        return row.id

    def accepted_pairs(self) -> list[tuple[RecordRef, RecordRef]]:
        """The pairs whose decision in force says they are the same person."""
        newest = select(func.max(LinkDecisionRow.id)).group_by(LinkDecisionRow.candidate_id)
        query = select(LinkDecisionRow.candidate_id).where(
            LinkDecisionRow.id.in_(newest), LinkDecisionRow.verdict == "same"
        )
        ids = list(self.session.scalars(query))
        return [c.refs for c in self.candidates(ids=ids)] if ids else []


def _comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "field": comparison.field,
        "level": comparison.level,
        "detail": comparison.detail,
        "bayes_factor": float(comparison.bayes_factor),
    }


def _decision(row: LinkDecisionRow, note: str | None) -> StoredDecision:
    verdict: Verdict = "same" if row.verdict == "same" else "different"
    return StoredDecision(
        row.id, row.candidate_id, verdict, row.corrects, row.source_id, row.actor, _utc(row.recorded_at), note
    )
