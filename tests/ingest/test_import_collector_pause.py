"""Imports hold Python's cycle collector off while they run and always leave it as they found it."""

from __future__ import annotations

import gc
import json
import threading
from pathlib import Path

import pytest

from habeas.services import track
from habeas.services.database import InvalidInput
from habeas.services.imports import _CycleCollectionPause


def test_overlapping_imports_resume_the_collector_only_after_the_last() -> None:
    pause = _CycleCollectionPause()
    assert gc.isenabled()
    first_in, first_may_leave = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with pause.paused():
            first_in.set()
            first_may_leave.wait(timeout=60)
        seen.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(timeout=60)
    with pause.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the first import is still running
    first_may_leave.set()
    thread.join(timeout=60)
    assert seen == [True] and gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    pause = _CycleCollectionPause()
    gc.disable()
    try:
        with pause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_import_that_succeeds_or_fails_leaves_the_collector_running(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    track.init_database(ctx)
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"habeas": 1, "people": [{"id": "p-1", "name": "Ana Quintero"}]}), "utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"habeas": 1, "events": [{"person": "nobody", "kind": "booked_in", "date": "2024"}]}))
    track.import_casefiles(ctx, [good])
    assert gc.isenabled()
    with pytest.raises(InvalidInput):
        track.import_casefiles(ctx, [bad])
    assert gc.isenabled()
