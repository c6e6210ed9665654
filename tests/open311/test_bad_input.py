"""Bad input on Open311: control characters never make the XML malformed, dates out of range are the spec's
error list (never an HTML 500), a deeply nested body is a 400."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.hotline.models import ResidentReport
from tests.open311.conftest import BASE, parse

CONTROLS = "Tag\x01 sur\x00 le mur\x7f\x1b\r\nfin"


def _requests_xml(o311):
    response = o311.get("requests", "xml")
    assert response.status_code == 200
    return ET.fromstring(response.get_data())  # raises ParseError on a malformed document


def test_control_characters_posted_are_dropped_and_the_xml_stays_well_formed(o311):
    response = o311.post("xml", description=CONTROLS, address_string="2 rue\x01 Haute", first_name="A\x00b")
    assert response.status_code == 200, response.get_data(as_text=True)
    report = db.session.scalar(sa.select(ResidentReport))
    assert report.description == "Tag sur le mur\nfin"
    assert report.address == "2 rue Haute"
    root = _requests_xml(o311)
    assert [r.findtext("description") for r in root] == ["Tag sur le mur\nfin"]
    assert parse(o311.get("requests", "json"), "json")[0]["description"] == "Tag sur le mur\nfin"


def test_text_stored_before_the_filter_is_still_well_formed_xml_and_json(o311):
    """Rows written before the filter existed (or by raw SQL) carry the characters: the output drops them."""
    assert o311.post().status_code == 200
    dirty = "Avant\x01\x0b le filtre\x1f"  # the published wording is what Open311 shows (disclosure rule)
    db.session.execute(sa.update(ResidentReport).values(description=dirty, public_description=dirty))
    db.session.commit()
    root = _requests_xml(o311)
    assert [r.findtext("description") for r in root] == ["Avant le filtre"]
    assert o311.get("requests", "json").json[0]["description"] == "Avant le filtre"
    assert b"\x01" not in o311.get("servicerequestupdates", "xml").get_data()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("path", ["requests", "servicerequestupdates"])
@pytest.mark.parametrize("query", [{"start_date": "0001-01-01"}, {"start_date": "9999-12-31"},
                                   {"end_date": "0001-01-01"}, {"end_date": "9999-12-31"},
                                   {"start_date": "0001-01-01T00:00:00Z"},
                                   {"end_date": "9999-12-31T23:59:59+14:00"},
                                   {"start_date": "9999-12-31", "end_date": "9999-12-31"}])
def test_dates_out_of_range_are_the_specs_error_list(o311, path, fmt, query):
    response = o311.get(path, fmt, **query)
    assert response.status_code == 400
    errors = parse(response, fmt, root="errors")
    assert errors[0]["code"] == "400" and "hors limites" in errors[0]["description"]


def test_a_datetime_attribute_out_of_range_is_a_400(o311, f):
    f.make_category(code="rdv", label="Rendez-vous", attributes=[
        {"code": "when", "datatype": "datetime", "required": True, "order": 1, "description": "Quand ?"}])
    db.session.commit()
    response = o311.post(service_code="rdv", **{"attribute[when]": "9999-12-31T23:00:00Z"})
    assert response.status_code == 400 and "hors limites" in response.json[0]["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_deeply_nested_json_is_a_400_error_list(o311, client, fmt):
    body = "[" * 5000 + "]" * 5000
    response = client.post(f"{BASE}/requests.{fmt}", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "imbriqué" in parse(response, fmt, root="errors")[0]["description"]
