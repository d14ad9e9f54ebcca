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
