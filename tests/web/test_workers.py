"""Several server processes over one database: a job, a lockout and a write made in one are seen by the others.

"Another process" here is a real one: a child interpreter that builds its app with the same
factory `habeas serve --workers N` gives each worker (habeas.web.serve.worker_app), and acts
through it. Every person is synthetic (the examples and generated detention histories).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_helpers import TODAY, csrf_of, make_database

from habeas.services import Actor, Context, jobs, throttle, users
from habeas.services.directory import Directory
from habeas.settings import Settings
from habeas.store import shared_state
from habeas.web.config import WebSettings
from habeas.web.serve import worker_app

PASSWORD = "a long passphrase for the desk 42"
TRIES = 600  # polls of a job's status, 0.1 s apart at most: a minute on a loaded machine

# The other process: argv = data dir, database URL, config path, then one action and its arguments.
OTHER = r"""
import json, sys, time
from datetime import date
from pathlib import Path
from fastapi.testclient import TestClient
from habeas.services import Actor
from habeas.settings import Settings
from habeas.web.config import WebSettings
from habeas.web.serve import worker_app

data_dir, url, config, action, *args = sys.argv[1:]
settings = Settings(Path(data_dir), url, Path(config))
web = WebSettings(secure_cookies=False, today=lambda: date(2025, 6, 1))
client = TestClient(worker_app(settings, Actor("admin"), web))


def sign_in(password):
    page = client.get("/sign-in").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    form = {"username": "desk", "password": password, "csrf": csrf, "next": "/"}
    return client.post("/sign-in", data=form, follow_redirects=False).status_code


if action == "wrong-passwords":
    print(json.dumps([sign_in("not the passphrase") for _ in range(int(args[0]))]), flush=True)
elif action == "upload":
    assert sign_in(args[1]) == 303
    csrf = client.get("/import").text.split('name="csrf" value="')[1].split('"')[0]
    with open(args[0], "rb") as handle:
        answer = client.post("/import/datasets", data={"csrf": csrf, "format": "ice-detentions"},
                             files={"file": ("detentions.csv", handle, "text/csv")}, follow_redirects=False)
    print(json.dumps(answer.headers["location"]), flush=True)
    sys.stdin.read()  # the job's thread runs in this process: stay until the test is done with it
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The examples in a database whose user "desk" (an editor of everyone) signs in with PASSWORD."""
    settings = make_database(tmp_path)
    admin = Context(settings, Actor("admin"))
    users.add_user(admin, "desk", "editor", password=PASSWORD)
    from habeas.services import access

    access.grant(admin, "desk", "everyone")
    return settings


def _web() -> WebSettings:
    return WebSettings(secure_cookies=False, today=lambda: TODAY)


def _here(settings: Settings) -> TestClient:
    """This process's app, built as each worker builds its own."""
    return TestClient(worker_app(settings, Actor("admin"), _web()))


