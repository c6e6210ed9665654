"""Cross-organisation writes through actions (issue 8): resolving linked findings and linking findings.

One rule, asked by the service, holds on every path: HTML, API and direct service calls.
"""

from __future__ import annotations

import re

import pytest

from gup.actions import services
from gup.actions.models import Action, ActionStatus
from gup.errors import NotAllowed
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.orm import now_utc

URL = "/api/v1/actions"


@pytest.fixture
def done_with_foreign(w, f):
    """A finished action of hp1 answering an hp2 finding still being worked on, and one of hp1's own."""
    foreign = f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.ACCEPTED)
    own = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.DONE, findings=[foreign, own])
    db.session.commit()
    return {"action": action, "foreign": foreign, "own": own}


def _status(finding: Finding) -> FindingStatus:
    db.session.expire_all()
    return db.session.get(Finding, finding.id).status


# --- 1. resolving another organisation's finding through an action ----------------------------------

def test_html_note_on_a_done_action_cannot_resolve_another_organisation_finding(client, w, login, done_with_foreign):
    """The audit's path: status unchanged, action already done, box ticked."""
    login(w["referent1"])
    response = client.post(f"/actions/{done_with_foreign['action'].id}/updates",
                           data={"note": "Encore une note", "resolve_findings": "y"})
    assert response.status_code == 403
    assert _status(done_with_foreign["foreign"]) is FindingStatus.ACCEPTED
    assert _status(done_with_foreign["own"]) is FindingStatus.ACCEPTED
    assert db.session.get(Action, done_with_foreign["action"].id).updates == []


def test_api_note_on_a_done_action_cannot_resolve_another_organisation_finding(api, w, done_with_foreign):
    response = api("referent1", "POST", f"{URL}/{done_with_foreign['action'].id}/updates",
                   json={"note": "Encore une note", "resolve_findings": True})
    assert response.status_code == 403
    assert _status(done_with_foreign["foreign"]) is FindingStatus.ACCEPTED


def test_service_refuses_on_every_path(w, done_with_foreign):
    with pytest.raises(NotAllowed):
        services.add_action_update(done_with_foreign["action"], note="x", actor=w["referent1"], now=now_utc(),
                                   resolve_findings=True)
    db.session.rollback()
    assert _status(done_with_foreign["foreign"]) is FindingStatus.ACCEPTED


def test_coordinator_may_resolve_them_on_a_done_action_and_is_recorded(client, w, login, done_with_foreign):
    login(w["coordinator"])
    response = client.post(f"/actions/{done_with_foreign['action'].id}/updates",
                           data={"note": "Vérifié sur place", "resolve_findings": "y"})
    assert response.status_code == 302
    assert _status(done_with_foreign["foreign"]) is FindingStatus.RESOLVED
    assert _status(done_with_foreign["own"]) is FindingStatus.RESOLVED


def test_the_box_is_not_ticked_by_default_and_not_offered_without_the_right(client, w, f, login, done_with_foreign):
    own_only = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS,
                             findings=[f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)])
    db.session.commit()
    login(w["referent1"])
    html = client.get(f"/actions/{own_only.id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="resolve_findings"[^>]*>', html)
    assert box is not None and "checked" not in box.group(0)
    html = client.get(f"/actions/{done_with_foreign['action'].id}").get_data(as_text=True)
    assert 'name="resolve_findings"' not in html
    # an unticked box (the default) on the done action adds the note and resolves nothing
    response = client.post(f"/actions/{done_with_foreign['action'].id}/updates", data={"note": "Une note"})
    assert response.status_code == 302
    assert _status(done_with_foreign["foreign"]) is FindingStatus.ACCEPTED
