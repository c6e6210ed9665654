"""No body, however malformed, makes a write route answer 500: bad input is a 4xx with a JSON message."""

from __future__ import annotations

import pytest

from gup.agreements.schemas import AgreementPatchIn, CommitmentIn, CommitmentPatchIn, CommitmentUpdateIn
from gup.relays.schemas import DrawIn, RelayIn

HUGE = "é" * 100_000
BAD_VALUES = [None, "", "   ", HUGE, 0, -1, 2**31, 10**30, -(10**30), 1.5, float("1e308"), True, [], [1, None],
              {}, {"id": 1}, "abc", "NaN", "Infinity", "-0", "1e999", "2026-02-30", "0001-01-01", "9999-12-31",
              "2026-01-01T10:00:00", 99999, [99999] * 3, list(range(1000)), "<script>alert(1)</script>",
              "'; DROP TABLE agreements; --", "\x00", "\ud800"]
#: the value every field gets in the one HTTP smoke request per write route
SPOILED = ["\x00"]
RAW_BODIES = ["not json", "{", "[]", "null", "\"text\"", "123", "{\"a\": " * 200 + "1" + "}" * 200]


def _routes(w, f) -> list[tuple[str, str, dict, list[str]]]:
    """(method, url, a valid body, the fields to spoil) for every write route."""
    c1 = w["c1"]
    agreement_body = {"reference": "GUP-FUZZ", "title": "Fuzz", "kind": "site", "start_on": "2026-01-01",
                      "end_on": "2031-12-31"}
    commitment_body = {"agreement_id": w["agreement"].id, "organisation_id": w["hp1"].id,
                       "theme_id": f.theme().id, "title": "Fuzz"}
    agreement_fields = sorted(AgreementPatchIn().fields) + ["unknown_field"]
    commitment_fields = sorted(set(CommitmentIn().fields) | set(CommitmentPatchIn().fields)) + ["unknown_field"]
    return [
        ("POST", "/api/v1/agreements", agreement_body, agreement_fields),
        ("PATCH", f"/api/v1/agreements/{w['agreement'].id}", {}, agreement_fields),
        ("POST", "/api/v1/commitments", commitment_body, commitment_fields),
        ("PATCH", f"/api/v1/commitments/{c1.id}", {}, commitment_fields),
        ("POST", f"/api/v1/commitments/{c1.id}/updates", {"note": "Fuzz"},
         sorted(CommitmentUpdateIn().fields) + ["unknown_field"]),
        *_relay_routes(w, f),
    ]


def _relay_routes(w, f) -> list[tuple[str, str, dict, list[str]]]:
    """The resident relays' write routes: a relay of a building of the sample agreement, a draw in a pool."""
    from gup.extensions import db
    from gup.relays import services
    from gup.territory.models import TerritoryKind

    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(nbh)
    building = f.make_territory(TerritoryKind.BUILDING, f.make_territory(TerritoryKind.RESIDENCE, nbh))
    pool = services.create_pool(w["agreement"], name="Vivier", actor=w["coordinator"])
    for name in ("Une", "Deux"):
        services.add_pool_member(pool, person_name=name, actor=w["coordinator"])
    db.session.commit()
    relay_body = {"agreement_id": w["agreement"].id, "person_name": "Fuzz", "territory_id": building.id,
                  "mandate_start_on": "2026-01-01"}
    return [("POST", "/api/v1/relays", relay_body, sorted(RelayIn().fields) + ["unknown_field"]),
            ("POST", "/api/v1/relay-draws", {"pool_id": pool.id, "seats": 1},
             sorted(DrawIn().fields) + ["unknown_field"])]



def test_one_malformed_body_per_write_route(api, w, f):
    """The HTTP smoke request of the schema-level fuzzing (tests/test_schema_fuzz.py): every field spoiled at
    once, on each write route, is a JSON 4xx."""
    for method, url, valid, fields in _routes(w, f):
        body = {**valid, **{field: value for field, value in zip(fields, SPOILED * len(fields), strict=True)}}
        response = api("coordinator", method, url, json=body)
        assert 400 <= response.status_code < 500 and response.is_json, (method, url, response.status_code)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["coordinator", "referent1"])
def test_malformed_fields_never_give_500(api, w, f, role):
    failures = []
    for method, url, valid, fields in _routes(w, f):
        if role == "referent1" and url.startswith("/api/v1/agreements"):
            continue  # refused before the body is read (tests/agreements/test_api.py)
        for field in fields:
            for value in BAD_VALUES:
                body = {**valid, field: value}
                try:
                    response = api(role, method, url, json=body)
                except Exception as exc:  # the test app re-raises unexpected errors
                    failures.append(f"{method} {url} {field}={str(value)[:40]!r}: {type(exc).__name__}: {exc}"[:300])
                    continue
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{method} {url} {field}={str(value)[:40]!r}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])


@pytest.mark.parametrize("raw", RAW_BODIES)
def test_malformed_json_never_gives_500(api, w, f, raw):
    for method, url, _valid, _fields in _routes(w, f):
        response = api("coordinator", method, url, data=raw, content_type="application/json")
        assert 400 <= response.status_code < 500, f"{method} {url} {raw[:20]!r}: {response.status_code}"
        assert response.is_json


def test_missing_body_never_gives_500(api, w, f):
    for method, url, _valid, _fields in _routes(w, f):
        response = api("coordinator", method, url)
        assert response.status_code < 500 and response.is_json
        response = api("coordinator", method, url, data="a=1", content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500 and response.is_json


QUERY_ARGS = {"/api/v1/agreements": ["status", "q"], "/api/v1/commitments": ["agreement_id", "organisation_id",
                                                                            "theme_id", "status", "overdue"],
              "/api/v1/organisations": ["kind", "q"], "/api/v1/neighbourhoods": ["qpv", "q"],
              "/api/v1/relays": ["agreement_id", "status", "territory_id"], "/api/v1/relay-pools": ["agreement_id"],
              "/api/v1/relay-draws": ["pool_id", "published"]}
BAD_QUERY_VALUES = ["", "abc", "-1", "0", "1.5", "99999999999999999999", "true", "%00", "%ED%A0%80", "x" * 5000,
                    "'; DROP TABLE commitments; --", "%25_%25"]


def test_malformed_query_strings_never_give_500(api, w):
    failures = []
    for url, names in QUERY_ARGS.items():
        for name in names + ["page", "page_size", "unknown"]:
            for value in BAD_QUERY_VALUES:
                response = api("referent1", "GET", f"{url}?{name}={value}")
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{url}?{name}={value[:30]}: {response.status_code}")
    assert not failures