def _other(settings: Settings, *action: str, stdin: int | None = None) -> subprocess.Popen[str]:
    argv = [str(settings.data_dir), settings.database_url, str(settings.config_path), *action]
    return subprocess.Popen(
        [sys.executable, "-c", OTHER, *argv], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _answer(process: subprocess.Popen[str]) -> object:
    line = process.stdout.readline() if process.stdout else ""
    if not line:
        raise AssertionError(f"the other process said nothing: {process.communicate()[1][-2000:]}")
    return json.loads(line)


def _sign_in(client: TestClient, password: str = PASSWORD) -> int:
    csrf = csrf_of(client.get("/sign-in").text)
    form = {"username": "desk", "password": password, "csrf": csrf, "next": "/"}
    return client.post("/sign-in", data=form, follow_redirects=False).status_code


def test_five_wrong_passwords_across_two_processes_lock_the_account(settings: Settings) -> None:
    with _here(settings) as here:
        assert [_sign_in(here, "wrong one") for _ in range(2)] == [401, 401]
        other = _other(settings, "wrong-passwords", "2")
        assert _answer(other) == [401, 401]
        other.wait(timeout=120)
        assert _sign_in(here, "wrong again") == 429  # the fifth, counted with the other process's two
        refused = here.post("/sign-in", data={"username": "desk", "password": PASSWORD, "next": "/",
                                              "csrf": csrf_of(here.get("/sign-in").text)})  # fmt: skip
        assert refused.status_code == 429  # the right password too, until the lockout ends
        locked = _other(settings, "wrong-passwords", "1")
        assert _answer(locked) == [429]  # and the other process knows it
        locked.wait(timeout=120)


def test_an_import_running_in_one_process_is_followed_from_another(settings: Settings, tmp_path: Path) -> None:
    from habeas.synth.detentions import detention_placements
    from habeas.synth.files import write_detentions

    csv = tmp_path / "synthetic-detentions.csv"
    write_detentions(detention_placements(300, seed=11), csv)
    other = _other(settings, "upload", str(csv), PASSWORD, stdin=subprocess.PIPE)
    try:
        job_url = _answer(other)
        assert isinstance(job_url, str) and job_url.startswith("/import/jobs/")
        with _here(settings) as here:
            assert _sign_in(here) == 303
            states = []
            for _ in range(TRIES):
                status = here.get(job_url + "/status").json()
                states.append(status["state"])
                if status["finished"]:
                    break
                time.sleep(0.1)
            assert status["state"] == "done" and status["rows"] == 300 and status["percent"] == 100, status
            assert set(states) <= {"queued", "running", "done"}
            page = here.get(job_url)
            assert page.status_code == 200 and "detentions.csv" in page.text and "300" in page.text
    finally:
        other.communicate(timeout=120)


def test_a_job_whose_process_died_is_shown_as_interrupted(settings: Settings) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    ctx = Context(settings, Actor("desk"))
    job = jobs.ImportJob("a-job-id-nobody-can-guess-0123456789", "desk", "detentions.csv",
                         jobs.DatasetOptions("ice-detentions"), jobs.JobState.RUNNING)  # fmt: skip
    jobs.record_job(ctx, job)
    digest = jobs._digest(job.id)
    shared_state.update_job(ctx.engine, digest, pid=dead_pid)
    found = jobs.find_job(ctx, job.id, "desk")
    assert found is not None and found.finished and found.interrupted and "interrupted" in (found.error or "")
    assert jobs.find_job(ctx, job.id, "someone-else") is None
    # From another machine the process id says nothing: a heartbeat a minute old does.
    shared_state.update_job(ctx.engine, digest, host="another-machine", heartbeat_at=time.time())
    assert not jobs.find_job(ctx, job.id, "desk").finished  # type: ignore[union-attr]
    shared_state.update_job(ctx.engine, digest, heartbeat_at=time.time() - 2 * jobs.STALE_HEARTBEAT_SECONDS)
    assert jobs.find_job(ctx, job.id, "desk").interrupted  # type: ignore[union-attr]
    with _here(settings) as here:
        assert _sign_in(here) == 303
        status = here.get(f"/import/jobs/{job.id}/status").json()
        assert status["finished"] and status["state"] == "failed"
        assert "interrupted" in here.get(f"/import/jobs/{job.id}").text


def test_a_write_in_one_process_is_on_the_next_page_of_another(settings: Settings, tmp_path: Path) -> None:
    with _here(settings) as here:
        assert _sign_in(here) == 303
        directory: Directory = here.app.state.habeas.directory  # type: ignore[attr-defined]
        before = here.get("/people", params={"q": "ahr"})
        assert before.status_code == 200 and "ahr" in directory._cache.summaries  # this process remembers it
        days_before = directory._cache.summaries["ahr"].days_without_proof_of_life
        event = tmp_path / "proof.yaml"
        event.write_text(yaml.safe_dump({"habeas": 1, "events": [
            {"person": "ahr", "kind": "proof_of_life", "date": "2025-05-31", "evidence": "call"}]}))  # fmt: skip
        written = subprocess.run(
            [str(Path(sys.executable).with_name("habeas")), "import", str(event), "--db", settings.database_url],
            capture_output=True, text=True, env=_env(settings), timeout=300,
        )  # fmt: skip
        assert written.returncode == 0, written.stderr[-2000:]
        after = here.get("/people", params={"q": "ahr"})
        assert after.status_code == 200
        assert days_before == 77 and directory._cache.summaries["ahr"].days_without_proof_of_life == 1
        assert _days_cell(before.text) != _days_cell(after.text) and re.search(r"\b1\b", _days_cell(after.text))


def _days_cell(page: str) -> str:
    """The people list's "days without proof of life" cell of its one row."""
    cells = re.findall(r'data-label="Days without proof of life">(.*?)</td>', page, re.S)
    assert len(cells) == 1, "the search should find one person"
    return cells[0]


def _env(settings: Settings) -> dict[str, str]:
    import os

    return {**os.environ, "HABEAS_HOME": str(settings.data_dir), "HABEAS_CONFIG": str(settings.config_path),
            "HABEAS_USER": "admin"}  # fmt: skip


def test_a_new_person_from_another_process_is_found_without_reading_everyone_again(settings: Settings) -> None:
    ctx = Context(settings, Actor("admin"))
    here, there = Directory(ctx), Directory(Context(settings, Actor("admin")))
    from habeas.security.access import Scope

    everyone = Scope(all_records=True)
    assert here.search(everyone, "Sintética Nueva") == []
    index = here._index()
    more = settings.data_dir.parent / "more.yaml"
    more.write_text(yaml.safe_dump({"habeas": 1, "people": [{"id": "new-p", "name": "Nueva Persona Sintética"}]}))
    from habeas.services import track

    track.import_casefiles(Context(settings, Actor("admin")), [more])
    assert [m.card.id for m in here.search(everyone, "Sintética Nueva")] == ["new-p"]
    assert here._index() is not index and len(here._index()) == len(index) + 1
    assert [m.card.id for m in there.search(everyone, "nueva")] == ["new-p"]


def test_workers_are_refused_on_a_database_in_memory() -> None:
    from habeas.main import app

    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--db", "sqlite://", "--port", str(_free_port())])
    assert result.exit_code != 0
    assert "--workers 2" in result.output and "memory" in result.output and "PostgreSQL" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the counts themselves, on SQLite and PostgreSQL -------------------------------------------------


def test_failures_counted_at_once_by_two_processes_lock_exactly_once(ctx, make_context) -> None:  # type: ignore[no-untyped-def]
    other = make_context(ctx.settings.database_url)  # its own engine, as another process has
    now, locks = time.time(), []

    def fail(context: Context) -> None:
        for _ in range(5):
            locks.append(throttle.failed(context, "Desk", now, 900, 10))

    threads = [threading.Thread(target=fail, args=(c,)) for c in (ctx, other, ctx, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert locks.count(True) == 2  # the 10th and the 20th of 20 failures, whoever counted them
    assert throttle.locked_until(other, "desk") == pytest.approx(now + 900)


def test_a_code_is_spent_once_whichever_process_sees_it_first(ctx, make_context) -> None:  # type: ignore[no-untyped-def]
    other = make_context(ctx.settings.database_url)
    assert throttle.spend_code(ctx, "desk", 1000)
    assert not throttle.spend_code(other, "desk", 1000) and not throttle.spend_code(other, "desk", 999)
    assert throttle.spend_code(other, "desk", 1001)


def test_the_change_log_names_what_each_write_touched(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from habeas.services import track

    start = shared_state.latest_change(ctx.engine)
    casefile = tmp_path / "one.yaml"
    casefile.write_text(yaml.safe_dump({"habeas": 1, "cohorts": [{"id": "c-1", "name": "Synthetic cohort"}],
        "people": [{"id": "p-1", "name": "Persona Sintética", "cohorts": ["c-1"]}],
        "events": [{"person": "p-1", "kind": "proof_of_life", "date": "2025-05-31", "evidence": "call"},
                   {"cohort": "c-1", "kind": "transferred", "date": "2025-05-30",
                    "facility": "Example Facility"}]}))  # fmt: skip
    track.import_casefiles(ctx, [casefile])
    changes = shared_state.changes_after(ctx.engine, start, 100)
    assert {(c.kind, c.person_id, c.cohort_id) for c in changes} == {
        ("person", "p-1", None), ("membership", "p-1", "c-1"), ("event", "p-1", None), ("event", None, "c-1"),
    }  # fmt: skip
    assert [c.seq for c in changes] == sorted(c.seq for c in changes) and shared_state.latest_change(ctx.engine) == (
        changes[-1].seq
    )


def test_the_shared_state_migration_goes_down_and_up_again(ctx) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa
    from alembic import command

    from habeas.store.db import _alembic_config, current_revision, head_revision

    assert throttle.failed(ctx, "desk", time.time(), 900, 1)
    config = _alembic_config(ctx.engine)
    command.downgrade(config, "0005")
    names = set(sa.inspect(ctx.engine).get_table_names())
    assert not names & {"import_jobs", "sign_in_failures", "sign_in_attempts", "spent_codes", "directory_changes"}
    command.upgrade(config, "head")
    assert current_revision(ctx.engine) == head_revision() and throttle.locked_until(ctx, "desk") == 0.0
    start = shared_state.latest_change(ctx.engine)
    from habeas.services import track

    track.import_casefiles(ctx, [_one_person(ctx.settings.data_dir.parent)])
    assert shared_state.latest_change(ctx.engine) > start  # the triggers are back


def _one_person(folder: Path) -> Path:
    casefile = folder / "one-person.yaml"
    casefile.write_text(yaml.safe_dump({"habeas": 1, "people": [{"id": "p-9", "name": "Otra Persona Sintética"}]}))
    return casefile


@pytest.mark.slow
def test_habeas_serve_with_two_workers_starts_and_serves(settings: Settings) -> None:
    import httpx

    port = _free_port()
    command = [str(Path(sys.executable).with_name("habeas")), "serve", "--workers", "2", "--insecure-cookies",
               "--port", str(port), "--db", settings.database_url]  # fmt: skip
    server = subprocess.Popen(command, env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        answered = None
        for _ in range(TRIES):
            if server.poll() is not None:
                break
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert answered is not None and answered.status_code == 200, server.communicate(timeout=30)
        answers = {httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=5).status_code for _ in range(20)}
        assert answers == {200}
    finally:
        server.terminate()
        out, err = server.communicate(timeout=60)
    assert "processes: 2" in out and "Traceback" not in err


@pytest.mark.parametrize("user", ["admin", "editor", "viewer", "outsider"])
def test_cohorts_are_named_as_the_cohort_counts_name_them_without_summaries(settings: Settings, user: str) -> None:
    from habeas.services import cohorts
    from habeas.services.directory import in_reach

    ctx = Context(settings, Actor(user))
    directory = Directory(Context(settings, Actor("admin")))
    counted = {c.cohort.id: c.cohort.name or c.cohort.id for c in cohorts.cohort_counts(ctx, directory, TODAY)}
    fresh = Directory(Context(settings, Actor("admin")))
    assert fresh.cohort_names(in_reach(ctx)) == counted
    assert fresh._cache.index is None and fresh._cache.summaries == {}  # nobody read, nothing derived


def test_a_memory_behind_a_pruned_change_log_starts_afresh_and_answers_right(settings: Settings) -> None:
    from habeas.security.access import Scope
    from habeas.services import track

    everyone = Scope(all_records=True)
    directory = Directory(Context(settings, Actor("admin")))
    before = directory.summaries(everyone, ["ahr"], TODAY)[0]
    event = settings.data_dir.parent / "proof.yaml"
    event.write_text(yaml.safe_dump({"habeas": 1, "events": [
        {"person": "ahr", "kind": "proof_of_life", "date": "2025-05-31", "evidence": "call"}]}))  # fmt: skip
    track.import_casefiles(Context(settings, Actor("admin")), [event])
    track.import_casefiles(Context(settings, Actor("admin")), [_one_person(settings.data_dir.parent)])
    engine = Context(settings, Actor("admin")).engine
    shared_state.prune_changes(engine, 1)  # the proof of life's entry is gone; only the newest is kept
    assert shared_state.change_bounds(engine)[0] == shared_state.change_bounds(engine)[1]
    after = directory.summaries(everyone, ["ahr"], TODAY)[0]
    assert before.days_without_proof_of_life == 77 and after.days_without_proof_of_life == 1
    assert [m.card.id for m in directory.search(everyone, "Otra Persona")] == ["p-9"]
