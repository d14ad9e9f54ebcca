"""The forgiving name index: folded name and alias words of people, searched in any order with one typo a word.

It is a plain in-memory structure over the cards its owner gives it. The directory
(:mod:`habeas.services.directory`) builds one over everybody and keeps it private; the
only question it answers for others, :meth:`NameIndex.search`, is filtered by the
caller's scope before anything is ranked or returned.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from habeas.domain.model import Person
from habeas.security.access import Resource, Scope
from habeas.security.search import fold, name_words

EXACT, PREFIX, TYPO = 0, 1, 2  # the cost of a query word's match, lower first


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
        """What access is decided on: the person and their cohorts."""
        return Resource.person(self.id, self.cohorts)

    @property
    def sort_name(self) -> str:
        return fold(self.name or self.id)


def _words_of(card: PersonCard) -> set[str]:
    return {word for text in (card.name or "", *card.aliases) for word in name_words(text)}


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
    ``cards`` and ``ordered`` hold every card given, unfiltered: they are for the index's
    owner, who must filter by a scope before showing or counting any of them.
    """

    def __init__(self, cards: Iterable[PersonCard]):
        self.cards: dict[str, PersonCard] = {}
        self._people: dict[str, set[str]] = defaultdict(set)
        for card in cards:
            self.cards[card.id] = card
            for word in _words_of(card):
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

    def updated(self, changed: Mapping[str, PersonCard | None]) -> NameIndex:
        """A new index with these cards put in (``None``: the person is gone); this one is left as it was.

        Copy on write: requests reading this index meanwhile see it whole. Only the structures a
        changed card touches are copied, so a few cards cost milliseconds, not a reading of everyone.
        Words no one has any more stay listed, matching nobody.
        """
        new = NameIndex(())
        new.cards, new._order = dict(self.cards), dict(self._order)
        new._people = self._people.copy()
        new.ordered = list(self.ordered)
        added_words: set[str] = set()
        for person_id, card in changed.items():
            old = self.cards.get(person_id)
            if old is not None:
                del new.ordered[bisect_left(new.ordered, self._order[person_id], key=lambda c: new._order[c.id])]
                for word in _words_of(old):
                    new._people[word] = new._people[word] - {person_id}
                del new.cards[person_id], new._order[person_id]
            if card is not None:
                new.cards[person_id], new._order[person_id] = card, (card.sort_name, card.id)
                insort(new.ordered, card, key=lambda c: new._order[c.id])
                for word in _words_of(card):
                    if word not in self._people:
                        added_words.add(word)
                    new._people[word] = new._people.get(word, set()) | {person_id}
        new._words = sorted(set(self._words) | added_words) if added_words else self._words
        new._by_deletion = self._by_deletion.copy()
        for word in added_words:
            if len(word) >= 3:
                for gone in _deletions(word):
                    new._by_deletion[gone] = new._by_deletion.get(gone, set()) | {word}
        return new

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
