"""One text filter for every channel: /signaler, the phone intake, the JSON API, query strings, the CLI import
and any write through the ORM drop the control characters (NUL included: PostgreSQL refuses it)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.extensions import db
from gup.findings.models import Finding
from gup.hotline.models import Channel, ResidentReport
from gup.inputs import clean_any, clean_text, json_depth
from gup.territory.models import TerritoryKind

DIRTY = "Lampadaire\x00 éteint\x01 depuis\x7f une semaine\x1b\r\nsuite\rfin\tok"
CLEAN = "Lampadaire éteint depuis une semaine\nsuite\nfin\tok"


def test_clean_text_keeps_tab_and_newline_and_drops_the_rest():
    assert clean_text(DIRTY) == CLEAN
    assert clean_text("a\ud800b\udfffc") == "abc"
    assert clean_text("é ✓ 😀 \u2028") == "é ✓ 😀 \u2028"
    assert clean_any({"k\x00": ["\x01a", {"b": "c\x02"}, 3, None]}) == {"k": ["a", {"b": "c"}, 3, None]}


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 40 + b"]" * 40) == 40


def _category(f):
    organisation = f.make_organisation(name="Bailleur du Parc")
    category = f.make_category(label="Éclairage", default_organisation=organisation)
    db.session.commit()
    return category


def test_public_report_form_drops_control_characters(client, f):
    category = _category(f)
    response = client.post("/signaler", data={
        "category_id": str(category.id), "description": DIRTY, "address": "4 allée\x00 des Tilleuls\x0c",
        "latitude": "", "longitude": "", "neighbourhood_id": "", "contact_name": "Awa\x00",
        "contact_email": "", "contact_phone": "", "website": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    report = db.session.scalar(sa.select(ResidentReport))
    assert (report.description, report.address) == (CLEAN, "4 allée des Tilleuls")


def test_form_re_rendered_with_the_cleaned_text(client, f):
    category = _category(f)
    response = client.post("/signaler", data={"category_id": str(category.id), "description": "Tag\x01 mur",
                                              "address": "", "website": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Tag mur" in page and "\x01" not in page


def test_phone_intake_drops_control_characters(client, f, login):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    category = f.make_category(label="Encombrants", default_organisation=w["hp2"])
    db.session.commit()
    login(w["coordinator"])
    response = client.post("/signalements/appel", data={
        "category_id": category.id, "description": DIRTY, "address": "5 place\x00 du Marché",
        "neighbourhood_id": hood.id, "contact_name": "M.\x01 Dupont", "contact_phone": "0102030405",
        "contact_consent": "y", "callback_preference": "Le\x00 matin"})
    assert response.status_code == 302, response.get_data(as_text=True)
    report = db.session.scalar(sa.select(ResidentReport))
    assert report.channel is Channel.PHONE
    assert (report.description, report.address, report.contact_name, report.callback_preference) == \
        (CLEAN, "5 place du Marché", "M. Dupont", "Le matin")
    xml = client.get("/open311/v2/requests.xml").get_data()
    assert ET.fromstring(xml) is not None


@pytest.mark.parametrize("escaped", ["\\u0000", "\\u0001", "\\ud800", "\\u001b", "\\u007f"])
def test_api_json_strings_are_cleaned(api, w, f, escaped):
    body = (f'{{"agreement_id": {w["agreement"].id}, "theme_id": {f.theme().id}, '
            f'"description": "Avant{escaped}Apr\\u00e8s", "address": "A{escaped}B"}}')
    response = api("coordinator", "POST", "/api/v1/findings", data=body, content_type="application/json")
    assert response.status_code == 201, response.get_data(as_text=True)
    finding = db.session.get(Finding, response.json["id"])
    assert (finding.description, finding.address) == ("AvantAprès", "AB")


@pytest.mark.parametrize("url", ["/agreements?q=a%00b", "/findings?q=%00", "/signalements?q=%00%01",
                                 "/actions?status=%00", "/organisations?q=%00", "/commitments?status=%00",
                                 "/walks?q=%00", "/admin/users?q=%00"])
def test_query_strings_with_nul_are_not_500(client, f, login, url):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    assert client.get(url).status_code < 500


def test_api_query_string_with_nul(api, w):
    for url in ("/api/v1/agreements?q=%00", "/api/v1/findings?q=a%00", "/api/v1/reports?q=%00"):
        assert api("coordinator", "GET", url).status_code < 500, url


def test_cli_import_drops_control_characters(runner, app_ctx, tmp_path):
    from gup import ROOT

    shipped = (ROOT / "conventions" / "bellerive-2025.yaml").read_text(encoding="utf-8")
    dirty = tmp_path / "dirty.yaml"
    dirty.write_text(shipped.replace('title: "Convention de', 'title: "Convention\\x01\\0 de', 1), encoding="utf-8")
    result = runner.invoke(args=["gup", "agreement", "import", str(dirty)])
    assert result.exit_code == 0, result.output
    stored = db.session.scalar(sa.select(Agreement.title))
    assert stored and "\x00" not in stored and "\x01" not in stored


def test_any_orm_write_is_cleaned(f):
    """Services, jobs, demo, imports: the before_flush guard cleans every string column."""
    w = f.world()
    w["agreement"].title = "Titre\x00 sale\x02"
    db.session.commit()
    assert db.session.scalar(sa.select(Agreement.title).where(Agreement.id == w["agreement"].id)) == "Titre sale"
    assert json.dumps(db.session.scalar(sa.select(Agreement.title)))
