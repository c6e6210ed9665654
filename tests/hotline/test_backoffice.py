"""Back office of the hotline: triage queue, report page and its actions, phone intake, settings, erasure."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.findings.models import Finding
from gup.hotline.models import Channel, ReportCategory, ReportStatus, ResidentReport, ResponseTemplate
from gup.notifications.models import OutboundMail
from gup.orm import now_utc
from gup.territory.models import TerritoryKind


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def _setup(f):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    w["hood"] = hood
    w["category"] = f.make_category(label="Encombrants", default_organisation=w["hp2"])
    db.session.flush()
    return w


def _report(f, w, **kw):
    kw.setdefault("neighbourhood", w["hood"])
    kw.setdefault("contact_name", "Alex Habitant")
    kw.setdefault("contact_email", "alex@example.org")
    kw.setdefault("contact_phone", "0601020304")
    kw.setdefault("contact_consent", True)
    return f.make_report(w["category"], **kw)


def test_coordinator_merges_routes_and_referent_resolves(client, f, login):
    w = _setup(f)
    first = _report(f, w, description="Canapé abandonné devant le 2")
    dup = _report(f, w, description="Encore le canapé", contact_email="sam@example.org", contact_name="Sam")
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/signalements/{dup.id}").get_data(as_text=True)
    assert "Doublons possibles" in page and first.reference in page and "Canapé abandonné" in page
    assert "alex@example.org" not in page and "sam@example.org" in page  # the coordination sees contact data

    response = client.post(f"/signalements/{dup.id}/fusionner",
                           data={"m-into_id": first.id, "m-public_text": "Déjà signalé : suivez {duplicate_of}."})
    assert response.status_code == 302
    db.session.expire_all()
    assert dup.status is ReportStatus.DUPLICATE and dup.duplicate_of_id == first.id
    assert dup.updates[-1].public_text == f"Déjà signalé : suivez {first.reference}."

    response = client.post(f"/signalements/{first.id}/orienter",
                           data={"r-organisation_id": w["hp1"].id,
                                 "r-public_text": "Transmis à {organisation} pour enlèvement."})
    assert response.status_code == 302
    db.session.expire_all()
    assert first.status is ReportStatus.SENT and first.responsible_organisation_id == w["hp1"].id
    assert first.updates[-1].public_text == "Transmis à Bailleur Un pour enlèvement."

    login(w["referent2"])
    assert client.get(f"/signalements/{first.id}").status_code == 403
    assert client.post(f"/signalements/{first.id}/statut", data={"status": "resolved"}).status_code == 403

    login(w["referent1"])
    page = client.get(f"/signalements/{first.id}").get_data(as_text=True)
    assert "alex@example.org" not in page and "Alex Habitant" not in page and "0601020304" not in page
    assert "Les coordonnées du déclarant ne sont visibles que par la coordination." in page
    # referents answer, they do not triage
    assert client.post(f"/signalements/{first.id}/statut",
                       data={"status": "rejected", "rejected-public_text": "Non."}).status_code == 403
    assert client.post(f"/signalements/{first.id}/fusionner", data={}).status_code == 403
    response = client.post(f"/signalements/{first.id}/statut",
                           data={"status": "resolved", "resolved-public_text": "Le canapé a été enlevé ce matin."})
    assert response.status_code == 302
    db.session.expire_all()
    assert first.status is ReportStatus.RESOLVED
    assert first.updates[-1].public_text == "Le canapé a été enlevé ce matin."
    mails = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.body.contains("enlevé ce matin"))).all()
    assert {m.to_address for m in mails} == {"alex@example.org", "sam@example.org"}  # merge keeps both informed


def test_observer_reads_without_contact_data(client, f, login):
    w = _setup(f)
    report = _report(f, w)
    db.session.commit()
    login(w["observer"])
    page = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    assert report.reference in page and "alex@example.org" not in page and "Traiter le signalement" not in page
    assert report.reference in client.get("/signalements").get_data(as_text=True)


def test_action_forms_are_prefilled_with_templates(client, f, login):
    w = _setup(f)
    report = _report(f, w)
    db.session.add(ResponseTemplate(category=w["category"], status=ReportStatus.REJECTED,
                                    text="Refusé pour {reference}."))
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    assert f"Refusé pour {report.reference}." in page
    assert "{organisation}" in page  # route: filled once the organisation is chosen


def test_failed_action_keeps_text_and_explains(client, f, login):
    w = _setup(f)
    report = _report(f, w)
    db.session.commit()
    login(w["coordinator"])
    response = client.post(f"/signalements/{report.id}/statut",
                           data={"status": "not_our_remit", "not_our_remit-public_text": "Voyez la mairie annexe.",
                                 "not_our_remit-referral": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indiquez à qui s&#39;adresser" in page and "Voyez la mairie annexe." in page
    response = client.post(f"/signalements/{report.id}/statut",
                           data={"status": "not_our_remit", "not_our_remit-public_text": "Voyez {referral}.",
                                 "not_our_remit-referral": "la Métropole, 3939"})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status is ReportStatus.NOT_OUR_REMIT
    # invalid transitions and unknown statuses never give a 500
    assert client.post(f"/signalements/{report.id}/statut",
                       data={"status": "resolved", "resolved-public_text": "x"}).status_code == 422
    assert client.post(f"/signalements/{report.id}/statut", data={"status": "nimporte"}).status_code == 422
    response = client.post(f"/signalements/{report.id}/rouvrir", data={"o-public_text": "Rouvert."})
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status is ReportStatus.RECEIVED


def test_qualify_convert_and_attach(client, f, login):
    w = _setup(f)
    report = _report(f, w)
    other = f.make_category(label="Éclairage", theme=f.theme("cleanliness"))
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["coordinator"])
    assert client.post(f"/signalements/{report.id}/qualifier",
                       data={"q-category_id": other.id, "q-public_text": "Vérifié."}).status_code == 302
    db.session.expire_all()
    assert report.status is ReportStatus.QUALIFIED and report.category_id == other.id
    assert client.post(f"/signalements/{report.id}/constat").status_code == 302
    db.session.expire_all()
    finding = db.session.get(Finding, report.finding_id)
    assert finding.agreement_id == w["agreement"].id and finding.theme_id == other.theme_id
    assert report.channel is Channel.WEB
    assert client.post(f"/signalements/{report.id}/constat").status_code == 422  # already converted
    assert client.post(f"/signalements/{report.id}/action", data={"a-action_id": action.id}).status_code == 302
    db.session.expire_all()
    assert report.action_id == action.id


def test_queue_filters_order_and_scope(client, f, login):
    w = _setup(f)
    now = now_utc()
    old = _report(f, w, description="Ancien", now=now - timedelta(days=10))
    fresh = _report(f, w, description="Récent")
    sent = _report(f, w, description="Transmis")
    from gup.hotline.services import route_report
    route_report(sent, to=w["hp1"], actor=w["coordinator"], now=now)
    phone = _report(f, w, description="Par téléphone", channel=Channel.PHONE)
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/signalements").get_data(as_text=True)
    assert page.index(old.reference) < page.index(fresh.reference) < page.index(sent.reference)
    page = client.get("/signalements?overdue=1").get_data(as_text=True)
    assert old.reference in page and fresh.reference not in page
    page = client.get("/signalements?channel=phone").get_data(as_text=True)
    assert phone.reference in page and fresh.reference not in page
    page = client.get(f"/signalements?reference={sent.reference}").get_data(as_text=True)
    assert sent.reference in page and fresh.reference not in page
    page = client.get(f"/signalements?status=sent&organisation_id={w['hp1'].id}&category_id={w['category'].id}"
                      f"&neighbourhood_id={w['hood'].id}").get_data(as_text=True)
    assert sent.reference in page and old.reference not in page
    assert client.get("/signalements?status=zzz&category_id=abc&page=x").status_code == 200
    login(w["referent1"])
    page = client.get("/signalements").get_data(as_text=True)
    assert sent.reference in page and fresh.reference not in page
    login(w["referent2"])
    assert sent.reference not in client.get("/signalements").get_data(as_text=True)


def test_queue_query_count_is_constant(client, f, login, count_queries):
    w = _setup(f)
    _report(f, w)
    db.session.commit()
    login(w["coordinator"])
    with count_queries() as one:
        assert client.get("/signalements").status_code == 200
    for n in range(20):
        r = _report(f, w, description=f"Signalement {n}", now=now_utc() - timedelta(days=n))
        if n % 2:
            from gup.hotline.services import route_report
            route_report(r, to=w["hp1" if n % 4 == 1 else "hp2"], actor=None, now=now_utc())
    db.session.commit()
    with count_queries() as many:
        assert client.get("/signalements").status_code == 200
    assert len(one) == len(many)


def test_phone_intake(client, f, login):
    w = _setup(f)
    db.session.commit()
    login(w["referent1"])
    assert client.get("/signalements/appel").status_code == 403
    login(w["coordinator"])
    response = client.post("/signalements/appel", data={"category_id": w["category"].id, "description": "",
                                                        "address": "5 place du Marché",
                                                        "callback_preference": "Le matin"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "5 place du Marché" in page and "Le matin" in page and "Ce champ est obligatoire." in page
    response = client.post("/signalements/appel", data={
        "category_id": w["category"].id, "description": "Ascenseur en panne", "address": "5 place du Marché",
        "neighbourhood_id": w["hood"].id, "contact_name": "M. Dupont", "contact_phone": "0102030405",
        "contact_consent": "y", "callback_preference": "Le matin"}, follow_redirects=True)
    assert response.status_code == 200
    report = db.session.scalar(sa.select(ResidentReport))
    assert report.channel is Channel.PHONE and report.callback_preference == "Le matin"
    assert report.created_by_id == w["coordinator"].id and report.agreement_id == w["agreement"].id
    assert 'reference-big' in response.get_data(as_text=True) and report.reference in response.get_data(as_text=True)


def test_templates_and_categories_admin(client, f, login):
    w = _setup(f)
    db.session.commit()
    login(w["coordinator"])
    assert client.get("/signalements/modeles").status_code == 200
    assert client.get("/signalements/categories").status_code == 200
    assert client.get("/signalements/modeles/nouveau").status_code == 403
    login(w["admin"])
    response = client.post("/signalements/modeles/nouveau", data={"category_id": w["category"].id,
                                                                  "status": "resolved", "text": "C'est réglé !"})
    assert response.status_code == 302
    response = client.post("/signalements/modeles/nouveau", data={"category_id": w["category"].id,
                                                                  "status": "resolved", "text": "Encore"})
    assert response.status_code == 422 and "Un modèle existe déjà" in response.get_data(as_text=True)
    bad = {"code": "tags", "label": "Tags", "theme_id": f.theme().id, "first_answer_days": 2,
           "resolution_days": 10, "attributes": '[{"code": "floor", "datatype": "colour", "description": "x"}]'}
    response = client.post("/signalements/categories/nouvelle", data=bad)
    assert response.status_code == 422 and "datatype" in response.get_data(as_text=True)
    assert "Tags" in response.get_data(as_text=True)
    response = client.post("/signalements/categories/nouvelle", data=dict(bad, attributes="{pas du json"))
    assert response.status_code == 422 and "JSON invalide" in response.get_data(as_text=True)
    good = dict(bad, attributes=json.dumps([{"code": "floor", "datatype": "singlevaluelist", "required": True,
                                             "description": "Étage", "order": 1,
                                             "values": [{"key": "0", "name": "RDC"}]}]), is_published="y")
    response = client.post("/signalements/categories/nouvelle", data=good)
    assert response.status_code == 302
    category = db.session.scalar(sa.select(ReportCategory).where(ReportCategory.code == "tags"))
    assert category.attributes[0]["code"] == "floor" and category.resolution_days == 10
    assert client.post("/signalements/categories/nouvelle", data=good).status_code == 422  # code taken
    response = client.post(f"/signalements/categories/{category.id}/orientations",
                           data={"neighbourhood_id": w["hood"].id, "organisation_id": w["hp1"].id})
    assert response.status_code == 302
    db.session.expire_all()
    assert [(r.neighbourhood_id, r.organisation_id) for r in category.routes] == [(w["hood"].id, w["hp1"].id)]
    route_id = category.routes[0].id
    assert client.post(f"/signalements/categories/{category.id}/orientations/{route_id}/supprimer").status_code == 302
    db.session.expire_all()
    assert category.routes == []


def test_on_request_export_and_erasure(client, f, login):
    w = _setup(f)
    report = _report(f, w, contact_email="Alex@Example.org")
    db.session.commit()
    login(w["coordinator"])
    assert client.get("/signalements/donnees-personnelles").status_code == 403
    login(w["admin"])
    page = client.get("/signalements/donnees-personnelles?email=alex@example.org").get_data(as_text=True)
    assert report.reference in page and "Exporter (JSON)" in page
    assert client.get("/signalements/donnees-personnelles?email=pas-un-courriel").status_code == 422
    export = client.get("/signalements/donnees-personnelles/export?email=alex@example.org")
    assert export.mimetype == "application/json" and export.json[0]["contact_name"] == "Alex Habitant"
    assert client.post("/signalements/donnees-personnelles/effacer",
                       data={"email": "alex@example.org"}).status_code == 302
    db.session.expire_all()
    assert report.contact_email is None and report.contact_erased_at is not None


def test_mes_actions_lists_open_reports_of_the_organisation(client, f, login):
    w = _setup(f)
    now = now_utc()
    late = _report(f, w, description="Vieux signalement", now=now - timedelta(days=40))
    recent = _report(f, w, description="Signalement récent")
    other = _report(f, w, description="Pour le bailleur deux")
    from gup.hotline.services import change_status, route_report
    for report, org in ((late, "hp1"), (recent, "hp1"), (other, "hp2")):
        route_report(report, to=w[org], actor=w["coordinator"], now=now)
    done = _report(f, w, description="Déjà réglé")
    route_report(done, to=w["hp1"], actor=w["coordinator"], now=now)
    change_status(done, to=ReportStatus.RESOLVED, actor=w["referent1"], now=now)
    f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])
    page = client.get("/mes-actions").get_data(as_text=True)
    assert late.reference in page and recent.reference in page
    assert other.reference not in page and done.reference not in page
    assert page.index(late.reference) < page.index(recent.reference)  # overdue first
    assert f'value="report-{late.id}"' not in page  # reports are answered on their page, not in bulk


def test_report_photos_are_shown_to_readers(client, f, login):
    w = _setup(f)
    report = _report(f, w, photos=[f.jpeg_bytes(gps=True)])
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    photo_id = report.photos[0].id
    assert f"/photos/{photo_id}/thumbnail" in page
    response = client.get(f"/photos/{photo_id}/thumbnail")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    response.close()
    login(w["referent1"])  # the report is in the hands of hp2 (the category's default organisation)
    assert client.get(f"/photos/{photo_id}/thumbnail").status_code == 403


def test_absurd_ids_and_pages_are_not_errors(client, f, login):
    w = _setup(f)
    report = _report(f, w)
    db.session.commit()
    login(w["coordinator"])
    big = 2**70
    assert client.get(f"/signalements?category_id={big}&organisation_id=-3&neighbourhood_id={big}"
                      f"&page={big}").status_code == 200
    response = client.post(f"/signalements/{report.id}/fusionner", data={"m-into_id": big, "m-public_text": "x"})
    assert response.status_code == 422
    response = client.post(f"/signalements/{report.id}/fusionner", data={"m-into_id": "abc", "m-public_text": "x"})
    assert response.status_code == 422


def test_phone_intake_checks_the_phone_and_the_place_like_the_public_form(client, f, login):
    from gup.hotline.forms import PhoneIntakeForm, PublicReportForm, ReportRules

    assert issubclass(PhoneIntakeForm, ReportRules) and issubclass(PublicReportForm, ReportRules)
    w = _setup(f)
    db.session.commit()
    login(w["coordinator"])
    response = client.post("/signalements/appel", data={
        "category_id": w["category"].id, "description": "Ascenseur en panne", "address": "",
        "contact_phone": "appelez-moi", "contact_consent": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Numéro de téléphone invalide." in page
    assert "Indiquez où se trouve le problème : une adresse ou un quartier." in page
    assert '<a href="#contact_phone">' in page and '<a href="#address">' in page
    response = client.post("/signalements/appel", data={
        "category_id": w["category"].id, "description": "Ascenseur en panne", "contact_consent": "y"})
    assert response.status_code == 422 and "indiquez une adresse e-mail ou un numéro" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ResidentReport.id))) == 0
    response = client.post("/signalements/appel", data={
        "category_id": w["category"].id, "description": "Ascenseur en panne", "neighbourhood_id": w["hood"].id,
        "contact_phone": "+33 (0)6 01 02 03 04"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(ResidentReport)).contact_phone == "+33 (0)6 01 02 03 04"
