"""/api/v1/relays, /api/v1/relay-pools and /api/v1/relay-draws: through the policy and the services."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.relays import draw as drawing
from gup.relays import services
from gup.relays.models import Gender, RelayDraw, ResidentRelay
from gup.territory.models import TerritoryKind
from tests.test_api_bad_input import BAD_QUERY_VALUES, BAD_VALUES, RAW_BODIES, SPOILED

RELAYS, POOLS, DRAWS = "/api/v1/relays", "/api/v1/relay-pools", "/api/v1/relay-draws"
CONTACT_KEYS = {"email", "phone", "consent_given_on", "consent_channels", "consent_withdrawn_on",
                "contact_erased_at"}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


@pytest.fixture
def sample(f, w, place):
    """Two relays of the sample agreement (one active with contact, one ended and erased), a pool of five
    volunteers with an unpublished draw, and a relay of another agreement coordinated by other_coordinator."""
    coordinator = w["coordinator"]
    awa = services.create_relay(w["agreement"], actor=coordinator, person_name="Awa Diallo", territory=place["b1"],
                                email="awa@example.org", phone="06 11 22 33 44", consent_given_on=date(2026, 1, 5),
                                consent_channels=["email", "phone"], mandate_start_on=date(2026, 1, 1))
    bruno = services.create_relay(w["agreement"], actor=coordinator, person_name="Bruno Martin",
                                  territory=place["s1"], email="bruno@example.org", mandate_start_on=date(2025, 1, 1))
    services.end_mandate(bruno, reason="moved", on=date(2026, 3, 1), actor=coordinator)
    services.withdraw_consent(bruno, on=date(2026, 3, 1), actor=coordinator)
    pool = services.create_pool(w["agreement"], name="Vivier du Parc", territory=place["res"], actor=coordinator)
    for name, gender in [("Chloé", "woman"), ("David", "man"), ("Emma", "woman"), ("Farid", "man"),
                         ("Gaëlle", None)]:
        services.add_pool_member(pool, person_name=name, gender=gender, actor=coordinator)
    unpublished = services.run_draw(pool, seats=2, parity=False, actor=coordinator)
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    other.territories.append(nbh)
    elsewhere = services.create_relay(other, actor=w["other_coordinator"], person_name="Ailleurs",
                                      territory=f.make_territory(TerritoryKind.BUILDING,
                                                                 f.make_territory(TerritoryKind.RESIDENCE, nbh)),
                                      email="ailleurs@example.org", mandate_start_on=date(2026, 1, 1))
    db.session.commit()
    return {"awa": awa, "bruno": bruno, "pool": pool, "unpublished": unpublished, "elsewhere": elsewhere,
            "place": place}


def _body(w, place, **overrides):
    body = {"agreement_id": w["agreement"].id, "person_name": "Hawa Koné", "territory_id": place["b2"].id,
            "mandate_start_on": "2026-06-01", "email": "hawa@example.org", "phone": "07 00 00 00 01",
            "consent_given_on": "2026-06-01", "consent_channels": ["phone", "email"], "gender": "woman",
            "designation_method": "co_opted"}
    body.update(overrides)
    return body


# --- relays: list and detail ---------------------------------------------------------------------

def test_list_is_scoped_and_filtered(api, w, sample):
    awa, bruno, elsewhere = sample["awa"].id, sample["bruno"].id, sample["elsewhere"].id
    assert _ids(api("coordinator", "GET", RELAYS)) == [awa, bruno]
    assert _ids(api("referent1", "GET", RELAYS)) == [awa, bruno]
    assert _ids(api("admin", "GET", RELAYS)) == [awa, bruno, elsewhere]
    assert _ids(api("outsider", "GET", RELAYS)) == [elsewhere]
    assert _ids(api("admin", "GET", f"{RELAYS}?agreement_id={w['agreement'].id}")) == [awa, bruno]
    assert _ids(api("coordinator", "GET", f"{RELAYS}?status=ended")) == [bruno]
    assert _ids(api("coordinator", "GET", f"{RELAYS}?status=active")) == [awa]
    assert _ids(api("coordinator", "GET", f"{RELAYS}?territory_id={sample['place']['s1'].id}")) == [bruno]
    assert _ids(api("coordinator", "GET", f"{RELAYS}?agreement_id=999999")) == []


def test_contact_is_for_the_coordination_only(api, w, sample):
    url = f"{RELAYS}/{sample['awa'].id}"
    for role in ("coordinator", "admin"):
        contact = api(role, "GET", url).json["contact"]
        assert contact["email"] == "awa@example.org" and contact["phone"] == "06 11 22 33 44"
        assert contact["consent_channels"] == ["email", "phone"] and contact["consent_given_on"] == "2026-01-05"
    for role in ("referent1", "referent2", "observer", "other_coordinator"):
        response = api(role, "GET", url)
        assert response.status_code == 200
        body = response.json
        assert body["person_name"] == "Awa Diallo" and body["contact"] is None
        assert "awa@example.org" not in response.get_data(as_text=True)
        listed = api(role, "GET", f"{RELAYS}?agreement_id={w['agreement'].id}")
        assert len(listed.json) == 2 and all(row["contact"] is None for row in listed.json)
        assert "@example.org" not in listed.get_data(as_text=True)
    # the coordinator of another agreement reads this one (the town is a party) but not its relays' contact,
    # and sees the contact of the relay of the agreement they coordinate
    rows = {row["id"]: row for row in api("other_coordinator", "GET", RELAYS).json}
    assert rows[sample["elsewhere"].id]["contact"]["email"] == "ailleurs@example.org"
    assert api("outsider", "GET", url).status_code == 403


def test_erased_contacts_read_as_null(api, w, sample):
    body = api("coordinator", "GET", f"{RELAYS}/{sample['bruno'].id}").json
    assert body["status"] == "ended" and body["end_reason"] == "moved" and body["ended_on"] == "2026-03-01"
    contact = body["contact"]
    assert contact["email"] is None and contact["phone"] is None and contact["consent_channels"] == []
    assert contact["contact_erased_at"] is not None and contact["consent_withdrawn_on"] == "2026-03-01"


def test_detail_fields_and_404(api, w, sample):
    body = api("referent2", "GET", f"{RELAYS}/{sample['awa'].id}").json
    assert body["agreement"]["id"] == w["agreement"].id and body["scope_label"] == "Bâtiment A"
    assert body["territory_id"] == sample["place"]["b1"].id and body["designation_method"] == "volunteer"
    assert body["mandate_start_on"] == "2026-01-01" and body["mandate_end_on"] == "2028-01-01"
    assert api("coordinator", "GET", f"{RELAYS}/999999").status_code == 404
    assert api(None, "GET", f"{RELAYS}/{sample['awa'].id}").status_code == 401


@pytest.mark.parametrize("query", ["status=dormant", "agreement_id=abc", "territory_id=0", "page=0",
                                   "agreement_id=99999999999999999999"])
def test_list_bad_filters_are_422_naming_them(api, w, query):
    response = api("coordinator", "GET", f"{RELAYS}?{query}")
    assert response.status_code == 422 and query.split("=")[0] in response.json["errors"]["query"]


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    def agreement_with(n: int):
        agreement = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
        nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
        agreement.territories.append(nbh)
        agreement.themes = [f.theme()]
        residence = f.make_territory(TerritoryKind.RESIDENCE, nbh)
        for i in range(n):
            place = f.make_territory(TerritoryKind.BUILDING, residence) if i % 2 else None
            services.create_relay(agreement, actor=w["coordinator"], person_name=f"Relais {i}", territory=place,
                                  theme_id=None if place else agreement.themes[0].id,
                                  neighbourhood_id=None if place else nbh.id, email=f"r{i}@example.org",
                                  mandate_start_on=date(2026, 1, 1))
        return agreement

    small, large = agreement_with(1), agreement_with(30)
    db.session.commit()
    api("coordinator", "GET", "/api/v1/me")
    counts = []
    for agreement, size in ((small, 1), (large, 30)):
        with count_queries() as statements:
            response = api("coordinator", "GET", f"{RELAYS}?agreement_id={agreement.id}&page_size=50")
        assert len(response.json) == size and all(row["contact"]["email"] for row in response.json)
        assert json.loads(response.headers["X-Pagination"])["total"] == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- relays: create ------------------------------------------------------------------------------

def test_coordinator_creates_a_relay(api, w, sample):
    place = sample["place"]
    response = api("coordinator", "POST", RELAYS, json=_body(w, place))
    assert response.status_code == 201, response.json
    body = response.json
    relay = db.session.get(ResidentRelay, body["id"])
    assert relay.person_name == "Hawa Koné" and relay.territory_id == place["b2"].id
    assert relay.channels == {"email", "phone"} and relay.gender is Gender.WOMAN
    assert relay.mandate_end_on == date(2028, 6, 1)  # the default length (services.create_relay)
    assert body["contact"]["email"] == "hawa@example.org" and body["designation_method"] == "co_opted"


def test_admin_creates_a_thematic_relay(api, w, f, sample):
    theme = f.theme()
    w["agreement"].themes = [theme]
    db.session.commit()
    body = _body(w, sample["place"], territory_id=None, theme_id=theme.id,
                 neighbourhood_id=sample["place"]["nbh"].id, mandate_end_on="2027-06-01")
    response = api("admin", "POST", RELAYS, json=body)
    assert response.status_code == 201, response.json
    assert response.json["theme_id"] == theme.id and response.json["mandate_end_on"] == "2027-06-01"


@pytest.mark.parametrize("role", ["referent1", "referent2", "observer", "other_coordinator", "outsider"])
def test_others_cannot_create(api, w, sample, role):
    before = _count(ResidentRelay)
    response = api(role, "POST", RELAYS, json=_body(w, sample["place"]))
    assert response.status_code == 403 and response.is_json
    assert _count(ResidentRelay) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"agreement_id": 999999}, "agreement_id"),
    ({"territory_id": 999999}, "territory_id"),
    ({"territory_id": None}, "territory_id"),  # neither a place nor a theme and neighbourhood: the service says
    ({"mandate_end_on": "2025-01-01"}, "mandate_end_on"),
    ({"theme_id": 999999, "territory_id": None}, "theme_id"),
    ({"neighbourhood_id": 999999}, "neighbourhood_id"),
    ({"consent_channels": ["pigeon"]}, "consent_channels"),
    ({"email": "not an address"}, "email"),
    ({"person_name": "   "}, "person_name"),
    ({"person_name": "x" * 201}, "person_name"),
    ({"mandate_start_on": "2026-02-30"}, "mandate_start_on"),
    ({"agreement_id": "5"}, "agreement_id"),
])
def test_create_refuses_bad_input_naming_the_field(api, w, sample, overrides, field):
    before = _count(ResidentRelay)
    response = api("coordinator", "POST", RELAYS, json=_body(w, sample["place"], **overrides))
    assert response.status_code == 422 and field in response.json["errors"]["json"], response.json
    assert _count(ResidentRelay) == before


def test_a_place_outside_the_perimeter_is_refused(api, w, sample):
    """The building of another agreement's relay is not a place of this agreement."""
    foreign = sample["elsewhere"].territory_id
    response = api("coordinator", "POST", RELAYS, json=_body(w, sample["place"], territory_id=foreign))
    assert response.status_code == 422 and "territory_id" in response.json["errors"]["json"]


