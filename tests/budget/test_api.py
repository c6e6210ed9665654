"""/api/v1/budget-campaigns: campaigns, projects and results, through the policy, without authors' contact."""

from __future__ import annotations

import json

from gup.budget import services
from gup.budget.models import PBPhase
from gup.extensions import db
from gup.territory.models import TerritoryKind
from tests.budget.conftest import NOW, projects_in_vote, to_phase

URL = "/api/v1/budget-campaigns"
AUTHOR_KEYS = {"author_name", "author_email", "author_phone", "contact_consent_at", "contact_erased_at"}


def _other_campaign(f, w):
    """A campaign of another agreement, which only its coordinator (other_coordinator) and the admin read."""
    agreement = f.make_agreement(coordinators=[w["other_coordinator"]])
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    agreement.territories.append(nbh)
    other = services.create_campaign(agreement, actor=w["other_coordinator"], now=NOW, title="BP ailleurs",
                                     year=2025, envelope="5000")
    db.session.commit()
    return other


def test_campaigns_are_listed_by_the_policy_and_paginated(api, f, w, campaign):
    other = _other_campaign(f, w)
    response = api("observer", "GET", URL)
    assert response.status_code == 200
    assert {row["id"] for row in response.json} == {campaign.id, other.id}
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    row = next(r for r in response.json if r["id"] == campaign.id)
    assert row["envelope"] == "10000.00" and row["phase"] == "preparation" and row["choices_per_voter"] == 2
    assert row["envelopes"][0]["amount"] == "6000.00" and row["agreement"]["id"] == w["agreement"].id
    assert [r["id"] for r in api("referent1", "GET", URL).json] == [campaign.id]
    assert api("outsider", "GET", URL).json == []
    assert [r["id"] for r in api("observer", "GET", f"{URL}?year=2025").json] == [other.id]
    assert [r["id"] for r in api("observer", "GET", f"{URL}?phase=preparation&page_size=1").json] == [campaign.id]
    assert api("observer", "GET", f"{URL}?phase=nonsense").status_code == 422
    assert api(None, "GET", URL).status_code == 401
    assert api("outsider", "GET", f"{URL}/{campaign.id}").status_code == 403
    missing = api("observer", "GET", f"{URL}/999999")
    assert missing.status_code == 404 and missing.is_json


def test_projects_carry_no_author_contact(api, w, place, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    project = services.submit_proposal(campaign, title="Préau", description="Un préau", place=place["b1"],
                                       estimated_cost="3000", now=NOW,
                                       contact=services.Contact(name="Awa Diallo", email="awa@example.org",
                                                                phone="0611223344", consent=True))
    db.session.commit()
    response = api("coordinator", "GET", f"{URL}/{campaign.id}/projects")
    assert response.status_code == 200 and json.loads(response.headers["X-Pagination"])["total"] == 1
    (row,) = response.json
    assert row["id"] == project.id and row["title"] == "Préau" and row["estimated_cost"] == "3000.00"
    assert row["status"] == "submitted" and row["source"] == "public"
    assert not AUTHOR_KEYS & set(row)
    assert "awa" not in response.get_data(as_text=True).lower()
    assert api("coordinator", "GET", f"{URL}/{campaign.id}/projects?status=eligible").json == []
    assert api("outsider", "GET", f"{URL}/{campaign.id}/projects").status_code == 403


def test_results_rank_select_and_show_the_overrides_with_their_reasons(api, w, place, campaign):
    assert api("observer", "GET", f"{URL}/{campaign.id}/results").status_code == 409
    a, b, c = projects_in_vote(campaign, place, w)
    (code,) = services.generate_codes(campaign, 1, actor=w["coordinator"], now=NOW)
    services.cast_vote(campaign, code, [c.id], now=NOW)
    services.enter_paper_tally(a, polling_place="Marché", votes=4, actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(c, polling_place="Marché", votes=2, actor=w["coordinator"], now=NOW)
    services.override_selection(b, selected=False, reason="Doublon d'un projet municipal", actor=w["coordinator"],
                                now=NOW)
    to_phase(campaign, PBPhase.RESULTS)
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    db.session.commit()
    response = api("referent2", "GET", f"{URL}/{campaign.id}/results")
    assert response.status_code == 200
    body = response.json
    assert body["recorded"] is True and body["phase"] == "results" and "à égalité" in body["rule"]
    ranking = {r["project_id"]: r for r in body["ranking"]}
    assert [r["project_id"] for r in body["ranking"]] == [a.id, c.id, b.id]
    assert (ranking[c.id]["online_votes"], ranking[c.id]["paper_votes"], ranking[c.id]["total_votes"]) == (1, 2, 3)
    assert ranking[a.id]["selected"] is True and ranking[a.id]["skip_reason"] is None
    assert ranking[c.id]["skip_reason"] == "neighbourhood_envelope"
    assert ranking[b.id]["override"]["reason"] == "Doublon d'un projet municipal"
    assert ranking[b.id]["skip_reason"] == "excluded" and body["selected_ids"] == [a.id]
    assert body["overrides"][0]["selected"] is False
    assert body["envelopes"][0] == {"neighbourhood_id": None, "amount": "10000.00", "spent": "5000.00",
                                    "remaining": "5000.00"}
    assert body["envelopes"][1]["neighbourhood_id"] == place["nbh1"].id and body["envelopes"][1]["spent"] == "5000.00"
    assert api("outsider", "GET", f"{URL}/{campaign.id}/results").status_code == 403


def test_the_budget_routes_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (URL, f"{URL}/{{campaign_id}}/projects", f"{URL}/{{campaign_id}}/results"):
        assert "401" in spec["paths"][path]["get"]["responses"]
    for path in (URL, f"{URL}/{{campaign_id}}/projects"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {"page", "page_size"} <= names
    assert not AUTHOR_KEYS & set(spec["components"]["schemas"]["ProjectOut"]["properties"])
