"""A case-file upload with many problems lists every one at once (not one round of fixing per kind of problem)."""

from __future__ import annotations

import re

from web_helpers import Site, csrf_of

from habeas.services import Actor, Context, track

# Six problems of six kinds, each of which once stopped the reader before the next was looked at: a field the
# schema does not know, a day that does not exist, a country code that is none, a source nobody defined,
# an id used twice, an event kind that does not exist. All the people are synthetic.
SIX_PROBLEMS = """\
habeas: 1
sources:
  - {id: s-1, kind: document, title: Synthetic log, date: 2025-01-02}
people:
  - {id: p-1, name: Synthetic Person One, hometown: Nowhere}
  - {id: p-2, name: Synthetic Person Two, citizenship: XQ}
events:
  - {id: e-1, person: p-1, kind: booked_in, date: 2025-02-30, facility: Synthetic Facility, sources: [s-1]}
  - {id: e-2, person: p-1, kind: contact, date: 2025-03-01, sources: [s-missing]}
  - {id: e-2, person: p-2, kind: booked_in, date: 2025-03-02, facility: Synthetic Facility, sources: [s-1]}
  - {id: e-3, person: p-2, kind: flew_away, date: 2025-03-03, sources: [s-1]}
"""


def test_an_upload_with_six_problems_lists_all_six_and_stores_nothing(fresh_site: Site, client_for) -> None:  # type: ignore[no-untyped-def]
    editor = client_for("editor")
    before = track.database_counts(Context(fresh_site.settings, Actor("admin")))
    csrf = csrf_of(editor.get("/import").text)
    answer = editor.post(
        "/import", data={"csrf": csrf}, files={"file": ("six.yaml", SIX_PROBLEMS.encode(), "text/yaml")}
    )
    assert answer.status_code == 400
    listed = re.findall(r"<li><code>(six\.yaml:[^<]*)</code></li>", answer.text)
    lines = {int(re.match(r"six\.yaml:(\d+)", p).group(1)) for p in listed}  # type: ignore[union-attr]
    assert {5, 6, 8, 9, 10, 11} <= lines, listed
    assert "6 problems found; nothing was imported." in answer.text
    assert track.database_counts(Context(fresh_site.settings, Actor("admin"))) == before
