"""Expected audience of the Open311 GeoReport v2 routes (no login: POST is authenticated by its api_key) and of
the administration page of Open311 client applications."""

from tests.route_expectations.roles import ADMIN, EVERYONE

ALL = {"GET": EVERYONE}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "open311.discovery": ALL,
    "open311.services": ALL,
    "open311.service_definition": ALL,
    "open311.list_requests": ALL,
    "open311.post_request": {"POST": EVERYONE},
    "open311.get_request": ALL,
    "open311.token": ALL,
    "open311.request_updates": ALL,
    "open311.not_found": {m: EVERYONE for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    "admin.open311_clients": {"GET": ADMIN},
    "admin.open311_create_client": {"POST": ADMIN},
    "admin.open311_revoke_client": {"POST": ADMIN},
    "admin.open311_client_rights": {"POST": ADMIN},
}


def params(f, w) -> dict:
    from gup.open311.services import create_client
    from gup.orm import now_utc

    category = f.make_category(code="matrix-o311")
    report = f.make_report(category)
    _client, raw = create_client(name="Matrice", actor=None, now=now_utc())
    client, _raw = create_client(name="Matrice (révoquée par admin.open311_revoke_client)", actor=None, now=now_utc())
    return {"fmt": "json", "service_code": category.code, "service_request_id": report.reference,
            "token": report.reference, "open311_path": "unknown.json", "client_id": client.id,
            "open311_api_key": raw}


#: Open311 POST is form-encoded ({"__form__": …}) with a valid key: only the api_key decides, never the login
BODIES = {
    "open311.post_request": lambda p, role: {"__form__": {
        "api_key": p["open311_api_key"], "service_code": p["service_code"], "address_string": "1 place de la Mairie",
        "description": "Test de la matrice des routes"}},
}
