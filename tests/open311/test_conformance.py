"""Open311 GeoReport v2 conformance: every method in XML and JSON, every error case of the specification."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.hotline import services as hotline
from gup.hotline.models import Channel, ReportStatus, ResidentReport
from gup.open311.views import STATUS_EXTENDED
from gup.orm import now_utc
from tests.open311.conftest import BASE, parse

FORMATS = ["json", "xml"]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(ResidentReport.id)))


def _error(response, fmt: str, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    errors = parse(response, fmt, "errors")
    assert len(errors) >= 1 and set(errors[0]) == {"code", "description"}
    assert errors[0]["code"] == str(status) and errors[0]["description"]
    return errors[0]["description"]


# --- discovery, services, service definitions ----------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(o311, fmt):
    data = parse(o311.get("discovery", fmt), fmt, "discovery")
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    assert W3C.match(data["changeset"])
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list_has_published_categories_only(o311, f, fmt):
    f.make_category(code="hidden", is_published=False)
    db.session.commit()
    services = parse(o311.get("services", fmt), fmt, "services")
    by_code = {s["service_code"]: s for s in services}
    assert set(by_code) == {"encombrants", "tags"}
    assert by_code["encombrants"] == {"service_code": "encombrants", "service_name": "Encombrants",
                                      "description": "Objets abandonnés", "metadata": "true", "type": "realtime",
                                      "keywords": "Encombrants, Propreté", "group": "Propreté"}
    assert by_code["tags"]["metadata"] == "false"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(o311, fmt):
    data = parse(o311.get("services/encombrants", fmt), fmt, "service_definition")
    assert data["service_code"] == "encombrants"
    kind, count = data["attributes"]
    assert kind == {"variable": "true", "code": "kind", "datatype": "singlevaluelist", "required": "true",
                    "datatype_description": "", "order": "1", "description": "Type d'objet",
                    "values": [{"key": "meuble", "name": "Meuble"}, {"key": "electro", "name": "Électroménager"}]}
    assert count["datatype"] == "number" and count["required"] == "false" and count["values"] == []
    assert parse(o311.get("services/tags", fmt), fmt)["attributes"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_unknown_or_unpublished_code_is_404(o311, f, fmt):
    f.make_category(code="hidden", is_published=False)
    db.session.commit()
    assert "nope" in _error(o311.get("services/nope", fmt), fmt, 404)
    _error(o311.get("services/hidden", fmt), fmt, 404)


# --- POST service request ------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_creates_a_report_in_the_hotline_queue(o311, f, fmt):
    response = o311.post(fmt, email="Alice@Example.org", first_name="Alice", last_name="Martin", phone="0601020304",
                         device_id="dev-1", account_id="acc-9", address_string="3 rue des Lilas",
                         media_url="https://img.example.org/1.jpg", **{"attribute[count]": "2"})
    assert response.status_code == 200, response.get_data(as_text=True)
    (created,) = parse(response, fmt, "service_requests")
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert "token" not in created
    assert re.match(r"^GUP-\d{4}-\d{6}$", created["service_request_id"])
    assert created["service_request_id"] in created["service_notice"]
    report = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.reference ==
                                                               created["service_request_id"]))
    assert report.channel is Channel.OPEN311 and report.status is ReportStatus.RECEIVED
    assert report.open311_client_id == o311.client.id and report.category_id == o311.category.id
    assert (report.latitude, report.longitude, report.address) == (48.8566, 2.3522, "3 rue des Lilas")
    assert report.attribute_values == {"kind": "meuble", "count": "2"}
    assert report.media_url == "https://img.example.org/1.jpg"
    assert (report.contact_name, report.contact_email, report.contact_phone, report.contact_consent) == (
        "Alice Martin", "alice@example.org", "0601020304", True)
    from gup.auth.models import Role
    from gup.hotline.queries import queue_stmt

    queue = db.session.scalars(queue_stmt(f.make_user(Role.ADMIN), today=now_utc().date(), channel="open311"))
    assert report in queue.unique().all()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_contact_is_not_contactable_and_empty_optional_parameters_count_as_absent(o311, fmt):
    response = o311.post(fmt, email="", phone="", first_name="", last_name="", media_url="", address_string="",
                         address_id="", description="", **{"attribute[count]": ""})
    assert response.status_code == 200, response.get_data(as_text=True)
    report = db.session.scalars(sa.select(ResidentReport)).one()
    assert (report.contact_email, report.contact_phone, report.contact_name, report.contact_consent) == (
        None, None, None, False)
    assert report.description == "Encombrants"  # no description: the service name
    assert report.attribute_values == {"kind": "meuble"} and report.media_url is None


def test_phone_only_is_contactable(o311):
    assert o311.post(phone="0102030405").status_code == 200
    assert db.session.scalars(sa.select(ResidentReport)).one().contact_consent is True


@pytest.mark.parametrize("location", [{"lat": None, "long": None, "address_string": "Parking du marché"},
                                      {"lat": None, "long": None, "address_id": "BAN-75056-1234"}])
def test_any_one_location_is_enough(o311, location):
    response = o311.post("xml", **location)
    assert response.status_code == 200, response.get_data(as_text=True)


def test_multivaluelist_attribute(o311, f):
    f.make_category(code="multi", attributes=[{"code": "m", "datatype": "multivaluelist", "required": True,
                                               "values": [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}]}])
    db.session.commit()
    response = o311.post(service_code="multi", **{"attribute[m][]": ["a", "b"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalars(sa.select(ResidentReport)).one().attribute_values == {"m": ["a", "b"]}
    _error(o311.post(service_code="multi", **{"attribute[m][]": ["a", "z"]}), "json", 400)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("form", "status", "words"), [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": ""}, 403, "api_key"),
    ({"api_key": "o311_not-a-key"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "   "}, 400, "service_code"),
    ({"service_code": "nope"}, 404, "nope"),
    ({"lat": None, "long": None}, 400, "lieu"),
    ({"long": None}, 400, "long"),
    ({"lat": "abc"}, 400, "lat"),
    ({"lat": "91"}, 400, "lat"),
    ({"long": "-180.5"}, 400, "long"),
    ({"lat": "nan"}, 400, "lat"),
    ({"long": "inf"}, 400, "long"),
    ({"attribute[kind]": None}, 400, "attribute[kind]"),
    ({"attribute[kind]": ""}, 400, "attribute[kind]"),
    ({"attribute[kind]": "voiture"}, 400, "attribute[kind]"),
    ({"attribute[count]": "deux"}, 400, "attribute[count]"),
    ({"email": "pas-une-adresse"}, 400, "email"),
    ({"phone": "0" * 41}, 400, "phone"),
    ({"description": "x" * 4001}, 400, "description"),
    ({"address_string": "x" * 256, "lat": None, "long": None}, 400, "address_string"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
])
def test_post_errors(o311, fmt, form, status, words):
    before = _count()
    description = _error(o311.post(fmt, **form), fmt, status)
    assert words in description
    assert _count() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_refused(o311, fmt):
    from gup.open311.services import revoke_client

    revoke_client(o311.client, actor=None, now=now_utc())
    db.session.commit()
    assert "api_key" in _error(o311.post(fmt), fmt, 403)
    assert _count() == 0


def test_unpublished_category_cannot_be_posted(o311, f):
    f.make_category(code="hidden", is_published=False)
    db.session.commit()
    _error(o311.post(service_code="hidden"), "json", 404)


def test_xml_special_characters_are_escaped(o311):
    response = o311.post("xml", description="Tags <b>« & »</b> ]]> sur le mur")
    reference = parse(response, "xml")[0]["service_request_id"]
    (request,) = parse(o311.get(f"requests/{reference}", "xml"), "xml", "service_requests")
    assert request["description"] == "Tags <b>« & »</b> ]]> sur le mur"


# --- GET service requests ------------------------------------------------------------------------

def _reports(f, o311):
    now = now_utc()
    recent = f.make_report(o311.category, now=now - timedelta(days=1), contact_email="secret@example.org",
                           contact_phone="0699999999", contact_name="Jeanne Secret", contact_consent=True,
                           latitude=48.85, longitude=2.35)
    closed = f.make_report(o311.plain, now=now - timedelta(days=2))
    hotline.change_status(closed, to=ReportStatus.NOT_OUR_REMIT, actor=None, now=now - timedelta(days=1),
                          public_text="Hors sujet : contactez la préfecture.", referral="la préfecture")
    old = f.make_report(o311.category, now=now - timedelta(days=100))
    db.session.commit()
    return recent, closed, old


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_fields_and_no_personal_data(o311, f, fmt):
    recent, closed, _old = _reports(f, o311)
    response = o311.get(f"requests/{recent.reference}", fmt)
    body = response.get_data(as_text=True)
    (request,) = parse(response, fmt, "service_requests")
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == recent.reference and request["status"] == "open"
    assert request["service_code"] == "encombrants" and request["service_name"] == "Encombrants"
    assert (request["lat"], request["long"], request["zipcode"]) == ("48.85", "2.35", "")
    for field in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert W3C.match(request[field]), request[field]
    for secret in ("secret@example.org", "0699999999", "Jeanne", "Secret"):
        assert secret not in body
    (referred,) = parse(o311.get(f"requests/{closed.reference}", fmt), fmt)
    assert referred["status"] == "closed"
    assert referred["status_notes"] == "Hors de nos compétences — Hors sujet : contactez la préfecture."


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_unknown_is_404(o311, fmt):
    _error(o311.get("requests/GUP-2020-999999", fmt), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_defaults_to_the_last_90_days_newest_first(o311, f, fmt):
    recent, closed, old = _reports(f, o311)
    body = o311.get("requests", fmt)
    ids = [r["service_request_id"] for r in parse(body, fmt, "service_requests")]
    assert ids == [recent.reference, closed.reference]
    assert "secret@example.org" not in body.get_data(as_text=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_filters(o311, f, fmt):
    recent, closed, old = _reports(f, o311)

    def ids(**query):
        response = o311.get("requests", fmt, **query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in parse(response, fmt)]

    assert ids(status="open") == [recent.reference]
    assert ids(status="closed") == [closed.reference]
    assert ids(status="open,closed") == [recent.reference, closed.reference]
    assert ids(service_code="tags") == [closed.reference]
    assert ids(service_code="encombrants,tags") == [recent.reference, closed.reference]
    assert ids(service_code="unknown") == []
    # empty optional parameters count as absent
    assert ids(status="", service_code="", start_date="", end_date="", service_request_id="") == [
        recent.reference, closed.reference]
    # service_request_id overrides every other argument (even the 90 days and the status)
    assert ids(service_request_id=f"{old.reference},{closed.reference},GUP-2020-999999", status="open") == [
        old.reference, closed.reference]
    start = (now_utc() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now_utc() - timedelta(days=50)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert ids(start_date=start, end_date=end) == [old.reference]
    assert ids(start_date=start) == [old.reference]  # 90 days from the start
    assert ids(end_date=end) == [old.reference]  # 90 days up to the end
    assert ids(start_date=(now_utc() - timedelta(days=3)).date().isoformat()) == [recent.reference, closed.reference]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [
    {"start_date": "hier"}, {"end_date": "2026-13-01T00:00:00Z"}, {"start_date": "2026-01-01T10:00:00"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
    {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, {"status": "pending"},
])
def test_list_bad_arguments_are_400(o311, fmt, query):
    _error(o311.get("requests", fmt, **query), fmt, 400)


def test_list_is_capped(o311, f, monkeypatch):
    from gup.open311 import queries

    for _ in range(3):
        f.make_report(o311.category)
    db.session.commit()
    monkeypatch.setattr(queries, "MAX_REQUESTS", 2)
    assert len(parse(o311.get("requests"), "json")) == 2


def test_list_query_count_is_constant(o311, f, count_queries):
    f.make_report(o311.category)
    db.session.commit()
    with count_queries() as few:
        o311.get("requests")
    for _ in range(5):
        report = f.make_report(o311.plain)
        hotline.change_status(report, to=ReportStatus.QUALIFIED, actor=None, now=now_utc())
    db.session.commit()
    with count_queries() as many:
        o311.get("requests", "xml")
    assert len(many) == len(few)


# --- tokens and updates ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_token_is_the_reference(o311, fmt):
    reference = parse(o311.post(fmt), fmt)[0]["service_request_id"]
    assert parse(o311.get(f"tokens/{reference}", fmt), fmt, "service_requests") == [
        {"service_request_id": reference, "token": reference}]
    _error(o311.get("tokens/unknown-token", fmt), fmt, 404)


def test_every_status_has_an_extended_status():
    assert set(STATUS_EXTENDED) == set(ReportStatus)
    assert STATUS_EXTENDED[ReportStatus.RESOLVED] == "fixed"
    assert STATUS_EXTENDED[ReportStatus.NOT_OUR_REMIT] == "not_councils_responsibility"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_updates(o311, f, fmt):
    organisation = f.make_organisation()
    report = f.make_report(o311.category, now=now_utc() - timedelta(days=2), contact_email="secret@example.org",
                           contact_consent=True)
    hotline.route_report(report, to=organisation, actor=None, now=now_utc() - timedelta(days=1))
    hotline.change_status(report, to=ReportStatus.RESOLVED, actor=None, now=now_utc(),
                          public_text="Les encombrants ont été enlevés.")
    db.session.commit()
    response = o311.get("servicerequestupdates", fmt)
    updates = parse(response, fmt, "service_request_updates")
    assert [u["status"] for u in updates] == ["open", "action_scheduled", "fixed"]
    last = updates[-1]
    assert set(last) == {"update_id", "service_request_id", "status", "updated_datetime", "description",
                         "media_url"}
    assert last["service_request_id"] == report.reference and W3C.match(last["updated_datetime"])
    assert last["description"] == "Les encombrants ont été enlevés."
    assert len({u["update_id"] for u in updates}) == 3
    assert "secret@example.org" not in response.get_data(as_text=True)
    (request,) = parse(o311.get(f"requests/{report.reference}", fmt), fmt)
    assert request["status"] == "closed" and request["agency_responsible"] == organisation.name
    since = (now_utc() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [u["status"] for u in parse(o311.get("servicerequestupdates", fmt, start_date=since), fmt)] == ["fixed"]
    _error(o311.get("servicerequestupdates", fmt, start_date="nope"), fmt, 400)


# --- unknown resources, formats and methods -------------------------------------------------------

@pytest.mark.parametrize("path", ["services.csv", "services", "nothing.json", "requests/x/y.xml"])
def test_unknown_resource_or_format_is_404_with_an_error_body(client, path):
    response = client.get(f"{BASE}/{path}")
    fmt = "xml" if path.endswith(".xml") else "json"
    _error(response, fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_method_is_405_with_an_error_body(client, fmt):
    response = client.post(f"{BASE}/services.{fmt}")
    _error(response, fmt, 405)
    assert response.headers["Allow"] == "GET"
    assert client.delete(f"{BASE}/requests.{fmt}").headers["Allow"] == "GET, POST"


def test_oversized_body_is_an_open311_error(o311, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = o311.post("xml", description="x" * 3000)
    _error(response, "xml", 413)
