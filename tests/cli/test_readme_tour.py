"""The README's short tour runs top to bottom, as written, on a fresh home."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_TO_FAIL = "(expected to fail)"  # a tour line whose comment says so may exit non-zero
LONG_RUNNING = {"serve"}  # commands that serve until stopped: they must start, then are stopped


def tour_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def run_until_serving(command: str, env: dict[str, str], cwd: Path) -> None:
    process = subprocess.Popen(shlex.split(command), cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None and port_is_free(8000):
            time.sleep(0.2)
        assert process.poll() is None, f"`{command}` exited with {process.returncode}: {process.communicate()[1]}"
        assert not port_is_free(8000), f"`{command}` did not start serving within 60 s"
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.mark.slow
def test_the_readme_tour_runs_as_written_on_a_fresh_home(tmp_path: Path) -> None:
    # The tour writes files (cases.yaml, tables/, a PDF…) where it runs: a scratch folder
    # with the project's examples/, so the working tree is left as it was.
    cwd = tmp_path / "tour"
    cwd.mkdir()
    (cwd / "examples").symlink_to(ROOT / "examples")
    env = {
        **os.environ,
        "HABEAS_HOME": str(tmp_path / "home"),
        "HABEAS_CONFIG": str(tmp_path / "no-such-config.toml"),
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for key in ("HABEAS_DATABASE_URL", "HABEAS_USER", "HABEAS_KEY"):
        env.pop(key, None)
    lines = tour_lines()
    assert len(lines) >= 10 and all(line.startswith("habeas ") for line in lines)
    for line in lines:
        command = line.split("  #", 1)[0].strip()
        if shlex.split(command)[1] in LONG_RUNNING:
            if not port_is_free(8000):
                warnings.warn(f"port 8000 is taken here: `{command}` was not tried", stacklevel=1)
                continue
            run_until_serving(command, env, cwd)
            continue
        result = subprocess.run(shlex.split(command), cwd=cwd, env=env, text=True, capture_output=True,
                                stdin=subprocess.DEVNULL, timeout=300)  # fmt: skip
        if EXPECTED_TO_FAIL not in line:
            assert result.returncode == 0, f"`{command}` exited with {result.returncode}:\n{result.stderr}"
