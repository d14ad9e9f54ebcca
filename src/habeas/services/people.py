"""Lists of people, one service per use case: the people list and the morning report, for web, API and CLI.

The faces read their parameters and render the plain result; what is listed, how it is
filtered, sorted and paged, and what is audited as shown is decided here once. Every
function takes the acting user's context and lists only the people in their reach, via
the directory's scoped methods (:mod:`habeas.services.directory`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from habeas.domain.vocabulary import Custody
from habeas.rules.alerts import Alerts, by_person, changes
from habeas.services import Context, ServiceError
from habeas.services.deadlines import MorningDeadlines, morning_deadlines
from habeas.services.directory import Directory, PersonCard, Summary, in_reach, shown

SORTS = ("name", "days", "custody", "since", "id")
DERIVED_SORTS = ("days", "custody", "since")  # sorts that need every summary, not just a page's
# With this many people in reach or fewer, a list derives everyone's summary (and offers the countries filter).
SUMMARISE_ALL_UP_TO = 5000
SILENT_SHOWN = 25  # the morning report's people longest without proof of life


@dataclass(frozen=True)
class PeopleQuery:
    """What a list of people is asked for: a search, filters (empty: any) and a sort (one of SORTS)."""

    text: str = ""
    custody: str = ""
    country: str = ""
    cohort: str = ""
    flag: str = ""
    sort: str = "name"

    @property
    def needs_summaries(self) -> bool:
        """Whether the filters or the sort read derived values, so everyone's summary is needed."""
        return bool(self.custody or self.country or self.flag or self.sort in DERIVED_SORTS)

    def admits(self, summary: Summary) -> bool:
        where = summary.whereabouts
        return (
            (not self.custody or where.custody.value == self.custody)
            and (not self.country or (where.country or "") == self.country)
            and (not self.flag or any(f.rule == self.flag for f in summary.flags))
        )


@dataclass(frozen=True)
class PeopleList:
    """One page of a list of people, with what the filters can offer."""

    rows: list[Summary]  # the page asked for
    total: int  # people matching, on every page
    cohorts: list[str]  # the cohorts of the people found, before the cohort filter
    countries: list[str]  # the countries of the people found, when everyone's summary was derived


def sort_summaries(rows: list[Summary], sort: str) -> list[Summary]:
    """The rows in the order of ``sort``; by name (the order given) for "name"."""
    if sort == "days":
        return sorted(rows, key=lambda s: (s.days_without_proof_of_life is None, -(s.days_without_proof_of_life or 0)))
    if sort == "custody":
        return sorted(rows, key=lambda s: (s.whereabouts.custody.value, s.card.sort_name))
    if sort == "since":
        return sorted(rows, key=lambda s: (s.whereabouts.since is None, s.whereabouts.since or date.min))
    if sort == "id":
        return sorted(rows, key=lambda s: s.card.id)
    return rows


def people_list(
    ctx: Context, directory: Directory, query: PeopleQuery, as_of: date, page: int, per_page: int
) -> PeopleList:
    """The people in reach that ``query`` asks for, one page of them summarised as of ``as_of``; the page audited.

    Summaries are derived for everyone in reach only when a filter or the sort needs them, or
    when there are few; otherwise only the page asked for is summarised.
    """
    reach = in_reach(ctx)
    searched = bool(query.text.strip())
    cards = [m.card for m in directory.search(reach, query.text)] if searched else directory.cards(reach)
    everyone = len(cards)
    cohorts = sorted({c for card in cards for c in card.cohorts})
    if query.cohort:
        cards = [c for c in cards if query.cohort in c.cohorts]
    first, last = (page - 1) * per_page, page * per_page
    # "Few" counts the people in reach only: whether the countries filter is offered says nothing of anyone else.
    if query.needs_summaries or (len(directory.cards(reach)) if searched else everyone) <= SUMMARISE_ALL_UP_TO:
        by_id = {s.card.id: s for s in directory.all_summaries(reach, as_of)}
        rows = [by_id[c.id] for c in cards if c.id in by_id]
        countries = sorted({s.whereabouts.country for s in rows if s.whereabouts.country})
        rows = sort_summaries([s for s in rows if query.admits(s)], query.sort)
        found = PeopleList(rows[first:last], len(rows), cohorts, countries)
    else:
        if query.sort == "id":
            cards = sorted(cards, key=lambda c: c.id)
        page_rows = directory.summaries(reach, [c.id for c in cards[first:last]], as_of)
        found = PeopleList(page_rows, len(cards), cohorts, [])
    shown(ctx, (row.card.id for row in found.rows))
    return found


