"""What the web pages need from the services: a forgiving name index, people summaries, guarded person views.

Everything here takes the acting user explicitly and filters by the access model
(:mod:`habeas.security.access`) before it counts, ranks or returns anything, so a page
cannot show, count or suggest a person the user may not reach.
"""

from __future__ import annotations

import gc
import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

from habeas.domain.model import Person
from habeas.domain.timeline import Timeline, build_timeline
from habeas.domain.whereabouts import Whereabouts, derive_whereabouts
from habeas.rules.alerts import Alerts, by_person, changes
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Flag, Severity
from habeas.rules.settings import RuleSettings
from habeas.security.access import Action, Resource, Scope, User, decide
from habeas.security.audit import Outcome
from habeas.security.search import fold, name_words
from habeas.services import Actor, Context, NotFound, ServiceError, access, check, track
from habeas.services.check import CatalogueEntry


def acting(base: Context, name: str) -> Context:
    """A context acting as ``name`` that shares ``base``'s engine, keys and audit sink (one of each per web app).

    Sharing them is what makes a request cheap: one connection pool and its compiled statements,
    one audit writer per process (whose appends are committed together), keys read once.
    """
    ctx = Context(base.settings, Actor(name))
    # cached_property storage: made once on the base, reused by every request's context.
    ctx.__dict__["engine"] = base.engine
    ctx.__dict__["audit_sink"] = base.audit_sink
    with suppress(ServiceError):  # no key yet (`habeas init` makes one): the request says so if it needs it
        ctx.__dict__["keyring"] = base.keyring
    return ctx


@dataclass(frozen=True)
class PersonCard:
    """What a list or a search shows of a person before anything is derived."""

    id: str
    name: str | None
    aliases: tuple[str, ...]
    cohorts: tuple[str, ...]
    citizenship: str | None

    @classmethod
    def of(cls, person: Person) -> PersonCard:
        return cls(person.id, person.name, tuple(person.aliases), tuple(person.cohorts), person.citizenship)

    @property
    def resource(self) -> Resource:
        return Resource.person(self.id, self.cohorts)

    @property
    def sort_name(self) -> str:
        return fold(self.name or self.id)


# -- the name index -------------------------------------------------------------------

EXACT, PREFIX, TYPO = 0, 1, 2  # the cost of a query word's match, lower first
WARM_CHUNK = 500  # people whose events are read in one query when summaries are computed in bulk


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns ``a`` into ``b``."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass(frozen=True)
class Match:
    card: PersonCard
    cost: int  # the sum of the query words' costs: exact 0, prefix 1, typo 2


