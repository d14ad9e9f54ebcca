"""The directory: who is in the database, as each caller may see them: cards, summaries, one person's view.

The web app keeps one directory for its whole life, filled by the app's own built-in
admin context (``WEB_ACTOR``) so that one name index and one day's summaries serve every
user instead of one copy per user. That memory holds people no particular user may see,
and it is safe because nothing leaves it unfiltered: every public method that returns or
counts people takes the caller's :class:`~habeas.security.access.Scope` (or their context
and :class:`~habeas.security.access.User`) and filters by it first, and a person out of
reach is answered exactly as a missing one (``None``, or ``NotFound`` with
:func:`habeas.services.access.not_found_message`). The helpers that read the memory
unfiltered are private (their names start with ``_``) and only ever feed those methods.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from habeas.domain.timeline import Timeline, build_timeline
from habeas.domain.whereabouts import Whereabouts, derive_whereabouts
from habeas.rules.engine import check_timeline
from habeas.rules.flag import Flag, Severity
from habeas.rules.settings import RuleSettings
from habeas.security.access import Action, Resource, Scope, User, decide
from habeas.security.audit import Outcome
from habeas.services import Actor, Context, NotFound, ServiceError, check
from habeas.services.check import CatalogueEntry
from habeas.services.name_index import Match, NameIndex, PersonCard

if TYPE_CHECKING:
    from habeas.store import shared_state

# The access and track services (and with them the database) are imported where the directory
# reads: the command line loads this module at start-up.

__all__ = ["Directory", "PersonCard", "PersonView", "Summary", "acting", "in_reach", "shown"]

WARM_CHUNK = 500  # people whose events are read in one query when summaries are computed in bulk
MAX_CHANGES_APPLIED = 2000  # more changes than this since the last read: the memory starts afresh
# Entries of the change log kept when a server starts. Far more than MAX_CHANGES_APPLIED: a process reading
# while the oldest are removed, if it was behind them, still finds more than that after them, and starts afresh.
KEEP_CHANGES = 100_000


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


def in_reach(ctx: Context) -> Scope:
    """The people the acting user may read, as the access service says (the filter of every list)."""
    from habeas.services import access

    return access.reachable(ctx, Action.READ_PERSON)


def shown(ctx: Context, person_ids: Iterable[str]) -> None:
    """Audit that a list or a search showed these people (with their whereabouts) to the acting user."""
    from habeas.services import access

    ids = list(dict.fromkeys(person_ids))
    if ids:
        access.audit(ctx, "list_people", records=[("person", pid) for pid in ids])


@dataclass(frozen=True)
class Summary:
    """What lists show of a person on one day: the card, the whereabouts and the flags."""

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


@dataclass(frozen=True)
class PersonView:
    """The person page's data, as the acting user may see it."""

    timeline: Timeline
    whereabouts: Whereabouts
    flags: tuple[Flag, ...]
    may_write: bool
    may_read_sensitive: bool


@dataclass
class _Cache:
    index: NameIndex | None = None
    as_of: date | None = None
    summaries: dict[str, Summary] = field(default_factory=dict)
    seen: int = 0  # the newest entry of the database's change log this memory reflects
    before: dict[date, dict[str, tuple[Flag, ...]]] = field(default_factory=dict)


