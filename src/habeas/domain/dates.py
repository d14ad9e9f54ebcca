"""EDTF dates held as [earliest, latest] day intervals, and arithmetic on them.

A date is never silently rounded to a point: "2025-03" is every day of March 2025,
"2025-03-15/2025-03-16" is two days, and anything computed from them is a range.
Approximate (``~``) and uncertain (``?``) dates widen by one unit of their
precision on each side: "2025-03~" is February to April 2025.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any


class DateError(ValueError):
    """A date string that is not valid EDTF, or an interval that ends before it starts."""


@dataclass(frozen=True, order=True)
class DateRange:
    """The closed interval of days [earliest, latest] that a written date denotes."""

    earliest: date
    latest: date
    text: str = ""

    def __post_init__(self) -> None:
        if self.latest < self.earliest:
            raise DateError(f"{self.text or 'date range'}: ends ({self.latest}) before it starts ({self.earliest})")

    @classmethod
    def day(cls, d: date) -> DateRange:
        return cls(d, d, d.isoformat())

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest

    def certainly_before(self, other: DateRange) -> bool:
        return self.latest < other.earliest

    def possibly_before(self, other: DateRange) -> bool:
        return self.earliest < other.latest

    def may_be_on_or_before(self, day: date) -> bool:
        return self.earliest <= day

    def certainly_on_or_before(self, day: date) -> bool:
        return self.latest <= day

    def clip_to(self, day: date) -> DateRange:
        """The part of this range on or before ``day`` (for "as of" derivations)."""
        latest = min(self.latest, day)
        earliest = min(self.earliest, latest)
        return DateRange(earliest, latest, self.text)

    def as_json(self) -> dict[str, str]:
        return {"earliest": self.earliest.isoformat(), "latest": self.latest.isoformat()}

    def __str__(self) -> str:
        return self.text or (
            self.earliest.isoformat() if self.exact else f"{self.earliest.isoformat()}/{self.latest.isoformat()}"
        )


@dataclass(frozen=True)
class DayCount:
    """A number of days known only to lie in [min, max]."""

    min: int
    max: int

    def as_json(self) -> dict[str, int]:
        return {"min": self.min, "max": self.max}

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}–{self.max}"


def days_between(start: DateRange, end: date) -> DayCount:
    """Days from a date range to a day: the shortest and the longest possible span."""
    low = max(0, (end - start.latest).days)
    high = max(0, (end - start.earliest).days)
    return DayCount(low, high)


_QUALIFIER = re.compile(r"[~?%]")


def _widen(lower: date, upper: date, text: str) -> tuple[date, date]:
    core = _QUALIFIER.sub("", text.split("/")[0])
    if not _QUALIFIER.search(text):
        return lower, upper
    parts = core.lstrip("-").split("-")
    if len(parts) >= 3:
        return lower - timedelta(days=1), upper + timedelta(days=1)
    if len(parts) == 2:
        return _add_months(lower, -1), _end_of_month(_add_months(upper, 1))
    return lower.replace(year=lower.year - 1), upper.replace(year=upper.year + 1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _end_of_month(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def parse_date(value: Any) -> DateRange:
    """Parse an EDTF (level 0–1) or ISO date into the interval of days it denotes."""
    if isinstance(value, date):
        return DateRange.day(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise DateError(
            f"{value!r} is not a date; write an EDTF date such as 2025-03-15, 2025-03 or 2025-03-15/2025-03-16"
        )
    return _parse_text(value.strip())


_PLAIN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _plain_bounds(text: str) -> tuple[date, date] | None:
    """The days of an unqualified year, month or day (2025, 2025-03, 2025-03-15); None for anything else."""
    found = _PLAIN.fullmatch(text)
    if found is None:
        return None
    year, month, day = found.groups()
    try:
        if month is None:
            return date(int(year), 1, 1), date(int(year), 12, 31)
        if day is None:
            first = date(int(year), int(month), 1)
            return first, _end_of_month(first)
        exact = date(int(year), int(month), int(day))
    except ValueError:
        return None  # not a real day: the EDTF parser words the error
    return exact, exact


def _plain(text: str) -> tuple[date, date] | None:
    """Bounds of a plain date or a closed interval of two plain dates, read without the EDTF grammar."""
    if "/" not in text:
        return _plain_bounds(text)
    start, _, end = text.partition("/")
    first, last = _plain_bounds(start), _plain_bounds(end)
    if first is None or last is None or last[1] < first[0]:
        return None
    return first[0], last[1]


@lru_cache(maxsize=65_536)
def _parse_text(text: str) -> DateRange:
    """The interval a date denotes. Plain dates (most of them) are read directly; the rest by the EDTF grammar."""
    written = text
    if "T" in text:
        text = text.split("T")[0]
    bounds = _plain(text)
    if bounds is not None:
        return DateRange(bounds[0], bounds[1], written)
    return _parse_edtf(written, text)


def _parse_edtf(written: str, text: str) -> DateRange:
    # The EDTF grammar is slow to run (milliseconds a date) and to load (pyparsing and more, a tenth of a second):
    # it is loaded, and run, only for qualified and unusual dates.
    from edtf import parse_edtf, struct_time_to_date

    try:
        parsed = parse_edtf(text)
        lower_struct, upper_struct = parsed.lower_strict(), parsed.upper_strict()
    except Exception as exc:  # edtf raises several exception types for bad input
        if (impossible := _impossible_day(text)) is not None:
            raise DateError(f"{written!r}: {impossible}") from exc
        raise DateError(
            f"{written!r} is not a valid EDTF date (examples: 2025-03-15, 2025-03, 2024, "
            "2025-03-15/2025-03-16, 2025-03~, 2024-08-29?)"
        ) from exc
    if lower_struct is None or upper_struct is None or ".." in text or text.endswith("/") or text.startswith("/"):
        raise DateError(f"{written!r}: open-ended or unknown intervals are not accepted; give both ends")
    try:
        lower, upper = struct_time_to_date(lower_struct), struct_time_to_date(upper_struct)
        if upper < lower:
            raise DateError(f"{written!r}: the range ends ({upper}) before it starts ({lower})")
        lower, upper = _widen(lower, upper, text)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, DateError):
            raise
        raise DateError(f"{written!r}: dates must fall within the years 1 to 9999, uncertainty included") from exc
    return DateRange(lower, upper, written)


_DAY_SHAPE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_INSIDE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def _impossible_day(text: str) -> str | None:
    """What is wrong with a calendar day written in ``text`` that cannot be (2025-02-30), or None."""
    for found in _DAY_INSIDE.finditer(text):
        year, month, day = (int(part) for part in found.groups())
        day_written = "" if found.group(0) == text else f"{found.group(0)}: "
        if not 1 <= month <= 12:
            return f"{day_written}there is no month {month}"
        days = calendar.monthrange(year, month)[1] if year >= 1 else 31
        if not 1 <= day <= days:
            return f"{day_written}no such day ({calendar.month_name[month]} {year} has {days} days)"
    return None


def parse_day(value: str) -> date:
    """Parse a single day for --as-of and --known-on (YYYY-MM-DD or 'today')."""
    if value == "today":
        return date.today()
    if (shape := _DAY_SHAPE.fullmatch(value)) is not None:
        year, month, day = (int(part) for part in shape.groups())
        if year < 1:
            raise DateError(f"{value}: years run from 1 to 9999")
        if not 1 <= month <= 12:
            raise DateError(f"{value}: there is no month {month}")
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            raise DateError(f"{value}: no such day ({calendar.month_name[month]} {year} has {days} days)")
        return date(year, month, day)
    raise DateError(f"{value!r} is not a day; write YYYY-MM-DD")
