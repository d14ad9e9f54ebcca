"""Which module defines each command of `habeas`, and the line `habeas --help` shows for it.

The program imports a command's module only when that command runs or its own help is asked
for: importing every module (and the services, rules and libraries each one needs) took most of
the start-up time of every command. `habeas --help` needs only the names and their first lines,
kept here. tests/cli/test_command_table.py fails when this table and the commands differ (a
command added, renamed, moved to another module, or its first line of help changed).
"""

from __future__ import annotations

from typing import NamedTuple


class Listed(NamedTuple):
    """A command of `habeas`: the modules of habeas.cli that define it (with its subcommands), its summary."""

    modules: tuple[str, ...]
    summary: str


# In the order `habeas --help` lists them: the commands, then the groups of commands.
COMMANDS: dict[str, Listed] = {
    "init": Listed(("track",), "Create the database, or upgrade it to this version of habeas."),
    "import": Listed(("track",), "Import case files: validate every file first, then store all of them or nothing."),
    "people": Listed(("track",), "List people with where they are and how long since the last proof of life."),
    "timeline": Listed(
        ("track",), "Show a person's events in order, with sources, uncertain dates as written, corrections applied."
    ),
    "whereabouts": Listed(
        ("track",), "Where a person was on a day, since when, who last saw them alive, and what is pending."
    ),
    "export": Listed(("track",), "Export records for backup, for another habeas, or for partners' tools."),
    "demo": Listed(("track",), "Load the bundled examples into the database and show each person's whereabouts."),
    "deadlines": Listed(("deadlines",), "Deadlines from each timeline: appeals, petitions, motions, reviews."),
    "agenda": Listed(("deadlines",), "Hearings and deadlines by day, for everyone you can reach."),
    "followups": Listed(
        ("deadlines",), "Inquiries to agencies still unanswered and due a follow-up, for everyone you can reach."
    ),
    "check": Listed(("check",), "Check people's timelines against the due-process rules and explain every flag."),
    "rules": Listed(("check",), "List the due-process rules: what each flags, its thresholds, and its legal basis."),
    "alerts": Listed(
        ("check",),
        "The morning report: flags new or more severe since a day, deadlines due or missed, hearings unrecorded.",
    ),
    "backup": Listed(("security",), "Back up the database into one file sealed with the encryption key."),
    "restore": Listed(
        ("security",),
        "Restore a sealed backup into an empty database (a new SQLite file, or a new PostgreSQL database).",
    ),
    "publish": Listed(
        ("security",), "Write safe aggregate tables for the public: CSV, JSON and a static page with charts."
    ),
    "report": Listed(
        ("reports",), "Write the sourced chronology of one person as a court exhibit, ready to attach to a petition."
    ),
    "serve": Listed(
        ("web",),
        "Start the web app: search, person pages, timelines, cohorts, imports, the morning report and the JSON API.",
    ),
    "add": Listed(
        ("casework",), "Record one event without writing a case file, checked exactly as a case file's would be."
    ),
    "assign": Listed(
        ("casework",), "Assign a person to a user: their morning report (`habeas alerts`, the web) leads with them."
    ),
    "unassign": Listed(("casework",), "End a person's assignment (audited)."),
    "schema": Listed(("track",), "Print the JSON Schemas of habeas's formats."),
    "datasets": Listed(("datasets",), "Import public datasets (ICE FOIA releases, facility lists, lists of people)."),
    "stats": Listed(("datasets", "link"), "Figures from imported datasets: population, stays, shares, summaries."),
    "synth": Listed(("datasets", "link"), "Write synthetic ICE files (fictitious people) for tests and demos."),
    "keys": Listed(("security",), "The keys that protect the database: create them; keep them safe."),
    "users": Listed(("security",), "Who may use habeas, with which role, over which records."),
    "groups": Listed(("security",), "Access groups: the people and cohorts a user may reach."),
    "audit": Listed(("security",), "The tamper-evident record of who saw and changed what."),
    "link": Listed(
        ("link",),
        "Find records that may be the same person, decide them (sourced, append-only), and combine them.",
    ),
}

# Every module of habeas.cli that defines commands, in the order that gives the order above.
MODULES = ("track", "check", "datasets", "security", "reports", "web", "deadlines", "link", "casework")
