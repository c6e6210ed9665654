"""GET /api/v1/organisations and /api/v1/neighbourhoods: readable by every authenticated user."""

from __future__ import annotations

import json

import pytest

from gup.extensions import db
from gup.organisations.models import OrganisationKind
from gup.territory.models import TerritoryKind


def test_organisations_list_is_paginated(api, w, f):
    for n in range(30):
        f.make_organisation(name=f"Association {n:02d}", kind=OrganisationKind.ASSOCIATION)
    db.session.commit()
    response = api("referent2", "GET", "/api/v1/organisations?page_size=10&page=2")
    assert response.status_code == 200
    assert len(response.json) == 10
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 34 and meta["page"] == 2 and meta["total_pages"] == 4
    first = response.json[0]
    assert set(first) == {"id", "code", "name", "kind", "is_active"}


def test_organisations_filter_by_kind_and_search(api, w):
    body = api("observer", "GET", "/api/v1/organisations?kind=municipality").json
    assert [o["name"] for o in body] == ["Ville de Test"]
    body = api("observer", "GET", "/api/v1/organisations?kind=housing_provider&q=deux").json
    assert [o["name"] for o in body] == ["Bailleur Deux"]


def test_organisations_bad_filter_is_422(api, w):
    response = api("observer", "GET", "/api/v1/organisations?kind=castle")
    assert response.status_code == 422
    assert "kind" in response.json["errors"]["query"]
    response = api("observer", "GET", "/api/v1/organisations?page_size=1000")
    assert response.status_code == 422
    assert "page_size" in response.json["errors"]["query"]


def test_organisation_detail_and_404(api, w):
    response = api("outsider", "GET", f"/api/v1/organisations/{w['hp1'].id}")
    assert response.status_code == 200 and response.json["name"] == "Bailleur Un"
    assert response.json["kind"] == "housing_provider"
    assert api("outsider", "GET", "/api/v1/organisations/999999").status_code == 404


@pytest.fixture
def tree(f, w):
    qpv = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls", qpv_code="QN08601M")
    other = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Centre ancien")
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=qpv, name="Résidence A",
                                 housing_provider_id=w["hp1"].id)
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence, name="Bâtiment 1",
                                housing_provider_id=w["hp1"].id)
    stairs = [f.make_territory(TerritoryKind.STAIRWELL, parent=building, name=f"Cage {n}") for n in (2, 1)]
    db.session.commit()
    return {"qpv": qpv, "other": other, "residence": residence, "building": building, "stairs": stairs}


def test_neighbourhoods_list(api, tree):
    response = api("referent1", "GET", "/api/v1/neighbourhoods")
    assert response.status_code == 200
    assert [n["name"] for n in response.json] == ["Centre ancien", "Les Tilleuls"]
    tilleuls = response.json[1]
    assert tilleuls["qpv_code"] == "QN08601M" and tilleuls["is_qpv"] is True
    assert "children" not in tilleuls
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    assert [n["name"] for n in api("referent1", "GET", "/api/v1/neighbourhoods?qpv=true").json] == ["Les Tilleuls"]
    assert [n["name"] for n in api("referent1", "GET", "/api/v1/neighbourhoods?qpv=false").json] == ["Centre ancien"]


def test_neighbourhood_tree(api, tree, w):
    response = api("outsider", "GET", f"/api/v1/neighbourhoods/{tree['qpv'].id}")
    assert response.status_code == 200
    body = response.json
    assert body["name"] == "Les Tilleuls" and body["qpv_code"] == "QN08601M"
    [residence] = body["children"]
    assert residence["kind"] == "residence" and residence["housing_provider_id"] == w["hp1"].id
    [building] = residence["children"]
    assert building["kind"] == "building" and building["housing_provider_id"] == w["hp1"].id
    assert [s["name"] for s in building["children"]] == ["Cage 1", "Cage 2"]
    assert all(s["kind"] == "stairwell" and s["children"] == [] for s in building["children"])


def test_neighbourhood_tree_loads_level_by_level(api, tree, f, count_queries):
    url = f"/api/v1/neighbourhoods/{tree['qpv'].id}"
    with count_queries() as small:
        assert api("admin", "GET", url).status_code == 200
    for n in range(10):
        building = f.make_territory(TerritoryKind.BUILDING, parent=tree["residence"], name=f"Bâtiment x{n}")
        for m in range(3):
            f.make_territory(TerritoryKind.STAIRWELL, parent=building, name=f"Cage x{n}-{m}")
    db.session.commit()
    with count_queries() as large:
        response = api("admin", "GET", url)
    assert len(response.json["children"][0]["children"]) == 11
    # token and its user, the neighbourhood, then one query per level below it, whatever the width
    assert len(small) == len(large) <= 7


def test_only_neighbourhoods_have_a_tree(api, tree):
    assert api("admin", "GET", f"/api/v1/neighbourhoods/{tree['residence'].id}").status_code == 404
    assert api("admin", "GET", "/api/v1/neighbourhoods/999999").status_code == 404
