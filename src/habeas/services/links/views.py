"""What a reviewer sees of links: records with what the user may see of them, candidates, decisions, clusters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from habeas.linkage.types import RecordRef
from habeas.security.access import Scope
from habeas.services import Context
from habeas.services.links.reach import PEOPLE, in_reach
from habeas.store.links import StoredCandidate, StoredDecision
from habeas.store.repository import Repository

SEXES = {"female": "F", "f": "F", "male": "M", "m": "M"}


def sex(gender: str | None) -> str | None:
    return SEXES.get(gender.strip().lower()) if gender else None


@dataclass(frozen=True)
class RecordView:
    """One record as a reviewer sees it: its source (named), and what it says that the user may see."""

    ref: RecordRef
    source_title: str
    named: bool
    reachable: bool = True
    name: str | None = None
    birth: str | None = None
    citizenship: str | None = None
    sex: str | None = None

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"source": self.ref.source, "source_title": self.source_title}
        if not self.reachable:
            return found | {"reachable": False}
        found |= {"record": self.ref.record_id, "named": self.named}
        found |= {k: v for k, v in (("name", self.name), ("birth", self.birth),
                                    ("citizenship", self.citizenship), ("sex", self.sex)) if v is not None}  # fmt: skip
        return found


@dataclass(frozen=True)
class CandidateView:
    candidate: StoredCandidate
    left: RecordView
    right: RecordView

    @property
    def id(self) -> str:
        return self.candidate.id

    @property
    def in_force(self) -> StoredDecision | None:
        """The decision whose verdict holds (the newest), or None while the candidate is pending."""
        return self.candidate.decisions[-1] if self.candidate.decisions else None

    @property
    def corrected_by(self) -> Mapping[int, StoredDecision]:
        """Each decision that was corrected, by its id, and the correction that reversed it."""
        return {d.corrects: d for d in self.candidate.decisions if d.corrects is not None}

    def as_json(self) -> dict[str, Any]:
        c = self.candidate
        return {
            "id": c.id,
            "status": c.status,
            "probability": round(c.probability, 6),
            "match_weight": round(c.match_weight, 4),
            "engine": c.engine,
            "records": [self.left.as_json(), self.right.as_json()],
            "comparisons": [
                {"field": x.field, "level": x.level, "detail": x.detail, "bayes_factor": round(x.bayes_factor, 4)}
                for x in c.comparisons
            ],
            "decisions": [decision_json(d) for d in c.decisions],
        }


@dataclass(frozen=True)
class Combined:
    """A person's combined view: every record of the cluster of accepted links, each with its source."""

    person: str
    records: tuple[RecordView, ...]
    links: tuple[CandidateView, ...]


def decision_json(d: StoredDecision) -> dict[str, Any]:
    found: dict[str, Any] = {"id": d.id, "verdict": d.verdict, "source": d.source, "actor": d.actor,
                             "recorded_at": d.recorded_at.isoformat(timespec="seconds")}  # fmt: skip
    if d.corrects is not None:
        found["corrects"] = d.corrects
    if d.note:
        found["note"] = d.note
    return found


class RecordViewer:
    """Builds what a reviewer sees of records: names only for people in reach, never a release's values."""

    def __init__(self, ctx: Context, repo: Repository, reach: Scope):
        from habeas.analytics.releases import releases

        self.repo, self.reach = repo, reach
        found = releases(ctx.settings.datasets_dir)
        self.releases = {r.id for r in found if r.format != "mapped_list"}
        self.titles = {r.id: r.source.title or r.id for r in found}
        self.titles[PEOPLE] = "tracked people"

    def reachable(self, candidate: StoredCandidate) -> bool:
        return all(in_reach(self.repo, self.reach, ref, self.releases) for ref in candidate.refs)

    def record(self, ref: RecordRef) -> RecordView:
        title = self.titles.get(ref.source, ref.source)
        if ref.source in self.releases:
            return RecordView(ref, title, named=False)
        if not in_reach(self.repo, self.reach, ref, self.releases):
            return RecordView(ref, title, named=True, reachable=False)
        person = self.repo.person(ref.record_id)
        if person is None:
            return RecordView(ref, title, named=True, reachable=False)
        birth = str(person.birth_date) if person.birth_date else (str(person.birth_year) if person.birth_year else None)
        return RecordView(ref, title, True, True, person.name, birth, person.citizenship, sex(person.gender))

    def candidate(self, candidate: StoredCandidate) -> CandidateView:
        return CandidateView(candidate, self.record(candidate.left), self.record(candidate.right))
