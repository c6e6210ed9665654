"""Walk every route of the application with every role and check the policy's answer.

A new route fails this test until it is given its expected audience in tests/route_expectations/.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from gup.auth.models import ApiToken
from gup.extensions import db
from gup.territory.models import TerritoryKind
from tests import route_expectations
from tests.conftest import login_client
from tests.route_expectations.roles import EVERYONE, LOGGED

MODULES = route_expectations.load()

SKIPPED_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


def _world(f):
    w = f.world()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    f.make_token(w["referent1"])  # the token that auth.revoke_token revokes
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == w["referent1"].id))
    params = {
        "agreement_id": w["agreement"].id, "commitment_id": w["c1"].id, "organisation_id": w["hp1"].id,
        "partner_id": w["c1"].partner_id, "territory_id": neighbourhood.id, "user_id": w["referent1"].id,
        "theme_id": f.theme().id, "token_id": token.id,
    }
    for module in MODULES:
        if hasattr(module, "params"):
            params.update(module.params(f, w))
    tokens = {role: f.make_token(w[role]) for role in LOGGED}
    db.session.commit()
    return w, params, tokens


def _allowed(status: int, location: str) -> bool:
    return status not in (401, 403) and not location.startswith("/login?")


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_every_route_with_every_role(app, f, client, login, role, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))  # photos sent by the API routes
    w, params, tokens = _world(f)
    expected = {k: v for m in MODULES for k, v in getattr(m, "EXPECTED", {}).items()}
    bodies = {k: v for m in MODULES for k, v in getattr(m, "BODIES", {}).items()}
    uncovered = []
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if rule.endpoint not in expected:
            uncovered.append(rule.endpoint)
            continue
        url = rule.build({k: params[k] for k in rule.arguments}, append_unknown=False)[1]
        is_api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            allowed_roles = expected[rule.endpoint].get(method)
            assert allowed_roles is not None, f"{rule.endpoint} {method} has no expectation"
            with app.test_client() as c:
                headers = {}
                if is_api and role != "anonymous":
                    headers["Authorization"] = f"Bearer {tokens[role]}"
                elif role != "anonymous":
                    login_client(c, w[role])
                kwargs = {}
                if rule.endpoint in bodies and not is_api and method == "POST":  # form-encoded (Open311)
                    kwargs["data"] = bodies[rule.endpoint](params, role)["__form__"]
                if is_api and method in ("POST", "PATCH", "PUT"):
                    body = bodies[rule.endpoint](params, role)
                    if "__files__" in body:  # multipart upload: {"__files__": {field: (filename, bytes)}}
                        kwargs["data"] = {name: (io.BytesIO(content), filename)
                                          for name, (filename, content) in body["__files__"].items()}
                    else:
                        kwargs["json"] = body
                response = c.open(url, method=method, headers=headers, **kwargs)
            status, location = response.status_code, response.headers.get("Location", "")
            assert status < 500, f"{method} {url} as {role}: {status}"
            allowed = _allowed(status, location)
            if allowed != (role in allowed_roles):
                failures.append(f"{method} {url} as {role}: got {status} {location}")
            if not allowed and role != "anonymous":
                assert status == 403, f"{method} {url} as {role}: denied with {status}, expected 403"
                if is_api:
                    assert response.is_json and response.json["code"] == 403
                else:
                    assert "Accès refusé" in response.get_data(as_text=True)
            if not allowed and role == "anonymous":
                assert (status == 401) if is_api else location.startswith("/login?next="), f"{url}: {status}"
    assert not uncovered, f"routes without expectations: {uncovered}"
    assert not failures, "\n".join(failures)
