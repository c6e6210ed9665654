"""Walk services: planning with stops, checks, status moves, route edits that keep findings' stops."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest

from gup.audit.services import history_of, status_history
from gup.errors import DomainError, InvalidTransition
from gup.territory.models import TerritoryKind
from gup.walks.models import WalkKind, WalkStatus
from gup.walks.services import change_walk_status, create_walk, set_stops, update_walk
from tests import lifecycles
from tests.lifecycles import allowed

NOW = datetime(2026, 9, 15, 8, 0, tzinfo=UTC)
STOPS = [{"name": "Entrée de la résidence", "latitude": 47.218, "longitude": -1.553},
         {"name": " Pied du bâtiment A ", "notes": " Local à encombrants "},
         {"name": "Square des Tilleuls", "latitude": 47.2188, "longitude": -1.5516}]


@pytest.fixture
def w(f):
    world = f.world()
    world["hood"] = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    world["agreement"].territories.append(world["hood"])
    return world


def _walk(w, **fields):
    fields.setdefault("title", "Diagnostic de jour des Tilleuls")
    fields.setdefault("neighbourhood", w["hood"])
    fields.setdefault("walked_on", date(2026, 10, 6))
    return create_walk(w["agreement"], actor=w["coordinator"], now=NOW, **fields)


def _route(walk) -> list[tuple[int, str]]:
    return [(s.position, s.name) for s in walk.stops]


def test_create_walk_with_stops_and_participants(w, f):
    walk = _walk(w, kind=WalkKind.NIGHT, starts_at=time(21, 0), stops=STOPS, residents_count=9,
                 organisations=[w["hp1"], w["town"]], users=[w["coordinator"], w["referent1"]],
                 grid_themes=[f.theme("public_lighting"), f.theme("tranquillity")],
                 route_description="  ", other_participants=" Conseil citoyen ")
    assert (walk.status, walk.kind, walk.is_night, walk.residents_count) == (WalkStatus.PLANNED, WalkKind.NIGHT,
                                                                            True, 9)
    assert (walk.route_description, walk.other_participants) == (None, "Conseil citoyen")
    assert _route(walk) == [(1, "Entrée de la résidence"), (2, "Pied du bâtiment A"), (3, "Square des Tilleuls")]
    assert walk.stops[1].notes == "Local à encombrants" and walk.stops[1].latitude is None
    assert {o.id for o in walk.organisations} == {w["hp1"].id, w["town"].id}
    assert [(c.from_status, c.to_status) for c in status_history(walk)] == [(None, "planned")]
    assert "create" in [e.action for e in history_of(walk)]


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"),
    ({"walked_on": None}, "walked_on"),
    ({"neighbourhood": None}, "neighbourhood_id"),
    ({"neighbourhood": "other_hood"}, "neighbourhood_id"),
    ({"residents_count": -3}, "residents_count"),
    ({"stops": [{"name": " "}]}, "stops"),
    ({"stops": [{"name": "Halte", "latitude": 47.2}]}, "stops"),
    ({"stops": [{"name": "Halte", "latitude": 147.2, "longitude": 1.0}]}, "stops"),
])
def test_create_walk_refuses_bad_input(w, f, fields, field):
    if fields.get("neighbourhood") == "other_hood":
        fields["neighbourhood"] = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    with pytest.raises(DomainError) as caught:
        _walk(w, **fields)
    assert caught.value.field == field


def test_follow_up_walk_of_the_same_agreement_without_loops(w, f):
    day = _walk(w)
    night = _walk(w, title="Diagnostic de nuit", kind=WalkKind.NIGHT, follow_up_of=day)
    assert night.follow_up_of == day
    with pytest.raises(DomainError) as caught:
        update_walk(day, actor=w["coordinator"], follow_up_of=night)
    assert caught.value.field == "follow_up_of_id"
    with pytest.raises(DomainError):
        update_walk(day, actor=w["coordinator"], follow_up_of=day)
    other = f.make_walk(f.make_agreement())
    with pytest.raises(DomainError):
        _walk(w, follow_up_of=other)
    with pytest.raises(TypeError):
        update_walk(day, actor=w["coordinator"], status=WalkStatus.DONE)


PAIRS = [(a, b) for a, b in itertools.product(WalkStatus, WalkStatus) if a is not b]


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_walk_status_transitions(w, f, source, target):
    walk = f.make_walk(w["agreement"], status=source)
    sent_at = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)  # 11 November in Bellerive
    if allowed(lifecycles.WALK, source, target):
        change_walk_status(walk, to=target, actor=w["coordinator"], now=sent_at)
        assert walk.status is target
        assert [(c.from_status, c.to_status) for c in status_history(walk)] == [(source.value, target.value)]
        if target is WalkStatus.RESTITUTION_SENT:
            assert walk.restitution_on == date(2026, 11, 11)
    else:
        with pytest.raises(InvalidTransition):
            change_walk_status(walk, to=target, actor=w["coordinator"], now=sent_at)
        assert walk.status is source and status_history(walk) == []


def test_same_status_writes_nothing_and_restitution_date_is_kept(w, f):
    walk = f.make_walk(w["agreement"], status=WalkStatus.DONE, restitution_on=date(2026, 11, 2))
    change_walk_status(walk, to="done", actor=w["coordinator"], now=NOW)
    assert status_history(walk) == []
    change_walk_status(walk, to=WalkStatus.RESTITUTION_SENT, actor=w["coordinator"], now=NOW)
    assert walk.restitution_on == date(2026, 11, 2)  # the date already typed is kept


def test_set_stops_reorders_adds_removes_and_renumbers(w, f):
    walk = _walk(w, stops=STOPS)
    a, b, c = walk.stops
    territory = f.make_territory(TerritoryKind.RESIDENCE, parent=w["hood"])
    a.territory = territory
    kept = set_stops(walk, [{"id": c.id, "name": "Square (aire de jeux)", "latitude": 47.2189, "longitude": -1.5515},
                            {"id": None, "name": "Allée du Verger"},
                            {"id": a.id, "name": "Entrée de la résidence"}], actor=w["coordinator"])
    assert kept == walk.stops
    assert _route(walk) == [(1, "Square (aire de jeux)"), (2, "Allée du Verger"), (3, "Entrée de la résidence")]
    assert walk.stops[0] is c and walk.stops[0].latitude == 47.2189
    assert walk.stops[2] is a and a.territory == territory  # a row without the place keeps it
    assert b not in walk.stops


def test_set_stops_keeps_a_stop_a_finding_points_to(w, f):
    walk = _walk(w, stops=STOPS)
    a, b, c = walk.stops
    finding = f.make_finding(w["agreement"], walkthrough=walk, stop=b)
    set_stops(walk, [{"id": c.id, "name": c.name}, {"id": a.id, "name": a.name}], actor=w["coordinator"])
    assert _route(walk) == [(1, "Square des Tilleuls"), (2, "Entrée de la résidence"), (3, "Pied du bâtiment A")]
    assert finding.stop is b and b.position == 3


def test_set_stops_refuses_a_bad_row_before_changing_anything(w):
    walk = _walk(w, stops=STOPS)
    with pytest.raises(DomainError):
        set_stops(walk, [{"id": walk.stops[0].id, "name": "Nouveau nom"}, {"name": ""}], actor=w["coordinator"])
    assert _route(walk)[0] == (1, "Entrée de la résidence")
