"""A person's dataset rows become timeline events, each sourced to the release and row."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from habeas.ingest.datasets import load_format
from habeas.ingest.datasets.ice_detentions.events import placement_events
from habeas.ingest.datasets.ice_removals.events import removal_events
from habeas.ingest.datasets.records import RECORDS_JURISDICTION
from habeas.services import NotFound
from habeas.services import datasets as service

from .conftest import DETENTION_HEADER, detention_row

FMT = load_format("ice_detentions")


def row(number: int, stay_in: str, book_in: str, book_out: str | None, stay_out: str | None, **extra: object) -> dict:
    parse = lambda text: datetime.fromisoformat(text) if text else None  # noqa: E731
    values = {
        "row": number, "person": "p1", "stay_book_in": parse(stay_in), "book_in": parse(book_in),
        "book_out": parse(book_out), "stay_book_out": parse(stay_out), "facility": f"FACILITY {number}",
        "facility_code": f"F{number}", "stay_release_reason": "Removed", "detention_release_reason": None,
        "msc_category": None, "msc_charge": None, "msc_conviction_date": None, "redacted": [],
    }  # fmt: skip
    values.update(extra)
    return values


def test_a_stay_with_transfers_ending_in_removal() -> None:
    rows = [
        row(12, "2019-01-02T10:00", "2019-01-09T08:30", "2019-02-01T00:00", "2019-02-01T00:00"),
        row(11, "2019-01-02T10:00", "2019-01-02T10:00", "2019-01-09T08:30", "2019-02-01T00:00"),
    ]
    events = placement_events("R:p1", "R", rows, FMT, date(2019, 6, 30))
    assert [(e.kind, str(e.date), e.note) for e in events] == [
        ("booked_in", "2019-01-02", "row 11"),
        ("transferred", "2019-01-09", "row 12"),
        ("removed", "2019-02-01", "row 12; stay release reason: Removed"),
        ("record_check", "2019-01-02/2019-06-30", "row 11; no conviction on record in this dataset"),
    ]
    booked, moved, removed, check = events
    assert (booked.get("facility_code"), booked.get("country")) == ("F11", "US")
    assert (moved.get("facility"), moved.get("from_facility")) == ("FACILITY 12", "FACILITY 11")
    assert removed.get("removal_type") == "removal"
    assert (check.get("result"), check.get("jurisdiction")) == ("none_found", RECORDS_JURISDICTION)
    assert all(e.sources == ("R",) and e.person == "R:p1" for e in events)
    assert len({e.id for e in events}) == 4


@pytest.mark.parametrize(
    ("reason", "kind", "field", "value"),
    [
        ("Bonded Out", "released", "reason", "bond"),
        ("Paroled", "released", "reason", "parole"),
        ("Order of Supervision", "released", "reason", "order_of_supervision"),
        ("Voluntary Departure", "removed", "removal_type", "voluntary_departure"),
        ("Died", "died", "country", "US"),
    ],
)
def test_how_a_stay_ended(reason: str, kind: str, field: str, value: str) -> None:
    rows = [row(7, "2020-05-01T00:00", "2020-05-01T00:00", "2020-05-09T00:00", "2020-05-09T00:00",
                stay_release_reason=reason)]  # fmt: skip
    end = placement_events("R:p1", "R", rows, FMT, date(2020, 12, 31))[1]
    assert (end.kind, end.get(field), str(end.date)) == (kind, value, "2020-05-09")


def test_an_ongoing_stay_has_no_end_and_an_unknown_reason_asserts_nothing() -> None:
    open_stay = [row(7, "2020-05-01T00:00", "2020-05-01T00:00", None, None)]
    assert [e.kind for e in placement_events("R:p1", "R", open_stay, FMT)] == ["booked_in", "record_check"]
    odd = [row(7, "2020-05-01T00:00", "2020-05-01T00:00", "2020-05-09T00:00", "2020-05-09T00:00",
               stay_release_reason="Something unheard of")]  # fmt: skip
    assert [e.kind for e in placement_events("R:p1", "R", odd, FMT)] == ["booked_in", "record_check"]


def test_a_conviction_on_record_and_a_redacted_one() -> None:
    convicted = [row(3, "2020-05-01T00:00", "2020-05-01T00:00", None, None, msc_category="Traffic Offenses")]
    check = placement_events("R:p1", "R", convicted, FMT)[-1]
    assert (check.get("result"), check.note) == (
        "record_found",
        "row 3; most serious conviction on record: Traffic Offenses",
    )
    withheld = [row(3, "2020-05-01T00:00", "2020-05-01T00:00", None, None, redacted=["msc_charge"])]
    assert [e.kind for e in placement_events("R:p1", "R", withheld, FMT)] == ["booked_in"]


def test_a_removal_row() -> None:
    removal = {
        "row": 9,
        "departed_date": date(2012, 1, 3),
        "case_category": "[8F] Expedited Removal",
        "case_category_type": "expedited_removal",
        "msc_charge": None,
        "msc_category": None,
        "redacted": [],
    }
    removed, check = removal_events("R:row-9", "R", removal)
    assert (removed.kind, str(removed.date), removed.get("removal_type")) == (
        "removed",
        "2012-01-03",
        "expedited_removal",
    )
    assert (check.get("result"), str(check.date)) == ("none_found", "2012-01-03")


def test_person_events_reads_the_rows_of_one_person(dctx, write_release) -> None:
    rows = [
        detention_row("p1", "01/02/2019 10:00", "01/02/2019 10:00", "01/09/2019 08:30", "02/01/2019 00:00",
                      reason="Transferred"),
        detention_row("p2", "03/02/2019 10:00", "03/02/2019 10:00", None, None),
        detention_row("p1", "01/02/2019 10:00", "01/09/2019 08:30", "02/01/2019 00:00", "02/01/2019 00:00",
                      facility="STWRTGA", stay_reason="Bonded Out", reason="Bonded Out"),
    ]  # fmt: skip
    report = service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows))
    events, sources = service.person_events(dctx, f"{report.release}:p1")
    assert [(e.kind, e.note.split(";")[0]) for e in events] == [
        ("booked_in", "row 7"),
        ("transferred", "row 9"),
        ("released", "row 9"),
        ("record_check", "row 7"),
    ]
    assert [s.id for s in sources] == [report.release]
    people = service.dataset_people(dctx, limit=10)
    assert [p.id for p in people] == [f"{report.release}:p1", f"{report.release}:p2"]
    assert people[0].citizenship == "MX" and people[0].gender == "male"
    assert [p.id for p in service.dataset_people(dctx, limit=10, offset=1)] == [f"{report.release}:p2"]
    with pytest.raises(NotFound):
        service.person_events(dctx, f"{report.release}:nobody")
    with pytest.raises(NotFound):
        service.person_events(dctx, "not-a-dataset-id")
