"""/api/v1/agreements: list, detail, create and edit, through the policy and the services."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from gup.agreements.models import Agreement, AgreementStatus, Amendment
from gup.extensions import db
from gup.territory.models import TerritoryKind

URL = "/api/v1/agreements"


def _body(**overrides):
    body = {"reference": "GUP-2026-01", "title": "Convention GUP des Tilleuls", "kind": "site",
            "start_on": "2026-01-01", "end_on": "2031-12-31"}
    body.update(overrides)
    return body


# --- list ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "sees"), [("coordinator", True), ("other_coordinator", True),
                                            ("referent1", True), ("referent2", True), ("outsider", False),
                                            ("observer", True), ("admin", True)])
def test_list_is_scoped_by_the_policy(api, w, role, sees):
    response = api(role, "GET", URL)
    assert response.status_code == 200
    assert [a["id"] for a in response.json] == ([w["agreement"].id] if sees else [])
    assert json.loads(response.headers["X-Pagination"])["total"] == (1 if sees else 0)


def test_list_filters(api, w, f):
    f.make_agreement(coordinators=[w["coordinator"]], reference="GUP-ARCHIVE", title="Ancienne convention",
                     status=AgreementStatus.ENDED, start_on=date(2015, 1, 1), end_on=date(2020, 12, 31))
    db.session.commit()
    assert [a["reference"] for a in api("coordinator", "GET", f"{URL}?status=ended").json] == ["GUP-ARCHIVE"]
    assert [a["reference"] for a in api("coordinator", "GET", f"{URL}?q=ancienne").json] == ["GUP-ARCHIVE"]
    assert len(api("coordinator", "GET", URL).json) == 2
    row = api("coordinator", "GET", f"{URL}?status=in_force").json[0]
    assert row["status"] == "in_force" and row["kind"] == "framework"
    assert row["effective_end_on"] == "2030-12-31" and row["is_extended"] is False
    response = api("coordinator", "GET", f"{URL}?status=archived")
    assert response.status_code == 422 and "status" in response.json["errors"]["query"]


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    with count_queries() as one:
        assert len(api("observer", "GET", f"{URL}?page_size=50").json) == 1
    for _ in range(30):
        agreement = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["town"]])
        f.make_signatory(agreement, w["town"])
        db.session.add(Amendment(agreement=agreement, number=1, signed_on=date(2026, 1, 1), subject="Avenant",
                                 new_end_on=date(2031, 6, 30)))
    db.session.commit()
    with count_queries() as many:
        assert len(api("observer", "GET", f"{URL}?page_size=50").json) == 31
    assert len(one) == len(many)


def test_huge_page_number_is_an_empty_page(api, w):
    response = api("observer", "GET", f"{URL}?page=99999999999999999999")
    assert response.status_code == 200 and response.json == []


# --- detail --------------------------------------------------------------------------------------

def test_detail(api, w, f):
    agreement = w["agreement"]
    f.make_signatory(agreement, w["town"], signed_on=date(2025, 1, 10))
    db.session.add(Amendment(agreement=agreement, number=1, signed_on=date(2030, 6, 1), subject="Prolongation",
                             new_end_on=date(2032, 12, 31)))
    qpv = f.make_territory(TerritoryKind.NEIGHBOURHOOD, qpv_code="QN00001X")
    agreement.territories = [qpv]
    agreement.themes = [f.theme("cleanliness"), f.theme("waste")]
    db.session.commit()
    response = api("referent2", "GET", f"{URL}/{agreement.id}")
    assert response.status_code == 200
    body = response.json
    assert body["reference"] == agreement.reference and body["status"] == "in_force"
    assert body["end_on"] == "2030-12-31"
    assert body["effective_end_on"] == "2032-12-31" and body["is_extended"] is True
    assert body["midterm_evaluation_on"] == "2028-01-01"
    assert body["territory_ids"] == [qpv.id]
    assert body["theme_codes"] == ["cleanliness", "waste"]
    assert [p["organisation"]["name"] for p in body["partners"]] == ["Ville de Test", "Bailleur Un", "Bailleur Deux"]
    assert body["signatories"][0]["organisation"]["name"] == "Ville de Test"
    assert body["signatories"][0]["signed_on"] == "2025-01-10"
    assert body["amendments"] == [{"id": agreement.amendments[0].id, "number": 1, "signed_on": "2030-06-01",
                                   "subject": "Prolongation", "new_end_on": "2032-12-31"}]
    assert [c["id"] for c in body["coordinators"]] == [w["coordinator"].id]


def test_detail_refused_to_outsiders_and_unknown_is_404(api, w):
    response = api("outsider", "GET", f"{URL}/{w['agreement'].id}")
    assert response.status_code == 403 and response.json["code"] == 403
    response = api("admin", "GET", f"{URL}/999999")
    assert response.status_code == 404 and response.is_json


# --- create --------------------------------------------------------------------------------------

def test_coordinator_creates_a_draft(api, w, f):
    qpv = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    theme = f.theme("green_spaces")
    db.session.commit()
    response = api("other_coordinator", "POST", URL, json=_body(
        territory_ids=[qpv.id], theme_ids=[theme.id], predecessor_id=None, city_contract="CV 2024-2030",
        midterm_on="2029-01-15"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "draft" and body["kind"] == "site"
    assert body["territory_ids"] == [qpv.id] and body["theme_codes"] == ["green_spaces"]
    assert body["midterm_evaluation_on"] == "2029-01-15" and body["city_contract"] == "CV 2024-2030"
    assert [c["id"] for c in body["coordinators"]] == [w["other_coordinator"].id]
    assert db.session.get(Agreement, body["id"]).title == "Convention GUP des Tilleuls"
    # the creator now reads it
    assert api("other_coordinator", "GET", f"{URL}/{body['id']}").status_code == 200


@pytest.mark.parametrize("role", ["referent1", "observer", "admin", "outsider"])
def test_only_coordinators_create(api, w, role):
    assert api(role, "POST", URL, json=_body()).status_code == 403
    # refused before the body is even read
    assert api(role, "POST", URL, json={"title": 5}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1


def test_create_validation_names_the_fields(api, w):
    response = api("coordinator", "POST", URL, json={"title": "", "kind": "galaxy", "start_on": "31/12/2026"})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert {"reference", "title", "kind", "start_on", "end_on"} <= set(errors)


def test_create_end_before_start_is_400_on_end_on(api, w):
    response = api("coordinator", "POST", URL, json=_body(start_on="2026-01-01", end_on="2025-01-01"))
    assert response.status_code == 400
    assert "end_on" in response.json["errors"]


def test_create_duplicate_reference_is_400(api, w):
    response = api("coordinator", "POST", URL, json=_body(reference=w["agreement"].reference))
    assert response.status_code == 400 and "reference" in response.json["errors"]


@pytest.mark.parametrize(("field", "value"), [("theme_ids", [99999]), ("territory_ids", [1, 99999]),
                                              ("predecessor_id", 99999)])
def test_create_unknown_references_are_422(api, w, field, value):
    response = api("coordinator", "POST", URL, json=_body(**{field: value}))
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert "99999" in response.json["errors"]["json"][field][0]


def test_predecessor_must_be_readable(api, w, f):
    hidden = f.make_agreement(reference="GUP-AILLEURS")
    db.session.commit()
    response = api("coordinator", "POST", URL, json=_body(predecessor_id=hidden.id))
    assert response.status_code == 422 and "predecessor_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", URL, json=_body(predecessor_id=w["agreement"].id))
    assert response.status_code == 201 and response.json["predecessor_id"] == w["agreement"].id


# --- edit ----------------------------------------------------------------------------------------

def test_coordinator_edits_some_fields(api, w):
    agreement = w["agreement"]
    response = api("coordinator", "PATCH", f"{URL}/{agreement.id}", json={"title": "Nouveau titre",
                                                                          "midterm_on": "2028-06-30"})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Nouveau titre" and response.json["midterm_on"] == "2028-06-30"
    assert response.json["reference"] == agreement.reference and response.json["end_on"] == "2030-12-31"
    db.session.refresh(agreement)
    assert agreement.title == "Nouveau titre"
    response = api("coordinator", "PATCH", f"{URL}/{agreement.id}", json={"midterm_on": None})
    assert response.json["midterm_on"] is None and response.json["midterm_evaluation_on"] == "2028-01-01"


@pytest.mark.parametrize("role", ["other_coordinator", "referent1", "observer", "admin", "outsider"])
def test_others_cannot_edit(api, w, role):
    response = api(role, "PATCH", f"{URL}/{w['agreement'].id}", json={"title": "Piratage"})
    assert response.status_code == 403
    db.session.refresh(w["agreement"])
    assert w["agreement"].title != "Piratage"


def test_edit_errors(api, w, f):
    agreement = w["agreement"]
    url = f"{URL}/{agreement.id}"
    assert api("coordinator", "PATCH", f"{URL}/999999", json={}).status_code == 404
    response = api("coordinator", "PATCH", url, json={"title": None, "reference": "x" * 61})
    assert response.status_code == 422 and {"title", "reference"} <= set(response.json["errors"]["json"])
    response = api("coordinator", "PATCH", url, json={"end_on": "2024-01-01"})
    assert response.status_code == 400 and "end_on" in response.json["errors"]
    response = api("coordinator", "PATCH", url, json={"predecessor_id": agreement.id})
    assert response.status_code == 400 and "predecessor_id" in response.json["errors"]
    other = f.make_agreement(coordinators=[w["coordinator"]], reference="GUP-AUTRE")
    db.session.commit()
    response = api("coordinator", "PATCH", url, json={"reference": "GUP-AUTRE"})
    assert response.status_code == 400 and "reference" in response.json["errors"]
    # nothing of the refused edits stuck
    db.session.refresh(agreement)
    assert agreement.end_on == date(2030, 12, 31) and agreement.predecessor_id is None
    assert agreement.reference != other.reference


def test_status_follows_the_lifecycle(api, w, f):
    draft = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["town"]],
                             status=AgreementStatus.DRAFT)
    db.session.commit()
    url = f"{URL}/{draft.id}"
    response = api("coordinator", "PATCH", url, json={"status": "signed", "title": "Signée ?"})
    assert response.status_code == 409
    assert "status" in response.json["errors"]
    db.session.refresh(draft)
    assert draft.status is AgreementStatus.DRAFT and draft.title != "Signée ?"
    f.make_signatory(draft, w["town"], signed_on=date(2025, 1, 10))
    db.session.commit()
    response = api("coordinator", "PATCH", url, json={"status": "signed"})
    assert response.status_code == 200 and response.json["status"] == "signed"
    assert response.json["signed_on"] == "2025-01-10"
    assert api("coordinator", "PATCH", url, json={"status": "ended"}).status_code == 409
