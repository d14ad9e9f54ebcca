"""Combining records: clusters of accepted links, and a person's combined view with every record's source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from habeas.linkage.types import RecordRef
from habeas.security.access import Action, Resource
from habeas.security.audit import Outcome
from habeas.services import Context, NotFound, access
from habeas.services.database import repository
from habeas.services.links.reach import PEOPLE, is_release, require_linker
from habeas.services.links.views import Combined, RecordViewer
from habeas.store.links import LinkStore
from habeas.store.repository import Repository


def clusters(pairs: Iterable[tuple[RecordRef, RecordRef]]) -> dict[RecordRef, frozenset[RecordRef]]:
    """Each linked record's cluster: the records joined to it through accepted links (transitively)."""
    parent: dict[RecordRef, RecordRef] = {}

    def root(ref: RecordRef) -> RecordRef:
        parent.setdefault(ref, ref)
        while parent[ref] != ref:
            parent[ref] = parent[parent[ref]]
            ref = parent[ref]
        return ref

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[RecordRef, set[RecordRef]] = defaultdict(set)
    for ref in list(parent):
        members[root(ref)].add(ref)
    return {ref: frozenset(group) for group in members.values() for ref in group}


def show(ctx: Context, person: str) -> Combined:
    """A person's combined view: every record linked to them (transitively), each with its source named.

    The links shown are every decided candidate with a record of the cluster, the person's own
    record among them: one whose correction took a record out is still listed, with its decisions.
    """
    reach = require_linker(ctx, "link_show")
    with repository(ctx) as repo:
        cohorts = repo.person_cohorts(person)
        if cohorts is None:
            access.audit(ctx, "link_show", Outcome.DENIED, [("person", None)])
            raise NotFound(access.not_found_message("person", person))
        access.require(ctx, Action.READ_SENSITIVE, Resource.person(person, cohorts), hide=True)
        store = LinkStore(repo.session, ctx.keyring)
        accepted = store.accepted_pairs()
        joined = clusters(accepted)
        own = next((ref for ref in joined if ref.record_id == person and not is_release(ctx, ref)), None)
        members = sorted(joined[own]) if own is not None else []
        viewer = RecordViewer(ctx, repo, reach)
        mine = own or _own_ref(repo, person)
        records = tuple(viewer.record(ref) for ref in members) or (viewer.record(mine),)
        # The person's own decided links too: a link corrected away stays in view with its decisions.
        within = set(members) | {mine}
        decided = [c for c in store.candidates() if c.decisions and (set(c.refs) & within)]
        links = tuple(viewer.candidate(c) for c in decided if viewer.reachable(c))
    access.audit(ctx, "link_show", records=[("person", person), *(("link_candidate", c.id) for c in links)])
    return Combined(person, records, links)


def _own_ref(repo: Repository, person: str) -> RecordRef:
    found = repo.person(person)
    source = found.identifiers.get("release") if found is not None else None
    return RecordRef(source or PEOPLE, person)
