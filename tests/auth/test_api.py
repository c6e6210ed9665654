"""Bearer-token authentication of /api/v1 and GET /api/v1/me."""

from __future__ import annotations

import pytest

from gup.auth.models import ApiToken
from gup.extensions import db

PROTECTED = [("GET", "/api/v1/me"), ("GET", "/api/v1/organisations"), ("GET", "/api/v1/neighbourhoods"),
             ("GET", "/api/v1/agreements"), ("POST", "/api/v1/agreements"), ("GET", "/api/v1/commitments"),
             ("POST", "/api/v1/commitments"), ("GET", "/api/v1/agreements/1"), ("PATCH", "/api/v1/commitments/1"),
             ("POST", "/api/v1/commitments/1/updates")]


@pytest.mark.parametrize(("method", "url"), PROTECTED)
def test_no_token_is_401_json(api, method, url):
    response = api(None, method, url, json={})
    assert response.status_code == 401
    assert response.is_json and response.json["code"] == 401
    assert "Bearer" in response.json["message"]


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Bearer not-a-real-token", "token"])
def test_malformed_or_unknown_token_is_401(client, w, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401 and response.is_json


def test_session_cookie_is_not_enough(client, w, login):
    login(w["coordinator"])
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_is_401(api, w):
    assert api("referent1", "GET", "/api/v1/me").status_code == 200
    token = db.session.query(ApiToken).filter_by(user_id=w["referent1"].id).one()
    token.revoked_at = w["now"]
    db.session.commit()
    response = api("referent1", "GET", "/api/v1/me")
    assert response.status_code == 401
    assert "révoqué" in response.json["message"]


def test_deactivated_account_is_401(api, w):
    w["referent1"].is_active_account = False
    db.session.commit()
    assert api("referent1", "GET", "/api/v1/me").status_code == 401


def test_me(api, w):
    response = api("referent1", "GET", "/api/v1/me")
    assert response.status_code == 200
    body = response.json
    assert body["id"] == w["referent1"].id
    assert body["role"] == "partner_referent"
    assert body["organisation"] == {"id": w["hp1"].id, "code": w["hp1"].code, "name": "Bailleur Un",
                                    "kind": "housing_provider", "is_active": True}
    assert "password_hash" not in body and "session_token" not in body


def test_me_without_organisation(api, w):
    body = api("observer", "GET", "/api/v1/me").json
    assert body["role"] == "observer" and body["organisation"] is None


@pytest.mark.parametrize("url", ["/api/v1/agreements/99999999999999999999999", "/api/v1/commitments/2147483648",
                                 "/api/v1/organisations/0", "/api/v1/neighbourhoods/99999999999999999999"])
def test_ids_beyond_any_row_are_404_json(api, url):
    response = api("admin", "GET", url)
    assert response.status_code == 404 and response.is_json


def test_unknown_api_path_is_json_404(api):
    response = api("admin", "GET", "/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
