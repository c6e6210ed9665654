"""Coordination pages: create a campaign, see its current phase, move it on, review a proposal."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from gup.budget import services
from gup.budget.models import PBCampaign, PBPhase, ProjectStatus
from gup.extensions import db
from tests.budget.conftest import NOW, to_phase


def test_the_coordination_creates_a_campaign_with_french_errors_first(client, login, w, place):
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/budgets/new"
    page = client.get(url)
    assert page.status_code == 200 and "Les Dervallières" in page.get_data(as_text=True)
    bad = client.post(url, data={"title": "BP 2027", "year": "2027", "envelope": "beaucoup",
                                 "choices_per_voter": "3"})
    assert bad.status_code == 422 and "Montant invalide." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBCampaign)) == 0
    ok = client.post(url, data={"title": "BP 2027", "year": "2027", "envelope": "25 000",
                                "choices_per_voter": "3", "neighbourhood_id": str(place["nbh2"].id),
                                "investment_only": "y", "proposals_on": "01/03/2027", "vote_on": "01/06/2027"})
    assert ok.status_code == 302
    campaign = db.session.scalar(sa.select(PBCampaign))
    assert campaign.envelope == Decimal("25000.00") and campaign.neighbourhood_id == place["nbh2"].id
    page = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "Phase actuelle :" in page and "Préparation" in page and "1er mars 2027" in page


def test_the_phase_moves_by_hand_and_a_refusal_is_flashed(client, login, w, campaign):
    login(w["coordinator"])
    url = f"/budgets/{campaign.id}/phase"
    assert client.post(url, data={"phase": "vote"}).status_code == 302
    db.session.expire_all()
    assert campaign.phase is PBPhase.PREPARATION
    assert "Passage impossible" in client.get(f"/budgets/{campaign.id}").get_data(as_text=True)
    client.post(url, data={"phase": "proposals"})
    db.session.expire_all()
    assert campaign.phase is PBPhase.PROPOSALS
    assert "Dépôt des propositions</strong>" in client.get(f"/budgets/{campaign.id}").get_data(as_text=True)
    assert client.post(url, data={"phase": "nonsense"}).status_code == 302


def test_review_pages_need_a_reason_for_ineligible_and_the_place_owner_may_review(client, login, w, place,
                                                                                  campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    project = services.submit_proposal(campaign, title="Préau", description="Un préau", place=place["b1"],
                                       estimated_cost="3000", now=NOW)
    db.session.commit()
    login(w["referent1"])  # hp1 owns the residence of Bâtiment A
    page = client.get(f"/budget-projects/{project.id}").get_data(as_text=True)
    assert "Étude de la proposition" in page and "Phase actuelle :" in page
    refused = client.post(f"/budget-projects/{project.id}/review", data={"decision": "ineligible", "reason": ""})
    assert refused.status_code == 422 and "motif de non-recevabilité" in refused.get_data(as_text=True)
    done = client.post(f"/budget-projects/{project.id}/review",
                       data={"decision": "eligible", "reviewed_cost": "2 800", "feasibility_note": "OK"})
    assert done.status_code == 302
    db.session.expire_all()
    assert project.status is ProjectStatus.ELIGIBLE and project.reviewed_cost == Decimal("2800.00")
    login(w["referent2"])
    assert client.post(f"/budget-projects/{project.id}/review", data={"decision": "eligible"}).status_code == 403


def test_the_campaign_page_counts_votes_and_states_the_rule(client, login, w, place, campaign):
    from tests.budget.conftest import projects_in_vote

    a, _b, _c = projects_in_vote(campaign, place, w)
    (code,) = services.generate_codes(campaign, 1, actor=w["coordinator"], now=NOW)
    services.cast_vote(campaign, code, [a.id], now=NOW)
    services.enter_paper_tally(a, polling_place="Marché", votes=4, actor=w["coordinator"], now=NOW)
    db.session.commit()
    login(w["observer"])
    page = client.get(f"/budgets/{campaign.id}").get_data(as_text=True)
    assert "Vote</strong>" in page and "à égalité, le moins coûteux passe devant" in page
    assert "<td>1</td><td>4</td><td>5</td>" in page
