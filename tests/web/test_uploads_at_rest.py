"""Uploaded files are never written in clear: case files stay in memory, dataset files are sealed as they arrive."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_dataset_upload import PERSON, detentions_csv, finished, releases, started
from web_helpers import Site, build_site, csrf_of, sign_in

from habeas.security.sealed import MAGIC
from habeas.services import track
from habeas.web.jobs import sweep_staged

CANARY = "Quillon-Marrowby-Z9"  # a synthetic value that must never be found on disk in clear


def watch_system_temp(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """Point the system's temporary folder at ``folder`` and note every file or folder opened or made in it."""
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    touched: list[str] = []
    for name in ("open", "mkdir"):
        original = getattr(os, name)

        def spy(path: object, *args: object, _original=original, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
            if str(path).startswith(str(folder)):
                touched.append(str(path))
            return _original(path, *args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    return touched


def files_holding(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and needle in p.read_bytes()]


def _large_case_file() -> bytes:
    """A valid case file over 1 MiB (where Starlette would spool it to disk), a synthetic name in it."""
    sources = [{"id": f"src-{n:05d}", "kind": "document", "title": "Synthetic " + "x" * 200} for n in range(6000)]
    person = {"id": "upload-canary", "name": CANARY}
    return json.dumps({"habeas": 1, "sources": sources, "people": [person]}).encode()


def test_a_case_file_upload_never_touches_the_disk(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content = _large_case_file()
    assert len(content) > 1 << 20
    touched = watch_system_temp(monkeypatch, tmp_path / "system-temp")
    seen: list[bytes] = []
    store = track.import_casefile_data

    def watched(ctx, files):  # type: ignore[no-untyped-def]
        seen.extend(data for _name, data in files)
        assert files_holding(tmp_path, CANARY.encode()) == [], "the upload is on disk while it is imported"
        return store(ctx, files)

    monkeypatch.setattr(track, "import_casefile_data", watched)
    with fresh_site.client() as editor:
        assert sign_in(editor, "editor").status_code == 303
        csrf = csrf_of(editor.get("/import").text)
        answer = editor.post("/import", data={"csrf": csrf}, files={"file": ("big.json", content)})
    assert answer.status_code == 200, answer.text[-2000:]
    assert seen == [content]
    assert touched == [], "the upload went through the system's temporary folder"


def test_a_case_file_over_the_limit_is_refused_while_it_is_read(tmp_path: Path) -> None:
    # The Content-Length check lets a form carry a little more than the file limit; the reading refuses the rest.
    site = build_site(tmp_path, max_upload_bytes=4096)
    with site.client() as editor:
        assert sign_in(editor, "editor").status_code == 303
        csrf = csrf_of(editor.get("/import").text)
        answer = editor.post("/import", data={"csrf": csrf}, files={"file": ("c.yaml", b"# " + b"x" * 8000)})
    assert answer.status_code == 413
    assert "larger than the limit" in answer.text


def _hold_import_slots(site: Site) -> None:
    slots = site.app.state.habeas.imports._slots
    for _ in range(2):
        slots.acquire()


def _free_import_slots(site: Site) -> None:
    slots = site.app.state.habeas.imports._slots
    for _ in range(2):
        slots.release()


def test_a_dataset_upload_is_sealed_while_it_waits_and_removed_when_its_import_ends(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content = detentions_csv(tmp_path, {40: (PERSON, CANARY)})
    assert CANARY.encode() in content
    touched = watch_system_temp(monkeypatch, tmp_path / "system-temp")
    uploads = fresh_site.settings.data_dir / "uploads"
    held = True
    _hold_import_slots(fresh_site)  # the job waits its turn: the staged file sits on disk meanwhile
    try:
        with fresh_site.client() as editor:
            assert sign_in(editor, "editor").status_code == 303
            job_url = started(editor, content)
            staged = [p for p in uploads.rglob("*") if p.is_file()]
            assert staged, "nothing was staged"
            assert all(p.read_bytes().startswith(MAGIC) for p in staged), "a staged file is not sealed"
            assert files_holding(fresh_site.settings.data_dir, CANARY.encode()) == []
            assert {oct(p.stat().st_mode & 0o777) for p in staged} == {"0o600"}
            _free_import_slots(fresh_site)
            held = False
            status = finished(editor, job_url)
    finally:
        if held:
            _free_import_slots(fresh_site)
    assert status["state"] == "done", status
    assert releases(fresh_site)
    assert list(uploads.iterdir()) == [], "the staged upload was not removed"
    assert touched == []


def test_a_refused_dataset_form_leaves_no_staged_file(client_for, fresh_site: Site) -> None:  # type: ignore[no-untyped-def]
    editor: TestClient = client_for("editor")
    csrf = csrf_of(editor.get("/import").text)
    answer = editor.post(
        "/import/datasets", data={"csrf": csrf, "format": "not-a-format"}, files={"file": ("d.csv", b"a,b\n")}
    )
    assert answer.status_code == 400
    wrong_token = editor.post(
        "/import/datasets", data={"csrf": "stale", "format": "ice-detentions"}, files={"file": ("d.csv", b"a,b\n")}
    )
    assert wrong_token.status_code == 403
    assert list((fresh_site.settings.data_dir / "uploads").iterdir()) == []


def test_staging_folders_of_processes_that_are_gone_are_swept_when_the_app_starts(tmp_path: Path) -> None:
    root = tmp_path / "uploads"
    gone, mine = root / "import-999999999-aa", root / f"import-{os.getpid()}-bb"
    for folder in (gone, mine, root / "import-garbage"):
        folder.mkdir(parents=True)
        (folder / "file.sealed").write_bytes(MAGIC)
    sweep_staged(root)
    assert sorted(p.name for p in root.iterdir()) == [mine.name]
