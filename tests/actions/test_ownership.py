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


# --- 2. linking findings (and commitments) to actions ---------------------------------------------

def test_api_create_cannot_link_another_organisation_finding(api, w, f):
    foreign = f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.ACCEPTED)
    own = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    db.session.commit()
    body = {"agreement_id": w["agreement"].id, "responsible_organisation_id": w["hp1"].id, "title": "Nettoyage",
            "finding_ids": [own.id, foreign.id]}
    response = api("referent1", "POST", URL, json=body)
    assert response.status_code == 403
    assert "finding_ids" in response.json["errors"] and str(foreign.id) in response.json["message"]
    assert db.session.scalar(db.select(db.func.count(Action.id))) == 0
    assert api("referent1", "POST", URL, json={**body, "finding_ids": [own.id]}).status_code == 201
    response = api("coordinator", "POST", URL, json=body)  # the coordination may link any finding
    assert response.status_code == 201 and sorted(response.json["finding_ids"]) == sorted([own.id, foreign.id])


def test_api_patch_links_no_finding(api, w, f):
    foreign = f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.ACCEPTED)
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    response = api("referent1", "PATCH", f"{URL}/{action.id}", json={"finding_ids": [foreign.id]})
    assert response.status_code == 422
    assert db.session.get(Action, action.id).findings == []


def test_action_cannot_count_under_another_organisation_commitment(api, client, w, login):
    body = {"agreement_id": w["agreement"].id, "responsible_organisation_id": w["hp1"].id, "title": "Étude",
            "commitment_id": w["c2"].id}
    response = api("referent1", "POST", URL, json=body)
    assert response.status_code == 403 and "commitment_id" in response.json["errors"]
    action = api("referent1", "POST", URL, json={**body, "commitment_id": w["c1"].id}).json
    response = api("referent1", "PATCH", f"{URL}/{action['id']}", json={"commitment_id": w["c2"].id})
    assert response.status_code == 403 and "commitment_id" in response.json["errors"]
    assert api("coordinator", "PATCH", f"{URL}/{action['id']}", json={"commitment_id": w["c2"].id}).status_code == 200
    # the HTML form offers only the user's own commitments (and the action's current one)
    login(w["referent1"])
    html = client.get(f"/agreements/{w['agreement'].id}/actions/new").get_data(as_text=True)
    assert w["c1"].reference in html and w["c2"].reference not in html
    response = client.post(f"/agreements/{w['agreement'].id}/actions/new", data={
        "title": "Étude", "kind": "intervention", "responsible_organisation_id": w["hp1"].id,
        "commitment_id": w["c2"].id})
    assert response.status_code == 422
