"""Proposal authors' contacts are kept only while they serve: erased BUDGET_CONTACT_RETENTION_DAYS after the
proposal was set aside (ineligible, merged, not selected), and at once for every proposal of a closed campaign;
a winner's author keeps being reachable during the delivery. The job is registered with the scheduler."""

from __future__ import annotations

from datetime import timedelta

from gup.budget import jobs, services
from gup.budget.models import PBPhase, ProjectStatus
from gup.extensions import db
from gup.features import registry
from tests.budget.conftest import NOW, to_phase


def _proposal(campaign, title, place):
    return services.submit_proposal(campaign, title=title, description=f"{title} pour le quartier", place=place,
                                    estimated_cost="1000", now=NOW,
                                    contact=services.Contact(name="Mme A.", email="a@example.org", consent=True))


def test_contacts_are_erased_once_the_proposal_is_settled(app, campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    refused = _proposal(campaign, "Piscine", place["b1"])
    kept = _proposal(campaign, "Bancs", place["b1"])
    services.review_project(refused, eligible=False, reason="Hors budget", actor=w["coordinator"], now=NOW)
    services.review_project(kept, eligible=True, actor=w["coordinator"], now=NOW)
    db.session.commit()
    days = app.config["BUDGET_CONTACT_RETENTION_DAYS"]
    assert jobs.erase_contacts(NOW + timedelta(days=days - 1)) == 0
    assert refused.author_email == "a@example.org"
    assert jobs.erase_contacts(NOW + timedelta(days=days + 1)) == 1
    db.session.commit()
    assert refused.author_email is None and refused.author_name is None and refused.contact_erased_at is not None
    assert kept.author_email == "a@example.org"  # still under study / in the vote: its author may be told
    # a winner in delivery keeps its author's contact; closing the campaign erases every contact
    to_phase(campaign, PBPhase.VOTE)
    to_phase(campaign, PBPhase.RESULTS)
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.DELIVERY)
    assert kept.status is ProjectStatus.SELECTED
    assert jobs.erase_contacts(NOW + timedelta(days=10 * days)) == 0
    to_phase(campaign, PBPhase.CLOSED)
    assert jobs.erase_contacts(NOW + timedelta(days=1)) == 1
    db.session.commit()
    assert kept.author_email is None and kept.contact_erased_at is not None


def test_the_erasure_job_is_registered(app):
    assert "budget.erase_contacts" in registry(app).jobs
