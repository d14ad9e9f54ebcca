"""EDTF dates become day intervals; arithmetic on them gives ranges, never silent points."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from habeas.domain.dates import DateError, DateRange, days_between, parse_date, parse_day

D = date.fromisoformat


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025-03-15", "2025-03-15", "2025-03-15"),
        ("2025-03", "2025-03-01", "2025-03-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("2025-03-15/2025-03-16", "2025-03-15", "2025-03-16"),
        ("2025-03/2025-05", "2025-03-01", "2025-05-31"),
        ("2025-03~", "2025-02-01", "2025-04-30"),
        ("2025-12~", "2025-11-01", "2026-01-31"),
        ("2024-08-29?", "2024-08-28", "2024-08-30"),
        ("2024~", "2023-01-01", "2025-12-31"),
        ("2025-XX", "2025-01-01", "2025-12-31"),
    ],
)
def test_written_dates_denote_the_days_they_cover(text: str, earliest: str, latest: str) -> None:
    parsed = parse_date(text)
    assert (parsed.earliest, parsed.latest) == (D(earliest), D(latest))
    assert parsed.text == text


def test_a_bare_year_number_is_read_as_that_year() -> None:
    assert parse_date(2024) == parse_date("2024")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "no such day \\(February 2025 has 28 days\\)"),
        ("next tuesday", "not a valid EDTF date"),
        ("2025-03-16/2025-03-15", "ends"),
        ("../2025-03-15", "open-ended"),
        ("", "not a date"),
    ],
)
def test_invalid_dates_are_rejected_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        parse_date(text)


def test_days_between_an_uncertain_date_and_a_day_is_a_range() -> None:
    count = days_between(parse_date("2025-03"), D("2025-07-29"))
    assert (count.min, count.max) == (120, 150)
    assert str(count) == "120–150"


def test_days_between_an_exact_date_and_a_day_is_one_number() -> None:
    assert str(days_between(parse_date("2025-03-16"), D("2025-05-01"))) == "46"


days = st.dates(min_value=D("1990-01-01"), max_value=D("2040-12-31"))


@st.composite
def ranges(draw: st.DrawFn) -> DateRange:
    start = draw(days)
    return DateRange(start, start + timedelta(days=draw(st.integers(0, 400))))


@given(ranges(), days)
def test_day_counts_bracket_every_possible_day(span: DateRange, day: date) -> None:
    count = days_between(span, day)
    assert 0 <= count.min <= count.max
    for possible in (span.earliest, span.latest):
        assert count.min <= max(0, (day - possible).days) <= count.max


@given(ranges(), ranges())
def test_certainly_before_implies_possibly_before_and_not_the_reverse(a: DateRange, b: DateRange) -> None:
    if a.certainly_before(b):
        assert a.possibly_before(b)
        assert not b.possibly_before(a)


@given(ranges(), days)
def test_clipping_to_a_day_never_widens_and_never_passes_the_day(span: DateRange, day: date) -> None:
    if span.earliest <= day:
        clipped = span.clip_to(day)
        assert span.earliest <= clipped.earliest <= clipped.latest <= min(span.latest, day)


@given(ranges())
def test_written_intervals_round_trip_through_parse(span: DateRange) -> None:
    text = f"{span.earliest.isoformat()}/{span.latest.isoformat()}"
    parsed = parse_date(text)
    assert (parsed.earliest, parsed.latest) == (span.earliest, span.latest)


# Plain dates are read without the EDTF grammar; they must mean exactly what the grammar says they mean.
_plain_part = st.one_of(
    st.integers(1000, 2999).map(str),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1000, 2999), st.integers(0, 13)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(1000, 2999), st.integers(0, 13), st.integers(0, 32)),
)


@given(st.one_of(_plain_part, st.builds(lambda a, b: f"{a}/{b}", _plain_part, _plain_part)))
def test_plain_dates_read_directly_mean_what_the_edtf_grammar_says(text: str) -> None:
    from habeas.domain.dates import _parse_edtf, _parse_text

    try:
        expected: DateRange | str = _parse_edtf(text, text)
    except DateError as exc:
        expected = str(exc)
    try:
        got: DateRange | str = _parse_text.__wrapped__(text)
    except DateError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("2025-02-30", "2025-02-30: no such day (February 2025 has 28 days)"),
        ("2025-04-31", "2025-04-31: no such day (April 2025 has 30 days)"),
        ("2025-13-01", "2025-13-01: there is no month 13"),
        ("0000-01-01", "0000-01-01: years run from 1 to 9999"),
        ("1 March", "'1 March' is not a day; write YYYY-MM-DD"),
    ],
)
def test_a_day_that_does_not_exist_is_named_as_such(written: str, says: str) -> None:
    with pytest.raises(DateError) as refused:
        parse_day(written)
    assert str(refused.value) == says


def test_a_leap_day_is_a_day() -> None:
    assert parse_day("2024-02-29") == date(2024, 2, 29)
