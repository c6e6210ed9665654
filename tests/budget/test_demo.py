"""`flask gup demo` holds a participatory budget campaign in delivery: proposals (one made from a finding, one
merged, one ineligible with its reason), online and paper votes, winners delivered as actions (one done with a
photo, others in progress); twice is once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gup.actions.models import ActionStatus, ActionUpdate
from gup.budget import services
from gup.budget.models import PaperTally, PBCampaign, PBPhase, PBProject, ProjectSource, ProjectStatus, VotingCode
from gup.extensions import db


@pytest.fixture
def demo(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert "Budget participatif : « Budget participatif 2026 des Tilleuls »" in result.output
    return runner


def test_the_demo_campaign_tells_the_whole_chain(demo):
    campaign = db.session.scalars(sa.select(PBCampaign)).one()
    assert campaign.phase is PBPhase.DELIVERY
    statuses = {p.title: p.status for p in campaign.projects}
    assert statuses["Terrain multisports couvert"] is ProjectStatus.INELIGIBLE
    assert statuses["Des bancs dans le square"] is ProjectStatus.MERGED
    from_finding = [p for p in campaign.projects if p.source is ProjectSource.FINDING]
    assert len(from_finding) == 1 and from_finding[0].finding_id is not None
    ineligible = next(p for p in campaign.projects if p.status is ProjectStatus.INELIGIBLE)
    assert "coût maximum" in ineligible.review_reason
    counts = services.count_votes(campaign)
    assert sum(c.online for c in counts.values()) > 0 and sum(c.paper for c in counts.values()) > 0
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(PaperTally.polling_place)))) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VotingCode)
                             .where(VotingCode.used_at.is_not(None))) == 46
    selected = [p for p in campaign.projects if p.status is ProjectStatus.SELECTED]
    assert selected and all(p.action is not None for p in selected)
    assert sum(p.cost for p in selected) <= campaign.envelope
    done = [p for p in selected if p.action.status is ActionStatus.DONE]
    assert len(done) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionUpdate)
                             .where(ActionUpdate.action_id == done[0].action_id,
                                    ActionUpdate.photo_id.is_not(None))) == 1
    assert any(p.action.status is ActionStatus.IN_PROGRESS for p in selected)
    # fictional residents: no contact details kept
    assert not db.session.scalar(sa.select(PBProject.id).where(PBProject.author_email.is_not(None)).limit(1))


def test_the_demo_twice_is_once(demo):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(PBProject))
    result = demo.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBCampaign)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBProject)) == before
