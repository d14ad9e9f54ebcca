"""Words shown for the vocabulary's names (event kinds, fields, values, custody states, rules), for the catalogs.

The vocabulary stays the one place that defines names. An event kind's label and a
rule's title are the core's own words (``KindSpec.label``, ``Rule.title``), taken here
from the vocabulary and the rule registry, and so are the labels of values, custody
states, source kinds, reliability, severity and certainty (domain/labels.py, which the
court exhibit reads too); ``extract`` hands them to ``pybabel extract`` (see babel.cfg).
The other names are given their words here, marked with N_ so Babel extracts them. A
test fails when the vocabulary gains a name without a label here.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract_python

import habeas.rules as rules_package
from habeas.domain import labels as core_labels
from habeas.domain import vocabulary
from habeas.domain.deadlines import DEADLINES
from habeas.domain.labels import capitalised
from habeas.rules.registry import RULES
from habeas.web.i18n import N_

KINDS = {spec.name: spec.label for spec in vocabulary.KINDS}

# Values, custody states, source kinds, reliability, severity and certainty: the core's one table of each
# (domain/labels.py), which the exhibit reads too; a custody state shows with a capital, as a heading does.
CUSTODY = capitalised(core_labels.CUSTODY)
VALUES = core_labels.VALUES
SOURCE_KINDS = core_labels.SOURCE_KINDS
RELIABILITY = core_labels.RELIABILITY
SEVERITY = core_labels.SEVERITY
CERTAINTY = core_labels.CERTAINTY

FIELDS = {
    "agency": N_("Agency"),
    "attended": N_("Attended"),
    "basis": N_("Basis"),
    "by": N_("By"),
    "case_number": N_("Case number"),
    "channel": N_("Channel"),
    "claim": N_("Claim"),
    "country": N_("Country"),
    "court": N_("Court"),
    "decides": N_("Decides"),
    "destination": N_("Destination"),
    "direct": N_("Heard from the person directly"),
    "evidence": N_("Evidence"),
    "facility": N_("Facility"),
    "facility_code": N_("Facility code"),
    "flight": N_("Flight"),
    "from_facility": N_("From facility"),
    "in_absentia": N_("In absentia"),
    "inquiry": N_("Inquiry answered"),
    "jurisdiction": N_("Jurisdiction"),
    "outcome": N_("Outcome"),
    "party": N_("Party"),
    "petition": N_("Petition"),
    "place": N_("Place"),
    "proceeding": N_("Proceeding"),
    "protects_against": N_("Protects against removal to"),
    "reason": N_("Reason"),
    "removal_type": N_("Removal type"),
    "replacement": N_("Replacement"),
    "result": N_("Result"),
    "retract": N_("Retract"),
    "scheduled_for": N_("Scheduled for"),
    "supersedes": N_("Corrects"),
    "to": N_("To"),
    "where": N_("Where"),
    "action": N_("Action"),
    "amount": N_("Amount"),
    "appeal_waived": N_("Appeal waived"),
    "attested_by": N_("Vouched for by"),
    "bears_on_allegation": N_("Bears on the allegation"),
    "decided_by": N_("Decided by"),
    "destination_disclosed": N_("Destination disclosed"),
    "form": N_("Form"),
    "found": N_("Found"),
    "hearing": N_("Hearing"),
    "represented": N_("Represented by counsel"),
    "stay": N_("Stay of removal"),
    "stay_type": N_("Type of stay"),
    "who": N_("Who"),
    "follow_up_days": N_("Follow up every (days)"),
    "privacy_release": N_("Privacy Act release"),
    "privacy_release_date": N_("Privacy Act release signed on"),
    "privacy_release_scope": N_("Privacy Act release covers"),
    "port": N_("Port of entry"),
    "manner": N_("Manner of entry"),
}

CHANGES = {"new": N_("new"), "more_severe": N_("more severe"), "now_certain": N_("now certain")}

RULE_TITLES = {rule.id: rule.title for rule in RULES}
# What each rule checks and what its thresholds mean, as the rule states them (rules/README.md), for the catalogs.
RULE_DESCRIPTIONS = {rule.id: rule.description for rule in RULES}
THRESHOLDS = {f"{rule.id}.{t.name}": t.description for rule in RULES for t in rule.thresholds}
UNITS = {t.unit: t.unit for rule in RULES for t in rule.thresholds}
DEADLINE_LABELS = {spec.id: spec.label for spec in DEADLINES}

# The names of a person's sensitive attributes (the case file's ``sensitive:``) and of their usual values.
SENSITIVE = {
    "asylum_basis": N_("Asylum basis"),
    "date_of_birth": N_("Date of birth"),
    "health": N_("Health"),
    "religion": N_("Religion"),
    "sexual_orientation": N_("Sexual orientation"),
    "gender_identity": N_("Gender identity"),
}

# What the audit log says a user did, and how it ended (habeas.security.audit.Outcome).
AUDIT_ACTIONS = {
    "read_person": N_("viewed the record"),
    "read_audit": N_("viewed the audit log"),
    "read_sensitive": N_("viewed the sensitive attributes"),
    "add_event": N_("added an event"),
    "import": N_("imported a case file"),
    "import_dataset": N_("imported a dataset"),
    "export": N_("exported"),
    "publish": N_("published"),
    "list_people": N_("listed people"),
    "link_review": N_("reviewed a possible match"),
    "link_show": N_("viewed a possible match"),
    "link_correct": N_("corrected a match"),
}
OUTCOMES = {"allowed": N_("allowed"), "denied": N_("denied"), "failed": N_("failed")}

ROLES = {"admin": N_("admin"), "editor": N_("editor"), "viewer": N_("viewer")}

STATUS = {
    "in_effect": N_("in effect"),
    "superseded": N_("superseded"),
    "retracted": N_("retracted"),
    "correction": N_("correction"),
}

GROUPS = {
    "kind": KINDS,
    "custody": CUSTODY,
    "field": FIELDS,
    "value": VALUES,
    "severity": SEVERITY,
    "certainty": CERTAINTY,
    "change": CHANGES,
    "rule": RULE_TITLES,
    "rule_description": RULE_DESCRIPTIONS,
    "threshold": THRESHOLDS,
    "unit": UNITS,
    "source_kind": SOURCE_KINDS,
    "reliability": RELIABILITY,
    "status": STATUS,
    "deadline": DEADLINE_LABELS,
    "role": ROLES,
    "sensitive": SENSITIVE,
    "audit_action": AUDIT_ACTIONS,
    "outcome": OUTCOMES,
}

# The words taken from the core, by the group they are shown in: ``extract`` gives them to the catalogs.
FROM_THE_CORE = {
    "kind": KINDS,
    "custody": CUSTODY,
    "value": VALUES,
    "severity": SEVERITY,
    "certainty": CERTAINTY,
    "source_kind": SOURCE_KINDS,
    "reliability": RELIABILITY,
    "rule": RULE_TITLES,
    "rule_description": RULE_DESCRIPTIONS,
    "threshold": THRESHOLDS,
    "unit": UNITS,
    "deadline": DEADLINE_LABELS,
}


def label(group: str, name: object) -> str:
    """The English label of a name (to be translated where shown); unknown names read with spaces."""
    text = str(name)
    return GROUPS[group].get(text, text.replace("_", " "))


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Any
) -> Iterator[tuple[Any, ...]]:
    """Babel's extraction method for this module: its N_() words, then every kind label and rule title.

    Each result is an extraction method's (line, function, message, comments); Babel's own type hints
    mistake extract_python's results for those of ``extract`` (line, message, comments, context).
    """
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for group, words in FROM_THE_CORE.items():
        for name, text in words.items():
            yield 0, None, text, [f"{group}: {name}"]
    yield from _explanations(comment_tags)
    yield 0, None, N_("; and "), ["explanation: the last of several phrases"]


def _explanations(comment_tags: Collection[str]) -> Iterator[tuple[Any, ...]]:
    """The phrases rules explain flags with: the text of each ``say("...")`` and ``phrase("...")`` in habeas.rules.

    Read with ``ast`` rather than Babel's Python extractor, which drops a call that also has keyword
    arguments (``say("... %(days)s ...", days=n)``), the shape of nearly every phrase.
    """
    folder = Path(rules_package.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            first = node.args[0]
            text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
            if node.func.id in ("say", "phrase") and text:
                yield node.lineno, None, text, [f"explanation: rules/{path.relative_to(folder)}"]
