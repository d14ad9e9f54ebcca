"""One request that fails in an unexpected way ends with a 500, and the server goes on serving everyone else."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from web_helpers import Site, csrf_of, sign_in

from habeas.services import track


class Ballast:
    """Stands for the gigabytes a YAML alias bomb grew to inside the failed import."""


@pytest.fixture
def no_cycle_collection() -> Iterator[None]:
    # Whether an automatic collection happens to run between two requests must not decide the test.
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _exhaust_memory_in_imports(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[Ballast]]:
    """Every case-file import builds a large value, then runs out of memory; argon2 fails while that value lives."""
    held: list[weakref.ref[Ballast]] = []

    def exhausted(*_args: object) -> None:
        ballast = Ballast()
        held.append(weakref.ref(ballast))
        raise MemoryError()

    monkeypatch.setattr(track, "import_casefiles", exhausted)
    monkeypatch.setattr(track, "import_casefile_data", exhausted)
    verify = PasswordHasher.verify

    def verify_with_memory(self: PasswordHasher, hash: str, password: str) -> bool:
        if any(ref() is not None for ref in held):
            raise VerificationError("Memory allocation error")  # what argon2 says when it cannot get 64 MiB
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", verify_with_memory)
    return held


@pytest.mark.usefixtures("no_cycle_collection")
def test_an_import_that_runs_out_of_memory_does_not_refuse_later_sign_ins(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _exhaust_memory_in_imports(monkeypatch)
    with fresh_site.client() as editor:
        assert sign_in(editor, "editor").status_code == 303
        csrf = csrf_of(editor.get("/import").text)
        failed = editor.post("/import", data={"csrf": csrf}, files={"file": ("bomb.yaml", b"habeas: 1\n")})
    assert failed.status_code == 500
    assert "nothing was changed" in failed.text
    assert held and held[0]() is None, "the failed request's memory is still held"
    with fresh_site.client() as later:
        assert sign_in(later, "viewer").status_code == 303
        assert later.get("/people/demo-a").status_code == 200


@pytest.mark.usefixtures("no_cycle_collection")
def test_an_api_import_that_runs_out_of_memory_answers_500_in_json_and_the_api_goes_on(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    held = _exhaust_memory_in_imports(monkeypatch)
    _info, token = fresh_site.accounts.tokens.issue("editor", "script")
    with fresh_site.client() as api:
        api.headers["Authorization"] = f"Bearer {token}"
        failed = api.post("/api/v1/import", json={"habeas": 1})
        assert failed.status_code == 500
        assert failed.json() == {"error": "the server could not answer this request; nothing was changed by it"}
        assert failed.headers["cache-control"] == "no-store"  # the security headers wrap the 500 too
        assert held and held[0]() is None
        assert api.get("/api/v1/people/ahr").status_code == 200


def test_a_password_that_cannot_be_checked_is_a_503_and_earns_no_lockout(
    fresh_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short of memory, argon2 cannot check a password: the user is told so, and nothing counts against them."""

    def starved(self: PasswordHasher, hash: str, password: str) -> bool:
        raise VerificationError("Memory allocation error")

    verify = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", starved)
    with fresh_site.client() as client:
        for _ in range(8):  # more than the password lockout allows
            answer = sign_in(client, "editor")
            assert answer.status_code == 503 and "Nothing was counted against you" in answer.text
    monkeypatch.setattr(PasswordHasher, "verify", verify)
    with fresh_site.client() as client:
        assert sign_in(client, "editor").status_code == 303
