"""Relays test helpers: a perimeter of two residences with three buildings (one with stairwells)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gup.territory.models import TerritoryKind
from tests.smtp_server import smtp_server

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_perimeter(f, w) -> dict:
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Dervallières")
    w["agreement"].territories.append(nbh)
    res = f.make_territory(TerritoryKind.RESIDENCE, nbh, name="Résidence du Parc")
    b1 = f.make_territory(TerritoryKind.BUILDING, res, name="Bâtiment A")
    b2 = f.make_territory(TerritoryKind.BUILDING, res, name="Bâtiment B")
    b3 = f.make_territory(TerritoryKind.BUILDING, res, name="Bâtiment C")
    s1 = f.make_territory(TerritoryKind.STAIRWELL, b2, name="Cage 1")
    return {"nbh": nbh, "res": res, "b1": b1, "b2": b2, "b3": b3, "s1": s1}


@pytest.fixture
def place(f, w):
    return make_perimeter(f, w)


@pytest.fixture
def smtp(app):
    keys = ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL")
    saved = {k: app.config.get(k) for k in keys}
    with smtp_server() as (handler, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://gup.test")
        yield handler
    app.config.update(saved)