class NameIndex:
    """Folded name and alias words of every person, searchable in any order, with one typo per word.

    Lookups go word → people; a typo is found through the words' one-letter deletions
    (a query word and an indexed word within one edit share a deletion or are one).
    """

    def __init__(self, cards: Iterable[PersonCard]):
        self.cards: dict[str, PersonCard] = {}
        self._people: dict[str, set[str]] = defaultdict(set)
        for card in cards:
            self.cards[card.id] = card
            for text in (card.name or "", *card.aliases):
                for word in name_words(text):
                    self._people[word].add(card.id)
        self._order = {c.id: (c.sort_name, c.id) for c in self.cards.values()}
        self.ordered = sorted(self.cards.values(), key=lambda c: self._order[c.id])
        self._words = sorted(self._people)
        self._by_deletion: dict[str, set[str]] = defaultdict(set)
        for word in self._words:
            if len(word) >= 3:
                for gone in _deletions(word):
                    self._by_deletion[gone].add(word)

    def __len__(self) -> int:
        return len(self.cards)

    def _word_matches(self, word: str) -> dict[str, int]:
        """Indexed words matching one query word, with the cost of each match."""
        found: dict[str, int] = {}
        if len(word) >= 2:
            start = bisect_left(self._words, word)
            for candidate in self._words[start:]:
                if not candidate.startswith(word):
                    break
                found[candidate] = PREFIX
        if len(word) >= 3:
            near = set(self._by_deletion.get(word, ())) | {
                w for g in _deletions(word) for w in self._by_deletion.get(g, ())
            }
            near |= {g for g in _deletions(word) if g in self._people}
            for candidate in near:
                if candidate not in found and within_one_edit(word, candidate):
                    found[candidate] = TYPO
        if word in self._people:
            found[word] = EXACT
        return found

    def search(self, query: str, reach: Scope) -> list[Match]:
        """People in ``reach`` whose names or aliases match every word of ``query`` (or whose id it is), best first."""
        costs = self._name_costs(list(dict.fromkeys(name_words(query))))
        if query.strip() in self.cards:
            costs[query.strip()] = EXACT
        matches = [Match(self.cards[pid], cost) for pid, cost in costs.items()]
        if not reach.all_records:
            matches = [m for m in matches if reach.covers(m.card.resource)]
        matches.sort(key=lambda m: (m.cost, self._order[m.card.id]))
        return matches

    def _name_costs(self, words: list[str]) -> dict[str, int]:
        """Person id → the summed cost of matching every query word; people missing a word are left out.

        The people matching each word are intersected as sets first (common surnames are shared by
        thousands); costs are then summed for the few who match every word.
        """
        levels: list[dict[int, list[set[str]]]] = []  # per query word: cost → the people sets at that cost
        for word in words:
            by_cost: dict[int, list[set[str]]] = defaultdict(list)
            for candidate, cost in self._word_matches(word).items():
                by_cost[cost].append(self._people[candidate])
            if not by_cost:
                return {}
            levels.append(by_cost)
        if not levels:
            return {}
        matching = [set().union(*(group for groups in by_cost.values() for group in groups)) for by_cost in levels]
        matching.sort(key=len)
        survivors = matching[0].intersection(*matching[1:])
        costs: dict[str, int] = {}
        for person_id in survivors:
            costs[person_id] = sum(
                min(cost for cost, groups in by_cost.items() if any(person_id in g for g in groups))
                for by_cost in levels
            )
        return costs


# -- what lists show of each person ----------------------------------------------------


@dataclass(frozen=True)
class Summary:
    card: PersonCard
    whereabouts: Whereabouts
    flags: tuple[Flag, ...]

    @property
    def gravest(self) -> Severity | None:
        return max((f.severity for f in self.flags), key=lambda s: s.rank, default=None)

    @property
    def days_without_proof_of_life(self) -> int | None:
        days = self.whereabouts.days_without_proof_of_life
        return days.max if days is not None else None


@dataclass
class _Cache:
    index: NameIndex | None = None
    as_of: date | None = None
    summaries: dict[str, Summary] = field(default_factory=dict)
    stamp: tuple[int, int] | None = None
    checked_at: float = 0.0
    before: dict[date, dict[str, tuple[Flag, ...]]] = field(default_factory=dict)