# --- pools ---------------------------------------------------------------------------------------

def test_pools_are_for_the_coordination_with_pseudonyms_only(api, w, sample):
    pool = sample["pool"]
    body = api("coordinator", "GET", f"{POOLS}/{pool.id}").json
    assert body["name"] == "Vivier du Parc" and body["agreement"]["id"] == w["agreement"].id
    assert [m["pseudonym"] for m in body["members"]] == ["V-0001", "V-0002", "V-0003", "V-0004", "V-0005"]
    assert [m["gender"] for m in body["members"]] == ["woman", "man", "woman", "man", None]
    assert all(set(m) == {"pseudonym", "gender"} for m in body["members"])
    assert "Chloé" not in json.dumps(body)
    assert _ids(api("coordinator", "GET", POOLS)) == [pool.id]
    assert _ids(api("admin", "GET", f"{POOLS}?agreement_id={w['agreement'].id}")) == [pool.id]
    for role in ("referent1", "observer", "other_coordinator", "outsider"):
        assert api(role, "GET", f"{POOLS}/{pool.id}").status_code == 403
        assert _ids(api(role, "GET", POOLS)) == []
    assert api("coordinator", "GET", f"{POOLS}/999999").status_code == 404


# --- draws ---------------------------------------------------------------------------------------

