"""Estimating from the links: capture histories over clusters of accepted links, and the multiple systems estimate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from habeas.linkage.types import RecordRef
from habeas.security.access import Action
from habeas.services import Context, ServiceError, access
from habeas.services.database import repository
from habeas.services.links.clusters import clusters
from habeas.services.links.reach import require_linker
from habeas.services.links.run import chosen_lists
from habeas.store.links import LinkStore

if TYPE_CHECKING:
    from habeas.stats.estimate import Estimate

Criterion = Literal["aic", "bic"]


@dataclass(frozen=True)
class EstimateView:
    lists: tuple[str, ...]
    titles: Mapping[str, str]
    histories: Mapping[frozenset[str], int]
    estimate: Estimate
    records: int  # records on the lists
    links: int  # accepted links used


def capture_histories(
    on_lists: Mapping[str, Iterable[str]], accepted: Iterable[tuple[RecordRef, RecordRef]]
) -> tuple[dict[frozenset[str], int], int]:
    """How many people share each set of lists: each cluster of accepted-linked records is one person.

    ``on_lists`` gives each list's record ids. A person is on a list when one of the cluster's
    records comes from it; a record linked to nothing is a person of its own.
    """
    joined = clusters(accepted)
    people: dict[frozenset[RecordRef] | RecordRef, set[str]] = defaultdict(set)
    records = 0
    for name, ids in on_lists.items():
        for record in ids:
            ref = RecordRef(name, record)
            records += 1
            people[joined.get(ref, ref)].add(name)
    counts: dict[frozenset[str], int] = defaultdict(int)
    for found in people.values():
        counts[frozenset(found)] += 1
    return dict(counts), records


def estimate(ctx: Context, lists: Sequence[str], criterion: str = "bic") -> EstimateView:
    """How many people the lists missed, by multiple systems estimation over the accepted links."""
    from habeas.stats.estimate import EstimateError, estimate_total

    require_linker(ctx, "estimate")
    access.require(ctx, Action.READ_STATISTICS)
    if criterion not in ("aic", "bic"):
        raise ServiceError(f"--criterion must be aic or bic, not {criterion!r}")
    if len(lists) < 3:
        raise ServiceError(
            f"--lists: estimating the people missed needs at least three lists, not {len(lists)} "
            "(with two, the estimate rests on the lists being independent, which cannot be checked)"
        )
    chosen = chosen_lists(ctx, lists)
    ids = [r.id for r in chosen]
    reach = access.reachable(ctx, Action.READ_SENSITIVE)
    with repository(ctx) as repo:
        on_lists: dict[str, list[str]] = {rid: [] for rid in ids}
        for person in repo.people(within=reach):
            release = person.identifiers.get("release")
            if release in on_lists:
                on_lists[release].append(person.id)
        accepted = LinkStore(repo.session, ctx.keyring).accepted_pairs()
    for rid, members in on_lists.items():
        if not members:
            raise ServiceError(f"--lists: the list {rid} has no one in your reach; nothing to estimate from")
    histories, records = capture_histories(on_lists, accepted)
    try:
        found = estimate_total(ids, histories, criterion=cast(Criterion, criterion))
    except EstimateError as exc:
        raise ServiceError(f"no estimate: {exc}") from exc
    access.audit(ctx, "estimate", records=[("dataset", rid) for rid in ids])
    titles = {r.id: r.source.title or r.id for r in chosen}
    used = sum(1 for pair in accepted if {pair[0].source, pair[1].source} & set(ids))
    return EstimateView(tuple(ids), titles, histories, found, records, used)
