"""axe-core in the browser tests: inject the engine into a Playwright page, run it, return what it finds.

``violations(page)`` is all a test needs::

    from axe import violations
    assert violations(page) == []

axe-core comes from the npm registry (``bash scripts/ensure-axe.sh`` puts a pinned version in
.cache/axe); outside CI a missing copy skips the test with that command, in CI it fails.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.1 A and AA, and axe's best practices (nested-interactive, region, ...).
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")


@cache
def _source() -> str:
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE.relative_to(ROOT)}: run `bash scripts/ensure-axe.sh`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, tags: tuple[str, ...] = TAGS) -> list[dict[str, Any]]:
    """What axe-core finds wrong on the page as it is now: one dict per rule broken, with its nodes.

    Each has ``id``, ``impact``, ``help``, ``helpUrl`` and ``nodes`` (each with ``target`` and ``html``).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script>: the pages' CSP rightly refuses inline scripts.
        page.evaluate(_source())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations",
        list(tags),
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "helpUrl": v["helpUrl"],
            "nodes": [{"target": n["target"], "html": n["html"][:300]} for n in v["nodes"]],
        }
        for v in found
    ]


def summary(found: list[dict[str, Any]]) -> str:
    """The violations in a few lines, for an assertion's message: rule, impact, help, and the first places."""
    lines = []
    for v in found:
        places = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {places}")
    return "\n".join(lines)