@dataclass(frozen=True)
class MorningReport:
    """The morning page: what is new or graver, deadlines and hearings, who has gone longest without proof of life,
    custody counts."""

    alerts: Alerts
    cards: dict[str, PersonCard | None]  # the people the alerts and the deadlines name
    silent: list[Summary]  # the SILENT_SHOWN people longest without proof of life, longest first
    counts: list[tuple[str, int]]  # people in reach by custody state, every state
    total: int  # people in reach
    deadlines: MorningDeadlines  # due within a week, missed, hearings passed with nothing recorded
    assigned: tuple[str, ...] = ()  # the people assigned to the reader, whom the page leads with


@dataclass(frozen=True)
class MorningAlerts:
    """The morning report as the command line and the API give it: the alerts and the deadlines."""

    alerts: Alerts
    deadlines: MorningDeadlines
    assigned: tuple[str, ...] = ()  # the people assigned to the reader, in id order

    def as_json(self) -> dict[str, Any]:
        """The alerts' keys, then the deadlines', then who is assigned to the reader: a program reading only
        the alerts reads them as before."""
        return {**self.alerts.as_json(), **self.deadlines.as_json(), "assigned_to_you": list(self.assigned)}


def alerts(ctx: Context, since: date, today: date, directory: Directory | None = None) -> Alerts:
    """Flags new or graver on ``today`` than on ``since``, for the people in reach; those people audited as shown.

    The earlier check runs as of ``since`` with what was known on ``since``, so a clock that crossed
    a threshold in between (days without proof of life) shows up as well as newly reported events.
    Without a ``directory`` (the command line, which keeps no memory between calls) one is made for the call.
    """
    directory = directory if directory is not None else Directory(ctx)
    found = _alerts(ctx, directory, since, today)
    shown(ctx, (p.person for p in found.people))
    return found


def morning_report(ctx: Context, since: date, today: date, directory: Directory | None = None) -> MorningReport:
    """The alerts since ``since`` with the rest of the morning page; the people it names audited as shown."""
    directory = directory if directory is not None else Directory(ctx)
    found = _alerts(ctx, directory, since, today)
    due = morning_deadlines(ctx, since, today)
    reach = in_reach(ctx)
    summaries = directory.all_summaries(reach, today)
    # Only clocks still running: after a release or a death the days are a fact, not an alarm.
    running = [s for s in summaries if s.days_without_proof_of_life is not None and s.whereabouts.clock_running]
    silent = sort_summaries(running, "days")
    silent = silent[:SILENT_SHOWN]
    from habeas.services.assignments import assigned_to_me  # the store: loaded when a report is made

    assigned = tuple(assigned_to_me(ctx))
    named = [*assigned, *(p.person for p in found.people), *due.people]
    shown(ctx, named + [s.card.id for s in silent])
    counts = Counter(s.whereabouts.custody.value for s in summaries)
    return MorningReport(
        alerts=found,
        cards={person: directory.card(reach, person) for person in dict.fromkeys(named)},
        silent=silent,
        counts=[(c.value, counts.get(c.value, 0)) for c in Custody],
        total=len(summaries),
        deadlines=due,
        assigned=assigned,
    )


def morning_alerts(ctx: Context, since: date, today: date, directory: Directory | None = None) -> MorningAlerts:
    """The alerts since ``since`` with the deadlines and hearings of the morning report; those people audited."""
    directory = directory if directory is not None else Directory(ctx)
    found = _alerts(ctx, directory, since, today)
    due = morning_deadlines(ctx, since, today)
    shown(ctx, [p.person for p in found.people] + due.people)
    from habeas.services.assignments import assigned_to_me  # the store: loaded when a report is made

    return MorningAlerts(found, due, tuple(assigned_to_me(ctx)))


def _alerts(ctx: Context, directory: Directory, since: date, today: date) -> Alerts:
    if since > today:
        raise ServiceError(f"--since {since} is after the day reported on ({today})")
    reach = in_reach(ctx)
    directory.rules()  # a bad settings file is reported even when nobody is in reach
    now = directory.all_summaries(reach, today)
    before = directory.flags_known_on(reach, since)
    found = [a for s in now for a in changes(before.get(s.card.id, ()), s.flags)]
    return by_person(since, today, found)