class Directory:
    """The web app's memory of who is in the database: the name index and summaries for one day.

    It notices changes made elsewhere (an import from the command line) by comparing
    record counts at most every ``freshness_seconds``; the web app's own writes call
    :meth:`changed`.
    """

    def __init__(self, base: Context, freshness_seconds: float = 5.0):
        self.base = base
        self.freshness_seconds = freshness_seconds
        self._lock = threading.Lock()
        self._cache = _Cache()
        self._rules: tuple[int | None, RuleSettings, list[CatalogueEntry]] | None = None

    def rules(self) -> tuple[RuleSettings, list[CatalogueEntry]]:
        """The rule settings and the catalogue, read again only when the settings file changes."""
        path = self.base.settings.config_path
        stamp = path.stat().st_mtime_ns if path.exists() else None
        known = self._rules
        if known is None or known[0] != stamp:
            known = (stamp, check.rule_settings(self.base), check.rule_catalogue(self.base))
            self._rules = known
        return known[1], known[2]

    def _stamp(self) -> tuple[int, int]:
        with track.repository(self.base) as repo:
            counts = repo.counts()
        return counts["people"], counts["events"]

    def _fresh(self) -> _Cache:
        now = time.monotonic()
        cache = self._cache
        if now - cache.checked_at < self.freshness_seconds and cache.index is not None:
            return cache
        stamp = self._stamp()
        with self._lock:
            if stamp != self._cache.stamp:
                self._cache = _Cache(stamp=stamp)
            self._cache.checked_at = now
            return self._cache

    def changed(self, person_id: str | None = None) -> None:
        """Forget what a write made stale: one person's summary (an event added), or everything (an import)."""
        stamp = self._stamp()
        with self._lock:
            if person_id is None:
                self._cache = _Cache(stamp=stamp, checked_at=time.monotonic())
            else:
                self._cache.summaries.pop(person_id, None)
                for flags in self._cache.before.values():
                    flags.pop(person_id, None)
                self._cache.stamp = stamp  # our own write: not a reason to rebuild the index

    def index(self) -> NameIndex:
        cache = self._fresh()
        if cache.index is None:
            with track.repository(self.base) as repo:
                index = NameIndex(PersonCard.of(p) for p in repo.people())
            with self._lock:
                cache.index = cache.index or index
            _settle()
        assert cache.index is not None
        return cache.index

    def cards(self, reach: Scope) -> list[PersonCard]:
        """Every person in reach, by name."""
        ordered = self.index().ordered
        return list(ordered) if reach.all_records else [c for c in ordered if reach.covers(c.resource)]

    def card(self, person_id: str) -> PersonCard | None:
        return self.index().cards.get(person_id)

    def _day(self, cache: _Cache, as_of: date) -> None:
        with self._lock:
            if cache.as_of != as_of:
                cache.as_of, cache.summaries = as_of, {}

    def summaries(self, cards: Sequence[PersonCard], as_of: date) -> list[Summary]:
        """Summaries of the given people (a page of a list); the missing ones computed together."""
        cache = self._fresh()
        self._day(cache, as_of)
        missing = [c for c in cards if c.id not in cache.summaries]
        if missing:
            self._store(cache, as_of, self._compute(missing, as_of))
        return [s for c in cards if (s := cache.summaries.get(c.id)) is not None]

    def all_summaries(self, reach: Scope, as_of: date) -> list[Summary]:
        """Summaries of everyone in reach (for filters, sorting by derived values, the morning report)."""
        cache = self._fresh()
        self._day(cache, as_of)
        missing = [c for c in self.cards(reach) if c.id not in cache.summaries]
        for chunk in range(0, len(missing), WARM_CHUNK):
            self._store(cache, as_of, self._compute(missing[chunk : chunk + WARM_CHUNK], as_of))
        if len(missing) > WARM_CHUNK:
            _settle()
        return [s for c in self.cards(reach) if (s := cache.summaries.get(c.id)) is not None]

    def _timelines(self, cards: Sequence[PersonCard], known_on: date | None = None) -> list[Timeline]:
        """Timelines of a chunk of people, their own and their cohorts' events read in one query."""
        with track.repository(self.base) as repo:
            people = [p for c in cards if (p := repo.person(c.id)) is not None]
            events = repo.events([p.id for p in people], {c for p in people for c in p.cohorts})
            sources = repo.sources(track.cited_sources(events))
        concerning = track.events_by_person(events)
        return [build_timeline(person, concerning(person), sources, known_on) for person in people]

    def _compute(self, cards: Sequence[PersonCard], as_of: date) -> dict[str, Summary]:
        settings = self.rules()[0]
        computed = {}
        for timeline in self._timelines(cards):
            flags = tuple(check_timeline(timeline, as_of, settings))
            computed[timeline.person.id] = Summary(
                PersonCard.of(timeline.person), derive_whereabouts(timeline, as_of), flags
            )
        return computed

    def _flags_then(self, cards: Sequence[PersonCard], since: date) -> dict[str, tuple[Flag, ...]]:
        """Each person's flags as of ``since`` with what was known on ``since`` (the morning report's "before")."""
        settings = self.rules()[0]
        return {t.person.id: tuple(check_timeline(t, since, settings)) for t in self._timelines(cards, since)}

    def _store(self, cache: _Cache, as_of: date, computed: dict[str, Summary]) -> None:
        with self._lock:
            if cache.as_of == as_of:
                cache.summaries.update(computed)

    def warm(self, today: Callable[[], date], stop: threading.Event) -> None:
        """Keep today's summary of everyone in memory, so lists, filters and searches need not compute them.

        Run in a background thread; it starts again after an import or a new day empties the cache.
        """
        while not stop.is_set():
            try:
                cache, as_of = self._fresh(), today()
                self._day(cache, as_of)
                missing = [c for c in self.index().ordered if c.id not in cache.summaries]
                for chunk in range(0, len(missing), WARM_CHUNK):
                    if stop.is_set() or self._cache is not cache:
                        break
                    self._store(cache, as_of, self._compute(missing[chunk : chunk + WARM_CHUNK], as_of))
                if missing:
                    _settle()
            except ServiceError:
                pass  # the database is being upgraded or is not there yet; try again later
            stop.wait(self.freshness_seconds)

    def alerts(self, reach: Scope, since: date, today: date) -> Alerts:
        """Flags new or graver today than on ``since`` for the people in reach (what `habeas alerts` reports).

        The "before" check runs as of ``since`` with what was known then, once per day asked about,
        so a clock that crossed a threshold in between shows up as well as newly reported events.
        """
        now = self.all_summaries(reach, today)
        cache = self._fresh()
        with self._lock:
            before = cache.before.setdefault(since, {})
        missing = [s.card for s in now if s.card.id not in before]
        for chunk in range(0, len(missing), WARM_CHUNK):
            computed = self._flags_then(missing[chunk : chunk + WARM_CHUNK], since)
            with self._lock:
                before.update(computed)
        found = [a for s in now for a in changes(before.get(s.card.id, ()), s.flags)]
        return by_person(since, today, found)


