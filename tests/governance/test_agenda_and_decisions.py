"""The next COTECH's draft agenda lists exactly each partner's overdue items; a decision creates linked actions."""

from __future__ import annotations

from datetime import date

from gup.actions.models import ActionStatus
from gup.extensions import db
from gup.findings.models import FindingStatus
from gup.governance import queries, services
from tests.governance.conftest import NOW  # 23 November 2026


def _late_world(f, w):
    """Overdue, due-soon and closed items of hp1 and hp2, and an overdue one in another agreement."""
    a, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]
    items = {
        "hp1_late_action": f.make_action(a, hp1, due_on=date(2026, 11, 1)),
        "hp1_late_finding": f.make_finding(a, hp1, due_on=date(2026, 10, 15)),
        "hp2_late_action": f.make_action(a, hp2, due_on=date(2026, 11, 22)),
        # not overdue: due today or later, done, resolved, without a date
        "hp1_due_today": f.make_action(a, hp1, due_on=date(2026, 11, 23)),
        "hp1_soon_finding": f.make_finding(a, hp1, due_on=date(2026, 12, 1)),
        "hp1_done": f.make_action(a, hp1, due_on=date(2026, 10, 1), status=ActionStatus.DONE),
        "hp1_resolved": f.make_finding(a, hp1, due_on=date(2026, 10, 1), status=FindingStatus.RESOLVED),
        "hp1_undated": f.make_action(a, hp1, due_on=None),
    }
    other = f.make_agreement(organisations=[hp1])
    items["other_agreement"] = f.make_action(other, hp1, due_on=date(2026, 1, 1))
    return items


def test_cotech_draft_agenda_lists_each_partners_overdue_items(f, w, bodies):
    items = _late_world(f, w)
    meeting = services.create_meeting(bodies["cotech"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    db.session.commit()
    by_org = {}
    for item in meeting.agenda:
        by_org.setdefault(item.organisation.name, []).append(
            ("action", item.action_id) if item.action_id else ("finding", item.finding_id))
    assert by_org == {
        "Bailleur Deux": [("action", items["hp2_late_action"].id)],
        "Bailleur Un": [("action", items["hp1_late_action"].id), ("finding", items["hp1_late_finding"].id)],
    }
    assert [i.position for i in meeting.agenda] == [1, 2, 3]
    assert meeting.agenda[0].title.startswith("Action en retard : ")


def test_pending_decisions_of_earlier_meetings_are_proposed(f, w, bodies):
    coordinator = w["coordinator"]
    earlier = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    pending = services.add_decision(earlier, text="Étudier un second local vélos", actor=coordinator)
    finished = services.add_decision(earlier, text="Réparer l'éclairage", actor=coordinator,
                                     owner_organisation=w["hp1"])
    action = services.action_from_decision(finished, actor=coordinator, now=NOW)
    action.status = ActionStatus.DONE
    db.session.flush()
    cotech = services.create_meeting(bodies["cotech"], starts_at=NOW, actor=coordinator, now=NOW)
    assert [i.decision_id for i in cotech.agenda if i.decision_id] == [pending.id]


def test_partner_items_due_soon(f, w):
    items = _late_world(f, w)
    found = queries.partner_items(w["hp1"], today=NOW.date(), due_soon_days=14)
    assert [a.id for a in found.overdue_actions] == [items["other_agreement"].id, items["hp1_late_action"].id]
    assert [a.id for a in found.due_soon_actions] == [items["hp1_due_today"].id]
    assert [x.id for x in found.overdue_findings] == [items["hp1_late_finding"].id]
    assert [x.id for x in found.due_soon_findings] == [items["hp1_soon_finding"].id]
    assert found.count == 5


def test_a_decision_creates_an_action_linked_both_ways(f, w, bodies, client, login):
    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    decision = services.add_decision(meeting, text="Poser un local à encombrants fermé", actor=coordinator,
                                     owner_organisation=w["hp1"], due_on=date(2027, 3, 31))
    action = services.action_from_decision(decision, actor=coordinator, now=NOW)
    db.session.commit()
    assert (action.title, action.responsible_organisation, action.due_on, action.agreement) == (
        "Poser un local à encombrants fermé", w["hp1"], date(2027, 3, 31), w["agreement"])
    assert action.status is ActionStatus.PLANNED
    assert decision.actions == [action]
    assert queries.decisions_of_actions([action.id]) == [decision]
    login(w["referent1"])
    page = client.get(f"/actions/{action.id}").get_data(as_text=True)
    assert "Décidée en instance" in page and f"/meetings/{meeting.id}#decision-{decision.id}" in page
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/actions/{action.id}"' in page


def test_a_decision_owner_must_be_a_partner(f, w, bodies):
    import pytest

    from gup.errors import DomainError

    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError, match="partenaire"):
        services.add_decision(meeting, text="x", owner_organisation=w["outsider_org"], actor=w["coordinator"])


def test_a_decision_whose_action_is_already_listed_is_not_repeated(f, w, bodies):
    coordinator = w["coordinator"]
    earlier = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    decision = services.add_decision(earlier, text="Réparer la porte", owner_organisation=w["hp1"],
                                     due_on=date(2026, 11, 1), actor=coordinator)
    action = services.action_from_decision(decision, actor=coordinator, now=NOW)
    cotech = services.create_meeting(bodies["cotech"], starts_at=NOW, actor=coordinator, now=NOW)
    assert [(i.action_id, i.decision_id) for i in cotech.agenda] == [(action.id, None)]
