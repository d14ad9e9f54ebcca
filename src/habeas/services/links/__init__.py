"""Record linkage as use cases: find candidates, decide them (append-only, sourced), combine, and estimate.

Who may: linkage is editors' and admins' work. The access model has no action of its own for
it; it writes what many records say, as an import does, so every linkage command needs the
import right (viewers never have it), and each pair needs both of its named records in the
user's reach for sensitive reading. A link between a named list and an anonymized release
re-identifies a person in government data: candidates and decisions are sealed in the
database, audited by opaque ids (never a release row's id beside a person's), and never
published or exported.

The rooms: ``reach`` (who may, which records they reach), ``views`` (what a reviewer sees),
``run`` (finding and storing candidates), ``review`` (the queue, decisions and corrections),
``clusters`` (combined views) and ``estimate`` (the people the lists missed).
"""

from __future__ import annotations

from habeas.services.links.clusters import clusters, show
from habeas.services.links.estimate import Criterion, EstimateView, capture_histories, estimate
from habeas.services.links.reach import PEOPLE, require_linker
from habeas.services.links.review import (
    MIN_PREFIX,
    STATUSES,
    accept,
    candidate,
    correct,
    decision_sources,
    reject,
    review,
)
from habeas.services.links.run import LinkRun, Progress, person_record, run_linkage
from habeas.services.links.views import CandidateView, Combined, RecordView, decision_json

__all__ = [
    "MIN_PREFIX",
    "PEOPLE",
    "STATUSES",
    "CandidateView",
    "Combined",
    "Criterion",
    "EstimateView",
    "LinkRun",
    "Progress",
    "RecordView",
    "accept",
    "candidate",
    "capture_histories",
    "clusters",
    "correct",
    "decision_json",
    "decision_sources",
    "estimate",
    "person_record",
    "reject",
    "require_linker",
    "review",
    "run_linkage",
    "show",
]
