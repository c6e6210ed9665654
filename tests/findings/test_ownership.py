"""Fields only the coordination sets on a finding (issue 8, point 3): one policy rule for the form and the API."""

from __future__ import annotations

import pytest

from gup.extensions import db
from gup.findings.models import Finding

URL = "/api/v1/findings"


@pytest.fixture
def body(w, f):
    return {"agreement_id": w["agreement"].id, "theme_id": f.theme().id, "description": "Porte du hall cassée",
            "land_ownership": "housing_provider"}


@pytest.mark.parametrize(("field", "value"), [("responsible_organisation_id", "hp2"),
                                              ("routing_reason", "Parce que"), ("due_on", "2026-12-24")])
def test_referent_cannot_set_coordination_fields_through_the_api(api, w, body, field, value):
    value = w[value].id if value in w else value
    response = api("referent1", "POST", URL, json={**body, field: value})
    assert response.status_code == 403
    assert list(response.json["errors"]) == [field] and field in response.json["message"]
    assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0


def test_coordinator_sets_them_and_a_null_is_no_choice(api, w, body):
    response = api("coordinator", "POST", URL, json={**body, "responsible_organisation_id": w["hp2"].id,
                                                      "due_on": "2026-12-24"})
    assert response.status_code == 201, response.json
    assert response.json["responsible_organisation"]["id"] == w["hp2"].id and response.json["due_on"] == "2026-12-24"
    assert api("referent1", "POST", URL, json={**body, "responsible_organisation_id": None}).status_code == 201


def test_referent_cannot_route_through_patch(api, w, f):
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    for change in ({"responsible_organisation_id": w["hp2"].id, "reason": "x"}, {"due_on": "2027-01-01"}):
        assert api("referent1", "PATCH", f"{URL}/{finding.id}", json=change).status_code == 403
    assert db.session.get(Finding, finding.id).responsible_organisation_id == w["hp1"].id


def test_the_form_withholds_the_same_fields(client, w, login):
    login(w["referent1"])
    html = client.get(f"/agreements/{w['agreement'].id}/findings/new").get_data(as_text=True)
    assert 'name="responsible_organisation_id"' not in html and 'name="reason"' not in html
    login(w["coordinator"])
    html = client.get(f"/agreements/{w['agreement'].id}/findings/new").get_data(as_text=True)
    assert 'name="responsible_organisation_id"' in html and 'name="reason"' in html
