"""Read case files (YAML or JSON): parse, validate with line numbers, return domain records.

Nothing here writes the database. A file with any problem yields every problem
found, each naming the file, the line (YAML) or JSON pointer, and what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import jsonschema
import jsonschema_rs
import pycountry
import yaml

from habeas.domain.codec import event_from_written, event_id_for, event_to_written
from habeas.domain.dates import DateError, parse_date
from habeas.domain.ids import canonical_json
from habeas.domain.model import Cohort, Event, Person, Source
from habeas.domain.proceedings import open_matters
from habeas.domain.schema import BIRTH_YEARS, casefile_schema, event_kind_schema
from habeas.domain.timeline import build_timeline, replacement_event
from habeas.domain.vocabulary import KIND_BY_NAME, FieldType, Kind

MAX_BYTES = 16 * 1024 * 1024
# A case file written by hand nests five levels deep (events/0/replacement/sources/0); anything far
# deeper is a mistake or an attack on the parser, refused before it is walked.
MAX_DEPTH = 64
# Nodes after YAML aliases are expanded: a few kilobytes of anchors can otherwise stand for gigabytes.
MAX_NODES = 1_000_000


@dataclass(frozen=True)
class Problem:
    file: str
    pointer: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        at = f" at {self.pointer}" if self.pointer else ""
        return f"{where}{at}: {self.message}"


class CaseFileError(Exception):
    """One or more problems in the case files; nothing from them may be stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class CaseFile:
    """The validated contents of one or more case files, in domain form."""

    sources: list[Source] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Loader(yaml.SafeLoader):
    """YAML 1.2-like scalars: no timestamps (dates stay EDTF text), only true/false are booleans."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _pointer(path: Iterable[Any]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path) if path else ""


def _walk_lines(node: yaml.Node, path: tuple[Any, ...], lines: dict[str, int], dupes: list[tuple[str, int]]) -> None:
    lines[_pointer(path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dupes.append((_pointer((*path, key)), key_node.start_mark.line + 1))
            seen.add(key)
            _walk_lines(value_node, (*path, key), lines, dupes)
            lines[_pointer((*path, key))] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_lines(item, (*path, index), lines, dupes)


def _load_text(name: str, text: str, is_json: bool) -> tuple[Any, dict[str, int]]:
    if is_json:
        return _load_json(name, text), {}
    lines: dict[str, int] = {}
    dupes: list[tuple[str, int]] = []
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise CaseFileError([Problem(name, "", "the file is empty; a case file starts with `habeas: 1`")])
            _check_size(name, node)
            _walk_lines(node, (), lines, dupes)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseFileError([Problem(name, "", f"not valid YAML: {problem}", mark.line + 1 if mark else None)]) from exc
    except RecursionError as exc:
        raise CaseFileError([Problem(name, "", _too_deep())]) from exc
    except ValueError as exc:  # a scalar the constructor cannot hold, such as an integer of 5,000 digits
        raise CaseFileError([Problem(name, "", "not valid YAML: a value cannot be read (a number too long?)")]) from exc
    if dupes:
        raise CaseFileError([Problem(name, p, "this key appears twice in the same mapping", line) for p, line in dupes])
    return data, lines


def _too_deep() -> str:
    return f"the file nests deeper than {MAX_DEPTH} levels; a case file needs about five"


def _check_size(name: str, root: yaml.Node) -> None:
    """Refuse a document nested too deeply or too large once its aliases are expanded, before walking it.

    Aliases share one node, so the expanded size of each node is counted once and reused: the check
    takes time in proportion to the file as written, not to what its aliases would grow to.
    """
    expanded: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if depth > MAX_DEPTH:
            raise CaseFileError([Problem(name, "", _too_deep(), node.start_mark.line + 1)])
        if id(node) in expanded:
            continue
        children = _children(node)
        if children_done or not children:
            expanded[id(node)] = 1 + sum(expanded.get(id(c), 0) for c in children)
            if expanded[id(node)] > MAX_NODES:
                raise CaseFileError(
                    [Problem(name, "", f"the file expands to more than {MAX_NODES:,} values (YAML aliases?)")]
                )
            continue
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in expanded)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _load_json(name: str, text: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        mapping = dict(pairs)
        if len(mapping) < len(pairs):  # only then is it worth finding which key came twice
            keys = [k for k, _ in pairs]
            twice = next(k for k in keys if keys.count(k) > 1)
            raise ValueError(f"the key {twice!r} appears twice in one object")
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as exc:
        raise CaseFileError([Problem(name, "", f"not valid JSON: {exc.msg}", exc.lineno)]) from exc
    except RecursionError as exc:
        raise CaseFileError([Problem(name, "", _too_deep())]) from exc
    except ValueError as exc:
        raise CaseFileError([Problem(name, "", f"not valid JSON: {exc}")]) from exc
    if _depth(data) > MAX_DEPTH:
        raise CaseFileError([Problem(name, "", _too_deep())])
    return data


def _depth(value: Any) -> int:
    """How deeply a loaded JSON value nests (iteratively: a deep value must not exhaust the stack)."""
    # Level by level, containers only: a file of 100,000 events holds millions of scalars not worth a step each.
    depth, level = 1, [value] if isinstance(value, dict | list) else []
    while level and depth <= MAX_DEPTH:
        children = [child for item in level for child in (item.values() if isinstance(item, dict) else item)]
        if not children:
            break
        depth += 1
        level = [child for child in children if isinstance(child, dict | list)]
    return depth


def read_document(path: Path, max_bytes: int = MAX_BYTES) -> tuple[Any, dict[str, int]]:
    """Load one file as YAML or JSON (by extension), with a line number per JSON pointer."""
    return load_document(str(path), _read_bytes(path, max_bytes), max_bytes)


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CaseFileError([Problem(name, "", f"cannot read the file: {exc.strerror}")]) from exc
    if size > max_bytes:
        raise CaseFileError([_too_large(name, size, max_bytes)])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CaseFileError([Problem(name, "", f"cannot read the file: {exc.strerror}")]) from exc


def load_document(name: str, raw: bytes, max_bytes: int = MAX_BYTES) -> tuple[Any, dict[str, int]]:
    """Load a case file already in memory (an upload), as YAML or JSON by the name's extension."""
    if len(raw) > max_bytes:
        raise CaseFileError([_too_large(name, len(raw), max_bytes)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileError([Problem(name, "", f"not UTF-8 text (byte {exc.start}); is this a case file?")]) from exc
    if not text.strip():
        raise CaseFileError([Problem(name, "", "the file is empty; a case file starts with `habeas: 1`")])
    return _load_text(name, text, name.lower().endswith(".json"))


def _too_large(name: str, size: int, max_bytes: int) -> Problem:
    return Problem(
        name,
        "",
        f"the file is {size / 1_048_576:.0f} MiB; case files are limited to "
        f"{max_bytes // 1_048_576} MiB (bulk records belong in `habeas datasets import`)",
    )


# Where a case file holds what must never be echoed back (a terminal, a web page, an API body, a log).
# The containers count too: a whole person or event given in the wrong shape may hold any of it.
_SENSITIVE = re.compile(
    r"^/people(/\d+)?$|^/people/\d+/(name|aliases|identifiers|sensitive|birth_date)(/|$)"
    r"|^/events(/\d+)?$|^/events/\d+/replacement$|^/events/\d+/(replacement/)?note$"
)


def is_sensitive(pointer: str) -> bool:
    """Whether the value at this JSON pointer is one that errors describe without quoting."""
    return _SENSITIVE.match(pointer) is not None


def _schema_message(error: jsonschema.ValidationError) -> str:
    # These say which keys are missing or unknown, never a value.
    names_only = error.validator in ("additionalProperties", "required", "oneOf")
    if is_sensitive(_pointer(error.absolute_path)) and not names_only:
        return _redacted_message(error)
    v = error.validator
    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        names = ", ".join(repr(x) for x in extra)
        return f"unknown key {names}; allowed here: {', '.join(allowed)}"
    if v == "required":
        return f"missing required field {error.message.split(' is a required')[0]}"
    if v == "enum":
        return f"{error.instance!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if v == "const" and error.path and list(error.path)[-1] == "habeas":
        return f"unsupported format version {error.instance!r}; this habeas reads `habeas: 1`"
    if v == "oneOf" and isinstance(error.instance, dict):
        if "person" in error.instance and "cohort" in error.instance:
            return "an event names either `person` or `cohort`, not both"
        return "an event must name a `person` (or a `cohort`)"
    if v == "pattern" and isinstance(error.instance, str):
        if "[A-Z]{2}" in str(error.validator_value):
            return f"{error.instance!r} is not an ISO 3166-1 alpha-2 country code (e.g. US, SV, VE)"
        if "0-9a-f" in str(error.validator_value):
            return f"{error.instance!r} is not a SHA-256 hex digest (64 lowercase hex characters)"
        return f"{error.instance!r} is not a valid id (letters, digits, . _ : -; at most 128 characters)"
    if v == "minItems" and list(error.path)[-1:] == ["citizenship"]:
        return "an empty list of countries; list at least one code, or leave `citizenship` out"
    if v == "uniqueItems":
        return f"a {'country' if list(error.path)[-1:] == ['citizenship'] else 'value'} is listed twice; list each once"
    if v == "type":
        # A whole value given where a mapping or a list belongs may be long and say anything: not quoted.
        shown = repr(error.instance)
        if isinstance(error.instance, dict | list) or len(shown) > 40:
            return f"this value should be {error.validator_value}"
        return f"{shown} should be {error.validator_value}"
    return str(error.message)


def _redacted_message(error: jsonschema.ValidationError) -> str:
    """The problem with a sensitive value, said without the value."""
    if error.validator == "type":
        return f"this value should be {error.validator_value} (the value is not shown: it is sensitive)"
    return f"this value is not valid here ({error.validator}; the value is not shown: it is sensitive)"


# A compiled validator (Rust) says at once whether a whole file is valid, most files are; only a file
# it refuses goes through jsonschema, whose errors the messages below are worded from (their paths,
# validators and values). It is never the looser of the two: where they differ (a Python regex's `$`
# matches before a final line break, Rust's does not) jsonschema has the last word, as before.
_COMPILED = jsonschema_rs.validator_for(casefile_schema())
# The document without its events' items, then each event against its own kind's branch: the same errors
# as the whole schema, where an event was tried against every kind (26 validations an event, not one).
_VALIDATOR = jsonschema.Draft202012Validator(casefile_schema(events=False))


def _surely_valid(data: dict[str, Any]) -> bool:
    try:
        return bool(_COMPILED.is_valid(data))
    except (ValueError, TypeError, OverflowError):  # a value JSON has no type for (a YAML binary, a number as key)
        return False


@functools.cache
def _event_validator(kind: str | None) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(event_kind_schema(kind))


def _schema_errors(data: dict[str, Any]) -> Iterator[jsonschema.ValidationError]:
    """Every error the case-file schema finds in ``data``, with paths from the document's root."""
    yield from _VALIDATOR.iter_errors(data)
    events = data.get("events")
    if not isinstance(events, list):
        return
    for index, event in enumerate(events):
        kind = event.get("kind") if isinstance(event, dict) else None
        validator = _event_validator(kind if isinstance(kind, str) and kind in KIND_BY_NAME else None)
        for error in validator.iter_errors(event):
            error.path.extendleft((index, "events"))  # the path below the document's root, as one schema gives it
            yield error


def _schema_problems(name: str, data: Any, lines: Mapping[str, int]) -> tuple[list[Problem], set[str]]:
    """The schema's problems, and the pointers it refused: later checks skip what lies at or under them."""
    if not isinstance(data, dict):
        top = "the top level must be a mapping that starts with `habeas: 1`"
        return [Problem(name, "", top, 1 if lines else None)], {""}
    problems: list[Problem] = []
    refused: set[str] = set()
    if _surely_valid(data):
        return problems, refused
    for error in _schema_errors(data):
        if error.validator in ("if", "allOf"):
            continue
        pointer = _pointer(error.absolute_path)
        line_pointer = pointer
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            line_pointer = _pointer([*error.absolute_path, extra[0]]) if extra else pointer
        refused.update(_refused_by(error, pointer))
        problems.append(Problem(name, pointer, _schema_message(error), _line(lines, line_pointer)))
    return problems, refused


def _refused_by(error: jsonschema.ValidationError, pointer: str) -> list[str]:
    """What an error makes unsafe to check further: the value itself, or only the keys at fault in a mapping.

    A mapping with an unknown or a missing key is otherwise sound, and the rest of it is still checked;
    an event naming both a person and a cohort names two ids that are each checked.
    """
    if error.validator == "oneOf":
        return []
    if pointer == "/habeas":  # another format version: the rest is not read by version 1's rules
        return [""]
    if error.validator in ("additionalProperties", "required") and isinstance(error.instance, dict):
        if error.validator == "required":
            keys = [k for k in error.validator_value if k not in error.instance]
        else:
            keys = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return [f"{pointer}/{_pointer([k])[1:]}" for k in keys]
    return [pointer]


def _is_refused(pointer: str, refused: Collection[str]) -> bool:
    """Whether the schema refused the value at this pointer or one that holds it."""
    if not refused:  # a valid file: nothing to walk up for
        return False
    while True:
        if pointer in refused:
            return True
        if not pointer:
            return False
        pointer = pointer.rsplit("/", 1)[0]


def _elements(data: Any, section: str, refused: Collection[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a section (with their index) that the schema did not refuse as a whole."""
    items = data.get(section) if isinstance(data, dict) else None
    if not isinstance(items, list) or _is_refused(f"/{section}", refused):
        return
    for i, item in enumerate(items):
        if isinstance(item, dict) and not _is_refused(f"/{section}/{i}", refused):
            yield i, item


def _line(lines: Mapping[str, int], pointer: str) -> int | None:
    if not lines:  # JSON: no lines, only pointers
        return None
    while True:
        if pointer in lines:
            return lines[pointer]
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]


def _check_country(code: Any) -> str | None:
    return _country_problem(code) if isinstance(code, str) else None


# A file of 10,000 people writes a few dozen distinct countries and dates in 100,000 events: each is
# checked once. The answers depend on the text alone.
@functools.lru_cache(maxsize=4096)
def _country_problem(code: str) -> str | None:
    if pycountry.countries.get(alpha_2=code) is None and code != "XK":
        return f"{code!r} is not an ISO 3166-1 alpha-2 country code"
    return None


class IdLookup(Protocol):
    """Whether a record with an id already exists (and may be referred to); the store offers one."""

    def has(self, section: str, ident: str) -> bool: ...

    def expect(self, section: str, idents: Iterable[str]) -> None:
        """These ids are about to be asked about: a lookup that queries a database may read them at once."""


@dataclass(frozen=True)
class KnownIds:
    """Ids already in the database, which a case file may refer to (the store offers a lazy lookup)."""

    people: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    cohorts: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()

    def has(self, section: str, ident: str) -> bool:
        known: frozenset[str] = getattr(self, section)
        return ident in known

    def expect(self, section: str, idents: Iterable[str]) -> None:
        pass  # the ids are all in memory


def _date_problem(value: Any) -> str | None:
    return _text_date_problem(value) if isinstance(value, str) else _unread_date_problem(value)


@functools.lru_cache(maxsize=65536)
def _text_date_problem(text: str) -> str | None:
    return _unread_date_problem(text)


def _unread_date_problem(value: Any) -> str | None:
    try:
        parse_date(value)
    except DateError as exc:
        return str(exc)
    return None


def _event_value_problems(event: Mapping[str, Any], base: str, refused: Collection[str]) -> list[tuple[str, str]]:
    """(pointer, message) for bad dates and country codes in one event (and its replacement).

    A value the schema refused (a date that is not text, say) has been reported and is not read again.
    """
    found: list[tuple[str, str]] = []
    kind = event.get("kind")
    spec = KIND_BY_NAME.get(kind) if isinstance(kind, str) and not _is_refused(f"{base}/kind", refused) else None
    for key in ("date", "reported"):
        at = f"{base}/{key}"
        if key in event and not _is_refused(at, refused) and (msg := _date_problem(event[key])):
            found.append((at, msg))
    if spec is None:
        return found
    for field_spec in spec.fields:
        value, at = event.get(field_spec.name), f"{base}/{field_spec.name}"
        if value is None or _is_refused(at, refused):
            continue
        if field_spec.type == FieldType.DATE and (msg := _date_problem(value)):
            found.append((at, msg))
        elif field_spec.type == FieldType.COUNTRY and (msg := _check_country(value)):
            found.append((at, msg))
        elif field_spec.type == FieldType.EVENT and isinstance(value, Mapping):
            found.extend(_event_value_problems(value, at, refused))
    return found


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_problems(value: Any, pointer: str, found: list[tuple[str, str]]) -> None:
    """Text with a NUL or another control character (tabs and line breaks aside) is refused, keys too."""
    if not _may_hold_control(value):
        return
    stack = [(value, pointer)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if _CONTROL.search(item):
                found.append((at, "contains a control character (such as NUL); remove it"))
        elif isinstance(item, dict):
            for key, child in item.items():
                child_at = f"{at}/{_pointer([key])[1:]}"
                if isinstance(key, str) and _CONTROL.search(key):
                    found.append((at, "a key contains a control character (such as NUL); remove it"))
                stack.append((child, child_at))
        elif isinstance(item, list):
            stack.extend((child, f"{at}/{i}") for i, child in enumerate(item))


# What JSON text makes of a control character: escaped (\u0000, \b, \f), or DEL as it is. Text with none of
# these holds none; a match may be a false alarm (a backslash written before a `b`), and then every value is walked.
_ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bcef]|1[0-9a-f]|7f)|\\[bf]|\x7f")


def _may_hold_control(value: Any) -> bool:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # a value JSON cannot write (YAML binary, a set): walked one by one
        return True
    return _ESCAPED_CONTROL.search(text) is not None


def _value_problems(name: str, data: Any, lines: Mapping[str, int], refused: Collection[str],
                    controls: bool = True) -> list[Problem]:  # fmt: skip
    """Bad dates, country codes and control characters (unless not ``controls``), where the schema let them be read."""
    found: list[tuple[str, str]] = []
    if controls:
        _control_problems(data, "", found)
    for i, source in _elements(data, "sources", refused):
        at = f"/sources/{i}/date"
        if "date" in source and not _is_refused(at, refused) and (msg := _date_problem(source["date"])):
            found.append((at, msg))
    for i, person in _elements(data, "people", refused):
        citizenship = person.get("citizenship")
        codes = citizenship if isinstance(citizenship, list) else [citizenship]
        for j, code in enumerate(codes):
            at = f"/people/{i}/citizenship" + (f"/{j}" if isinstance(citizenship, list) else "")
            if not _is_refused(at, refused) and (msg := _check_country(code)) is not None:
                found.append((at, msg))
        if not _is_refused(f"/people/{i}/birth_date", refused):
            found.extend(_birth_date_problems(person, f"/people/{i}"))
    for i, event in _elements(data, "events", refused):
        found.extend(_event_value_problems(event, f"/events/{i}", refused))
    return [Problem(name, p, m, _line(lines, p)) for p, m in found]


_SENSITIVE_NOTE = " (the value is not shown: it is sensitive)"
# What was wrong with a birth date that cannot be read, by a phrase of the reader's message: said
# without the date, which the reader's own messages quote.
_UNREADABLE_DATE = (
    ("open-ended", "open-ended or unknown intervals are not accepted; give both ends"),
    ("before it starts", "the range ends before it starts"),
    ("years 1 to 9999", "dates must fall within the years 1 to 9999, uncertainty included"),
)


def _birth_date_problems(person: Mapping[str, Any], base: str) -> list[tuple[str, str]]:
    """A birth date that cannot be read, lies outside the years of birth, or disagrees with ``birth_year``.

    Each is said without the date: a birth date identifies a person, like a name.
    """
    written = person.get("birth_date")
    if written is None:
        return []
    at = f"{base}/birth_date"
    try:
        birth = parse_date(written)
    except DateError as exc:
        why = next((said for phrase, said in _UNREADABLE_DATE if phrase in str(exc)), None)
        why = why or "not a valid EDTF date (examples: 2009-04-12, 2009-04, 2009, 2009~, 2009-04-01/2009-04-30)"
        return [(at, why + _SENSITIVE_NOTE)]
    low, high = BIRTH_YEARS
    if birth.earliest.year < low or birth.latest.year > high:
        return [(at, f"a birth date must lie within the years {low} to {high}, as a birth_year must" + _SENSITIVE_NOTE)]
    year = person.get("birth_year")
    if isinstance(year, int) and not birth.earliest.year <= year <= birth.latest.year:
        return [(at, "birth_year is not a year this birth date may lie in; correct one or the other" + _SENSITIVE_NOTE)]
    return []


# Keyed digests of an event's canonical content (hex, the current key's first): the ids of events
# written without one. Keyed, so an id tells nothing of the content (a note) to whoever lacks the key.
EventIdDigests = Callable[[bytes], list[str]]


@dataclass
class _Batch:
    """What the files being imported define, to check ids and references across them."""

    known: IdLookup
    event_ids: EventIdDigests | None = None
    defined: dict[str, dict[str, tuple[str, Any]]] = field(
        default_factory=lambda: {"sources": {}, "cohorts": {}, "people": {}, "events": {}}
    )
    problems: list[Problem] = field(default_factory=list)

    def define(self, section: str, ident: str, content: Any, name: str, pointer: str, line: int | None) -> bool:
        previous = self.defined[section].get(ident)
        if previous is not None and (previous[0] == name or previous[1] != content):
            where = "earlier in this file" if previous[0] == name else f"differently in {previous[0]}"
            self.problems.append(Problem(name, pointer, f"duplicate id {ident!r}: already defined {where}", line))
            return False
        self.defined[section][ident] = (name, content)
        return previous is None

    def exists(self, section: str, ident: str) -> bool:
        return ident in self.defined[section] or self.known.has(section, ident)


def _collect(
    batch: _Batch, name: str, data: Any, lines: Mapping[str, int], refused: Collection[str]
) -> list[dict[str, Any]]:
    """Define the file's ids in the batch (a duplicate is a problem); the events, with their ids and pointers.

    A record whose id the schema refused (missing, not text) defines nothing.
    """
    for section in ("sources", "cohorts", "people"):
        items = list(_elements(data, section, refused))
        batch.known.expect(
            section, [str(item["id"]) for i, item in items if not _is_refused(f"/{section}/{i}/id", refused)]
        )
        for i, item in items:
            p = f"/{section}/{i}/id"
            if not _is_refused(p, refused):
                batch.define(section, str(item["id"]), item, name, p, _line(lines, p))
    written_events = [
        (i, w) for i, w in _elements(data, "events", refused) if not _is_refused(f"/events/{i}/id", refused)
    ]
    candidates = [(i, written, _event_id_candidates(batch, written)) for i, written in written_events]
    batch.known.expect("events", [ident for *_, (ids, _keyed) in candidates for ident in ids])
    events = []
    for i, written, (ids, keyed) in candidates:
        ident, keyed = _event_id(batch, ids, keyed)
        p = f"/events/{i}" + ("/id" if "id" in written else "")
        if batch.define("events", ident, written, name, p, _line(lines, p)):
            events.append({**_with_replacement_id(batch, written, keyed), "id": ident, "_pointer": f"/events/{i}"})
    return events


def _event_id_candidates(batch: _Batch, written: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The ids an event may already be stored under, the one to give it first; and whether they are keyed."""
    if written.get("id") or batch.event_ids is None:
        return [event_id_for(written)], False
    content = canonical_json({k: v for k, v in written.items() if k != "id"}).encode()
    # The last is the plain content id of databases older than keyed ids: event_id_for's, from the same text.
    legacy = f"e-{hashlib.sha256(content).hexdigest()[:16]}"
    return [*(f"e-{digest[:16]}" for digest in batch.event_ids(content)), legacy], True


def _event_id(batch: _Batch, candidates: list[str], keyed: bool) -> tuple[str, bool]:
    """The event's own id, else a keyed one from its content; and whether it is keyed.

    The same fact imported again finds the id it was given before: under the current key, an
    older key of the keyring, or (for databases older than keyed ids) the plain content digest.
    """
    if not keyed:
        return candidates[0], False
    legacy = candidates[-1]
    for candidate in candidates:
        if batch.known.has("events", candidate):
            return candidate, candidate != legacy
    return candidates[0], True


def _with_replacement_id(batch: _Batch, written: Mapping[str, Any], keyed: bool) -> Mapping[str, Any]:
    """A correction's replacement written without an id gets a keyed one, as its correction did."""
    replacement = written.get("replacement")
    if not keyed or batch.event_ids is None or not isinstance(replacement, Mapping) or replacement.get("id"):
        return written
    content = canonical_json({"replacement": dict(replacement), "supersedes": written.get("supersedes")}).encode()
    return {**written, "replacement": {**replacement, "id": f"e-{batch.event_ids(content)[0][:16]}"}}


def _reference_problems(
    batch: _Batch, name: str, data: Any, lines: Mapping[str, int], refused: Collection[str]
) -> None:
    """References to ids that neither the files nor the database define, wherever the schema let them be read."""
    # (section, id, where: the JSON pointer's parts, what). Pointers are written out only for a
    # problem, and only a file the schema refused in part has any pointer to test.
    references: list[tuple[str, Any, tuple[Any, ...], str]] = []

    def readable(*where: Any) -> bool:
        return not refused or not _is_refused(_pointer(where), refused)

    def listed(container: Mapping[str, Any], where: tuple[Any, ...], section: str, what: str) -> None:
        values = container.get(where[-1])
        if not isinstance(values, list) or not readable(*where):
            return
        for j, ident in enumerate(values):
            if ident is not None and (not refused or readable(*where, j)):
                references.append((section, ident, (*where, j), what))

    def named(written: Mapping[str, Any], i: int, keys: tuple[tuple[str, str, str], ...]) -> None:
        for key, section, what in keys:
            ident = written.get(key)
            if ident is not None and readable("events", i, key):
                references.append((section, ident, ("events", i, key), what))

    for i, person in _elements(data, "people", refused):
        listed(person, ("people", i, "cohorts"), "cohorts", "cohort")
    for i, written in _elements(data, "events", refused):
        named(written, i, _NAMED_SUBJECTS)
        listed(written, ("events", i, "sources"), "sources", "source")
        replacement = written.get("replacement")
        if isinstance(replacement, Mapping) and readable("events", i, "replacement"):
            listed(replacement, ("events", i, "replacement", "sources"), "sources", "source")
        named(written, i, _NAMED_EVENTS)
        if written.get("kind") == "correction" and not replacement and written.get("retract") is not True:
            base = f"/events/{i}"
            batch.problems.append(
                Problem(name, base, "a correction needs a `replacement` event or `retract: true`", _line(lines, base))
            )
    outside: dict[str, list[str]] = {"people": [], "cohorts": [], "sources": [], "events": []}
    for section, ident, _where, _what in references:
        if str(ident) not in batch.defined[section]:
            outside[section].append(str(ident))
    for section, idents in outside.items():
        batch.known.expect(section, idents)
    for section, ident, where, what in references:
        if not batch.exists(section, str(ident)):
            pointer = _pointer(where)
            batch.problems.append(Problem(name, pointer, f"unknown {what} {ident!r}", _line(lines, pointer)))


# The keys of an event that name another record: (key, section, what the record is called in a problem).
_NAMED_SUBJECTS = (("person", "people", "person"), ("cohort", "cohorts", "cohort"))
_NAMED_EVENTS = (("supersedes", "events", "event"), ("inquiry", "events", "event"), ("decides", "events", "event"))


def _to_records(data: Mapping[str, Any], events: list[dict[str, Any]], into: CaseFile) -> None:
    for s in data.get("sources") or []:
        into.sources.append(
            Source(
                id=s["id"],
                kind=s["kind"],
                title=s.get("title"),
                publisher=s.get("publisher"),
                date=parse_date(s["date"]) if s.get("date") is not None else None,
                url=s.get("url"),
                sha256=s.get("sha256"),
                reliability=s.get("reliability"),
                rows=s.get("rows"),
            )
        )
    for c in data.get("cohorts") or []:
        into.cohorts.append(Cohort(id=c["id"], name=c.get("name"), description=c.get("description")))
    for p in data.get("people") or []:
        citizenship = p.get("citizenship")
        into.people.append(
            Person(
                id=p["id"],
                name=p.get("name"),
                aliases=tuple(p.get("aliases") or ()),
                citizenships=tuple(citizenship) if isinstance(citizenship, list) else (),
                citizenship=citizenship[0] if isinstance(citizenship, list) else citizenship,
                birth_year=p.get("birth_year"),
                birth_date=parse_date(p["birth_date"]) if p.get("birth_date") is not None else None,
                unaccompanied=p.get("unaccompanied"),
                gender=p.get("gender"),
                cohorts=tuple(p.get("cohorts") or ()),
                identifiers={k: str(v) for k, v in (p.get("identifiers") or {}).items()},
                sensitive=dict(p.get("sensitive") or {}),
            )
        )
    for written in events:
        into.events.append(event_from_written({k: v for k, v in written.items() if k != "_pointer"}))


def parse_casefiles(
    paths: Iterable[Path], known: IdLookup = KnownIds(), event_ids: EventIdDigests | None = None
) -> CaseFile:
    """Read and validate case files together; raise :class:`CaseFileError` listing every problem."""
    return parse_casefile_data(((str(path), path) for path in paths), known, event_ids)


def parse_casefile_data(
    files: Iterable[tuple[str, Path | bytes]], known: IdLookup = KnownIds(), event_ids: EventIdDigests | None = None
) -> CaseFile:
    """Validate case files given as (name, path) or (name, raw bytes, e.g. an upload kept in memory)."""
    documents: list[tuple[str, Any, Mapping[str, int]]] = []
    unreadable: list[Problem] = []
    clean: set[str] = set()
    for name, content in files:
        try:
            raw = _read_bytes(content, MAX_BYTES) if isinstance(content, Path) else content
            data, lines = load_document(name, raw)
        except CaseFileError as exc:
            unreadable.extend(exc.problems)
            continue
        documents.append((name, data, lines))
        if name.lower().endswith(".json") and _JSON_CONTROL.search(raw) is None:
            clean.add(name)
    return parse_documents(documents, known, unreadable, event_ids, clean=clean)


# A control character in a JSON file's values or keys: JSON text holds none raw in a string (the reader
# refuses them), so each is an escape (\u0000, \b, \f), or DEL as it is. A file without any of these
# holds none, and its values are not walked to look; a match may be a false alarm (`\\b`, a backslash
# before a `b`), and then they are.
_JSON_CONTROL = re.compile(rb"\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF])|\\[bf]|\x7f")


def parse_documents(
    documents: Iterable[tuple[str, Any, Mapping[str, int]]],
    known: IdLookup = KnownIds(),
    problems: Iterable[Problem] = (),
    event_ids: EventIdDigests | None = None,
    *,
    clean: Collection[str] = (),
) -> CaseFile:
    """Validate case-file documents already loaded (name, data, line map), e.g. converted from PFIF.

    ``clean`` names documents whose text was seen to hold no control character (JSON files).
    """
    batch = _Batch(known, event_ids, problems=list(problems))
    order = {problem.file: None for problem in batch.problems}
    checked: list[tuple[str, Any, Mapping[str, int], set[str]]] = []
    loaded = []
    # Every check runs on every file, each skipping only what the schema refused: one run reports all.
    for name, data, lines in documents:
        order[name] = None
        if isinstance(data, dict):
            # An empty section (`events:` with nothing under it) is an empty list, not an error.
            data.update({k: [] for k in ("sources", "cohorts", "people", "events") if k in data and data[k] is None})
        schema_problems, refused = _schema_problems(name, data, lines)
        batch.problems.extend(schema_problems)
        _normalise(data, refused)
        batch.problems.extend(_value_problems(name, data, lines, refused, controls=name not in clean))
        checked.append((name, data, lines, refused))
        loaded.append((name, data, lines, _collect(batch, name, data, lines, refused)))
    for name, data, lines, refused in checked:
        _reference_problems(batch, name, data, lines, refused)
    if batch.problems:
        raise CaseFileError(_in_file_order(batch.problems, list(order)))
    result = CaseFile(files=[name for name, *_ in loaded])
    for _name, data, _lines, events in loaded:
        _to_records(data, events, result)
    _refuse_unnamed_answers(batch, loaded, result)
    return result


def _in_file_order(problems: Iterable[Problem], files: Sequence[str]) -> list[Problem]:
    """Problems by file (in the order the files were given), then line, then place in the document."""
    rank = {name: i for i, name in enumerate(files)}

    def place(problem: Problem) -> tuple[int, int, tuple[tuple[int, int, str], ...]]:
        # A JSON file has no lines: its problems follow their pointers, /events/2 before /events/10.
        steps = tuple(
            (0, int(s), "") if s.isascii() and s.isdigit() else (1, 0, s) for s in problem.pointer.split("/")[1:]
        )
        return rank.get(problem.file, len(rank)), problem.line or 0, steps

    return sorted(problems, key=place)


def _normalise(data: Any, refused: Collection[str]) -> None:
    """Years written as bare numbers (``date: 2024``, ``birth_date: 2009``) become text, as EDTF is text."""
    for _i, source in _elements(data, "sources", refused):
        if isinstance(source.get("date"), int):
            source["date"] = str(source["date"])
    for _i, person in _elements(data, "people", refused):
        if isinstance(person.get("birth_date"), int):
            person["birth_date"] = str(person["birth_date"])
    for _i, event in _elements(data, "events", refused):
        _normalise_event(event)


def _normalise_event(event: dict[str, Any]) -> None:
    kind = event.get("kind")
    spec = KIND_BY_NAME.get(kind) if isinstance(kind, str) else None  # an unknown kind: the schema said so
    fields = spec.fields if spec is not None else ()
    for key in ("date", "reported", *(f.name for f in fields if f.type == FieldType.DATE)):
        if isinstance(event.get(key), int):
            event[key] = str(event[key])
    if isinstance(event.get("replacement"), dict):
        _normalise_event(event["replacement"])


def casefile_document(casefile: CaseFile) -> dict[str, Any]:
    """The case-file form of records, for `habeas export --format casefile`."""

    def source(s: Source) -> dict[str, Any]:
        out = {
            "id": s.id,
            "kind": s.kind,
            "title": s.title,
            "publisher": s.publisher,
            "date": (s.date.text or str(s.date)) if s.date else None,
            "url": s.url,
            "sha256": s.sha256,
            "reliability": s.reliability,
            "rows": s.rows,
        }
        return {k: v for k, v in out.items() if v is not None}

    def person(p: Person) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": p.id,
            "name": p.name,
            "aliases": list(p.aliases),
            # One country as a code, several as a list (a list of one comes back as its code: the same meaning).
            "citizenship": list(p.citizenships) if len(p.citizenships) > 1 else p.citizenship,
            "birth_year": p.birth_year,
            "birth_date": (p.birth_date.text or str(p.birth_date)) if p.birth_date else None,
            "unaccompanied": p.unaccompanied,
            "gender": p.gender,
            "cohorts": list(p.cohorts),
            "identifiers": dict(p.identifiers),
            "sensitive": dict(p.sensitive),
        }
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    def cohort(c: Cohort) -> dict[str, Any]:
        return {k: v for k, v in {"id": c.id, "name": c.name, "description": c.description}.items() if v is not None}

    return {
        "habeas": 1,
        "sources": [source(s) for s in casefile.sources],
        "cohorts": [cohort(c) for c in casefile.cohorts],
        "people": [person(p) for p in casefile.people],
        "events": [event_to_written(e) for e in casefile.events],
    }


# -- an answer names its inquiry -----------------------------------------------------------------


@dataclass(frozen=True)
class UnnamedAnswer:
    """An ``inquiry_answered`` that names no inquiry while several are open: which one it answers is not guessed."""

    event: str
    subject: str  # "person 'p-1'" or "cohort 'c-1'": whose open inquiries
    open_inquiries: tuple[str, ...]

    def __str__(self) -> str:
        ids = ", ".join(repr(i) for i in self.open_inquiries)
        return (
            f"inquiry_answered {self.event!r} names no inquiry while {len(self.open_inquiries)} inquiries about "
            f"{self.subject} are open ({ids}); name the inquiry it answers with `inquiry: ID`"
        )


def unnamed_answer_events(events: Iterable[Event], stored: Callable[[str], bool]) -> list[Event]:
    """The answers among ``events`` not yet stored (a correction's replacement too) that name no inquiry.

    A replacement that names no person or cohort is about those of its correction.
    """
    found = []
    for event in events:
        replacement = event.get("replacement") if event.kind == Kind.CORRECTION else None
        if isinstance(replacement, Event):
            replacement = replacement_event(event, event)
        unnamed = [e for e in (event, replacement) if isinstance(e, Event) and _names_no_inquiry(e)]
        if unnamed and not stored(event.id):  # asked only of answers: a lookup may cost a query
            found += unnamed
    return found


def _names_no_inquiry(event: Event) -> bool:
    return event.kind == Kind.INQUIRY_ANSWERED and not event.get("inquiry")


def unnamed_answers(
    subjects: Iterable[tuple[str, Person]], events: Sequence[Event], new: Collection[str]
) -> list[UnnamedAnswer]:
    """The answers among ``new`` that name no inquiry while more than one is open on a subject's timeline.

    Each subject is a label and the person whose timeline is walked (a cohort's own events are walked
    as a person with no id and that one cohort). An inquiry is open until an answer or a denial names
    it, or is given while it is the only one open: as ``domain.proceedings`` derives pending matters.
    """
    found: dict[str, UnnamedAnswer] = {}
    for label, person in subjects:
        timeline = build_timeline(person, events, {}).events
        for i, event in enumerate(timeline):
            if event.id not in new or event.id in found or not _names_no_inquiry(event):
                continue
            ledger = open_matters(timeline[:i], date.max)
            inquiries = tuple(e.id for e in ledger.open.values() if e.kind == Kind.INQUIRY)
            if len(inquiries) > 1:
                found[event.id] = UnnamedAnswer(event.id, label, inquiries)
    return list(found.values())


def person_subject(person: str, cohorts: Iterable[str]) -> tuple[str, Person]:
    """A person's timeline: their own events and those of their cohorts."""
    return f"person {person!r}", Person(person, cohorts=tuple(sorted(set(cohorts))))


def cohort_subject(cohort: str) -> tuple[str, Person]:
    """A cohort's own events, walked as a timeline of their own."""
    return f"cohort {cohort!r}", Person(id="", cohorts=(cohort,))


def _refuse_unnamed_answers(batch: _Batch, loaded: Sequence[Any], result: CaseFile) -> None:
    """Refuse answers that name no inquiry where the files alone show several open."""
    answers = unnamed_answer_events(result.events, lambda ident: batch.known.has("events", ident))
    refused = unnamed_answers(_file_subjects(batch, answers, result), result.events, {a.id for a in answers})
    if not refused:
        return
    where = {e["id"]: (name, e["_pointer"], lines) for name, _data, lines, events in loaded for e in events}
    for event in result.events:
        replacement = event.get("replacement")
        if isinstance(replacement, Event) and event.id in where:
            name, pointer, lines = where[event.id]
            where[replacement.id] = (name, f"{pointer}/replacement", lines)
    for problem in refused:
        name, pointer, lines = where.get(problem.event, (result.files[0], "", {}))
        batch.problems.append(Problem(name, pointer, str(problem), _line(lines, pointer)))
    raise CaseFileError(batch.problems)


def _file_subjects(batch: _Batch, answers: Iterable[Event], result: CaseFile) -> list[tuple[str, Person]]:
    """The timelines the files hold whole (no stored person or cohort in them), for the answers' people and cohorts.

    The others are for the store to walk, with what it holds (services.imports).
    """
    cohorts_of: dict[str, set[str]] = {}
    for person in result.people:
        cohorts_of.setdefault(person.id, set()).update(person.cohorts)

    def whole(pid: str) -> bool:
        stored = [("people", pid), *(("cohorts", c) for c in cohorts_of.get(pid, ()))]
        return not any(batch.known.has(section, ident) for section, ident in stored)

    subjects: dict[str, Person] = {}
    for answer in answers:
        if answer.person is not None and whole(answer.person):
            subjects.update([person_subject(answer.person, cohorts_of.get(answer.person, ()))])
        elif answer.cohort is not None and not batch.known.has("cohorts", answer.cohort):
            members = [pid for pid, cohorts in cohorts_of.items() if answer.cohort in cohorts]
            if all(whole(pid) for pid in members):
                subjects.update([cohort_subject(answer.cohort), *(person_subject(m, cohorts_of[m]) for m in members)])
    return list(subjects.items())
