"""Dataset uploads on the Import page: a background import, its progress, and every rejected row with its reason."""

from __future__ import annotations

import csv
import html
import io
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import Site, build_site, csrf_of, sign_in

from habeas.services import Actor, Context
from habeas.services.datasets import list_releases
from habeas.synth.detentions import detention_placements
from habeas.synth.files import write_detentions
from habeas.web.routes.imports import FORMAT_TITLES, FORMATS

BIRTH_YEAR = "Birth Year"
BOOK_OUT = "Detention Book Out Date Time"
PERSON = "Anonymized Identifier"
# The synthetic file's header is on row 6 (after the title rows), so its data starts on row 7.
BAD_ROWS = {
    40: (BIRTH_YEAR, "nineteen ninety"),
    95: (BOOK_OUT, "13/45/2019 10:00"),
    230: (PERSON, ""),
}


def detentions_csv(tmp_path: Path, bad: dict[int, tuple[str, str]], rows: int = 400) -> bytes:
    """A synthetic detention history (fictitious people) as released, with some cells spoiled (row: column, value)."""
    path = tmp_path / "synthetic-detentions.csv"
    write_detentions(detention_placements(rows, seed=7), path)
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    header = lines[5]
    assert header[0] == PERSON, "the synthetic file's header moved; fix the row numbers of this test"
    for row, (column, value) in bad.items():
        lines[row - 1][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue().encode()


def upload(client: TestClient, content: bytes, fmt: str = "ice-detentions", name: str = "detentions.csv",
           **fields: str):  # type: ignore[no-untyped-def]  # fmt: skip
    csrf = csrf_of(client.get("/import").text)
    return client.post(
        "/import/datasets",
        data={"csrf": csrf, "format": fmt, **fields},
        files={"file": (name, content, "text/csv")},
        follow_redirects=False,
    )


def finished(client: TestClient, job_url: str, timeout: float = 60.0) -> dict[str, object]:
    """Poll the job's status until it has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(job_url + "/status").json()
        if status["finished"]:
            return status
        time.sleep(0.05)
    raise AssertionError(f"the import at {job_url} did not finish within {timeout} seconds")


def started(client: TestClient, content: bytes, **fields: str) -> str:
    response = upload(client, content, **fields)
    assert response.status_code == 303, response.text[:1000]
    job_url = response.headers["location"]
    assert re.fullmatch(r"/import/jobs/[A-Za-z0-9_-]{32}", job_url)
    return job_url


def releases(site: Site) -> list[str]:
    return [r.id for r in list_releases(Context(site.settings, Actor("admin")))]


def table_rows(page: str) -> list[tuple[str, str, str]]:
    body = page.split('class="table-scroll rejected-rows"', 1)[1]
    cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body)
    return [(html.unescape(a), html.unescape(b), html.unescape(c)) for a, b, c in cells]


def test_an_upload_is_imported_in_the_background_and_lists_every_rejected_row(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor = client_for("editor")
    job_url = started(editor, detentions_csv(tmp_path, BAD_ROWS))
    status = finished(editor, job_url)
    assert status["state"] == "done" and status["percent"] == 100
    page = editor.get(job_url)
    assert page.status_code == 200
    text = page.text
    [release] = releases(fresh_site)
    assert f"Imported as release {release}." in text
    read = int(status["rows"])  # type: ignore[call-overload]
    assert f"Rows read: {read:,}" in text
    assert f"Rows imported: {read - 3:,}" in text
    assert "Rows rejected: 3" in text
    listed = table_rows(text)
    assert [(int(row), column) for row, column, _ in listed] == [(r, c) for r, (c, _) in sorted(BAD_ROWS.items())]
    assert "not a whole number 'nineteen ninety'" in listed[0][2]
    assert "unparseable date '13/45/2019 10:00'" in listed[1][2]
    assert "required value is empty" in listed[2][2]
    assert "3 problems, every one listed." in text

    download = editor.get(job_url + "/rejected.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(int(r["row"]), r["column"]) for r in rows] == [(r, c) for r, (c, _) in sorted(BAD_ROWS.items())]
    assert {r["file"] for r in rows} == {"detentions.csv"}
    assert not list((fresh_site.settings.data_dir / "uploads").iterdir()), "the staged upload was not deleted"


def test_the_same_file_again_is_already_imported_and_a_dry_run_stores_nothing(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor = client_for("editor")
    content = detentions_csv(tmp_path, {})
    dry = started(editor, content, dry_run="1")
    assert finished(editor, dry)["state"] == "done"
    assert "Checked (dry run): nothing was stored." in editor.get(dry).text
    assert releases(fresh_site) == []
    assert finished(editor, started(editor, content))["state"] == "done"
    again = started(editor, content)
    assert finished(editor, again)["state"] == "done"
    page = editor.get(again).text
    assert "Already imported." in page and "nothing was changed" in page
    assert len(releases(fresh_site)) == 1


def test_strict_mode_stops_at_a_rejected_row_and_stores_nothing(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor = client_for("editor")
    job_url = started(editor, detentions_csv(tmp_path, {40: BAD_ROWS[40]}), strict="1")
    assert finished(editor, job_url)["state"] == "failed"
    page = editor.get(job_url).text
    assert "The import failed; nothing was stored." in page
    assert "--strict stops at the first rejected row" in page
    assert table_rows(page) == [("40", BIRTH_YEAR, "not a whole number 'nineteen ninety'")]
    assert releases(fresh_site) == []
    assert str(fresh_site.settings.data_dir) not in page, "the page shows where the server keeps uploads"


def test_a_file_of_the_wrong_format_fails_with_the_reason(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor = client_for("editor")
    job_url = started(editor, detentions_csv(tmp_path, {}), fmt="ice-removals")
    assert finished(editor, job_url)["state"] == "failed"
    page = editor.get(job_url).text
    assert "does not look like ICE removals" in page and "nothing was stored" in page
    assert releases(fresh_site) == []


def test_a_cell_with_markup_is_shown_escaped(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor = client_for("editor")
    payload = "<script>alert(1)</script>"
    job_url = started(editor, detentions_csv(tmp_path, {40: (BIRTH_YEAR, payload), 41: (PERSON, "=1+1")}))
    finished(editor, job_url)
    page = editor.get(job_url).text
    assert payload not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    rows = list(csv.DictReader(io.StringIO(editor.get(job_url + "/rejected.csv").text)))
    assert all(not str(v).startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_only_the_user_who_started_an_import_can_see_it(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path
) -> None:
    editor, outsider = client_for("editor"), client_for("outsider")
    job_url = started(editor, detentions_csv(tmp_path, BAD_ROWS))
    finished(editor, job_url)
    for path in (job_url, job_url + "/status", job_url + "/rejected.csv"):
        assert outsider.get(path).status_code == 404, path
        assert editor.get(path).status_code == 200, path
    assert "nineteen ninety" not in outsider.get(job_url).text
    assert editor.get("/import/jobs/" + "x" * 32).status_code == 404


def test_a_viewer_may_not_upload_a_dataset(client_for: Callable[[str], TestClient], tmp_path: Path) -> None:
    viewer = client_for("viewer")
    csrf = csrf_of(viewer.get("/account").text)
    response = viewer.post(
        "/import/datasets",
        data={"csrf": csrf, "format": "ice-detentions"},
        files={"file": ("d.csv", detentions_csv(tmp_path, {}), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_a_file_over_the_limit_is_refused_and_not_kept(tmp_path: Path) -> None:
    site = build_site(tmp_path, max_dataset_upload_bytes=4096)
    with site.client() as client:
        assert sign_in(client, "editor").status_code == 303
        response = upload(client, b"x" * 5000)
        assert response.status_code == 413
        assert "The file is larger than the limit" in response.text and "nothing was imported" in response.text
        assert not list((site.settings.data_dir / "uploads").iterdir())
        response = upload(client, b"x" * 200_000)  # refused from its Content-Length, before it is read
        assert response.status_code == 413
        assert "too large" in response.text
    assert releases(site) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"format": ""}, "Choose the dataset&#39;s format."),
        ({"format": "mapped-list"}, "A list of people needs its mapping file (YAML)."),
    ],
)
def test_a_form_missing_something_says_what(
    client_for: Callable[[str], TestClient], fields: dict[str, str], message: str
) -> None:
    editor = client_for("editor")
    response = upload(editor, b"a,b\n1,2\n", **fields)
    assert response.status_code == 400
    assert message in response.text


def test_the_job_page_speaks_spanish(fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path) -> None:
    editor = client_for("editor")
    job_url = started(editor, detentions_csv(tmp_path, BAD_ROWS))
    finished(editor, job_url)
    csrf = csrf_of(editor.get("/account").text)
    editor.post("/language", data={"csrf": csrf, "lang": "es", "next": job_url})
    page = editor.get(job_url).text
    assert "Filas rechazadas: 3" in page and "Descargar las filas rechazadas (CSV)" in page
    assert "Rows rejected" not in page
    form = editor.get("/import").text
    assert "Importar un conjunto de datos" in form and "Historial de detención de ICE" in form


def test_the_form_offers_every_dataset_format(client_for: Callable[[str], TestClient]) -> None:
    page = client_for("editor").get("/import").text
    offered = re.findall(r'<option value="([a-z-]+)"', page.split('action="/import/datasets"', 1)[1])
    assert tuple(offered) == FORMATS == tuple(FORMAT_TITLES)


MAPPING = """
title: People removed to a third country (synthetic list)
id_prefix: "upl-"
person:
  id: No.
  name: Name
  citizenship: Nationality
cohort: {id: upl-removed-2025-03, name: "Removed, March 2025 (synthetic)"}
events:
  - kind: removed
    date: {value: 2025-03-15}
    destination: {value: SV}
"""


def test_a_list_with_its_mapping_adds_its_people_to_the_database(
    fresh_site: Site, client_for: Callable[[str], TestClient]
) -> None:
    editor = client_for("editor")
    assert "upl-2" not in editor.get("/people?q=Yolofredo").text  # the directory's name index is now built
    listing = "No.,Name,Nationality\n1,Xandrina Ficticia,VENEZUELA\n2,Yolofredo Inventado,VE\n3,,VE\n"
    csrf = csrf_of(editor.get("/import").text)
    response = editor.post(
        "/import/datasets",
        data={"csrf": csrf, "format": "mapped-list"},
        files={
            "file": ("list.csv", listing.encode(), "text/csv"),
            "mapping": ("m.yaml", MAPPING.encode(), "text/yaml"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:1000]
    assert finished(editor, response.headers["location"])["state"] == "done"
    page = editor.get(response.headers["location"]).text
    assert "People added: 3" in page and "Events added: 3" in page
    assert "upl-2" in editor.get("/people?q=Yolofredo").text


def test_the_page_of_a_running_import_shows_its_progress_and_refreshes_itself(
    fresh_site: Site, client_for: Callable[[str], TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from habeas.services.datasets import DatasetImportError
    from habeas.web import jobs

    halfway, release = threading.Event(), threading.Event()

    def slow_import(ctx, format_name, path, *, progress, **options):  # type: ignore[no-untyped-def]
        progress(1234, 4936)
        halfway.set()
        release.wait(30)
        raise DatasetImportError("stopped by the test")

    monkeypatch.setattr(jobs, "import_dataset", slow_import)
    editor = client_for("editor")
    job_url = started(editor, detentions_csv(tmp_path, {}))
    assert halfway.wait(30)
    try:
        status = editor.get(job_url + "/status").json()
        assert status == {"state": "running", "finished": False, "rows": 1234, "total": 4936, "percent": 25,
                          "text": "1,234 rows read, about 25% of the file"}  # fmt: skip
        page = editor.get(job_url).text
        assert '<progress max="100" aria-labelledby="job-status" value="25" data-job-progress>' in page
        assert f'data-status-url="{job_url}/status"' in page
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
        assert f'<a href="{job_url}">Refresh</a>' in page
    finally:
        release.set()
    assert finished(editor, job_url)["state"] == "failed"
    assert "stopped by the test" in editor.get(job_url).text