def test_run_a_draw_reproducible_from_its_published_seed_and_pool(api, w, sample):
    pool = sample["pool"]
    response = api("coordinator", "POST", DRAWS, json={"pool_id": pool.id, "seats": 3, "parity": True})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["pool_ids"] == ["V-0001", "V-0002", "V-0003", "V-0004", "V-0005"] and body["published"] is False
    assert len(body["seed"]) == 32 and body["seats"] == 3 and body["parity"] is True
    assert body["pool_genders"]["V-0001"] == "woman" and body["pool_genders"]["V-0005"] is None
    # anyone re-runs it from what the API published: the seed, the pool in fixed order and its genders
    assert drawing.draw(body["pool_ids"], body["seats"], body["seed"], body["pool_genders"]) == body["result_ids"]
    assert "Chloé" not in json.dumps(body) and "person_name" not in json.dumps(body)
    record = db.session.get(RelayDraw, body["id"])
    assert record.result_ids == body["result_ids"] and services.verify(record)


def test_a_given_seed_gives_the_published_result_and_the_verification_command_reruns_it(api, w, sample):
    pool = sample["pool"]
    body = api("coordinator", "POST", DRAWS, json={"pool_id": pool.id, "seats": 2, "seed": "fete-de-quartier-2026"}
               ).json
    assert body["seed"] == "fete-de-quartier-2026"
    assert body["result_ids"] == drawing.draw(sorted(m.pseudonym for m in pool.members), 2, "fete-de-quartier-2026")
    command = body["verification"]
    assert command.startswith("python3 -c ") and "fete-de-quartier-2026" in command
    code = command.split('"', 1)[1].rsplit('"', 1)[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == repr(body["result_ids"])


def test_draws_are_seen_by_others_only_once_published(api, w, sample):
    draw_id = sample["unpublished"].id
    assert _ids(api("coordinator", "GET", DRAWS)) == [draw_id]
    assert api("coordinator", "GET", f"{DRAWS}/{draw_id}").json["result_ids"] == sample["unpublished"].result_ids
    for role in ("referent1", "observer", "other_coordinator", "outsider"):
        assert api(role, "GET", f"{DRAWS}/{draw_id}").status_code == 403
        assert _ids(api(role, "GET", DRAWS)) == []
    services.publish_draw(sample["unpublished"], actor=w["coordinator"])
    db.session.commit()
    for role in ("referent1", "observer", "other_coordinator", "outsider"):
        body = api(role, "GET", f"{DRAWS}/{draw_id}").json
        assert body["published"] is True and body["seed"] == sample["unpublished"].seed
        assert _ids(api(role, "GET", DRAWS)) == [draw_id]
    assert _ids(api("outsider", "GET", f"{DRAWS}?published=false")) == []
    assert _ids(api("coordinator", "GET", f"{DRAWS}?pool_id={sample['pool'].id}&published=true")) == [draw_id]


@pytest.mark.parametrize("role", ["referent1", "observer", "other_coordinator", "outsider"])
def test_others_cannot_run_a_draw(api, w, sample, role):
    before = _count(RelayDraw)
    response = api(role, "POST", DRAWS, json={"pool_id": sample["pool"].id, "seats": 1})
    assert response.status_code == 403 and response.is_json
    assert _count(RelayDraw) == before


@pytest.mark.parametrize(("body", "field"), [
    ({"seats": 6}, "seats"),  # more seats than volunteers: the service's DomainError
    ({"seats": 0}, "seats"),
    ({"seats": "2"}, "seats"),
    ({"pool_id": 999999}, "pool_id"),
    ({"seed": "pas de graine"}, "seed"),
    ({"seed": "x" * 65}, "seed"),
    ({"parity": "peut-être"}, "parity"),
])
def test_run_draw_refuses_bad_input_naming_the_field(api, w, sample, body, field):
    before = _count(RelayDraw)
    response = api("coordinator", "POST", DRAWS, json={"pool_id": sample["pool"].id, "seats": 1, **body})
    assert response.status_code == 422 and field in response.json["errors"]["json"], response.json
    assert _count(RelayDraw) == before


def test_draw_list_pages_cost_the_same_number_of_queries(api, w, sample, count_queries):
    pool = sample["pool"]
    for _ in range(29):
        services.run_draw(pool, seats=1, parity=True, actor=w["coordinator"])
    db.session.commit()
    api("coordinator", "GET", "/api/v1/me")
    with count_queries() as one:
        assert len(api("coordinator", "GET", f"{DRAWS}?page_size=1").json) == 1
    with count_queries() as thirty:
        assert len(api("coordinator", "GET", f"{DRAWS}?page_size=50").json) == 30
    assert len(one) == len(thirty)


# --- malformed input -----------------------------------------------------------------------------

def _write_routes(w, sample):
    from gup.relays.schemas import DrawIn, RelayIn

    return [("POST", RELAYS, _body(w, sample["place"]), sorted(RelayIn().fields)),
            ("POST", DRAWS, {"pool_id": sample["pool"].id, "seats": 1}, sorted(DrawIn().fields))]


def test_one_malformed_body_per_write_route(api, w, sample):
    for method, url, valid, fields in _write_routes(w, sample):
        body = {**valid, **{field: value for field, value in zip(fields, SPOILED * len(fields), strict=True)}}
        response = api("coordinator", method, url, json=body)
        assert 400 <= response.status_code < 500 and response.is_json, (method, url, response.status_code)


@pytest.mark.slow
def test_malformed_fields_never_give_500(api, w, sample):
    failures = []
    for method, url, valid, fields in _write_routes(w, sample):
        for field in [*fields, "unknown_field"]:
            for value in BAD_VALUES:
                response = api("coordinator", method, url, json={**valid, field: value})
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{method} {url} {field}={str(value)[:30]!r}: {response.status_code}")
        for raw in RAW_BODIES:
            response = api("coordinator", method, url, data=raw, content_type="application/json")
            if not 400 <= response.status_code < 500:
                failures.append(f"{method} {url} raw {raw[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])


def test_malformed_query_strings_never_give_500(api, w):
    failures = []
    for url, names in {RELAYS: ["agreement_id", "status", "territory_id"], POOLS: ["agreement_id"],
                       DRAWS: ["pool_id", "published"]}.items():
        for name in [*names, "page", "page_size", "unknown"]:
            for value in BAD_QUERY_VALUES:
                response = api("referent1", "GET", f"{url}?{name}={value}")
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{url}?{name}={value[:30]}: {response.status_code}")
    assert not failures