def _settle() -> None:
    """Let Python's cycle collector skip what the directory now holds.

    The name index and the summaries are millions of long-lived objects. Left in the
    collector's care, every full collection walks them all, and the pages being served
    wait hundreds of milliseconds for it. Frozen, they are still freed by reference
    counting when the directory lets them go; only cycles among them would stay.
    """
    gc.collect()
    gc.freeze()


# -- one person, guarded --------------------------------------------------------------


@dataclass(frozen=True)
class PersonView:
    timeline: Timeline
    whereabouts: Whereabouts
    flags: tuple[Flag, ...]
    may_write: bool
    may_read_sensitive: bool


def _refuse(person_id: str) -> NotFound:
    # The same answer whether the person does not exist or is out of reach: no hint of who is in habeas.
    return NotFound(f"no person with id {person_id!r}")


def reachable_person(ctx: Context, directory: Directory, user: User, action: Action, person_id: str) -> PersonCard:
    """The person's card when ``user`` may take ``action`` on them; NotFound (the denial audited) otherwise."""
    card = directory.card(person_id)
    if card is None or not decide(user, action, card.resource):
        access.audit(ctx, action.value, Outcome.DENIED, [("person", card.id if card else None)])
        raise _refuse(person_id)
    return card


def person_view(
    ctx: Context, directory: Directory, user: User, person_id: str, as_of: date, known_on: date | None = None
) -> PersonView:
    """The person page's data; the track service decides access, audits the read and leaves out what is sensitive."""
    timeline = track.timeline(ctx, person_id, known_on)
    resource = Resource.person(timeline.person.id, timeline.person.cohorts)
    return PersonView(
        timeline=timeline,
        whereabouts=derive_whereabouts(timeline, as_of),
        flags=tuple(check_timeline(timeline, as_of, directory.rules()[0])),
        may_write=bool(decide(user, Action.WRITE_EVENT, resource)),
        may_read_sensitive=bool(decide(user, Action.READ_SENSITIVE, resource)),
    )


def in_reach(ctx: Context) -> Scope:
    """The people the acting user may read, as the access service says (the filter of every list)."""
    return access.reachable(ctx, Action.READ_PERSON)


def shown(ctx: Context, person_ids: Iterable[str]) -> None:
    """Audit that a list or a search showed these people (with their whereabouts) to the acting user."""
    ids = list(dict.fromkeys(person_ids))
    if ids:
        access.audit(ctx, "list_people", records=[("person", pid) for pid in ids])