class Directory:
    """The memory of who is in the database: the name index and summaries for one day, shown by scope.

    Nothing is computed before it is asked for: the name index at the first list or search,
    a summary when a page shows its person. Before answering from memory, the directory
    asks the database's change log (written by triggers, whichever process or program
    wrote) for anything newer than what it holds, and forgets exactly that: the summaries
    of the people an event concerns, the cards of people stored or changed. So a write in
    one server process is seen by the next read in every other. See the module's docstring
    for why one privileged memory is safe.
    """

    def __init__(self, base: Context):
        self.base = base
        self._lock = threading.Lock()
        self._reading = threading.Lock()  # held while everybody's cards are read
        self._cache = _Cache()
        self._rules: tuple[int | None, RuleSettings, list[CatalogueEntry]] | None = None

    # -- what anyone may ask: the rules, and news of a write ---------------------------

    def rules(self) -> tuple[RuleSettings, list[CatalogueEntry]]:
        """The rule settings and the catalogue (no person in them), read again only when the settings file changes."""
        path = self.base.settings.config_path
        stamp = path.stat().st_mtime_ns if path.exists() else None
        known = self._rules
        if known is None or known[0] != stamp:
            known = (stamp, check.rule_settings(self.base), check.rule_catalogue(self.base))
            self._rules = known
        return known[1], known[2]

    def prune_changes(self) -> None:
        """Keep the newest KEEP_CHANGES entries of the change log (a server starting calls this)."""
        from habeas.services import track
        from habeas.store import shared_state

        with track.repository(self.base):  # a database at the current schema, its errors in the services' words
            shared_state.prune_changes(self.base.engine, KEEP_CHANGES)

    def changed(self, person_id: str | None = None) -> None:
        """Take in a write made here now (the change log has it; this reads it before the next request does)."""
        self._fresh()

    # -- people, always through the caller's scope -------------------------------------

    def search(self, reach: Scope, query: str) -> list[Match]:
        """The people in reach whose names, aliases or id match ``query``, best first."""
        return self._index().search(query, reach)

    def cards(self, reach: Scope) -> list[PersonCard]:
        """Every person in reach, by name."""
        ordered = self._index().ordered
        return list(ordered) if reach.all_records else [c for c in ordered if reach.covers(c.resource)]

    def card(self, reach: Scope, person_id: str) -> PersonCard | None:
        """The person's card when they are in reach; ``None`` for one out of reach, as for one who does not exist."""
        card = self._index().cards.get(person_id)
        return card if card is not None and reach.covers(card.resource) else None

    def cohort_names(self, reach: Scope) -> dict[str, str]:
        """The names of the cohorts with a member in reach, by id (one without a name by its id).

        Read from the memberships, neither from the summaries (a page that only names cohorts
        derives nobody's flags) nor from the name index (a person page needs none).
        """
        from habeas.services import track
        from habeas.store import shared_state

        with track.repository(self.base):  # a database at the current schema, its errors in the services' words
            return shared_state.cohort_names_in_reach(self.base.engine, reach)

    def summaries(self, reach: Scope, person_ids: Iterable[str], as_of: date) -> list[Summary]:
        """Summaries of the given people in reach (a page of a list), in the order given; the missing ones together.

        Ids out of reach are left out as unknown ones are: access is decided on the directory's
        own card of each person, never on a card or cohorts the caller hands in.
        """
        known = self._index().cards
        cards = [c for pid in person_ids if (c := known.get(pid)) is not None and reach.covers(c.resource)]
        cache = self._fresh()
        self._day(cache, as_of)
        seen, computed = cache.seen, {}
        missing = [c for c in cards if c.id not in cache.summaries]
        if missing:
            computed = self._compute(missing, as_of)
            self._store(cache, as_of, seen, computed)
        return [s for c in cards if (s := cache.summaries.get(c.id) or computed.get(c.id)) is not None]

    def all_summaries(self, reach: Scope, as_of: date) -> list[Summary]:
        """Summaries of everyone in reach, by name (for filters, sorting by derived values, the morning report)."""
        cards = self.cards(reach)
        cache = self._fresh()
        self._day(cache, as_of)
        seen, computed = cache.seen, {}
        missing = [c for c in cards if c.id not in cache.summaries]
        for chunk in range(0, len(missing), WARM_CHUNK):
            part = self._compute(missing[chunk : chunk + WARM_CHUNK], as_of)
            self._store(cache, as_of, seen, part)
            computed.update(part)
        if len(missing) > WARM_CHUNK:
            _settle()
        return [s for c in cards if (s := cache.summaries.get(c.id) or computed.get(c.id)) is not None]

    def flags_known_on(self, reach: Scope, day: date) -> dict[str, tuple[Flag, ...]]:
        """Each person in reach's flags as of ``day`` with what was known on ``day`` (the morning report's "before").

        Kept once per day asked about, so the morning report of every user shares one computation.
        """
        cards = self.cards(reach)
        cache = self._fresh()
        with self._lock:
            seen, before = cache.seen, cache.before.setdefault(day, {})
        missing = [c for c in cards if c.id not in before]
        computed: dict[str, tuple[Flag, ...]] = {}
        for chunk in range(0, len(missing), WARM_CHUNK):
            part = self._flags_then(missing[chunk : chunk + WARM_CHUNK], day)
            computed.update(part)
            with self._lock:
                if cache.seen == seen:  # else a change came in meanwhile: what was read may predate it
                    before.update(part)
        return {c.id: flags for c in cards if (flags := before.get(c.id, computed.get(c.id))) is not None}

    def reachable(self, ctx: Context, user: User, action: Action, person_id: str) -> PersonCard:
        """The person's card when ``user`` may take ``action`` on them; NotFound (the denial audited) otherwise."""
        from habeas.services import access

        card = self._index().cards.get(person_id)  # unfiltered for the audit entry only, which admins alone read
        if card is None or not decide(user, action, card.resource):
            access.audit(ctx, action.value, Outcome.DENIED, [("person", card.id if card else None)])
            raise NotFound(access.not_found_message("person", person_id))
        return card

    def view(self, ctx: Context, user: User, person_id: str, as_of: date, known_on: date | None = None) -> PersonView:
        """The person page's data; the track service decides access, audits the read, leaves out what is sensitive."""
        from habeas.services import track

        timeline = track.timeline(ctx, person_id, known_on)
        resource = Resource.person(timeline.person.id, timeline.person.cohorts)
        return PersonView(
            timeline=timeline,
            whereabouts=derive_whereabouts(timeline, as_of),
            flags=tuple(check_timeline(timeline, as_of, self.rules()[0])),
            may_write=bool(decide(user, Action.WRITE_EVENT, resource)),
            may_read_sensitive=bool(decide(user, Action.READ_SENSITIVE, resource)),
        )

    # -- the unfiltered memory, for the methods above only -----------------------------

    def _fresh(self) -> _Cache:
        """The memory, once it has taken in every change the database's log has after what it last read."""
        from habeas.store import shared_state

        oldest, latest = shared_state.change_bounds(self.base.engine)
        cache = self._cache
        if latest <= cache.seen:
            return cache
        with self._lock:
            cache = self._cache
            while cache.seen < latest:
                if cache.index is None:  # nothing read yet, so nothing to forget
                    cache.seen = latest
                    break
                if oldest > cache.seen + 1:  # the log was pruned past what this memory read: it may miss some
                    cache = self._cache = _Cache(seen=latest)
                    break
                changes = shared_state.changes_after(self.base.engine, cache.seen, MAX_CHANGES_APPLIED)
                if not changes:
                    break
                if len(changes) == MAX_CHANGES_APPLIED:
                    # Many at once (an import, a key rotation): start afresh, lazily.
                    cache = self._cache = _Cache(seen=latest)
                    break
                self._apply(cache, changes)
            return cache

    def _apply(self, cache: _Cache, changes: Sequence[shared_state.Change]) -> None:
        """Forget what ``changes`` made stale: summaries of the people concerned, and their cards (under the lock)."""

        stale = {c.person_id for c in changes if c.person_id is not None}
        cohorts = {c.cohort_id for c in changes if c.kind == "event" and c.person_id is None and c.cohort_id}
        recarded = {c.person_id for c in changes if c.kind in ("person", "membership") and c.person_id is not None}
        if recarded and cache.index is not None:
            cards: dict[str, PersonCard | None] = dict.fromkeys(recarded)
            cards.update((c.id, c) for c in self._read_cards(recarded))  # the ones not read are gone
            cache.index = cache.index.updated(cards)
        if cohorts:  # an event of a whole cohort: its members' summaries are stale
            assert cache.index is not None
            stale |= {c.id for c in cache.index.ordered if cohorts.intersection(c.cohorts)}
        for person_id in stale:
            cache.summaries.pop(person_id, None)
            for flags in cache.before.values():
                flags.pop(person_id, None)
        cache.seen = changes[-1].seq

    def _index(self) -> NameIndex:
        """Everybody's cards, unfiltered (read at the first question that needs them, or by :meth:`read_index`)."""
        cache = self._fresh()
        while cache.index is None:
            with self._reading:  # one reading of everybody, not one per waiting request
                if cache.index is None:
                    self._read_index(cache)
            cache = self._fresh()
        return cache.index

    def read_index(self) -> None:
        """Read everybody's cards now, if nobody has yet (a server starting calls this in the background).

        Pages that need no name index (a person page) are answered meanwhile: the reading holds
        only its own lock, and a search that comes in waits for it instead of reading again.
        """
        self._index()

    def _read_index(self, cache: _Cache) -> None:
        with self._lock:
            seen = cache.seen
        # The cards are read after ``seen`` was: a write in between is applied twice, harmlessly.
        index = NameIndex(self._read_cards())
        with self._lock:
            if self._cache is cache and cache.index is None:
                # Changes other requests skipped while no index was held are taken in from ``seen`` on.
                cache.index, cache.seen = index, min(cache.seen, seen)
        _settle()

    def _read_cards(self, person_ids: Iterable[str] | None = None) -> list[PersonCard]:
        """Everyone's card (or these people's), read in two queries."""
        from habeas.services import track
        from habeas.store import shared_state

        with track.repository(self.base):  # a database at the current schema, its errors in the services' words
            read = shared_state.person_cards(self.base.engine, self.base.keyring, person_ids)
        return [PersonCard(c.id, c.name, c.aliases, c.cohorts, c.citizenship) for c in read]

    def _day(self, cache: _Cache, as_of: date) -> None:
        with self._lock:
            if cache.as_of != as_of:
                cache.as_of, cache.summaries = as_of, {}

    def _timelines(self, cards: Sequence[PersonCard], known_on: date | None = None) -> list[Timeline]:
        """Timelines of a chunk of people, their own and their cohorts' events read in one query."""
        from habeas.services import track

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
        settings = self.rules()[0]
        return {t.person.id: tuple(check_timeline(t, since, settings)) for t in self._timelines(cards, since)}

    def _store(self, cache: _Cache, as_of: date, seen: int, computed: dict[str, Summary]) -> None:
        """Keep summaries read when the memory had taken in the log up to ``seen``, unless a change came in since."""
        with self._lock:
            if cache.as_of == as_of and cache.seen == seen:
                cache.summaries.update(computed)


def _settle() -> None:
    """Let Python's cycle collector skip what the directory now holds.

    The name index and the summaries are millions of long-lived objects. Left in the
    collector's care, every full collection walks them all, and the pages being served
    wait hundreds of milliseconds for it. Frozen, they are still freed by reference
    counting when the directory lets them go; only cycles among them would stay.
    """
    gc.collect()
    gc.freeze()
