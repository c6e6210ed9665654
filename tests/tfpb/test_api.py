"""/api/v1/tfpb-actions: list with filters, get, create, update; documented in the OpenAPI document."""

from __future__ import annotations

from datetime import date

from gup.agreements.models import FundingSource
from gup.extensions import db
from gup.tfpb.models import TfpbAction

URL = "/api/v1/tfpb-actions"


def _body(w, tfpb, **overrides):
    body = {"agreement_id": w["agreement"].id, "provider_id": w["hp1"].id, "neighbourhood_id": tfpb["clos"].id,
            "axis_code": "minor_service_works", "year": 2025, "title": "Peinture des cages",
            "valued_amount": "3200.50"}
    body.update(overrides)
    return body


def test_list_filters(api, w, tfpb):
    everything = api("coordinator", "GET", URL).json
    assert len(everything) == 6
    by_provider = api("coordinator", "GET", f"{URL}?provider_id={w['hp2'].id}").json
    assert [a["title"] for a in by_provider] == ["Médiation de nuit"]
    of_2024 = api("observer", "GET", f"{URL}?year=2024&agreement_id={w['agreement'].id}").json
    assert [(a["title"], a["year"], a["valued_amount"]) for a in of_2024] == [("Gardien 2024", 2024, "9000.00")]
    assert of_2024[0]["axis"]["number"] == 1 and of_2024[0]["neighbourhood"]["qpv_code"] == "QN07901M"
    assert api("coordinator", "GET", f"{URL}?year=abc").status_code == 422
    assert api("other_coordinator", "GET", URL).json == []


def test_get_one(api, w, tfpb):
    response = api("referent1", "GET", f"{URL}/{tfpb['a1'].id}")
    assert response.status_code == 200
    assert response.json["provider"]["name"] == "Bailleur Un" and response.json["axis"]["label"] == "Sur-entretien"
    assert api("referent1", "GET", f"{URL}/999999").status_code == 404


def test_a_referent_creates_their_own_record(api, w, tfpb):
    response = api("referent1", "POST", URL, json=_body(w, tfpb))
    assert response.status_code == 201, response.json
    assert response.json["valued_amount"] == "3200.50" and response.json["axis"]["code"] == "minor_service_works"
    assert db.session.get(TfpbAction, response.json["id"]).provider_id == w["hp1"].id
    assert api("referent1", "POST", URL, json=_body(w, tfpb, provider_id=w["hp2"].id)).status_code == 403
    assert api("observer", "POST", URL, json=_body(w, tfpb)).status_code == 403


def test_bad_bodies_get_clear_errors(api, w, tfpb):
    response = api("coordinator", "POST", URL, json=_body(w, tfpb, axis_code="unknown"))
    assert response.status_code == 400 and response.json["errors"]["axis_code"] == ["Axe TFPB inconnu."]
    response = api("coordinator", "POST", URL, json=_body(w, tfpb, neighbourhood_id=999999))
    assert response.status_code == 422 and "neighbourhood_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", URL, json=_body(w, tfpb, year=1800))
    assert response.status_code == 422 and "year" in response.json["errors"]["json"]
    body = _body(w, tfpb)
    del body["valued_amount"]
    assert api("coordinator", "POST", URL, json=body).status_code == 422


def test_update_and_commitment_link(api, w, f, tfpb):
    commitment = f.make_commitment(w["agreement"], w["hp1"], funding_source=FundingSource.TFPB,
                                   tfpb_axis="enhanced_maintenance", due_on=date(2026, 6, 30))
    db.session.commit()
    url = f"{URL}/{tfpb['a1'].id}"
    response = api("referent1", "PATCH", url, json={"valued_amount": "21000.00", "commitment_id": commitment.id})
    assert response.status_code == 200 and response.json["valued_amount"] == "21000.00"
    assert response.json["commitment_id"] == commitment.id
    other = f.make_commitment(w["agreement"], w["hp2"])
    db.session.commit()
    response = api("coordinator", "PATCH", url, json={"commitment_id": other.id})
    assert response.status_code == 400 and "commitment_id" in response.json["errors"]


def test_the_openapi_document_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths[URL]) >= {"get", "post"} and set(paths[URL + "/{tfpb_action_id}"]) >= {"get", "patch"}
    params = {p["name"] for p in paths[URL]["get"]["parameters"]}
    assert {"agreement_id", "provider_id", "year"} <= params
