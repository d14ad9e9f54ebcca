"""The visual timeline's geometry: custody bands by country, uncertain dates as ranges, marks by row."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from habeas.domain.whereabouts import derive_whereabouts
from habeas.testing import event, timeline_of
from habeas.web.timeline_svg import ROWS, draw

AS_OF = date(2025, 6, 1)


def _drawing(*events):  # type: ignore[no-untyped-def]
    timeline = timeline_of(list(events))
    return draw(timeline, derive_whereabouts(timeline, AS_OF))


def test_custody_is_a_band_per_state_coloured_by_country() -> None:
    drawing = _drawing(
        event("booked_in", "2025-01-10", facility="A", id="e1"),
        event("transferred", "2025-02-10", facility="B", id="e2"),
        event("removed", "2025-03-15", destination="SV", id="e3"),
        event("handed_over", "2025-03-16", country="SV", facility="C", id="e4"),
    )
    bands = drawing.bands
    assert [b.event for b in bands] == ["e1", "e2", "e3", "e4"]
    assert bands[0].colour == bands[1].colour != bands[2].colour == bands[3].colour
    assert [b.faint for b in bands] == [False, False, True, False]
    assert all(a.x + a.width <= b.x + 0.01 for a, b in pairwise(bands))  # in order, no overlap
    assert bands[-1].x + bands[-1].width == drawing.as_of_x  # the last state runs to the as-of day
    assert {code for code, _ in drawing.countries} == {"US", "SV"}


def test_an_uncertain_start_is_drawn_as_a_range_not_a_point() -> None:
    exact = _drawing(event("booked_in", "2025-01-10", id="e1")).bands[0]
    month = _drawing(event("booked_in", "2025-01", id="e1")).bands[0]
    assert exact.fuzz_width == 0  # a known day
    assert month.fuzz_width > 100  # the whole of January
    assert month.fuzz_x + month.fuzz_width == month.x


def test_marks_sit_in_their_rows_and_uncertain_ones_are_ranges() -> None:
    drawing = _drawing(
        event("claim_filed", "2024", claim="asylum", id="claim"),
        event("proof_of_life", "2025-04-25?", evidence="call", id="alive"),
        event("access_denied", "2025-04-02", who="counsel", id="denied"),
        event("allegation", "2025-01-05", claim="gang_membership", id="alleged"),
    )
    marks = {m.event: m for m in drawing.marks}
    assert {k: ROWS[m.row] for k, m in marks.items()} == {
        "claim": "proceedings",
        "alive": "contact",
        "denied": "contact",
        "alleged": "other",
    }
    assert marks["claim"].is_range and marks["alive"].is_range
    assert not marks["denied"].is_range and marks["denied"].shape == "cross"
    assert marks["alive"].alive and not marks["denied"].alive


def test_the_gap_since_the_last_proof_of_life_is_marked() -> None:
    drawing = _drawing(event("booked_in", "2025-03-01", id="e1"))
    assert drawing.alive_x is not None and drawing.alive_x < drawing.as_of_x


def test_an_empty_timeline_still_draws_an_axis() -> None:
    drawing = _drawing()
    assert drawing.bands == () and drawing.marks == () and drawing.ticks


def test_no_silence_is_drawn_after_a_release() -> None:
    held = (event("booked_in", "2025-01-10", id="e1"), event("transferred", "2025-02-10", id="e2"))
    assert _drawing(*held).alive_x is not None  # held on 1 June with no proof of life since February: drawn
    released = _drawing(*held, event("released", "2025-03-01", reason="bond", id="e3"))
    assert released.alive_x is None  # the clock stopped with the release


def test_a_drawing_as_of_a_day_leaves_out_what_came_later() -> None:
    timeline = timeline_of(
        [event("booked_in", "2025-01-10", id="e1"), event("decision", "2025-07-01", outcome="denied", id="later")]
    )
    drawing = draw(timeline, derive_whereabouts(timeline, AS_OF))
    assert [m.event for m in drawing.marks] == ["e1"]
