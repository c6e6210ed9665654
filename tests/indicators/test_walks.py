"""Walk indicators on known data: walks held by kind and time of day, participants, restitutions."""

from __future__ import annotations

from datetime import date, time

from gup.walks.models import WalkKind, WalkStatus
from tests.indicators.conftest import compute, rows


def _walks(f, agreement, other, organisations=()):
    coordinator = f.make_user()
    tilleuls = f.make_territory(name="Les Tilleuls")
    day = f.make_walk(agreement, tilleuls, walked_on=date(2025, 3, 4), residents_count=10,
                      status=WalkStatus.RESTITUTION_SENT, restitution_on=date(2025, 4, 1))  # 4 weeks
    day.users = [coordinator]
    day.organisations = list(organisations)
    f.make_walk(agreement, tilleuls, walked_on=date(2025, 6, 10), kind=WalkKind.NIGHT, residents_count=5,
                restitution_on=date(2025, 9, 1))  # 12 weeks: too late
    f.make_walk(agreement, walked_on=date(2025, 12, 31), kind=WalkKind.EXPLORATORY_WOMEN, residents_count=8,
                starts_at=time(20, 30))  # no restitution yet; held at night
    f.make_walk(agreement, walked_on=date(2025, 7, 1), status=WalkStatus.PLANNED, residents_count=0)  # not held
    f.make_walk(agreement, walked_on=date(2026, 1, 1), residents_count=30)  # after the period
    f.make_walk(other, walked_on=date(2025, 5, 1), residents_count=40)
    return tilleuls


def test_walks_held_by_kind_time_of_day_and_month(f, other):
    w = f.world()
    agreement = w["agreement"]
    tilleuls = _walks(f, agreement, other, organisations=[w["hp1"], w["town"]])

    value = compute("walks_held", agreement)

    assert value.value == 3
    assert rows(value, "kind") == {"Marche de jour": (1, None), "Marche de nuit": (1, None),
                                   "Marche exploratoire de femmes": (1, None)}
    assert rows(value, "time_of_day") == {"De jour": (1, None), "De nuit": (2, None)}
    assert rows(value, "neighbourhood")[tilleuls.name] == (2, None)
    assert rows(value, "month")["déc. 2025"] == (1, None)
    assert value.details["Marches exploratoires de femmes"] == 1
    assert rows(value, "partner") == {"Bailleur Un": (1, None), "Ville de Test": (1, None), "Non renseigné": (2, None)}


def test_walk_participants(f, other):
    agreement = f.world()["agreement"]
    _walks(f, agreement, other)

    value = compute("walk_participants", agreement)

    assert value.value == 24  # 10 + 5 + 8 residents and one partner account
    assert value.details["Habitants"] == 23
    assert value.details["Part des habitants (%)"] == 95.8
    assert "genre" in value.note
    assert rows(value, "kind")["Marche de jour"] == (11, 1)


def test_walks_restituted_within_the_configured_weeks(f, other, app):
    agreement = f.world()["agreement"]
    _walks(f, agreement, other)

    value = compute("walks_restituted_rate", agreement)
    assert value.value == 33.3  # 1 of 3 within six weeks
    assert rows(value, "kind")["Marche de nuit"] == (0.0, 1)
    assert value.details["Restitués (toute date)"] == 2

    app.config["WALK_RESTITUTION_WEEKS"] = 13
    try:
        assert compute("walks_restituted_rate", agreement).value == 66.7
    finally:
        app.config["WALK_RESTITUTION_WEEKS"] = 6
