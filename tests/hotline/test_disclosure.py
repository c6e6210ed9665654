"""The public-disclosure rule (gup.hotline.disclosure) on every public output: the tracking page, Open311 GET
requests and servicerequestupdates; the coordination's public wording (HTML and API); Open311 clients' rights;
« Hors de nos compétences »; the « Données personnelles » page and its links."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.hotline import services
from gup.hotline.models import Channel, Disclosure, ReportStatus, ResidentReport
from gup.notifications.models import OutboundMail
from gup.open311.models import Open311Client
from gup.open311.services import create_client
from gup.orm import now_utc
from gup.territory.models import TerritoryKind

BASE = "/open311/v2"
PHONE_WORDS = "Appel de Mme K. au 3e étage : son voisin dépose ses sacs"
PHONE_ADDRESS = "12 rue des Lilas, appartement 34"


@pytest.fixture
def world(f):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    w["hood"] = hood
    w["category"] = f.make_category(code="dechets", label="Dépôts sauvages", default_organisation=w["hp1"])
    db.session.commit()
    return w


def _phone_report(f, w, **kw):
    return f.make_report(w["category"], channel=Channel.PHONE, description=PHONE_WORDS, address=PHONE_ADDRESS,
                         neighbourhood=w["hood"], actor=w["coordinator"], contact_name="Mme K.",
                         contact_phone="0601020304", contact_consent=True, **kw)


def _feed(client, **query) -> list[dict]:
    response = client.get(f"{BASE}/requests.json", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))


def _one(client, reference: str, **query):
    return client.get(f"{BASE}/requests/{reference}.json", query_string=query)


def _texts(response) -> str:
    return response.get_data(as_text=True)


# --- what typed words reach the public ------------------------------------------------------------

def test_phone_call_words_are_never_published_as_typed(client, f, world):
    report = _phone_report(f, world)
    db.session.commit()
    assert report.disclosure is Disclosure.PRIVATE
    for body in (_texts(client.get(f"{BASE}/requests.json")), _texts(client.get(f"{BASE}/requests.xml")),
                 _texts(_one(client, report.reference)), _texts(client.get(f"/suivi/{report.reference}")),
                 _texts(client.get(f"{BASE}/servicerequestupdates.json"))):
        assert "Mme K." not in body and "appartement 34" not in body and "voisin" not in body
    (item,) = _feed(client)
    assert item["service_request_id"] == report.reference
    assert item["description"] is None and item["address"] is None and item["address_id"] is None
    assert item["service_name"] == "Dépôts sauvages"


def test_web_form_publishes_the_description_only_when_the_resident_ticks_the_box(client, world):
    form = {"category_id": str(world["category"].id), "address": "Parking de la rue Haute",
            "neighbourhood_id": str(world["hood"].id), "website": ""}
    page = _texts(client.get("/signaler"))
    assert "Publier ma description et l'adresse du problème" in page
    assert "seront visibles de tous" in page
    client.post("/signaler", data={**form, "description": "Carcasse de voiture, privé"})
    client.post("/signaler", data={**form, "description": "Carcasse de voiture, public",
                                   "publish_description": "y"})
    private, public = db.session.scalars(sa.select(ResidentReport).order_by(ResidentReport.id)).all()
    assert (private.disclosure, public.disclosure) == (Disclosure.PRIVATE, Disclosure.RESIDENT)
    items = {i["service_request_id"]: i for i in _feed(client)}
    assert items[private.reference]["description"] is None and items[private.reference]["address"] is None
    assert items[public.reference]["description"] == "Carcasse de voiture, public"
    assert items[public.reference]["address"] == "Parking de la rue Haute"
    assert "Carcasse de voiture, public" in _texts(client.get(f"/suivi/{public.reference}"))
    assert "Carcasse de voiture, privé" not in _texts(client.get(f"/suivi/{private.reference}"))


def test_coordination_publishes_a_wording_in_html_and_withdraws_it(client, f, world, login):
    report = _phone_report(f, world)
    db.session.commit()
    login(world["coordinator"])
    page = _texts(client.get(f"/signalements/{report.id}"))
    assert "Ce qui est publié" in page and "Non publiés" in page
    response = client.post(f"/signalements/{report.id}/publication",
                           data={"p-public_description": "", "p-public_address": ""})
    assert response.status_code == 422 and "Description publique" in _texts(response)
    response = client.post(f"/signalements/{report.id}/publication",
                           data={"p-public_description": "Sacs d'ordures déposés devant le bâtiment B",
                                 "p-public_address": "Rue des Lilas"})
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.disclosure is Disclosure.APPROVED and report.disclosure_by_id == world["coordinator"].id
    (item,) = _feed(client)
    assert item["description"] == "Sacs d'ordures déposés devant le bâtiment B"
    assert item["address"] == "Rue des Lilas" and item["address_id"] is None
    track = _texts(client.get(f"/suivi/{report.reference}"))
    assert "devant le bâtiment B" in track and "Mme K." not in track
    history = _texts(client.get(f"/signalements/{report.id}"))
    assert "Formulation publique validée par la coordination" in history
    assert client.post(f"/signalements/{report.id}/publication/retirer").status_code == 302
    (item,) = _feed(client)
    assert item["description"] is None and item["address"] is None


def test_referent_may_not_publish_a_wording(client, f, world, login):
    report = _phone_report(f, world)
    services.route_report(report, to=world["hp1"], actor=world["coordinator"], now=now_utc())
    db.session.commit()
    login(world["referent1"])
    assert "Rédiger ou modifier la formulation publique" not in _texts(client.get(f"/signalements/{report.id}"))
    response = client.post(f"/signalements/{report.id}/publication", data={"p-public_description": "Texte"})
    assert response.status_code == 403
    db.session.refresh(report)
    assert report.disclosure is Disclosure.PRIVATE


def test_api_sets_and_withdraws_the_public_wording(f, w, api):
    category = f.make_category(code="api-disc", default_organisation=w["hp1"])
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Lilas")
    w["agreement"].territories.append(hood)
    report = f.make_report(category, channel=Channel.PHONE, description=PHONE_WORDS, neighbourhood=hood)
    db.session.commit()
    url = f"/api/v1/resident-reports/{report.id}/disclosure"
    assert api("referent1", "PUT", url, json={"public_description": "Sacs"}).status_code in (403, 404)
    response = api("coordinator", "PUT", url, json={"public_description": "  "})
    assert response.status_code == 422 and "public_description" in response.get_json()["errors"]["json"]
    response = api("coordinator", "PUT", url, json={"public_description": "Sacs devant le B", "public_address": "B"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["disclosure"] == "approved" and body["public_description"] == "Sacs devant le B"
    response = api("coordinator", "DELETE", url)
    assert response.status_code == 200 and response.get_json()["disclosure"] == "private"
    assert response.get_json()["public_description"] is None


def test_phone_intake_tells_the_operator_what_will_be_public(client, world, login):
    login(world["coordinator"])
    page = _texts(client.get("/signalements/appel"))
    assert "Ce qui sera public" in page and "Ce qui reste interne" in page
    response = client.post("/signalements/appel", data={
        "category_id": str(world["category"].id), "description": PHONE_WORDS, "address": PHONE_ADDRESS,
        "neighbourhood_id": str(world["hood"].id), "contact_name": "Mme K.", "contact_phone": "0601020304",
        "public_description": "Sacs d'ordures dans le hall", "public_address": "Rue des Lilas"})
    assert response.status_code == 302
    report = db.session.scalar(sa.select(ResidentReport))
    assert report.disclosure is Disclosure.APPROVED and report.public_description == "Sacs d'ordures dans le hall"
    assert report.description == PHONE_WORDS


# --- rejected reports, Open311 clients' rights ------------------------------------------------------

def test_rejected_reports_are_not_published_except_to_the_client_that_posted_them(client, f, world):
    app_client, key = create_client(name="Appli", actor=None, now=now_utc())
    other, other_key = create_client(name="Autre appli", actor=None, now=now_utc())
    db.session.commit()
    response = client.post(f"{BASE}/requests.json", data={"api_key": key, "service_code": "dechets",
                                                          "address_string": "Place du marché",
                                                          "description": "Sacs place du marché"})
    reference = json.loads(_texts(response))[0]["service_request_id"]
    report = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.reference == reference))
    assert report.disclosure is Disclosure.PRIVATE  # the client did not declare that its users are told
    services.change_status(report, to=ReportStatus.REJECTED, actor=world["coordinator"], now=now_utc(),
                           public_text="Signalement non retenu.")
    db.session.commit()
    assert _feed(client) == []
    assert _one(client, reference).status_code == 404
    assert json.loads(_texts(client.get(f"{BASE}/servicerequestupdates.json"))) == []
    assert _feed(client, api_key=other_key) == []
    (own,) = _feed(client, api_key=key)
    assert own["service_request_id"] == reference and own["status"] == "closed"
    assert own["description"] == "Sacs place du marché"  # the client reads what it posted
    assert _one(client, reference, api_key=key).status_code == 200
    updates = json.loads(_texts(client.get(f"{BASE}/servicerequestupdates.json", query_string={"api_key": key})))
    assert {u["service_request_id"] for u in updates} == {reference}
    # the reporter still reads the answer with the reference
    assert "Signalement non retenu." in _texts(client.get(f"/suivi/{reference}"))


def test_client_granted_more_reads_descriptions_never_contact_data(client, f, world):
    report = _phone_report(f, world)
    _granted, key = create_client(name="Logiciel du bailleur", actor=None, now=now_utc(), reads_private=True)
    db.session.commit()
    response = client.get(f"{BASE}/requests.xml", query_string={"api_key": key})
    body = _texts(response)
    assert PHONE_WORDS in body and PHONE_ADDRESS in body
    assert "0601020304" not in body and "<contact" not in body
    assert _feed(client)[0]["description"] is None
    assert client.get(f"{BASE}/requests.json", query_string={"api_key": "o311_wrong"}).status_code == 403
    assert report.reference in body


def test_public_intake_client_posts_are_published_as_written(client, world):
    _app, key = create_client(name="Appli publique", actor=None, now=now_utc(), public_intake=True)
    db.session.commit()
    client.post(f"{BASE}/requests.json", data={"api_key": key, "service_code": "dechets",
                                               "address_string": "Square Nord", "description": "Banc cassé"})
    (item,) = _feed(client)
    assert item["description"] == "Banc cassé" and item["address"] == "Square Nord"


def test_admin_grants_rights_to_a_client_in_html(client, f, world, login):
    app_client, _key = create_client(name="Appli", actor=None, now=now_utc())
    db.session.commit()
    login(world["admin"])
    page = _texts(client.get("/admin/open311"))
    assert "peut lire les descriptions et adresses non publiées" in page
    response = client.post(f"/admin/open311/{app_client.id}/rights", data={f"c{app_client.id}-reads_private": "y"})
    assert response.status_code == 302
    db.session.refresh(app_client)
    assert app_client.reads_private and not app_client.public_intake
    login(world["coordinator"])
    assert client.post(f"/admin/open311/{app_client.id}/rights",
                       data={f"c{app_client.id}-public_intake": "y"}).status_code == 403
    assert not db.session.get(Open311Client, app_client.id).public_intake


# --- « Hors de nos compétences » -------------------------------------------------------------------------

def test_not_our_remit_inserts_the_referral_and_names_no_organisation(client, f, world, login):
    report = f.make_report(world["category"], neighbourhood=world["hood"])
    db.session.commit()
    login(world["coordinator"])
    page = _texts(client.get(f"/signalements/{report.id}"))
    prefilled = re.search(r'<textarea[^>]*name="not_our_remit-public_text"[^>]*>\s*([^<]*)</textarea>', page)
    assert prefilled, "the out-of-remit form is offered, pre-filled from the response template"
    text = prefilled.group(1).replace("&#39;", "'").replace("&amp;", "&")
    response = client.post(f"/signalements/{report.id}/statut", data={
        "status": "not_our_remit", "not_our_remit-referral": "la Métropole (03 00 00 00 00)",
        "not_our_remit-public_text": text})
    assert response.status_code == 302, _texts(response)
    last = db.session.get(ResidentReport, report.id).updates[-1]
    assert "contactez : la Métropole (03 00 00 00 00)." in last.public_text
    assert "contactez : ." not in last.public_text
    track = _texts(client.get(f"/suivi/{report.reference}"))
    assert "la Métropole (03 00 00 00 00)" in track
    assert "Organisme chargé du problème" not in track and world["hp1"].name not in track
    (item,) = _feed(client)
    assert item["agency_responsible"] is None


def test_referral_is_told_even_when_the_operator_rewrote_the_text(f, world):
    report = f.make_report(world["category"], neighbourhood=world["hood"])
    update = services.change_status(report, to=ReportStatus.NOT_OUR_REMIT, actor=world["coordinator"],
                                    now=now_utc(), public_text="Ce problème relève d'un autre service.",
                                    referral="la Préfecture")
    assert "Ce problème relève d'un autre service." in update.public_text
    assert "contactez : la Préfecture." in update.public_text


# --- « Données personnelles » ------------------------------------------------------------------------

def test_personal_data_page_names_controller_retention_rights_and_dpo(app, client, world):
    app.config.update(OPERATOR_NAME="Ville de Bellerive", OPERATOR_ADDRESS="1 place de la Mairie",
                      HOTLINE_PHONE="0 800 00 00 00", DPO_CONTACT="dpo@bellerive.fr", CONTACT_RETENTION_MONTHS=9)
    page = _texts(client.get("/donnees-personnelles"))
    for expected in ("Responsable du traitement", "Ville de Bellerive, 1 place de la Mairie", "6-1-e", "6-1-a",
                     "9 mois après la clôture", "Destinataires", "dpo@bellerive.fr", "0 800 00 00 00", "CNIL",
                     "rectifier", "Ce qui est publié"):
        assert expected in page, expected
    for path in ("/signaler", "/signaler/suivi", f"/suivi/{services_reference(world)}", "/login"):
        body = _texts(client.get(path))
        assert 'href="/donnees-personnelles"' in body, path
    form = _texts(client.get("/signaler"))
    assert "Ce service est proposé par Ville de Bellerive." in form and "0 800 00 00 00" in form


def services_reference(world) -> str:
    report = services.submit_report(channel=Channel.WEB, category=world["category"], description="Test",
                                    address="Rue", actor=None, now=now_utc())
    db.session.commit()
    return report.reference


def test_every_mail_to_residents_links_the_personal_data_page(app, f, world):
    app.config.update(PUBLIC_BASE_URL="https://gup.example.fr", OPERATOR_NAME="Ville de Bellerive")
    report = f.make_report(world["category"], neighbourhood=world["hood"], contact_email="awa@example.org",
                           contact_consent=True)
    services.queue_report_mail("fixed_question", to="awa@example.org", report=report, url="https://x/y")
    db.session.commit()
    mails = db.session.scalars(sa.select(OutboundMail)).all()
    assert len(mails) == 2  # acknowledgement + « is it fixed? »
    for mail in mails:
        assert "https://gup.example.fr/donnees-personnelles" in mail.body
        assert "Ville de Bellerive" in mail.body
        assert 'href="https://gup.example.fr/donnees-personnelles"' in (mail.html_body or "")


# --- the tracking page --------------------------------------------------------------------------------

def test_tracking_page_names_the_problem_and_shows_its_steps_in_order(client, f, world):
    """Two reports read apart (category as the title, the public address and neighbourhood), the milestones say
    where it stands, and the answers read oldest first."""
    from gup.hotline import services
    from gup.orm import now_utc

    report = f.make_report(world["category"], neighbourhood=world["hood"], address="3 rue des Lilas")
    report.public_address, report.disclosure = "Rue des Lilas", Disclosure.APPROVED
    report.public_description = "Sacs déposés au pied de l'arbre"
    db.session.commit()
    services.route_report(report, to=world["hp1"], actor=world["coordinator"], now=now_utc())
    db.session.commit()
    html = _texts(client.get(f"/suivi/{report.reference}"))
    assert re.search(r"<h1>\s*Dépôts sauvages\s*</h1>", html)
    assert "Rue des Lilas · Les Acacias · reçu le" in html and "3 rue des Lilas" not in html
    steps = re.findall(r'<li class="step step-(\w+)"', html)
    assert steps == ["done", "current", "todo", "todo"]
    assert re.search(r"aria-current=\"step\">\s*<span[^>]*>Étape actuelle :</span>\s*Transmis à l(&#39;|')organisme",
                     html)
    timeline = html.split("Suivi du signalement")[1]
    assert timeline.index("Reçu") < timeline.index("Transmis à l")
    services.change_status(report, to=ReportStatus.REJECTED, actor=world["coordinator"], now=now_utc(),
                           public_text="Ce signalement ne relève pas de la GUP.")
    db.session.commit()
    html = _texts(client.get(f"/suivi/{report.reference}"))
    assert re.findall(r'<li class="step step-(\w+)"', html) == ["done", "current"] and "Rejeté" in html
