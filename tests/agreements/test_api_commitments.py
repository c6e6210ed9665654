"""/api/v1/commitments: list, detail, create, edit and progress updates, through the policy and the services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gup.agreements.models import Commitment, CommitmentStatus, CommitmentUpdate, FundingSource
from gup.extensions import db
from gup.i18n import local_today
from gup.organisations.models import OrganisationKind

URL = "/api/v1/commitments"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def ids_field(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [c["id"] for c in response.json]


def _body(w, f, **overrides):
    body = {"agreement_id": w["agreement"].id, "organisation_id": w["hp1"].id, "theme_id": f.theme("waste").id,
            "title": "Enlèvement des encombrants chaque semaine"}
    body.update(overrides)
    return body


# --- list ----------------------------------------------------------------------------------------

@pytest.fixture
def dated(w, f):
    """c1 overdue, c2 due in the future, c3 overdue but fulfilled, in a second theme."""
    today = local_today()
    w["c1"].due_on = today - timedelta(days=10)
    w["c2"].due_on = today + timedelta(days=100)
    c3 = f.make_commitment(w["agreement"], w["hp2"], due_on=today - timedelta(days=30),
                           status=CommitmentStatus.FULFILLED, theme=f.theme("green_spaces"))
    db.session.commit()
    return {"c1": w["c1"].id, "c2": w["c2"].id, "c3": c3.id}


def test_list_filters(api, w, dated):
    assert ids_field(api("referent1", "GET", URL)) == [dated["c3"], dated["c1"], dated["c2"]]
    assert ids_field(api("referent1", "GET", f"{URL}?overdue=true")) == [dated["c1"]]
    assert ids_field(api("referent1", "GET", f"{URL}?overdue=false")) == [dated["c3"], dated["c2"]]
    assert ids_field(api("referent1", "GET", f"{URL}?organisation_id={w['hp2'].id}")) == [dated["c3"], dated["c2"]]
    assert ids_field(api("referent1", "GET", f"{URL}?status=fulfilled")) == [dated["c3"]]
    assert ids_field(api("referent1", "GET", f"{URL}?theme_id={w['c1'].theme_id}&overdue=false")) == [dated["c2"]]
    assert ids_field(api("referent1", "GET", f"{URL}?agreement_id={w['agreement'].id}&status=agreed")) == \
        [dated["c1"], dated["c2"]]
    assert ids_field(api("referent1", "GET", f"{URL}?agreement_id=999999")) == []


def test_list_rows(api, w, dated):
    row = api("referent2", "GET", f"{URL}?overdue=true").json[0]
    assert row["is_overdue"] is True and row["is_closed"] is False
    assert row["organisation"]["name"] == "Bailleur Un" and row["partner_id"] == w["c1"].partner_id
    assert row["agreement"]["reference"] == w["agreement"].reference
    assert row["theme"]["code"] == "cleanliness" and row["status"] == "agreed"
    assert row["planned_operating_amount"] == "1000.00" and row["planned_total"] == "1000.00"
    assert row["planned_investment_amount"] is None and row["funding_source"] == "mainstream"


@pytest.mark.parametrize("query", ["overdue=maybe", "status=done", "agreement_id=abc", "theme_id=-1",
                                   "organisation_id=99999999999999999999", "page=0"])
def test_list_bad_filters_are_422_naming_them(api, w, query):
    response = api("referent1", "GET", f"{URL}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]["query"]


@pytest.mark.parametrize(("role", "sees"), [("coordinator", True), ("referent2", True), ("observer", True),
                                            ("admin", True), ("outsider", False), ("other_coordinator", True)])
def test_list_is_scoped_by_the_policy(api, w, role, sees):
    expected = sorted([w["c1"].id, w["c2"].id]) if sees else []
    assert sorted(ids_field(api(role, "GET", URL))) == expected


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    small = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
    f.make_commitment(small, w["hp1"])
    large = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["hp2"], w["town"]])
    for n in range(30):
        f.make_commitment(large, (w["hp1"], w["hp2"], w["town"])[n % 3],
                          theme=f.theme(("waste", "parking", "roads", "green_spaces")[n % 4]))
    db.session.commit()
    urls = [f"{URL}?agreement_id={agreement.id}&page_size=50" for agreement in (small, large)]
    api("coordinator", "GET", "/api/v1/me")  # the token's user is then in the session, as for both calls below
    with count_queries() as one:
        assert len(api("coordinator", "GET", urls[0]).json) == 1
    with count_queries() as thirty:
        response = api("coordinator", "GET", urls[1])
    assert len(response.json) == 30
    assert json.loads(response.headers["X-Pagination"])["total"] == 30
    assert len(one) == len(thirty)


# --- detail --------------------------------------------------------------------------------------

def test_detail(api, w):
    response = api("observer", "GET", f"{URL}/{w['c2'].id}")
    assert response.status_code == 200
    assert response.json["organisation"]["name"] == "Bailleur Deux"
    assert response.json["due_on"] == "2027-06-30"


def test_detail_refused_to_outsider_and_404(api, w):
    assert api("outsider", "GET", f"{URL}/{w['c1'].id}").status_code == 403
    assert api("outsider", "GET", f"{URL}/{w['c1'].id}/updates").status_code == 403
    assert api("coordinator", "GET", f"{URL}/999999").status_code == 404
    assert api("coordinator", "GET", f"{URL}/999999/updates").status_code == 404


# --- create --------------------------------------------------------------------------------------

def test_coordinator_creates_for_any_partner(api, w, f):
    response = api("coordinator", "POST", URL, json=_body(
        w, f, organisation_id=w["hp2"].id, due_on="2027-03-31", planned_operating_amount="1500.5",
        planned_investment_amount=2000, indicator_label="Tonnes collectées", indicator_target="-12.5"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "proposed" and body["progress"] == 0
    assert body["organisation"]["id"] == w["hp2"].id
    assert body["reference"].startswith("ENG-")
    assert body["planned_operating_amount"] == "1500.50" and body["planned_investment_amount"] == "2000.00"
    assert body["planned_total"] == "3500.50" and body["indicator_target"] == "-12.50"
    assert body["due_on"] == "2027-03-31"
    assert db.session.get(Commitment, body["id"]).title == "Enlèvement des encombrants chaque semaine"


def test_referent_creates_for_own_organisation_only(api, w, f):
    response = api("referent1", "POST", URL, json=_body(w, f, partner_id=w["c1"].partner_id,
                                                        organisation_id=None))
    assert response.status_code == 422  # organisation_id may be left out, not null
    body = _body(w, f, partner_id=w["c1"].partner_id)
    del body["organisation_id"]
    response = api("referent1", "POST", URL, json=body)
    assert response.status_code == 201, response.json
    assert response.json["organisation"]["id"] == w["hp1"].id
    before = _count(Commitment)
    response = api("referent1", "POST", URL, json=_body(w, f, organisation_id=w["hp2"].id))
    assert response.status_code == 403 and response.json["code"] == 403
    assert _count(Commitment) == before


@pytest.mark.parametrize("role", ["observer", "admin", "outsider", "other_coordinator"])
def test_create_refused(api, w, f, role):
    before = _count(Commitment)
    assert api(role, "POST", URL, json=_body(w, f)).status_code == 403
    assert _count(Commitment) == before
    db.session.expire_all()
    assert len(w["agreement"].commitments) == 2


def test_create_validation_names_the_fields(api, w, f):
    response = api("coordinator", "POST", URL, json={"title": "   ", "progress": 101, "due_on": "demain",
                                                     "planned_operating_amount": "-5", "funding_source": "gold"})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert {"agreement_id", "theme_id", "title", "progress", "due_on", "planned_operating_amount",
            "funding_source"} <= set(errors)
    response = api("coordinator", "POST", URL, json={"agreement_id": w["agreement"].id, "theme_id": 1, "title": "x"})
    assert response.status_code == 422 and "partner_id" in response.json["errors"]["json"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"theme_id": 99999}, "theme_id"),
    ({"agreement_id": 99999}, "agreement_id"),
    ({"organisation_id": 99999}, "organisation_id"),
    ({"partner_id": 99999}, "partner_id"),
])
def test_create_unknown_references_are_422(api, w, f, overrides, field):
    response = api("coordinator", "POST", URL, json=_body(w, f, **overrides))
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_partner_of_another_agreement_is_422(api, w, f):
    other = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
    db.session.commit()
    foreign_partner = other.partners[0].id
    body = _body(w, f, partner_id=foreign_partner)
    del body["organisation_id"]
    response = api("coordinator", "POST", URL, json=body)
    assert response.status_code == 422 and "partner_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", URL, json=_body(w, f, organisation_id=w["outsider_org"].id))
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", URL, json=_body(w, f, partner_id=w["c2"].partner_id))
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]["json"]


def test_create_business_rules_are_400_naming_the_field(api, w, f):
    response = api("coordinator", "POST", URL, json=_body(w, f, funding_source="tfpb"))
    assert response.status_code == 400 and "tfpb_axis" in response.json["errors"]
    response = api("coordinator", "POST", URL, json=_body(w, f, organisation_id=w["town"].id,
                                                          funding_source="tfpb", tfpb_axis="staff_presence"))
    assert response.status_code == 400 and "funding_source" in response.json["errors"]
    response = api("coordinator", "POST", URL, json=_body(w, f, reference=w["c1"].reference))
    assert response.status_code == 400 and "reference" in response.json["errors"]
    response = api("coordinator", "POST", URL, json=_body(w, f, funding_source="tfpb", tfpb_axis="staff_presence"))
    assert response.status_code == 201
    assert response.json["tfpb_axis"] == "staff_presence"
    assert w["town"].kind is OrganisationKind.MUNICIPALITY


# --- edit ----------------------------------------------------------------------------------------

def test_referent_edits_own_commitment_only(api, w):
    response = api("referent2", "PATCH", f"{URL}/{w['c1'].id}", json={"title": "Pas à moi"})
    assert response.status_code == 403
    response = api("referent2", "PATCH", f"{URL}/{w['c1'].id}", json={"title": 12})
    assert response.status_code == 403  # refused before the body is read
    response = api("referent2", "PATCH", f"{URL}/{w['c2'].id}", json={"title": "Le mien", "progress": 40,
                                                                      "planned_operating_amount": None})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Le mien" and response.json["progress"] == 40
    assert response.json["planned_operating_amount"] is None
    db.session.refresh(w["c1"])
    assert w["c1"].title != "Pas à moi"


@pytest.mark.parametrize("role", ["observer", "admin", "outsider", "other_coordinator"])
def test_edit_refused(api, w, role):
    assert api(role, "PATCH", f"{URL}/{w['c1'].id}", json={"title": "Non"}).status_code == 403


def test_coordinator_edits_and_moves_status(api, w):
    url = f"{URL}/{w['c1'].id}"
    response = api("coordinator", "PATCH", url, json={"status": "in_progress", "due_on": None})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "in_progress" and response.json["due_on"] is None
    response = api("coordinator", "PATCH", url, json={"status": "fulfilled"})
    assert response.json["status"] == "fulfilled" and response.json["progress"] == 100


def test_invalid_transition_is_409_and_changes_nothing(api, w):
    response = api("referent1", "PATCH", f"{URL}/{w['c1'].id}", json={"status": "proposed", "title": "Retour"})
    assert response.status_code == 409
    assert response.json["code"] == 409 and "status" in response.json["errors"]
    db.session.refresh(w["c1"])
    assert w["c1"].status is CommitmentStatus.AGREED and w["c1"].title != "Retour"


def test_moving_to_another_partner_needs_rights_on_it(api, w, f):
    url = f"{URL}/{w['c1'].id}"
    assert api("referent1", "PATCH", url, json={"organisation_id": w["hp2"].id}).status_code == 403
    response = api("coordinator", "PATCH", url, json={"organisation_id": w["hp2"].id})
    assert response.status_code == 200 and response.json["organisation"]["id"] == w["hp2"].id
    response = api("coordinator", "PATCH", url, json={"organisation_id": w["outsider_org"].id})
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]["json"]


def test_edit_errors(api, w):
    url = f"{URL}/{w['c1'].id}"
    assert api("coordinator", "PATCH", f"{URL}/999999", json={}).status_code == 404
    response = api("coordinator", "PATCH", url, json={"reference": w["c2"].reference})
    assert response.status_code == 400 and "reference" in response.json["errors"]
    response = api("coordinator", "PATCH", url, json={"theme_id": 99999})
    assert response.status_code == 422 and "theme_id" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"reference": None, "title": None, "agreement_id": 1})
    assert response.status_code == 422
    assert {"reference", "title", "agreement_id"} <= set(response.json["errors"]["json"])
    response = api("coordinator", "PATCH", url, json={"funding_source": "tfpb"})
    assert response.status_code == 400 and "tfpb_axis" in response.json["errors"]
    db.session.refresh(w["c1"])
    assert w["c1"].funding_source is FundingSource.MAINSTREAM


# --- progress updates ----------------------------------------------------------------------------

def test_referent_adds_an_update_to_own_commitment(api, w):
    url = f"{URL}/{w['c1'].id}/updates"
    response = api("referent1", "POST", url, json={"note": "Passage hebdomadaire en place.", "progress": 30,
                                                   "status": "in_progress"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["note"] == "Passage hebdomadaire en place." and body["progress"] == 30
    assert body["status"] == "in_progress" and body["author"]["id"] == w["referent1"].id
    assert body["commitment_id"] == w["c1"].id and body["created_at"].endswith("+00:00")
    db.session.refresh(w["c1"])
    assert w["c1"].progress == 30 and w["c1"].status is CommitmentStatus.IN_PROGRESS
    api("referent1", "POST", url, json={"note": "Deuxième point."})
    listed = api("observer", "GET", url)
    assert listed.status_code == 200
    assert [u["note"] for u in listed.json] == ["Deuxième point.", "Passage hebdomadaire en place."]


def test_other_referent_cannot_add_an_update(api, w):
    url = f"{URL}/{w['c1'].id}/updates"
    assert api("referent2", "POST", url, json={"note": "Pas à moi"}).status_code == 403
    assert api("referent2", "POST", url, json={}).status_code == 403
    assert api("referent2", "POST", f"{URL}/{w['c2'].id}/updates", json={"note": "À moi"}).status_code == 201


@pytest.mark.parametrize("role", ["observer", "admin", "outsider", "other_coordinator"])
def test_update_refused(api, w, role):
    assert api(role, "POST", f"{URL}/{w['c1'].id}/updates", json={"note": "Non"}).status_code == 403
    assert _count(CommitmentUpdate) == 0


def test_update_errors(api, w):
    url = f"{URL}/{w['c1'].id}/updates"
    response = api("coordinator", "POST", url, json={"progress": 150, "status": "nope"})
    assert response.status_code == 422
    assert {"note", "progress", "status"} <= set(response.json["errors"]["json"])
    response = api("coordinator", "POST", url, json={"note": "   "})
    assert response.status_code == 422 and "note" in response.json["errors"]["json"]
    response = api("coordinator", "POST", url, json={"note": "Retour arrière", "progress": 10, "status": "proposed"})
    assert response.status_code == 409 and "status" in response.json["errors"]
    assert api("coordinator", "POST", f"{URL}/999999/updates", json={"note": "x"}).status_code == 404
    assert _count(CommitmentUpdate) == 0
    db.session.refresh(w["c1"])
    assert w["c1"].progress == 0
