"""The PDF exhibit is PDF/A-2b, checked with pikepdf (qpdf) rather than with Typst, which wrote it.

veraPDF, the reference validator, is not installable here, so these are the PDF/A-2 (ISO 19005-2)
requirements that can be read off the file's structure; docs/reports.md lists what is not checked.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from habeas.reports.filing import Bates
from habeas.reports.model import Report
from habeas.reports.pdf import render_pdf

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf reads the PDF's structure")


@pytest.fixture(scope="module")
def pdf():  # type: ignore[no-untyped-def]
    from .conftest import SYNTHETIC_OPTIONS, synthetic_report

    report = synthetic_report(include_sensitive=True, options=replace(SYNTHETIC_OPTIONS, bates=Bates.parse("SYN-0001")))
    with pikepdf.open(io.BytesIO(render_pdf(report))) as document:
        yield document


def test_the_xmp_metadata_declares_pdfa_2b(pdf) -> None:  # type: ignore[no-untyped-def]
    meta = pdf.open_metadata()
    assert meta.get("pdfaid:part") == "2"
    assert meta.get("pdfaid:conformance") == "B"
    assert pdf.Root.Metadata.Type == "/Metadata" and pdf.Root.Metadata.Subtype == "/XML"


def test_an_output_intent_carries_an_icc_profile(pdf) -> None:  # type: ignore[no-untyped-def]
    intents = list(pdf.Root.OutputIntents)
    assert any(intent.S == "/GTS_PDFA1" for intent in intents)
    profile = next(intent.DestOutputProfile for intent in intents if intent.S == "/GTS_PDFA1")
    data = profile.read_bytes()
    assert data[36:40] == b"acsp", "the output intent's profile is not an ICC profile"
    assert int(profile.N) in (1, 3, 4)


def _fonts(pdf):  # type: ignore[no-untyped-def]
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            yield font
            yield from font.get("/DescendantFonts", [])
        # Fonts used inside form XObjects (the header and footer may be drawn there).
        for xobject in page.Resources.get("/XObject", {}).values():
            resources = xobject.get("/Resources", {})
            for font in resources.get("/Font", {}).values():
                yield font
                yield from font.get("/DescendantFonts", [])


def test_every_font_is_embedded(pdf) -> None:  # type: ignore[no-untyped-def]
    fonts = list(_fonts(pdf))
    assert fonts
    for font in fonts:
        if font.Subtype == "/Type0":
            continue  # its glyphs are in its descendant font, checked on its own
        descriptor = font.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), str(font.get("/BaseFont"))


def test_it_is_not_encrypted_and_has_a_file_identifier(pdf) -> None:  # type: ignore[no-untyped-def]
    assert not pdf.is_encrypted
    assert "/Encrypt" not in pdf.trailer
    assert len(pdf.trailer.ID) == 2


def test_it_holds_no_javascript_no_embedded_files_and_no_external_streams(pdf) -> None:  # type: ignore[no-untyped-def]
    names = pdf.Root.get("/Names", {})
    assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
    assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            assert obj.get("/S") != "/JavaScript" and "/JS" not in obj
            if isinstance(obj, pikepdf.Stream):
                assert "/F" not in obj.stream_dict, "a stream kept in an external file"
                assert obj.stream_dict.get("/Filter") != "/LZWDecode"


def test_every_annotation_is_printed(pdf) -> None:  # type: ignore[no-untyped-def]
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if annotation.Subtype != "/Popup":
                assert int(annotation.get("/F", 0)) & 4, "PDF/A needs the Print flag on annotations"


def test_the_pdf_version_is_one_pdfa_2_allows() -> None:
    from .conftest import synthetic_report

    header = render_pdf(synthetic_report())[:8]
    assert header in (b"%PDF-1.4", b"%PDF-1.5", b"%PDF-1.6", b"%PDF-1.7")


def test_the_document_title_is_in_the_metadata(report: Report) -> None:
    with pikepdf.open(io.BytesIO(render_pdf(report))) as document:
        title = document.open_metadata().get("dc:title")
    assert title == "EXHIBIT A: Sourced chronology of Ana Ejemplo"
