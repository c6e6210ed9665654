"""Participatory budget helpers: two neighbourhoods of the agreement, a campaign of 10 000 € with a
per-neighbourhood envelope of 6 000 € for the first, and helpers moving it through its phases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gup.budget import services
from gup.budget.models import PBPhase
from gup.extensions import db
from gup.territory.models import TerritoryKind

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def place(f, w):
    nbh1 = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Dervallières")
    nbh2 = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Bellevue")
    w["agreement"].territories.extend([nbh1, nbh2])
    res = f.make_territory(TerritoryKind.RESIDENCE, nbh1, name="Résidence du Parc", housing_provider=w["hp1"])
    b1 = f.make_territory(TerritoryKind.BUILDING, res, name="Bâtiment A")
    res2 = f.make_territory(TerritoryKind.RESIDENCE, nbh2, name="Résidence des Lilas", housing_provider=w["hp2"])
    outside = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Hors périmètre")
    db.session.commit()
    return {"nbh1": nbh1, "nbh2": nbh2, "res": res, "b1": b1, "res2": res2, "outside": outside}


@pytest.fixture
def campaign(w, place):
    c = services.create_campaign(w["agreement"], actor=w["coordinator"], now=NOW, title="Budget participatif 2026",
                                 year=2026, envelope="10000", choices_per_voter=2, max_cost="8000",
                                 envelopes={place["nbh1"]: "6000"}, proposals_on=date(2026, 5, 10),
                                 review_on=date(2026, 6, 10), vote_on=date(2026, 9, 1),
                                 results_on=date(2026, 10, 1), delivery_on=date(2026, 11, 1))
    db.session.commit()
    return c


def to_phase(campaign, phase, actor=None):
    while campaign.phase is not phase:
        services.move_phase(campaign, campaign.phase.next, actor=actor, now=NOW)
    db.session.commit()


def projects_in_vote(campaign, place, w, costs=(("Aire de jeux", "5000", "b1"), ("Bancs", "2000", "nbh2"),
                                                ("Jardin partagé", "4000", "res"))):
    """Projects submitted, reviewed eligible, and the campaign in its vote phase."""
    to_phase(campaign, PBPhase.PROPOSALS)
    projects = []
    for title, cost, where in costs:
        p = services.submit_proposal(campaign, title=title, description=f"{title} pour le quartier",
                                     place=place[where], estimated_cost=cost, now=NOW)
        services.review_project(p, eligible=True, actor=w["coordinator"], now=NOW)
        projects.append(p)
    to_phase(campaign, PBPhase.VOTE)
    return projects
