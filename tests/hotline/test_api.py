"""/api/v1/resident-reports: list with filters, get (contact data for the coordination only), status, merge,
reroute; JSON errors, never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gup.extensions import db
from gup.hotline.models import Channel, ReportStatus
from gup.hotline.services import route_report
from gup.orm import now_utc
from gup.territory.models import TerritoryKind

ROLES = ("coordinator", "other_coordinator", "referent1", "referent2", "outsider", "observer", "admin")


@pytest.fixture
def w(f) -> dict[str, Any]:
    world = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    world["agreement"].territories.append(hood)
    world["hood"] = hood
    world["category"] = f.make_category()
    world["sent"] = f.make_report(world["category"], neighbourhood=hood, contact_email="alex@example.org",
                                  contact_name="Alex", contact_consent=True)
    route_report(world["sent"], to=world["hp1"], actor=world["coordinator"], now=now_utc())
    world["new"] = f.make_report(world["category"], neighbourhood=hood, channel=Channel.PHONE,
                                 now=now_utc() - timedelta(days=10))
    world["tokens"] = {role: f.make_token(world[role]) for role in ROLES}
    db.session.commit()
    return world


@pytest.fixture
def api(client, w):
    def _call(role: str | None, method: str, url: str, **kwargs: Any):
        headers = {"Authorization": f"Bearer {w['tokens'][role]}"} if role else {}
        return client.open(url, method=method, headers=headers, **kwargs)
    return _call


URL = "/api/v1/resident-reports"


def _refs(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [r["reference"] for r in response.json]


def test_list_filters_and_scope(api, w):
    sent, new = w["sent"].reference, w["new"].reference
    assert _refs(api("coordinator", "GET", URL)) == [new, sent]  # new reports first
    assert _refs(api("coordinator", "GET", f"{URL}?status=sent")) == [sent]
    assert _refs(api("coordinator", "GET", f"{URL}?channel=phone")) == [new]
    assert _refs(api("coordinator", "GET", f"{URL}?overdue=true")) == [new]
    assert _refs(api("coordinator", "GET", f"{URL}?overdue=false")) == [sent]
    assert _refs(api("coordinator", "GET", f"{URL}?organisation_id={w['hp1'].id}")) == [sent]
    assert _refs(api("coordinator", "GET", f"{URL}?category_id={w['category'].id}&neighbourhood_id="
                                           f"{w['hood'].id}")) == [new, sent]
    assert _refs(api("referent1", "GET", URL)) == [sent]
    assert _refs(api("referent2", "GET", URL)) == []
    bad = api("coordinator", "GET", f"{URL}?status=nope&channel=fax&category_id=x")
    assert bad.status_code == 422 and {"status", "channel", "category_id"} <= set(bad.json["errors"]["query"])
    assert api(None, "GET", URL).status_code == 401
    listed = api("coordinator", "GET", URL).json[0]
    assert "contact_email" not in listed and listed["overdue"] is True


def test_detail_contact_only_for_the_coordination(api, w):
    url = f"{URL}/{w['sent'].id}"
    assert api("coordinator", "GET", url).json["contact_email"] == "alex@example.org"
    for role in ("referent1", "observer", "admin"):
        body = api(role, "GET", url).json
        assert body["contact_email"] is None and body["contact_name"] is None, role
        assert body["reference"] == w["sent"].reference and body["updates"]
    assert api("referent2", "GET", url).status_code == 403
    assert api("coordinator", "GET", f"{URL}/999999").status_code == 404


def test_status_respond_and_triage(api, w):
    url = f"{URL}/{w['sent'].id}/status"
    assert api("referent2", "POST", url, json={"status": "resolved"}).status_code == 403
    assert api("referent1", "POST", url, json={"status": "rejected", "public_text": "Non"}).status_code == 403
    response = api("referent1", "POST", url, json={"status": "resolved", "public_text": "Réparé le 3 mars."})
    assert response.status_code == 200 and response.json["status"] == "resolved"
    assert response.json["updates"][-1]["public_text"] == "Réparé le 3 mars."
    response = api("referent1", "POST", url, json={"status": "in_progress"})
    assert response.status_code == 409 and response.json["code"] == 409
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/status", json={"status": "not_our_remit"})
    assert response.status_code == 422 and "referral" in response.json["errors"]["json"]
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/status", json={"status": "bogus", "x": 1})
    assert response.status_code == 422 and {"status", "x"} <= set(response.json["errors"]["json"])
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/status",
                   json={"status": "not_our_remit", "referral": "La Métropole"})
    assert response.status_code == 200 and "La Métropole" in response.json["updates"][-1]["public_text"]
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/status", json={"status": "received"})
    assert response.status_code == 200 and response.json["status"] == "received"


def test_merge_and_reroute(api, w):
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/merge", json={})
    assert response.status_code == 422 and "into_id" in response.json["errors"]["json"]
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/merge", json={"into_reference": "GUP-1999-000001"})
    assert response.status_code == 422 and "into_reference" in response.json["errors"]["json"]
    assert api("referent1", "POST", f"{URL}/{w['sent'].id}/merge", json={"into_id": w["new"].id}).status_code == 403
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/merge",
                   json={"into_reference": w["sent"].reference.lower()})
    assert response.status_code == 200 and response.json["status"] == "duplicate"
    assert response.json["duplicate_of_id"] == w["sent"].id

    url = f"{URL}/{w['sent'].id}/reroute"
    assert api("referent1", "POST", url, json={"organisation_id": w["hp2"].id}).status_code == 403
    response = api("coordinator", "POST", url, json={"organisation_id": 99999})
    assert response.status_code == 422 and "organisation_id" in response.json["errors"]["json"]
    created = w["sent"].created_at
    response = api("coordinator", "POST", url, json={"organisation_id": w["hp2"].id, "public_text": "Réorienté."})
    assert response.status_code == 200 and response.json["responsible_organisation"]["id"] == w["hp2"].id
    db.session.expire_all()
    assert w["sent"].created_at == created  # the clock keeps running
    assert [u.status for u in w["sent"].updates][-2:] == [ReportStatus.SENT, ReportStatus.SENT]
    response = api("coordinator", "POST", f"{URL}/{w['new'].id}/reroute", json={"organisation_id": w["hp2"].id})
    assert response.status_code == 422  # a closed report must be reopened first


BAD_VALUES = [None, "", "   ", "é" * 10_000, 0, -1, 2**31, 1.5, True, [], {}, "abc", "\x00", "\ud800"]


@pytest.mark.parametrize(("path", "fields"), [("status", ["status", "public_text", "referral"]),
                                         ("merge", ["into_id", "into_reference", "public_text"]),
                                         ("reroute", ["organisation_id", "public_text"])])
def test_bad_input_is_never_a_500(api, w, path, fields):
    url = f"{URL}/{w['new'].id}/{path}"
    for field in fields:
        for value in BAD_VALUES:
            response = api("coordinator", "POST", url, json={field: value})
            assert 400 <= response.status_code < 500 or response.status_code == 200, (field, value)
            assert response.is_json
    for raw in ("not json", "[]", "null"):
        response = api("coordinator", "POST", url, data=raw, content_type="application/json")
        assert 400 <= response.status_code < 500
