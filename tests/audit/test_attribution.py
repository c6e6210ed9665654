"""Every change made through a user's action is filed under that user, never « Système » (issue 8, point 6)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import login_user

from gup.actions.models import ActionStatus
from gup.audit.models import AuditEntry, StatusChange
from gup.audit.services import ACTOR_KEY
from gup.extensions import db
from gup.findings.models import FindingStatus


def _since(before: int, kind: str, entity_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.id > before, AuditEntry.entity_type == kind, AuditEntry.entity_id == entity_id)))


def _last() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def test_a_change_flushed_without_a_named_actor_in_a_request_is_the_signed_in_user(app, f):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    before = _last()
    with app.test_request_context("/"):
        login_user(w["referent1"])
        db.session.info.pop(ACTOR_KEY, None)  # a path that forgot to say who acts
        finding.description = "Corrigé"
        db.session.flush()
    [entry] = _since(before, "Finding", finding.id)
    assert entry.actor_id == w["referent1"].id
    db.session.info.pop(ACTOR_KEY, None)  # outside a request (jobs, commands): the system
    finding.description = "Corrigé par un job"
    db.session.flush()
    assert [e.actor_id for e in _since(before, "Finding", finding.id)] == [w["referent1"].id, None]


def test_findings_resolved_through_an_action_are_the_user_s(client, login, f):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS, findings=[finding])
    db.session.commit()
    db.session.info.pop(ACTOR_KEY, None)
    before = _last()
    login(w["referent1"])
    response = client.post(f"/actions/{action.id}/updates",
                           data={"note": "Fini", "status": "done", "resolve_findings": "y"})
    assert response.status_code == 302
    entries = _since(before, "Finding", finding.id)
    assert entries and {e.actor_id for e in entries} == {w["referent1"].id}
    change = db.session.scalar(sa.select(StatusChange).where(StatusChange.entity_type == "Finding",
                                                             StatusChange.entity_id == finding.id,
                                                             StatusChange.to_status == "resolved"))
    assert change.actor_id == w["referent1"].id
