"""/api/v1/bodies and /api/v1/meetings: lists through the policy, details, writes by the coordination, errors."""

from __future__ import annotations

from gup.extensions import db
from gup.governance import services
from gup.governance.models import MeetingStatus
from tests.governance.conftest import NOW, make_bodies


def _meeting(w):
    found = make_bodies(w)
    meeting = services.create_meeting(found["cotech"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    services.add_decision(meeting, text="Décision", owner_organisation=w["hp1"], actor=w["coordinator"])
    db.session.commit()
    return found, meeting


def test_lists_and_details_follow_the_policy(api, w):
    found, meeting = _meeting(w)
    r = api("referent2", "GET", f"/api/v1/bodies?agreement_id={w['agreement'].id}")
    assert r.status_code == 200 and {b["name"] for b in r.json} == {"COTECH de test", "COPIL de test"}
    assert r.headers["X-Pagination"]
    assert api("outsider", "GET", "/api/v1/bodies").json == []
    assert api("outsider", "GET", "/api/v1/meetings").json == []
    assert api("outsider", "GET", f"/api/v1/bodies/{found['cotech'].id}").status_code == 403
    r = api("outsider", "GET", f"/api/v1/meetings/{meeting.id}")
    assert r.status_code == 403 and r.json["code"] == 403
    assert api("referent1", "GET", "/api/v1/meetings/999999").status_code == 404
    r = api("referent1", "GET", f"/api/v1/meetings?body_id={found['cotech'].id}&page_size=1")
    assert [m["id"] for m in r.json] == [meeting.id]
    r = api("referent1", "GET", f"/api/v1/meetings/{meeting.id}")
    assert r.json["status"] == "scheduled" and r.json["body"]["kind"] == "technical_committee"
    assert r.json["decisions"][0]["owner_organisation"]["id"] == w["hp1"].id
    assert r.json["agenda"] == [] and r.json["attendance"] == []
    member = api("referent1", "GET", f"/api/v1/bodies/{found['cotech'].id}").json["members"][2]
    assert member["person_name"] == "Awa Diallo" and member["has_email"] is True and "email" not in member


def test_coordination_creates_and_updates(api, w):
    r = api("coordinator", "POST", "/api/v1/bodies", json={"agreement_id": w["agreement"].id,
                                                           "kind": "technical_committee", "name": "COTECH API"})
    assert r.status_code == 201, r.json
    body_id = r.json["id"]
    assert api("referent1", "POST", "/api/v1/bodies", json={"agreement_id": w["agreement"].id,
                                                            "kind": "working_group", "name": "x"}).status_code == 403
    r = api("coordinator", "POST", "/api/v1/meetings",
            json={"body_id": body_id, "starts_at": "2027-01-12T09:30:00+01:00"})
    assert r.status_code == 201 and r.json["starts_at"] == "2027-01-12T08:30:00+00:00"
    meeting_id = r.json["id"]
    assert api("referent1", "PATCH", f"/api/v1/meetings/{meeting_id}", json={"place": "x"}).status_code == 403
    r = api("coordinator", "PATCH", f"/api/v1/meetings/{meeting_id}", json={"status": "minutes_approved"})
    assert r.status_code == 409 and r.json["code"] == 409
    r = api("coordinator", "PATCH", f"/api/v1/meetings/{meeting_id}", json={"status": "held", "minutes": "CR"})
    assert r.status_code == 200 and (r.json["status"], r.json["minutes"]) == ("held", "CR")
    r = api("coordinator", "PATCH", f"/api/v1/meetings/{meeting_id}", json={"status": "minutes_approved"})
    assert r.json["status"] == MeetingStatus.MINUTES_APPROVED.value


def test_bad_bodies_are_422(api, w):
    r = api("coordinator", "POST", "/api/v1/bodies", json={"agreement_id": 999999, "kind": "technical_committee",
                                                           "name": "x"})
    assert r.status_code == 422 and "agreement_id" in r.json["errors"]["json"]
    r = api("coordinator", "POST", "/api/v1/bodies", json={"agreement_id": w["agreement"].id, "kind": "bureau",
                                                           "name": "x"})
    assert r.status_code == 422
    r = api("coordinator", "POST", "/api/v1/meetings", json={"body_id": 999999, "starts_at": "2027-01-12T09:30:00Z"})
    assert r.status_code == 422 and "body_id" in r.json["errors"]["json"]
    r = api("coordinator", "POST", "/api/v1/meetings", json={"body_id": 1, "starts_at": "demain"})
    assert r.status_code == 422


def test_openapi_documents_bodies_and_meetings(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/bodies"]) and "get" in paths["/api/v1/bodies/{body_id}"]
    assert {"get", "post"} <= set(paths["/api/v1/meetings"])
    assert {"get", "patch"} <= set(paths["/api/v1/meetings/{meeting_id}"])


def test_meeting_list_queries_do_not_grow_with_rows(api, w, count_queries):
    found, _first = _meeting(w)
    with count_queries() as few:
        api("coordinator", "GET", "/api/v1/meetings")
    for _ in range(4):
        m = services.create_meeting(found["copil"], starts_at=NOW, actor=w["coordinator"], now=NOW)
        services.add_decision(m, text="Décision", owner_organisation=w["hp2"], actor=w["coordinator"])
    db.session.commit()
    with count_queries() as many:
        assert len(api("coordinator", "GET", "/api/v1/meetings").json) == 5
    assert len(many) == len(few)
