"""X-Forwarded-For names the client only on requests from a proxy configured with --trusted-proxy."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from web_helpers import build_site, csrf_of

from habeas.main import app as habeas_cli
from habeas.web.protection import ForwardedFor
from habeas.web.serve import server_config

LIMIT = 3  # sign-in attempts per address in the window


def _attempt(client: TestClient, forwarded: str, name: str) -> int:
    csrf = csrf_of(client.get("/sign-in").text)
    data = {"username": name, "password": "not the password at all", "csrf": csrf, "next": "/"}
    return client.post("/sign-in", data=data, headers={"X-Forwarded-For": forwarded}).status_code


def _served(folder: Path, peer: str, proxies: tuple[str, ...] = ()) -> TestClient:
    """The app as `habeas serve` hands it to uvicorn, with uvicorn's own middleware, reached from ``peer``."""
    site = build_site(folder, attempts_per_address=LIMIT, trusted_proxies=proxies)
    config = server_config(site.app, "127.0.0.1", 8000)
    config.load()
    return TestClient(config.loaded_app, client=(peer, 40000))


def test_rotating_x_forwarded_for_from_localhost_does_not_escape_the_address_limit(tmp_path: Path) -> None:
    # uvicorn's defaults believed the header from 127.0.0.1: every made-up address was a fresh allowance.
    client = _served(tmp_path, "127.0.0.1")
    answers = [_attempt(client, f"203.0.113.{n}", f"user{n}") for n in range(LIMIT + 2)]
    assert answers[:LIMIT] == [401] * LIMIT
    assert answers[LIMIT:] == [429, 429]


def test_rotating_x_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_does_not_escape_the_limit(
    tmp_path: Path,
) -> None:
    client = _served(tmp_path, "192.0.2.50", proxies=("10.0.0.7",))
    answers = [_attempt(client, f"203.0.113.{n}, 10.0.0.7", f"user{n}") for n in range(LIMIT + 1)]
    assert answers[-1] == 429


def test_a_configured_proxys_x_forwarded_for_names_the_client_it_counts(tmp_path: Path) -> None:
    client = _served(tmp_path, "10.0.0.7", proxies=("10.0.0.0/24",))
    assert [_attempt(client, "203.0.113.5", f"user{n}") for n in range(LIMIT)] == [401] * LIMIT
    assert _attempt(client, "203.0.113.5", "another") == 429
    # What the client wrote to the left of its real address changes nothing.
    assert _attempt(client, "198.51.100.9, 203.0.113.5", "spoofer") == 429
    # Another client behind the same proxy has its own allowance.
    assert _attempt(client, "203.0.113.6", "neighbour") == 401


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("192.0.2.1", ["203.0.113.5"], "192.0.2.1"),  # not a proxy: the header is ignored
        ("10.0.0.7", [], "10.0.0.7"),
        ("10.0.0.7", ["203.0.113.5"], "203.0.113.5"),
        ("10.0.0.7", ["198.51.100.9, 203.0.113.5"], "203.0.113.5"),
        ("10.0.0.7", ["203.0.113.5, 10.0.0.8"], "203.0.113.5"),  # two proxies in a row
        ("10.0.0.7", ["203.0.113.5", "10.0.0.8"], "203.0.113.5"),  # the header given twice
        ("10.0.0.7", ["10.0.0.8"], "10.0.0.8"),  # only proxies: the furthest one
        ("10.0.0.7", ["not-an-address"], "10.0.0.7"),
        ("10.0.0.7", ["2001:db8::5"], "2001:db8::5"),
        ("testclient", ["203.0.113.5"], "testclient"),
    ],
)
def test_the_client_is_the_nearest_address_that_is_not_a_trusted_proxy(
    peer: str, forwarded: list[str], client: str
) -> None:
    assert ForwardedFor(None, ["10.0.0.0/24"]).client(peer, forwarded) == client


def test_habeas_serve_refuses_a_trusted_proxy_that_is_not_an_address(tmp_path: Path) -> None:
    result = CliRunner().invoke(habeas_cli, ["serve", "--trusted-proxy", "*", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code != 0
    assert "--trusted-proxy" in result.output and "is not an IP address or network" in result.output


def test_habeas_serve_on_a_busy_port_says_so_and_how_to_choose_another(tmp_path: Path) -> None:
    import socket

    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert CliRunner().invoke(habeas_cli, ["init", "--db", db]).exit_code == 0
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = CliRunner().invoke(habeas_cli, ["serve", "--db", db, "--port", str(port), "--insecure-cookies"])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
    assert "serving on" not in result.output
