"""Every figure from a release needs the statistics right and is audited: an unknown or deactivated user gets none.

Releases are anonymised public data, yet who read them is still the audit log's to say, and a user an admin
deactivated (a volunteer who left) reads nothing from this database.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from habeas.services import Actor, Context, users
from habeas.services import datasets as service
from habeas.services.access import Forbidden
from habeas.store.tables import AuditEntryRow

from .conftest import DETENTION_HEADER, detention_row

FIGURES: dict[str, Callable[[Context, str], object]] = {
    "population": lambda ctx, release: service.population_figures(ctx, release),
    "stays": lambda ctx, release: service.stay_figures(ctx, release),
    "shares": lambda ctx, release: service.share_figures(ctx, "transferred", release),
    "summary": lambda ctx, release: service.summary_figures(ctx, release),
}


@pytest.fixture
def release(dctx, write_release) -> str:  # type: ignore[no-untyped-def]
    rows = [detention_row("p1", "01/02/2019 10:00", "01/02/2019 10:00", "01/05/2019 08:30", "01/05/2019 08:30")]
    return service.import_dataset(dctx, "ice-detentions", write_release("d.csv", DETENTION_HEADER, rows)).release


def _reads(ctx: Context) -> list[tuple[str, str]]:
    with Session(ctx.engine) as session:
        rows = session.scalars(select(AuditEntryRow).where(AuditEntryRow.action == "read_dataset")).all()
        return [(row.actor, row.outcome) for row in rows]


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_a_figure_is_audited_as_a_read_of_the_release(dctx, release, figure) -> None:  # type: ignore[no-untyped-def]
    before = len(_reads(dctx))
    FIGURES[figure](dctx, release)
    assert len(_reads(dctx)) > before, f"{figure} left no read_dataset entry in the audit log"


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_an_unknown_user_gets_no_figure(dctx, release, figure) -> None:  # type: ignore[no-untyped-def]
    stranger = Context(dctx.settings, Actor("nobody-here"))
    with pytest.raises(Forbidden, match="no habeas user 'nobody-here'"):
        FIGURES[figure](stranger, release)


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_a_deactivated_user_gets_no_figure(dctx, release, figure) -> None:  # type: ignore[no-untyped-def]
    users.add_user(dctx, "left-in-june", "viewer")
    users.deactivate_user(dctx, "left-in-june")
    gone = Context(dctx.settings, Actor("left-in-june"))
    with pytest.raises(Forbidden, match="deactivated"):
        FIGURES[figure](gone, release)
