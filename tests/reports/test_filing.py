"""The exhibit an attorney files: caption, exhibit letter, declaration, Bates numbers, flags on request, Spanish."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from habeas.reports.filing import Bates, ExhibitOptionError, ExhibitOptions, Preparer
from habeas.reports.markdown import render_markdown
from habeas.reports.model import Report
from habeas.reports.pdf import render_pdf

from .conftest import SYNTHETIC_OPTIONS
from .pdftext import body_lines, flat, pages

pytest.importorskip("pypdf", reason="pypdf is needed to read the PDF back")


def _text(report: Report) -> str:
    return flat(" ".join(pages(render_pdf(report))))


def test_the_first_page_carries_the_caption_and_the_exhibit_letter(report: Report) -> None:
    first = flat(pages(render_pdf(report))[0])
    assert "UNITED STATES DISTRICT COURT FOR THE SOUTHERN DISTRICT OF EXAMPLE" in first
    assert "Ana Ejemplo, Petitioner, v. Warden of the Example Detention Center, Respondent." in first
    assert "Case No. 3:25-cv-00000 (synthetic)" in first
    assert "EXHIBIT A" in first
    assert first.index("EXHIBIT A") < first.index("Sourced chronology of Ana Ejemplo")


def test_every_later_page_names_the_exhibit_and_the_case(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report()
    for text in pages(render_pdf(report))[1:]:
        assert "EXHIBIT A" in text and "3:25-cv-00000" in text


def test_the_declaration_is_in_the_form_of_28_usc_1746_with_the_preparer(report: Report) -> None:
    last = flat(pages(render_pdf(report))[-1])
    assert "DECLARATION OF COUNSEL OF RECORD (SYNTHETIC)" in last
    assert "I, Counsel of record (synthetic), declare as follows:" in last
    assert "I am Counsel for Petitioner, bar number EX 000000." in last
    # 28 U.S.C. § 1746(2): the words, then the date of execution, then the signature.
    attestation = "I declare under penalty of perjury that the foregoing is true and correct."
    assert last.index(attestation) < last.index("Executed on") < last.index("Signature")
    assert "Bar number: EX 000000" in last
    assert "Prepared by: local" not in _text(report)


def test_without_a_preparer_the_declaration_leaves_blanks_to_fill_in_by_hand(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report(options=replace(SYNTHETIC_OPTIONS, preparer=Preparer()))
    last = flat(pages(render_pdf(report))[-1])
    assert "I, ____________________, declare as follows:" in last
    assert "Name: ____" in last and "Bar number: ____" in last
    assert "local" not in last


def test_without_caption_settings_the_caption_is_blank_lines_not_guesses(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report(options=ExhibitOptions())
    first = flat(pages(render_pdf(report))[0])
    assert "EXHIBIT ___" in first
    assert "Case No. ____" in first


def test_the_a_number_is_in_the_caption_only_when_asked_for(make_report) -> None:  # type: ignore[no-untyped-def]
    assert "A000000000" not in _text(make_report())
    shown = make_report(options=replace(SYNTHETIC_OPTIONS, show_a_number=True))
    assert "A-Number A000000000" in flat(pages(render_pdf(shown))[0])


def test_flags_are_left_out_unless_asked_for(make_report) -> None:  # type: ignore[no-untyped-def]
    plain = _text(make_report())
    for internal in ("Flags for review", "Removed while proceedings were pending", "critical", "Legal basis"):
        assert internal not in plain
    flagged = _text(make_report(options=replace(SYNTHETIC_OPTIONS, include_flags=True)))
    assert "Removed while proceedings were pending (critical, certain)" in flagged
    assert flagged.index("Whereabouts on") < flagged.index("Flags for review") < flagged.index("Chronology # Date")


def test_the_case_memo_leads_with_the_flags_and_is_not_for_filing(make_report) -> None:  # type: ignore[no-untyped-def]
    memo = make_report(options=replace(SYNTHETIC_OPTIONS, memo=True))
    texts = pages(render_pdf(memo))
    text = flat(" ".join(texts))
    assert text.index("Flags for review") < text.index("Whereabouts on") < text.index("Chronology # Date")
    assert "Not for filing" in flat(texts[0])
    assert "under penalty of perjury" not in text
    assert "EXHIBIT A" not in text
    assert all("INTERNAL CASE MEMO" in page for page in texts)


def test_bates_numbers_run_on_every_page_from_the_first_given(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report(options=replace(SYNTHETIC_OPTIONS, bates=Bates.parse("SYN-0098")))
    texts = pages(render_pdf(report))
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=98):
        assert f"SYN-{number:04d}" in text
    assert "SYN-0097" not in " ".join(texts)


@pytest.mark.parametrize(
    ("given", "prefix", "start", "width", "third"),
    [("HR-0001", "HR-", 1, 4, "HR-0003"), ("X 7", "X ", 7, 1, "X 9"), ("000120", "", 120, 6, "000122")],
)
def test_bates_numbers_keep_the_prefix_and_the_digits(
    given: str, prefix: str, start: int, width: int, third: str
) -> None:
    bates = Bates.parse(given)
    assert (bates.prefix, bates.start, bates.width) == (prefix, start, width)
    assert bates.number(3) == third


@pytest.mark.parametrize("given", ["HR-", "", "HR-0001!", "#1"])
def test_a_bates_number_without_digits_at_the_end_is_refused(given: str) -> None:
    with pytest.raises(ExhibitOptionError, match="--bates"):
        Bates.parse(given)


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ExhibitOptionError, match="en, es"):
        ExhibitOptions(language="fr")


def test_the_spanish_exhibit_speaks_spanish_and_points_to_the_english_for_filing(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report(options=replace(SYNTHETIC_OPTIONS, language="es"))
    text = _text(report)
    for words in (
        "ANEXO A",
        "Cronología con fuentes de Ana Ejemplo",
        "Paradero el 2025-05-01",
        "Aprehendido (agencia: CBP)",
        "Lista de anexos",
        "Declaro bajo pena de perjurio que lo anterior es verdadero y correcto.",
        "Página 1 de",
        "se presenta el anexo en inglés",
    ):
        assert words in text, words
    for english in ("What happened", "Whereabouts on", "Exhibit list", "Apprehended"):
        assert english not in text


def test_prose_reads_labels_not_codes(make_report) -> None:  # type: ignore[no-untyped-def]
    markdown = render_markdown(make_report())
    assert "removal type: Alien Enemies Act" in markdown
    assert "aea" not in markdown
    assert "_" not in markdown.split("## Chronology")[1].split("## Exhibit list")[0].replace("~~", "")


def test_references_are_numbered_in_the_order_they_are_first_cited(make_report) -> None:  # type: ignore[no-untyped-def]
    for options in (SYNTHETIC_OPTIONS, replace(SYNTHETIC_OPTIONS, include_flags=True)):
        report = make_report(options=options)
        cited = [n for flag in report.flags for n in flag.sources] + [
            n for line in report.chronology for n in line.sources
        ]
        first_seen = list(dict.fromkeys(cited))
        assert first_seen == list(range(1, len(first_seen) + 1))
        assert [x.number for x in report.exhibits] == first_seen
        for numbers in [flag.sources for flag in report.flags] + [line.sources for line in report.chronology]:
            assert list(numbers) == sorted(set(numbers))


def test_a_source_with_an_address_says_when_it_was_accessed_or_that_it_is_not_recorded(report: Report) -> None:
    with_url = [x for x in report.exhibits if x.url]
    assert with_url
    assert all(x.accessed == "date accessed not recorded" for x in with_url)
    assert "https://example.org/ledger/flight date accessed not recorded" in _text(report)


def test_a_recorded_attachment_is_listed_with_its_sha256(report: Report) -> None:
    docket = next(x for x in report.exhibits if x.sha256)
    assert f"SHA-256 of the attached file: {docket.sha256}" in _text(report)


def _is_heading(line: str, report: Report) -> bool:
    """Whether a line of the PDF is a heading (or a table's header row), which must not end a page."""
    labels = report.labels
    whole = {labels["chronology"], labels["exhibit_list"], labels["flags"], report.declaration.heading.upper()}
    whole.add(labels["whereabouts_on"].replace("{day}", report.as_of.isoformat()))
    starts = [f"{n}. {flag.title} (" for n, flag in enumerate(report.flags, start=1)]
    starts += [f"{labels['col_number']} {labels['col_date']} ", f"{labels['col_number']} {labels['col_source']} "]
    return line in whole or any(line.startswith(start) for start in starts)


@pytest.mark.parametrize("flags", range(0, 12))
def test_no_heading_is_left_alone_at_the_bottom_of_a_page(make_report, flags: int) -> None:  # type: ignore[no-untyped-def]
    # More flags push every later heading further down the page: one of these counts puts each
    # heading where, without the keep-together rules, it would be the last line of a page.
    base = make_report(options=replace(SYNTHETIC_OPTIONS, include_flags=True))
    many = tuple(replace(base.flags[0], title=f"Synthetic flag {i}") for i in range(flags))
    report = replace(base, flags=many)
    for number, lines in enumerate(body_lines(render_pdf(report)), start=1):
        assert not _is_heading(lines[-1], report), f"page {number} ends with the heading {lines[-1]!r}"


def test_a_flag_is_never_split_from_its_basis(make_report) -> None:  # type: ignore[no-untyped-def]
    base = make_report(options=replace(SYNTHETIC_OPTIONS, include_flags=True))
    report = replace(base, flags=tuple(replace(base.flags[0], title=f"Synthetic flag {i}") for i in range(9)))
    for lines in body_lines(render_pdf(report)):
        text = " ".join(lines)
        for i in range(9):
            if f"Synthetic flag {i} (" in text:
                after = text.split(f"Synthetic flag {i} (", 1)[1]
                assert "Legal basis:" in after and "Sources:" in after, f"flag {i} is split across pages"


def test_known_on_report_leaves_out_the_sources_published_later(make_report) -> None:  # type: ignore[no-untyped-def]
    report = make_report(known_on=date(2025, 3, 1))
    titles = {x.title for x in report.exhibits}
    assert "Synthetic report on a removal flight" not in titles  # published 2025-04-02
    assert "Synthetic report on a removal flight" not in _text(report)
