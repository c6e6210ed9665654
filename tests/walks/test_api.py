"""/api/v1/walkthroughs: list, detail, create, edit (route, status) and the restitution PDF."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.territory.models import TerritoryKind
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough
from tests.test_api_bad_input import BAD_QUERY_VALUES, BAD_VALUES, RAW_BODIES, SPOILED

URL = "/api/v1/walkthroughs"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def ids_field(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


@pytest.fixture
def walks(w, f):
    """A day walk (done) and a night walk (planned) in two neighbourhoods of the sample agreement, and a walk
    of another agreement that only its coordinator reads."""
    day = f.make_walk(w["agreement"], title="Marche des Tilleuls", walked_on=date(2026, 10, 6))
    night = f.make_walk(w["agreement"], title="Marche de nuit", kind=WalkKind.NIGHT, status=WalkStatus.PLANNED,
                        walked_on=date(2026, 11, 3))
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    elsewhere = f.make_walk(other, title="Ailleurs")
    db.session.commit()
    return {"day": day, "night": night, "elsewhere": elsewhere}


def _body(w, walk, **overrides):
    body = {"agreement_id": w["agreement"].id, "neighbourhood_id": walk.neighbourhood_id,
            "title": "Marche exploratoire des Érables", "walked_on": "2026-11-20"}
    body.update(overrides)
    return body


# --- list ----------------------------------------------------------------------------------------

def test_list_filters(api, w, walks):
    day, night = walks["day"].id, walks["night"].id
    assert ids_field(api("referent2", "GET", URL)) == [night, day]  # newest first
    assert ids_field(api("referent2", "GET", f"{URL}?kind=night")) == [night]
    assert ids_field(api("referent2", "GET", f"{URL}?status=done")) == [day]
    assert ids_field(api("referent2", "GET", f"{URL}?neighbourhood_id={walks['day'].neighbourhood_id}")) == [day]
    assert ids_field(api("referent2", "GET", f"{URL}?agreement_id={w['agreement'].id}&kind=day")) == [day]
    assert ids_field(api("referent2", "GET", f"{URL}?agreement_id=999999")) == []


def test_list_rows(api, w, walks):
    row = api("observer", "GET", f"{URL}?kind=night").json[0]
    assert row["title"] == "Marche de nuit" and row["is_night"] is True and row["status"] == "planned"
    assert row["agreement"]["reference"] == w["agreement"].reference
    assert row["neighbourhood"]["id"] == walks["night"].neighbourhood_id
    assert [s["name"] for s in row["stops"]] == ["Entrée de la résidence", "Aire de jeux"]
    assert row["stops"][0]["latitude"] == 47.2101 and row["stops"][0]["position"] == 1


@pytest.mark.parametrize(("role", "sees"), [("coordinator", 2), ("referent1", 2), ("referent2", 2),
                                            ("observer", 3), ("admin", 3), ("other_coordinator", 3),
                                            ("outsider", 1)])
def test_list_is_scoped_by_the_policy(api, w, walks, role, sees):
    ids = ids_field(api(role, "GET", URL))
    assert len(ids) == sees
    assert (walks["elsewhere"].id in ids) == (role in ("observer", "admin", "other_coordinator", "outsider"))


@pytest.mark.parametrize("query", ["kind=walk", "status=held", "agreement_id=abc", "neighbourhood_id=-1",
                                   "agreement_id=99999999999999999999", "page=0"])
def test_list_bad_filters_are_422_naming_them(api, w, query):
    response = api("referent1", "GET", f"{URL}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]["query"]


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    small = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
    f.make_walk(small)
    large = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["hp2"], w["town"]])
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    for n in range(30):
        walk = f.make_walk(large, neighbourhood, kind=WalkKind.NIGHT if n % 2 else WalkKind.DAY)
        walk.organisations = [w["hp1"], w["hp2"]]
        walk.users = [w["referent1"]]
        walk.grid_themes = [f.theme(), f.theme("waste")]
        f.make_finding(large, w["hp1"], walkthrough=walk)
    db.session.commit()
    urls = [f"{URL}?agreement_id={agreement.id}&page_size=50" for agreement in (small, large)]
    api("coordinator", "GET", "/api/v1/me")
    with count_queries() as one:
        assert len(api("coordinator", "GET", urls[0]).json) == 1
    with count_queries() as thirty:
        response = api("coordinator", "GET", urls[1])
    assert len(response.json) == 30
    assert json.loads(response.headers["X-Pagination"])["total"] == 30
    assert len(one) == len(thirty)


# --- detail --------------------------------------------------------------------------------------

def test_detail(api, w, walks, f):
    walk = walks["day"]
    walk.organisations = [w["hp1"]]
    walk.grid_themes = [f.theme("waste")]
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    db.session.commit()
    body = api("referent2", "GET", f"{URL}/{walk.id}").json
    assert body["title"] == "Marche des Tilleuls" and body["kind"] == "day" and body["residents_count"] == 12
    assert [o["name"] for o in body["organisations"]] == ["Bailleur Un"]
    assert body["grid_theme_ids"] == [f.theme("waste").id]
    assert body["finding_ids"] == [finding.id]
    assert len(body["stops"]) == 2 and body["walked_on"] == "2026-10-06"


def test_detail_refused_to_outsider_and_404(api, w, walks):
    assert api("outsider", "GET", f"{URL}/{walks['day'].id}").status_code == 403
    assert api("outsider", "GET", f"{URL}/{walks['elsewhere'].id}").status_code == 200
    assert api("coordinator", "GET", f"{URL}/999999").status_code == 404
    assert api("coordinator", "GET", f"{URL}/99999999999").status_code == 404
    assert api(None, "GET", f"{URL}/{walks['day'].id}").status_code == 401


# --- create --------------------------------------------------------------------------------------

def test_coordinator_plans_a_walk_with_its_route(api, w, walks, f):
    body = _body(w, walks["day"], kind="exploratory_women", starts_at="18:30", residents_count=9,
                 organisation_ids=[w["hp2"].id, w["hp1"].id], user_ids=[w["referent1"].id],
                 grid_theme_ids=[f.theme("waste").id], follow_up_of_id=walks["day"].id,
                 stops=[{"name": "Parvis", "latitude": 47.2, "longitude": -1.5, "notes": "Éclairage faible"},
                        {"name": "Passage couvert", "territory_id": walks["day"].neighbourhood_id}])
    response = api("coordinator", "POST", URL, json=body)
    assert response.status_code == 201, response.json
    created = response.json
    assert created["status"] == "planned" and created["kind"] == "exploratory_women"
    assert created["starts_at"] == "18:30:00" and created["residents_count"] == 9
    assert [o["name"] for o in created["organisations"]] == ["Bailleur Deux", "Bailleur Un"]  # by name
    assert [u["id"] for u in created["users"]] == [w["referent1"].id]
    assert created["follow_up_of_id"] == walks["day"].id
    assert [(s["position"], s["name"]) for s in created["stops"]] == [(1, "Parvis"), (2, "Passage couvert")]
    assert created["stops"][0]["notes"] == "Éclairage faible"
    assert created["stops"][1]["territory_id"] == walks["day"].neighbourhood_id
    assert db.session.get(Walkthrough, created["id"]).title == "Marche exploratoire des Érables"


@pytest.mark.parametrize("role", ["referent1", "referent2", "other_coordinator", "observer", "admin", "outsider"])
def test_only_the_coordination_plans_walks(api, w, walks, role):
    before = _count(Walkthrough)
    response = api(role, "POST", URL, json=_body(w, walks["day"]))
    assert response.status_code == 403 and response.json["code"] == 403
    assert _count(Walkthrough) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"neighbourhood_id": 999999}, "neighbourhood_id"),
    ({"agreement_id": 999999}, "agreement_id"),
    ({"kind": "stroll"}, "kind"),
    ({"residents_count": "abc"}, "residents_count"),
    ({"residents_count": -3}, "residents_count"),
    ({"walked_on": "2026-02-30"}, "walked_on"),
    ({"starts_at": "25:00"}, "starts_at"),
    ({"starts_at": "10:00:00+02:00"}, "starts_at"),
    ({"title": "   "}, "title"),
    ({"organisation_ids": [999999]}, "organisation_ids"),
    ({"user_ids": [999999]}, "user_ids"),
    ({"grid_theme_ids": [999999]}, "grid_theme_ids"),
    ({"follow_up_of_id": 999999}, "follow_up_of_id"),
    ({"stops": "Parvis"}, "stops"),
    ({"unknown": 1}, "unknown"),
])
def test_create_refuses_bad_input_naming_the_field(api, w, walks, overrides, field):
    before = _count(Walkthrough)
    response = api("coordinator", "POST", URL, json=_body(w, walks["day"], **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert _count(Walkthrough) == before


def test_a_stop_with_a_latitude_needs_its_longitude(api, w, walks):
    response = api("coordinator", "POST", URL, json=_body(w, walks["day"], stops=[
        {"name": "Parvis", "latitude": 47.2, "longitude": -1.5}, {"name": "Square", "latitude": 47.21}]))
    assert response.status_code == 422
    assert "longitude" in response.json["errors"]["json"]["stops"]["1"]
    response = api("coordinator", "POST", URL, json=_body(w, walks["day"], stops=[{"latitude": 95, "longitude": 0}]))
    assert response.status_code == 422
    assert {"name", "latitude"} <= set(response.json["errors"]["json"]["stops"]["0"])


def test_stops_must_name_existing_places_and_this_walks_stops(api, w, walks):
    for stop, field in (({"name": "Parvis", "territory_id": 999999}, "territory_id"),
                        ({"name": "Parvis", "id": walks["night"].stops[0].id}, "id")):
        response = api("coordinator", "POST", URL, json=_body(w, walks["day"], stops=[{"name": "Hall"}, stop]))
        assert response.status_code == 422
        assert field in response.json["errors"]["json"]["stops"]["1"]
    response = api("coordinator", "PATCH", f"{URL}/{walks['day'].id}",
                   json={"stops": [{"id": walks["night"].stops[0].id, "name": "Volée"}]})
    assert response.status_code == 422 and "id" in response.json["errors"]["json"]["stops"]["0"]


def test_a_neighbourhood_outside_the_perimeter_is_refused(api, w, walks, f):
    elsewhere = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=walks["day"].neighbourhood)
    db.session.commit()
    for territory in (elsewhere, residence):
        response = api("coordinator", "POST", URL, json=_body(w, walks["day"], neighbourhood_id=territory.id))
        assert response.status_code == 422 and "neighbourhood_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", URL, json=_body(w, walks["day"], follow_up_of_id=walks["elsewhere"].id))
    assert response.status_code == 422 and "follow_up_of_id" in response.json["errors"]["json"]


# --- edit ----------------------------------------------------------------------------------------

def test_coordinator_edits_the_route_keeping_a_stop(api, w, walks, f):
    walk = walks["night"]
    kept = walk.stops[1]
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=kept)
    db.session.commit()
    response = api("coordinator", "PATCH", f"{URL}/{walk.id}", json={
        "title": "Marche de nuit (reportée)", "stops": [{"id": kept.id, "name": "Aire de jeux (éclairage)"},
                                                        {"name": "Parking", "latitude": 47.3, "longitude": -1.6}]})
    assert response.status_code == 200, response.json
    stops = response.json["stops"]
    assert [(s["position"], s["name"]) for s in stops] == [(1, "Aire de jeux (éclairage)"), (2, "Parking")]
    assert stops[0]["id"] == kept.id
    assert db.session.get(type(finding), finding.id).stop_id == kept.id
    assert response.json["title"] == "Marche de nuit (reportée)"
    assert response.json["kind"] == "night"  # untouched


def test_status_follows_the_lifecycle(api, w, walks):
    url = f"{URL}/{walks['night'].id}"
    response = api("coordinator", "PATCH", url, json={"status": "restitution_sent"})
    assert response.status_code == 409 and "status" in response.json["errors"]
    assert api("coordinator", "PATCH", url, json={"status": "done"}).json["status"] == "done"
    response = api("coordinator", "PATCH", url, json={"status": "restitution_sent"})
    assert response.status_code == 200
    assert response.json["status"] == "restitution_sent" and response.json["restitution_on"] is not None
    response = api("coordinator", "PATCH", url, json={"status": "sent"})
    assert response.status_code == 422 and "status" in response.json["errors"]["json"]


@pytest.mark.parametrize("role", ["referent1", "referent2", "observer", "outsider", "other_coordinator", "admin"])
def test_others_cannot_edit_even_with_a_bad_body(api, w, walks, role):
    url = f"{URL}/{walks['day'].id}"
    for body in ({"title": "Piraté"}, {"kind": "nope"}, {"status": "planned"}):
        response = api(role, "PATCH", url, json=body)
        assert response.status_code == 403, (role, body)
    assert db.session.get(Walkthrough, walks["day"].id).title == "Marche des Tilleuls"


def test_edit_refuses_bad_input(api, w, walks):
    url = f"{URL}/{walks['day'].id}"
    response = api("coordinator", "PATCH", url, json={"stops": [{"notes": "sans nom"}]})
    assert response.status_code == 422 and "name" in response.json["errors"]["json"]["stops"]["0"]
    response = api("coordinator", "PATCH", url, json={"agreement_id": w["agreement"].id})
    assert response.status_code == 422 and "agreement_id" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"follow_up_of_id": walks["day"].id})
    assert response.status_code == 422 and "follow_up_of_id" in response.json["errors"]["json"]
    assert api("coordinator", "PATCH", f"{URL}/999999", json={"title": "x"}).status_code == 404


# --- restitution ---------------------------------------------------------------------------------

def test_restitution_pdf(api, w, walks, f):
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walks["day"], description="Tags sur le mur du gymnase")
    db.session.commit()
    response = api("referent2", "GET", f"{URL}/{walks['day'].id}/restitution.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert api("outsider", "GET", f"{URL}/{walks['day'].id}/restitution.pdf").status_code == 403
    assert api("coordinator", "GET", f"{URL}/999999/restitution.pdf").status_code == 404
    assert api(None, "GET", f"{URL}/{walks['day'].id}/restitution.pdf").status_code == 401


# --- malformed input -----------------------------------------------------------------------------

def _write_routes(w, walks):
    from gup.walks.schemas import WalkthroughIn, WalkthroughPatchIn

    return [("POST", URL, _body(w, walks["day"]), sorted(WalkthroughIn().fields)),
            ("PATCH", f"{URL}/{walks['day'].id}", {}, sorted(WalkthroughPatchIn().fields))]


def test_one_malformed_body_per_write_route(api, w, walks):
    """The HTTP smoke request of the schema-level fuzzing (tests/test_schema_fuzz.py): every field spoiled at
    once, on each write route, is a JSON 4xx."""
    for method, url, valid, fields in _write_routes(w, walks):
        body = {**valid, **{field: value for field, value in zip(fields, SPOILED * len(fields), strict=True)}}
        response = api("coordinator", method, url, json=body)
        assert 400 <= response.status_code < 500 and response.is_json, (method, url, response.status_code)


@pytest.mark.slow
def test_malformed_fields_never_give_500(api, w, walks):
    from gup.walks.schemas import StopIn

    routes = _write_routes(w, walks)
    failures = []
    for method, url, valid, fields in routes:
        for field in [*fields, "unknown_field"]:
            for value in BAD_VALUES:
                response = api("coordinator", method, url, json={**valid, field: value})
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{method} {field}={str(value)[:30]!r}: {response.status_code}")
        for field in sorted(StopIn().fields):
            for value in BAD_VALUES:
                response = api("coordinator", method, url, json={**valid, "stops": [{"name": "x", field: value}]})
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{method} stops.{field}={str(value)[:30]!r}: {response.status_code}")
        for raw in RAW_BODIES:
            response = api("coordinator", method, url, data=raw, content_type="application/json")
            if not 400 <= response.status_code < 500:
                failures.append(f"{method} raw {raw[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])
    assert _count(RouteStop) >= 2


def test_malformed_query_strings_never_give_500(api, w):
    failures = []
    for name in [*["agreement_id", "neighbourhood_id", "kind", "status"], "page", "page_size", "unknown"]:
        for value in BAD_QUERY_VALUES:
            response = api("referent1", "GET", f"{URL}?{name}={value}")
            if response.status_code >= 500 or not response.is_json:
                failures.append(f"{name}={value[:30]}: {response.status_code}")
    assert not failures
