"""Walk every route of the application with every role and check the policy's answer.

A new route fails this test until it is given its expected audience below.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gup.auth.models import ApiToken
from gup.extensions import db
from gup.territory.models import TerritoryKind
from tests.conftest import login_client

LOGGED = {"admin", "coordinator", "other_coordinator", "referent1", "referent2", "outsider", "observer"}
EVERYONE = LOGGED | {"anonymous"}
#: the other coordinator belongs to the town, a party to the agreement: reading is allowed, managing is not
READERS = {"admin", "observer", "coordinator", "other_coordinator", "referent1", "referent2"}
COORD = {"coordinator"}
OWNER = {"coordinator", "referent1"}
ADMIN = {"admin"}

#: endpoint -> {method: roles allowed}
EXPECTED: dict[str, dict[str, set[str]]] = {
    "auth.login": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.logout": {"POST": EVERYONE},
    "auth.account": {"GET": LOGGED},
    "auth.change_password": {"POST": LOGGED},
    "auth.create_token": {"POST": LOGGED},
    "auth.revoke_token": {"POST": {"referent1", "admin"}},
    "auth.set_language": {"POST": EVERYONE},
    "agreements.dashboard": {"GET": LOGGED},
    "agreements.index": {"GET": LOGGED},
    "agreements.create": {"GET": {"coordinator", "other_coordinator"}, "POST": {"coordinator", "other_coordinator"}},
    "agreements.detail": {"GET": READERS},
    "agreements.edit": {"GET": COORD, "POST": COORD},
    "agreements.change_status": {"POST": COORD},
    "agreements.partners": {"GET": COORD, "POST": COORD},
    "agreements.remove_partner": {"POST": COORD},
    "agreements.signatories": {"GET": COORD, "POST": COORD},
    "agreements.add_amendment": {"GET": COORD, "POST": COORD},
    "agreements.commitments": {"GET": LOGGED},
    "agreements.create_commitment": {"GET": {"coordinator", "referent1", "referent2"},
                                     "POST": {"coordinator", "referent1", "referent2"}},
    "agreements.commitment": {"GET": READERS},
    "agreements.edit_commitment": {"GET": OWNER, "POST": OWNER},
    "agreements.add_update": {"POST": OWNER},
    "agreements.themes": {"GET": LOGGED},
    "agreements.theme_create": {"GET": ADMIN, "POST": ADMIN},
    "agreements.theme_edit": {"GET": ADMIN, "POST": ADMIN},
    "organisations.index": {"GET": LOGGED},
    "organisations.detail": {"GET": LOGGED},
    "organisations.create": {"GET": ADMIN, "POST": ADMIN},
    "organisations.edit": {"GET": ADMIN, "POST": ADMIN},
    "territory.index": {"GET": LOGGED},
    "territory.detail": {"GET": LOGGED},
    "territory.create": {"GET": {"admin", "coordinator", "other_coordinator"},
                         "POST": {"admin", "coordinator", "other_coordinator"}},
    "territory.edit": {"GET": {"admin", "coordinator", "other_coordinator"},
                       "POST": {"admin", "coordinator", "other_coordinator"}},
    "admin.users": {"GET": ADMIN},
    "admin.create_user": {"GET": ADMIN, "POST": ADMIN},
    "admin.edit_user": {"GET": ADMIN, "POST": ADMIN},
    "admin.reset_password": {"POST": ADMIN},
}
SKIPPED_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


from tests.api_matrix import API_BODIES, API_EXPECTED  # noqa: E402


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
    tokens = {role: f.make_token(w[role]) for role in LOGGED}
    db.session.commit()
    return w, params, tokens


def _allowed(status: int, location: str) -> bool:
    return status not in (401, 403) and not location.startswith("/login?")


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_every_route_with_every_role(app, f, client, login, role):
    w, params, tokens = _world(f)
    expected = {**EXPECTED, **API_EXPECTED}
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
                if is_api and method in ("POST", "PATCH", "PUT"):
                    kwargs["json"] = API_BODIES[rule.endpoint](params, role)
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
