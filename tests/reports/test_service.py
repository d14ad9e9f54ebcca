"""The report, export and PFIF import services over a real database holding the example case."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from followthemoney import model
from typer.testing import CliRunner

from habeas.cli import app
from habeas.interop.pfif import pfif_problems
from habeas.security.access import Role
from habeas.services import Actor, Context, ServiceError, access, reports, track, users

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PFIF_SAMPLE = ROOT.parent / "shared" / "interop" / "pfif" / "sample-pfif-1.4.xml"
GENERATED = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
LATE = date(2025, 12, 31)

pypdf = pytest.importorskip("pypdf", reason="pypdf is needed to read the PDF back")
pytestmark = pytest.mark.skipif(not (EXAMPLES / "hernandez-romero.yaml").is_file(), reason="examples/ is missing")


@pytest.fixture
def ctx(sqlite_url: str, make_context) -> Context:  # type: ignore[no-untyped-def]
    context = make_context(sqlite_url)
    track.init_database(context)
    track.import_casefiles(context, sorted(EXAMPLES.glob("*.yaml")))
    return context


def _flat(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split()).replace("/ ", "/")


def test_the_example_case_renders_to_a_pdf_with_every_event_and_source(ctx: Context) -> None:
    built = reports.build(ctx, "ahr", LATE, generated_at=GENERATED)
    timeline = track.timeline(ctx, "ahr")
    assert {line.event_id for line in built.chronology} == {e.event.id for e in timeline.entries}
    pdf = reports.report(ctx, "ahr", LATE, fmt="pdf", generated_at=GENERATED)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    text = _flat(" ".join(pages))
    for line in built.chronology:
        assert _flat(line.what) in text, line.event_id
    cited = {sid for e in timeline.entries for sid in e.event.sources}
    assert {x.source_id for x in built.exhibits} >= cited
    for exhibit in built.exhibits:
        assert _flat(exhibit.title) in text
    for number in range(1, len(pages) + 1):
        assert f"Page {number} of {len(pages)}" in pages[number - 1]


def test_the_example_case_renders_to_html_and_markdown(ctx: Context) -> None:
    html = reports.report(ctx, "ahr", date(2025, 5, 1), fmt="html").decode()
    markdown = reports.report(ctx, "ahr", date(2025, 5, 1), fmt="md").decode()
    assert "<!DOCTYPE html>" in html and "CECOT" in html
    assert markdown.startswith("# Exhibit ") and "CECOT" in markdown


def test_a_report_for_someone_unknown_is_a_clear_error(ctx: Context) -> None:
    with pytest.raises(ServiceError, match="no person"):
        reports.report(ctx, "nobody", LATE, fmt="md")


def test_viewers_get_no_sensitive_attributes_and_no_exports(ctx: Context) -> None:
    users.add_user(ctx, "volunteer", Role.VIEWER)
    access.define_group(ctx, "everyone", all_records=True)
    access.grant(ctx, "volunteer", "everyone")
    viewer = replace(ctx, actor=Actor("volunteer"))
    assert "asylum_basis" not in reports.report(viewer, "ahr", LATE, fmt="md").decode()
    with pytest.raises(ServiceError, match="may not read sensitive"):
        reports.report(viewer, "ahr", LATE, fmt="md", include_sensitive=True)
    with pytest.raises(ServiceError, match="export"):
        reports.export_data(viewer, "ftm")
    with pytest.raises(ServiceError, match="may not import"):
        reports.import_pfif(viewer, [PFIF_SAMPLE])


@pytest.mark.parametrize("fmt", ["ftm", "pfif", "csv", "parquet"])
def test_every_export_format_writes_files_its_own_tools_read(ctx: Context, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / ("export" if fmt in ("csv", "parquet") else f"export.{fmt}")
    written = reports.export(ctx, fmt, out, as_of=date(2025, 5, 1))
    people = len(track.export_casefile(ctx).people)
    if fmt == "ftm":
        entities = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        for data in entities:
            model.get(data["schema"]).validate(data)
        assert sum(e["schema"] == "Person" for e in entities) == people
        assert any(e["schema"] == "Note" for e in entities), "the example case raises flags"
    elif fmt == "pfif":
        assert pfif_problems(out.read_bytes()) == []
    elif fmt == "parquet":
        assert pq.read_table(out / "people.parquet").num_rows == people
        assert pq.read_table(out / "flags.parquet").num_rows > 0
    else:
        assert (out / "events.csv").read_text("utf-8").count("\n") > 1
    assert all(p.exists() for p in written)


def test_pfif_sample_imports_into_the_database(ctx: Context) -> None:
    if not PFIF_SAMPLE.is_file():
        pytest.skip(f"the PFIF sample is not there ({PFIF_SAMPLE})")
    result = reports.import_pfif(ctx, [PFIF_SAMPLE])
    assert (result.people, result.events) == (1, 2)
    assert result.left_out
    timeline = track.timeline(ctx, "test.google.com:person.21009")
    assert [e.kind for e in timeline.events] == ["contact", "proof_of_life"]
    again = reports.import_pfif(ctx, [PFIF_SAMPLE])
    assert again.summary.nothing_new


def test_report_command_writes_the_pdf_exhibit(ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / "exhibit.pdf"
    result = CliRunner().invoke(
        app,
        ["report", "ahr", "--as-of", "2025-05-01", "--out", str(out), "--db", ctx.settings.database_url],
        env={"HABEAS_USER": ctx.actor.name},
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    result = CliRunner().invoke(
        app,
        ["report", "nobody", "--format", "md", "--db", ctx.settings.database_url],
        env={"HABEAS_USER": ctx.actor.name},
    )
    assert result.exit_code == 1 and "no person" in result.output


def test_known_on_cites_no_source_published_later_in_the_example_case(ctx: Context) -> None:
    everything = reports.build(ctx, "ahr", date(2025, 5, 1), generated_at=GENERATED)
    assert "bar-2025-07-21" in {x.source_id for x in everything.exhibits}
    known = reports.build(ctx, "ahr", date(2025, 5, 1), date(2025, 5, 1), generated_at=GENERATED)
    cited = {x.source_id for x in known.exhibits}
    assert "bar-2025-07-21" not in cited and "bar-2025-05-noem-hearing" not in cited  # July; May, day not given
    sources = track.timeline(ctx, "ahr").sources
    assert all(sources[sid].date is None or sources[sid].date.latest <= date(2025, 5, 1) for sid in cited)
    pdf = reports.report(ctx, "ahr", date(2025, 5, 1), date(2025, 5, 1), generated_at=GENERATED)
    text = _flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "Gay asylum seeker sent back to Venezuela" not in text


def test_the_example_exhibit_numbers_its_references_in_reading_order(ctx: Context) -> None:
    options = reports.exhibit_options(ctx, include_flags=True)
    built = reports.build(ctx, "ahr", LATE, generated_at=GENERATED, options=options)
    assert built.flags, "the example case raises flags"
    cited = [n for flag in built.flags for n in flag.sources] + [n for line in built.chronology for n in line.sources]
    assert list(dict.fromkeys(cited)) == list(range(1, len(built.exhibits) + 1))
    assert "gang_membership" not in reports.report(ctx, "ahr", LATE, fmt="md").decode()


def test_flags_are_in_the_exhibit_only_with_flags_and_lead_the_memo(ctx: Context) -> None:
    plain = reports.report(ctx, "ahr", LATE, fmt="md").decode()
    assert "Flags for review" not in plain and "critical" not in plain
    flagged = reports.report(ctx, "ahr", LATE, fmt="md", options=reports.exhibit_options(ctx, include_flags=True))
    assert "## Flags for review" in flagged.decode()
    memo = reports.report(ctx, "ahr", LATE, fmt="md", options=reports.exhibit_options(ctx, memo=True)).decode()
    assert memo.index("## Flags for review") < memo.index("## Whereabouts") and "penalty of perjury" not in memo


def test_the_settings_file_fills_the_caption_and_the_options_override_it(ctx: Context, tmp_path: Path) -> None:
    config = tmp_path / "habeas.toml"
    config.write_text(
        '[exhibit]\ncourt = "Synthetic District Court"\npreparer = "Synthetic Counsel"\n'
        'role = "Counsel"\nletter = "C"\n',
        encoding="utf-8",
    )
    configured = replace(ctx, settings=replace(ctx.settings, config_path=config))
    built = reports.build(configured, "ahr", LATE, options=reports.exhibit_options(configured, letter="D"))
    assert (built.caption.court, built.caption.letter, built.preparer.name) == (
        "Synthetic District Court",
        "D",
        "Synthetic Counsel",
    )
    config.write_text('[exhibit]\nbar = "1"\n', encoding="utf-8")
    with pytest.raises(ServiceError, match=r"\[exhibit\] bar: no such setting"):
        reports.exhibit_options(configured)


def test_the_a_number_needs_the_right_to_read_identifiers(ctx: Context) -> None:
    users.add_user(ctx, "volunteer", Role.VIEWER)
    access.define_group(ctx, "everyone", all_records=True)
    access.grant(ctx, "volunteer", "everyone")
    viewer = replace(ctx, actor=Actor("volunteer"))
    with pytest.raises(ServiceError, match="may not read sensitive"):
        reports.report(viewer, "ahr", LATE, fmt="md", options=reports.exhibit_options(viewer, show_a_number=True))


def test_bates_numbers_are_for_the_pdf_only(ctx: Context) -> None:
    with pytest.raises(ServiceError, match="--bates"):
        reports.report(ctx, "ahr", LATE, fmt="md", options=reports.exhibit_options(ctx, bates="AHR-0001"))
    with pytest.raises(ServiceError, match="--bates 'AHR-'"):
        reports.exhibit_options(ctx, bates="AHR-")


def test_report_command_writes_a_captioned_spanish_exhibit_and_says_what_is_blank(ctx: Context, tmp_path: Path) -> None:
    out = tmp_path / "anexo.pdf"
    args = ["report", "ahr", "--as-of", "2025-05-01", "--out", str(out), "--lang", "es", "--exhibit", "B"]
    args += ["--case-number", "0:00-cv-00000", "--bates", "SYN-0001", "--db", ctx.settings.database_url]
    result = CliRunner().invoke(app, args, env={"HABEAS_USER": ctx.actor.name})
    assert result.exit_code == 0, result.output
    assert "[exhibit]" in result.output and "blank lines to fill in by hand" in _flat(result.output)
    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert "ANEXO B" in pages[0] and "Caso n.º 0:00-cv-00000" in pages[0]
    assert all(f"SYN-{n:04d}" in page for n, page in enumerate(pages, start=1))
    result = CliRunner().invoke(app, [*args[:-2], "--lang", "fr", "--db", ctx.settings.database_url])
    assert result.exit_code == 1 and "--lang 'fr'" in result.output
