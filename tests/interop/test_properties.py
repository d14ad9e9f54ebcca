"""Properties of the interchange formats over arbitrary text: nothing a record holds can break them."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from habeas.domain.model import Person
from habeas.ingest.casefile import CaseFile
from habeas.interop.pfif import export_pfif, pfif_problems
from habeas.interop.pfif_import import read_pfif
from habeas.reports.markdown import cell

# Text a person's name can hold: no control characters, line or paragraph separators.
NAME = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(name=NAME, aliases=st.lists(NAME, max_size=3, unique=True))
def test_any_name_survives_a_pfif_round_trip(name: str, aliases: list[str]) -> None:
    aliases = [a for a in aliases if a != name]
    casefile = CaseFile(people=[Person(id="syn-1", name=name, aliases=tuple(aliases))])
    data = export_pfif(casefile, as_of=date(2025, 1, 1), domain="habeas.example.org")
    assert pfif_problems(data) == []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.xml"
        path.write_bytes(data)
        (person,) = read_pfif([path], home_domain="habeas.example.org").casefile.people
    assert (person.id, person.name, person.aliases) == ("syn-1", name, tuple(aliases))


@given(st.text())
def test_a_markdown_cell_never_splits_a_row_or_a_table(text: str) -> None:
    escaped = cell(text)
    assert "\n" not in escaped and "\r" not in escaped
    # Every pipe left in the cell is escaped by an odd run of backslashes.
    for i, char in enumerate(escaped):
        if char == "|":
            run = len(escaped[:i]) - len(escaped[:i].rstrip("\\"))
            assert run % 2 == 1
