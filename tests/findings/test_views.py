"""HTML screens of findings: phone-first logging, photos, routing, partner answers, list, CSV, routing table."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gup.actions.models import Action
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority, RoutingRule, Transfer
from gup.i18n import local_today
from gup.media.models import Photo
from gup.territory.models import TerritoryKind


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    """Photos go to a temporary folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _finding_form(theme_id: int, **extra) -> dict:
    data = {"kind": "issue", "theme_id": theme_id, "description": "Dépôt d'encombrants devant le local poubelles",
            "address": "12 allée des Tilleuls", "priority": "urgent", "land_ownership": "housing_provider"}
    data.update(extra)
    return data


def test_errors_are_french_and_everything_typed_is_kept(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    response = client.post(f"/walks/{walk.id}/findings/new", data=_finding_form(
        f.theme().id, description="", latitude="47,2101", resident_quote="On attend depuis des mois",
        stop_id=walk.stops[1].id, priority="longer_term"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Décrivez le constat." in html and "Indiquez la latitude et la longitude, ou aucune des deux." in html
    assert 'value="12 allée des Tilleuls"' in html and 'value="47,2101"' in html
    assert "On attend depuis des mois" in html
    assert re.search(rf'<option selected value="{walk.stops[1].id}">', html)
    assert re.search(r'<input checked id="priority-2" name="priority" required type="radio" value="longer_term">', html)
    assert 'enctype="multipart/form-data"' in html and 'capture="environment"' in html and 'accept="image/*"' in html
    assert "Utiliser ma position" in html and "finding-draft.js" in html and "data-draft-key" in html
    out_of_range = client.post(f"/walks/{walk.id}/findings/new", data=_finding_form(
        f.theme().id, latitude="123", longitude="abc"))
    html = out_of_range.get_data(as_text=True)
    assert out_of_range.status_code == 422 and "Valeur hors limites" in html and "Nombre invalide." in html
    assert _count(Finding) == 0


def test_log_finding_with_photos_through_the_form(client, f, login, uploads):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    response = client.post(f"/walks/{walk.id}/findings/new", content_type="multipart/form-data", data=_finding_form(
        f.theme().id, stop_id=walk.stops[0].id, latitude="47.2101", longitude="-1,5502",
        photos=[(io.BytesIO(f.jpeg_bytes(gps=True)), "IMG_0001.jpg"),
                (io.BytesIO(f.jpeg_bytes(color="blue")), "IMG_0002.jpg")]))
    assert response.status_code == 302, response.get_data(as_text=True)
    finding = db.session.scalar(sa.select(Finding))
    assert finding.walkthrough_id == walk.id and finding.stop_id == walk.stops[0].id
    assert (finding.latitude, finding.longitude) == (47.2101, -1.5502) and finding.priority is Priority.URGENT
    assert len(finding.photos) == 2 and all(p.uploaded_by_id == w["coordinator"].id for p in finding.photos)
    assert response.headers["Location"] == f"/findings/{finding.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-draft-clear="/walks/{walk.id}/findings/new"' in page
    for photo in finding.photos:
        assert f'href="/photos/{photo.id}"' in page and f'src="/photos/{photo.id}/thumbnail"' in page
    with client.get(f"/photos/{finding.photos[0].id}") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg" and b"GPS" not in served.data


def test_a_non_image_is_refused_and_nothing_is_saved(client, f, login, uploads):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["referent1"])
    response = client.post(f"/walks/{walk.id}/findings/new", content_type="multipart/form-data", data=_finding_form(
        f.theme().id, photos=[(io.BytesIO(f.jpeg_bytes()), "bonne.jpg"),
                              (io.BytesIO(b"%PDF-1.4 not a photo"), "facture.jpg")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "n&#39;est pas une image lisible" in html or "n'est pas une image lisible" in html
    assert "sélectionnez-les à nouveau" in html
    assert "Dépôt d&#39;encombrants devant le local poubelles" in html  # typed text kept
    assert _count(Finding) == 0 and _count(Photo) == 0
    assert not [p for p in uploads.rglob("*") if p.is_file()]  # the good photo's files were removed too


def test_routing_suggestion_is_used_shown_and_overriding_needs_a_reason(client, f, login):
    w = f.world()
    db.session.add(RoutingRule(agreement=w["agreement"], land_ownership=LandOwnership.HOUSING_PROVIDER,
                               organisation=w["hp1"]))
    db.session.commit()
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/findings/new"
    form = client.get(url).get_data(as_text=True)
    assert "— Organisme proposé par la table d" in form  # the empty choice says so
    used = client.post(url, data=_finding_form(f.theme().id, description="Suggestion suivie"))
    assert used.status_code == 302
    finding = db.session.scalar(sa.select(Finding).where(Finding.description == "Suggestion suivie"))
    assert finding.responsible_organisation_id == w["hp1"].id and finding.status is FindingStatus.SENT
    assert finding.due_on == local_today() + timedelta(days=7)  # urgent
    other = client.post(url, data=_finding_form(f.theme().id, description="Autre organisme",
                                                 responsible_organisation_id=w["hp2"].id))
    html = other.get_data(as_text=True)
    assert other.status_code == 422
    assert "Organisme proposé par la table d'orientation : Bailleur Un." in html
    assert "Indiquez pourquoi vous choisissez un autre organisme" in html
    ok = client.post(url, data=_finding_form(f.theme().id, description="Autre organisme",
                                             responsible_organisation_id=w["hp2"].id,
                                             reason="Le bailleur 2 gère ce parking"))
    assert ok.status_code == 302
    chosen = db.session.scalar(sa.select(Finding).where(Finding.description == "Autre organisme"))
    assert chosen.responsible_organisation_id == w["hp2"].id
    assert [t.reason for t in chosen.transfers] == ["Le bailleur 2 gère ce parking"]


def test_referent_logs_without_choosing_the_organisation(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["referent2"])
    url = f"/agreements/{w['agreement'].id}/findings/new"
    form = client.get(url).get_data(as_text=True)
    assert "Nouveau constat" in form and 'name="responsible_organisation_id"' not in form
    response = client.post(url, data=_finding_form(f.theme().id, responsible_organisation_id=w["hp1"].id,
                                                   land_ownership="town", kind="proposal"))
    assert response.status_code == 302
    finding = db.session.scalar(sa.select(Finding))
    assert finding.kind is FindingKind.PROPOSAL and finding.created_by_id == w["referent2"].id
    assert finding.responsible_organisation_id is None  # proposals are not routed, and the field was ignored
    login(w["outsider"])
    assert client.get(url).status_code == 403


def test_save_and_log_another_returns_an_empty_form_for_the_same_stop(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    stop = walk.stops[1]
    response = client.post(f"/walks/{walk.id}/findings/new",
                           data=_finding_form(f.theme().id, stop_id=stop.id, next="another"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/walks/{walk.id}/findings/new?stop_id={stop.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-draft-clear="/walks/{walk.id}/findings/new"' in html and "enregistré" in html
    assert re.search(rf'<option selected value="{stop.id}">', html) and "12 allée des Tilleuls" not in html
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-draft-clear" not in again  # only once, right after the save


def test_refusal_needs_a_reason_and_other_referents_get_403(client, f, login, uploads):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    url = f"/findings/{finding.id}"
    login(w["referent2"])
    page = client.get(url).get_data(as_text=True)
    assert "Changer le statut" not in page and "Ajouter les photos" not in page and "Transmettre" not in page
    assert client.post(f"{url}/status", data={"status": "accepted"}).status_code == 403
    photos = client.post(f"{url}/photos", content_type="multipart/form-data",
                         data={"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]})
    assert photos.status_code == 403 and "Accès refusé" in photos.get_data(as_text=True)
    assert client.post(f"{url}/action", data={"title": "x"}).status_code == 403
    login(w["referent1"])
    page = client.get(url).get_data(as_text=True)
    assert "Changer le statut" in page and "Refusé" in page and "Vérifié sur place" not in page
    refused = client.post(f"{url}/status", data={"status": "refused", "note": "  "})
    assert refused.status_code == 422 and "Indiquez la raison du refus." in refused.get_data(as_text=True)
    ok = client.post(f"{url}/status", data={"status": "refused", "note": "Parcelle de la ville"})
    assert ok.status_code == 302
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    assert finding.status is FindingStatus.REFUSED and finding.refusal_reason == "Parcelle de la ville"
    page = client.get(url).get_data(as_text=True)
    assert "Parcelle de la ville" in page and "Historique des statuts" in page


def test_out_of_scope_needs_the_referral_and_belongs_to_the_coordination(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])
    assert client.post(f"/findings/{finding.id}/status", data={"status": "out_of_scope", "note": "SNCF"}).status_code \
        == 403
    login(w["coordinator"])
    missing = client.post(f"/findings/{finding.id}/status", data={"status": "out_of_scope"})
    assert missing.status_code == 422 and "Indiquez vers qui le constat est réorienté." in missing.get_data(
        as_text=True)
    assert client.post(f"/findings/{finding.id}/status",
                       data={"status": "out_of_scope", "note": "SNCF Réseau"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).referral == "SNCF Réseau"


def test_resolution_with_a_photo_and_adding_photos(client, f, login, uploads):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    db.session.commit()
    login(w["referent1"])
    bad = client.post(f"/findings/{finding.id}/status", content_type="multipart/form-data",
                      data={"status": "resolved", "note": "Encombrants enlevés",
                            "photo": (io.BytesIO(b"GIF89a broken"), "apres.gif")})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status is FindingStatus.ACCEPTED and _count(Photo) == 0
    ok = client.post(f"/findings/{finding.id}/status", content_type="multipart/form-data",
                     data={"status": "resolved", "note": "Encombrants enlevés",
                           "photo": (io.BytesIO(f.jpeg_bytes()), "apres.jpg")})
    assert ok.status_code == 302
    empty = client.post(f"/findings/{finding.id}/photos", data={})
    assert empty.status_code == 422 and "Choisissez au moins une photo." in empty.get_data(as_text=True)
    more = client.post(f"/findings/{finding.id}/photos", content_type="multipart/form-data",
                       data={"photos": [(io.BytesIO(f.jpeg_bytes()), "b.jpg")]})
    assert more.status_code == 302
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    assert finding.status is FindingStatus.RESOLVED and finding.resolution_note == "Encombrants enlevés"
    assert [p.is_resolution for p in finding.photos] == [True, False]
    assert "Après résolution" in client.get(f"/findings/{finding.id}").get_data(as_text=True)


def test_turn_a_finding_into_an_action(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    unrouted = f.make_finding(w["agreement"], None)
    db.session.commit()
    login(w["referent1"])
    page = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "Transformer en action" in page and finding.description in page
    bad = client.post(f"/findings/{finding.id}/action", data={"title": "", "due_on": "32/01/2027"})
    assert bad.status_code == 422 and "Champ obligatoire." in bad.get_data(as_text=True)
    response = client.post(f"/findings/{finding.id}/action", data={"title": "Enlèvement", "due_on": "15/01/2027"})
    assert response.status_code == 302
    action = db.session.scalar(sa.select(Action))
    assert action.title == "Enlèvement" and action.due_on == date(2027, 1, 15)
    assert response.headers["Location"] == f"/actions/{action.id}"
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status is FindingStatus.PLANNED
    assert "Enlèvement" in client.get(f"/findings/{finding.id}").get_data(as_text=True)
    login(w["coordinator"])
    nobody = client.post(f"/findings/{unrouted.id}/action", data={"title": "Sans organisme"})
    assert nobody.status_code == 422 and "Transmettez d&#39;abord" in nobody.get_data(as_text=True)


def test_rerouting_needs_a_reason_and_is_kept_in_the_transfers(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], None)
    db.session.commit()
    login(w["referent1"])
    assert client.post(f"/findings/{finding.id}/route", data={"organisation_id": w["hp1"].id}).status_code == 403
    login(w["coordinator"])
    assert client.post(f"/findings/{finding.id}/route", data={"organisation_id": w["hp1"].id}).status_code == 302
    no_reason = client.post(f"/findings/{finding.id}/route", data={"organisation_id": w["hp2"].id})
    assert no_reason.status_code == 422
    assert "Indiquez pourquoi le constat change d&#39;organisme." in no_reason.get_data(as_text=True)
    outsider = client.post(f"/findings/{finding.id}/route", data={"organisation_id": w["outsider_org"].id,
                                                                  "reason": "x"})
    assert outsider.status_code == 422
    ok = client.post(f"/findings/{finding.id}/route", data={"organisation_id": w["hp2"].id,
                                                            "reason": "Le parking est au bailleur 2"})
    assert ok.status_code == 302
    transfers = db.session.scalars(sa.select(Transfer).where(Transfer.finding_id == finding.id)
                                   .order_by(Transfer.id)).all()
    assert [(t.from_organisation_id, t.to_organisation_id) for t in transfers] == [
        (None, w["hp1"].id), (w["hp1"].id, w["hp2"].id)]
    page = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "Le parking est au bailleur 2" in page and "Transmissions" in page


def test_coordinator_corrects_a_finding(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, latitude=47.2, longitude=-1.5)
    db.session.commit()
    login(w["referent1"])
    assert client.get(f"/findings/{finding.id}/edit").status_code == 403
    login(w["coordinator"])
    form = client.get(f"/findings/{finding.id}/edit").get_data(as_text=True)
    assert 'value="47.2"' in form and "2027-04-30" in form
    bad = client.post(f"/findings/{finding.id}/edit", data=_finding_form(f.theme().id, due_on="", latitude="1"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Champ obligatoire." in html and "Date invalide" not in html
    ok = client.post(f"/findings/{finding.id}/edit", data=_finding_form(
        f.theme("waste").id, description="Dépôt corrigé", due_on="31/12/2026", stop_id=walk.stops[1].id,
        priority="this_year"))
    assert ok.status_code == 302, ok.get_data(as_text=True)
    db.session.expire_all()
    finding = db.session.get(Finding, finding.id)
    assert finding.description == "Dépôt corrigé" and finding.due_on == date(2026, 12, 31)
    assert finding.stop_id == walk.stops[1].id and finding.latitude is None and finding.theme.code == "waste"
    assert "Historique des modifications" in client.get(f"/findings/{finding.id}").get_data(as_text=True)


def test_findings_list_filters_and_constant_query_count(client, f, login, count_queries):
    w = f.world()
    today = local_today()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    building = f.make_territory(TerritoryKind.BUILDING, parent=f.make_territory(TerritoryKind.RESIDENCE,
                                                                                 parent=neighbourhood))
    f.make_finding(w["agreement"], w["hp1"], description="Retard au bâtiment", territory=building,
                   due_on=today - timedelta(days=1), is_recurring=True)
    db.session.commit()
    login(w["coordinator"])
    with count_queries() as one:
        html = client.get("/findings").get_data(as_text=True)
    assert "Retard au bâtiment" in html and "En retard" in html and "Problème structurel" in html
    assert "Les Tilleuls" in html
    for n in range(29):
        f.make_finding(w["agreement"], w["hp2"] if n % 2 else w["hp1"], description=f"Constat numéro {n}",
                       walkthrough=f.make_walk(w["agreement"]) if n % 3 == 0 else None)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/findings").get_data(as_text=True)
    assert len(many) == len(one) and "30 constat(s)" in html
    filtered = client.get(f"/findings?overdue=1&neighbourhood_id={neighbourhood.id}&recurring=1"
                          f"&organisation_id={w['hp1'].id}&status=sent&priority=this_year").get_data(as_text=True)
    assert "1 constat(s)" in filtered and "Retard au bâtiment" in filtered
    assert "0 constat(s)" in client.get(f"/findings?organisation_id={w['hp1'].id}&status=resolved").get_data(
        as_text=True)
    assert client.get("/findings?agreement_id=x&status=zzz&overdue=maybe&page=-3").status_code == 200
    login(w["referent2"])
    assert f'href="/agreements/{w["agreement"].id}/findings/new"' in client.get("/findings").get_data(as_text=True)
    login(w["outsider"])
    html = client.get("/findings").get_data(as_text=True)
    assert "Retard au bâtiment" not in html and "/findings/new" not in html


def test_csv_export_round_trip(client, f, login):
    w = f.world()
    today = local_today()
    walk = f.make_walk(w["agreement"], title="Marche; de nuit")
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, description='Hall "sale"; vitres cassées\nà revoir',
                   resident_quote="Paroles de Mme Dupont", latitude=47.2101, longitude=-1.5502,
                   address="3 rue des Lilas", due_on=today - timedelta(days=2), is_recurring=True)
    f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.RESOLVED, resolved_on=date(2026, 3, 4),
                   description="=SOMME(A1)", land_ownership=None, priority=Priority.URGENT)
    f.make_finding(w["agreement"], None, kind=FindingKind.STRENGTH, theme=f.theme("green_spaces"),
                   description="Jardin partagé apprécié")
    db.session.commit()
    login(w["coordinator"])
    response = client.get("/findings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["n°", "convention", "diagnostic", "quartier", "thème", "type", "description", "adresse",
                       "latitude", "longitude", "domanialité", "priorité", "organisme responsable", "échéance",
                       "en retard", "statut", "date de résolution", "récurrent"]
    assert "Mme Dupont" not in text  # no resident quote, no personal data
    body = {int(r[0]): r for r in rows[1:]}
    findings = db.session.scalars(sa.select(Finding)).all()
    assert set(body) == {x.id for x in findings}
    for x in findings:
        row = body[x.id]
        assert row[1] == x.agreement.reference
        assert row[2] == (x.walkthrough.title if x.walkthrough else "")
        assert row[3] == (x.walkthrough.neighbourhood.name if x.walkthrough else "")
        assert row[4] == x.theme.label and row[5] == str(x.kind.label)
        assert row[6] == ("'" + x.description if x.description.startswith("=") else x.description)
        assert row[7] == (x.address or "")
        assert row[8] == (str(x.latitude).replace(".", ",") if x.latitude is not None else "")
        assert row[9] == (str(x.longitude).replace(".", ",") if x.longitude is not None else "")
        assert row[10] == (str(x.land_ownership.label) if x.land_ownership else "")
        assert row[11] == str(x.priority.label)
        assert row[12] == (x.responsible_organisation.name if x.responsible_organisation else "")
        assert row[13] == x.due_on.strftime("%d/%m/%Y")
        assert row[14] == ("oui" if x.is_overdue(today) else "non")
        assert row[15] == str(x.status.label)
        assert row[16] == (x.resolved_on.strftime("%d/%m/%Y") if x.resolved_on else "")
        assert row[17] == ("oui" if x.is_recurring else "non")
    first = next(r for r in rows[1:] if r[2] == "Marche; de nuit")
    assert first[14] == "oui" and first[17] == "oui" and first[8] == "47,2101"
    only = list(csv.reader(io.StringIO(client.get(f"/findings.csv?organisation_id={w['hp2'].id}").get_data(
        as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(only) == 2 and only[1][6] == "'=SOMME(A1)"
    login(w["outsider"])
    assert len(client.get("/findings.csv").get_data(as_text=True).strip().splitlines()) == 1


def test_routing_table_is_edited_by_the_coordination(client, f, login):
    w = f.world()
    db.session.commit()
    url = f"/agreements/{w['agreement'].id}/routing"
    login(w["referent1"])
    assert client.get(url).status_code == 403
    login(w["coordinator"])
    assert "Aucune règle" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"land_ownership": "town", "organisation_id": w["town"].id}).status_code == 302
    assert client.post(url, data={"land_ownership": "town", "theme_id": f.theme("public_lighting").id,
                                  "organisation_id": w["hp1"].id}).status_code == 302
    client.post(url, data={"land_ownership": "town", "organisation_id": w["hp2"].id})  # replaces the first rule
    bad = client.post(url, data={"land_ownership": "", "organisation_id": w["outsider_org"].id})
    assert bad.status_code == 422 and "Champ obligatoire." in bad.get_data(as_text=True)
    rules = db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.id)).all()
    assert [(r.theme_id is None, r.organisation_id) for r in rules] == [(True, w["hp2"].id), (False, w["hp1"].id)]
    page = client.get(url).get_data(as_text=True)
    assert "Toutes" in page and "Éclairage public" in page and "Domaine public communal" in page
    login(w["referent1"])
    assert client.post(f"{url}/{rules[0].id}/delete").status_code == 403
    login(w["coordinator"])
    assert client.post(f"{url}/{rules[0].id}/delete").status_code == 302
    assert client.post(f"{url}/999999/delete").status_code == 404
    assert _count(RoutingRule) == 1
