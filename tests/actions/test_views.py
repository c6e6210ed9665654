"""HTML side of actions: list and CSV, page, create/edit, progress updates with photos, "Mes actions"."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PIL import Image

from gup.actions.models import Action, ActionKind, ActionStatus, ActionUpdate
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.i18n import local_today
from gup.media import storage
from gup.territory.models import TerritoryKind


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    """Photos of the test go to a temporary folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def text_field(response) -> str:
    return response.get_data(as_text=True)


def _flashes(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="flash flash-(\w+)">([^<]*)</p>', html)


# --- "Mes actions" -------------------------------------------------------------------------------

def test_mes_actions_lists_own_organisation_items_across_agreements_overdue_first(client, f, login):
    w = f.world()
    today = local_today()
    other = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["hp2"]])
    f.make_finding(w["agreement"], w["hp1"], description="Tag sur la porte du hall", due_on=today + timedelta(days=40))
    f.make_finding(w["agreement"], w["hp1"], description="Encombrants au local vélos", status=FindingStatus.ACCEPTED,
                   due_on=today - timedelta(days=3))
    f.make_finding(w["agreement"], w["hp1"], description="Ancien constat résolu", status=FindingStatus.RESOLVED)
    f.make_finding(w["agreement"], w["hp1"], description="Constat refusé", status=FindingStatus.REFUSED)
    f.make_finding(w["agreement"], w["hp2"], description="Constat du bailleur deux")
    f.make_action(w["agreement"], w["hp1"], title="Réparer la porte du parking", due_on=today - timedelta(days=10))
    f.make_action(other, w["hp1"], title="Sensibiliser au tri", due_on=today + timedelta(days=5),
                  status=ActionStatus.BLOCKED, blocked_reason="attente devis")
    f.make_action(w["agreement"], w["hp1"], title="Action déjà réalisée", status=ActionStatus.DONE)
    f.make_action(w["agreement"], w["hp2"], title="Action du bailleur deux")
    db.session.commit()

    login(w["referent1"])
    html = text_field(client.get("/mes-actions"))
    for shown in ("Tag sur la porte du hall", "Encombrants au local vélos", "Réparer la porte du parking",
                  "Sensibiliser au tri", other.reference):
        assert shown in html
    for hidden in ("Ancien constat résolu", "Constat refusé", "Constat du bailleur deux", "Action déjà réalisée",
                   "Action du bailleur deux"):
        assert hidden not in html
    order = [html.index(t) for t in ("Réparer la porte du parking", "Encombrants au local vélos",
                                     "Sensibiliser au tri", "Tag sur la porte du hall")]
    assert order == sorted(order), "overdue first (by due date), then by due date"
    assert html.count("badge-overdue") == 2
    # every checkbox has its own accessible label; only the sent finding offers « Accepter »
    assert len(re.findall(r'<input type="checkbox" name="items"', html)) == 4
    assert html.count('class="visually-hidden">Sélectionner : ') == 4
    assert html.count(">Accepter<") == 1
    assert 'table class="responsive worklist"' in html


def test_mes_actions_explains_itself_to_those_without_items(client, f, login):
    """Observers and coordinators of no agreement get the explanation; an agreement's coordinator and the admin get
    the coordination's list (tests/inbox), never the organisations' actions."""
    w = f.world()
    f.make_action(w["agreement"], w["hp1"], title="Action visible ailleurs")
    db.session.commit()
    for role in ("coordinator", "other_coordinator", "observer", "admin"):
        login(w[role])
        html = text_field(client.get("/mes-actions"))
        assert ("référent·e partenaire" in html) is (role in ("other_coordinator", "observer")), role
        assert ("Ce que la coordination doit préparer" in html) is (role in ("coordinator", "admin")), role
        assert "Action visible ailleurs" not in html


def test_bulk_update_moves_allowed_items_and_reports_refused_ones(client, f, login):
    w = f.world()
    mine = f.make_finding(w["agreement"], w["hp1"], description="Constat hp1")
    forged = f.make_finding(w["agreement"], w["hp2"], description="Constat hp2")
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])

    response = client.post("/mes-actions/bulk", data={
        "items": [f"finding-{mine.id}", f"finding-{forged.id}", f"action-{action.id}", "finding-999999", "x-1"],
        "status": "accepted", "note": "Pris en charge par l'équipe de proximité"}, follow_redirects=True)
    html = text_field(response)
    assert response.status_code == 200
    flashes = _flashes(html)
    assert ("success", "1 élément mis à jour.") in flashes
    assert ("warning", f"Constat n° {forged.id} : vous ne pouvez pas le modifier.") in flashes
    assert ("warning", f"Action n° {action.id} : statut inconnu pour cet élément.") in flashes
    assert ("warning", "finding-999999 : élément introuvable.") in flashes
    assert ("warning", "x-1 : élément introuvable.") in flashes
    db.session.expire_all()
    assert db.session.get(Finding, mine.id).status is FindingStatus.ACCEPTED
    assert db.session.get(Finding, forged.id).status is FindingStatus.SENT
    assert db.session.get(Action, action.id).status is ActionStatus.PLANNED

    response = client.post("/mes-actions/bulk", data={
        "items": [f"finding-{mine.id}", f"action-{action.id}"], "status": "in_progress", "note": "Travaux lancés"},
        follow_redirects=True)
    assert ("success", "2 éléments mis à jour.") in _flashes(text_field(response))
    db.session.expire_all()
    assert db.session.get(Finding, mine.id).status is FindingStatus.IN_PROGRESS
    moved = db.session.get(Action, action.id)
    assert moved.status is ActionStatus.IN_PROGRESS and moved.updates[0].note == "Travaux lancés"


def test_bulk_refusal_keeps_the_reason_and_bad_input_is_a_422_with_french_errors(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], description="Constat à refuser")
    db.session.commit()
    login(w["referent1"])
    response = client.post("/mes-actions/bulk", data={"status": "", "note": ""})
    html = text_field(response)
    assert response.status_code == 422
    assert "Cochez au moins un élément de la liste." in html and "Champ obligatoire." in html
    assert "Constat à refuser" in html

    response = client.post("/mes-actions/bulk", data={"items": [f"finding-{finding.id}"], "status": "refused",
                                                      "note": "Parcelle de la ville, pas du bailleur"})
    assert response.status_code == 302
    db.session.expire_all()
    refused = db.session.get(Finding, finding.id)
    assert refused.status is FindingStatus.REFUSED and refused.refusal_reason == "Parcelle de la ville, pas du bailleur"


def test_quick_accept_button_posts_its_own_form(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], description="À accepter")
    db.session.commit()
    login(w["referent1"])
    html = text_field(client.get("/mes-actions"))
    form = re.search(rf'<form id="accept-finding-{finding.id}"[^>]*>(.*?)</form>', html, re.S)
    assert form and f'form="accept-finding-{finding.id}"' in html
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(1)))
    assert data["status"] == "accepted" and data["items"] == f"finding-{finding.id}"
    response = client.post("/mes-actions/bulk", data=data, follow_redirects=True)
    assert ("success", "1 élément mis à jour.") in _flashes(text_field(response))
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).status is FindingStatus.ACCEPTED


# --- permissions ---------------------------------------------------------------------------------

def test_other_referent_gets_403_on_updates_and_edit_but_may_read(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"], title="Action de hp1")
    db.session.commit()
    login(w["referent2"])
    assert client.get(f"/actions/{action.id}").status_code == 200
    assert "Ajouter le point d'avancement" not in text_field(client.get(f"/actions/{action.id}"))
    for method, url, data in (("post", f"/actions/{action.id}/updates", {"note": "intrusion", "status": "done"}),
                              ("get", f"/actions/{action.id}/edit", None),
                              ("post", f"/actions/{action.id}/edit", {"title": "Piratée", "kind": "works",
                                                                      "responsible_organisation_id": w["hp2"].id})):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403 and "Accès refusé" in text_field(response)
    db.session.expire_all()
    unchanged = db.session.get(Action, action.id)
    assert unchanged.title == "Action de hp1" and unchanged.status is ActionStatus.PLANNED and not unchanged.updates


def test_outsider_sees_no_action_of_an_agreement_they_are_not_party_to(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"], title="Action confidentielle")
    db.session.commit()
    login(w["outsider"])
    assert "Action confidentielle" not in text_field(client.get("/actions"))
    assert "Action confidentielle" not in text_field(client.get("/actions.csv"))
    assert client.get(f"/actions/{action.id}").status_code == 403


# --- progress updates ----------------------------------------------------------------------------

def test_progress_update_with_a_photo_stores_it_without_exif(client, f, login, uploads):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])
    html = text_field(client.get(f"/actions/{action.id}"))
    assert 'accept="image/*"' in html and 'capture="environment"' in html and 'enctype="multipart/form-data"' in html

    response = client.post(f"/actions/{action.id}/updates", data={
        "note": "Première couche de peinture", "progress": "40", "status": "in_progress",
        "photo": (io.BytesIO(f.jpeg_bytes(gps=True)), "IMG_0001.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302, text_field(response)
    db.session.expire_all()
    update = db.session.scalar(sa.select(ActionUpdate).where(ActionUpdate.action_id == action.id))
    assert update.note == "Première couche de peinture" and update.progress == 40
    assert update.status is ActionStatus.IN_PROGRESS and update.photo is not None
    stored = Image.open(io.BytesIO(storage.read(update.photo.storage_key)))
    exif = stored.getexif()
    assert 0x8825 not in exif and 0x010F not in exif and "exif" not in stored.info
    assert str(uploads) in str(storage.path_for(update.photo.storage_key))

    html = text_field(client.get(f"/actions/{action.id}"))
    assert "Première couche de peinture" in html and "Avancement : 40 %" in html
    assert f'href="/photos/{update.photo.id}"' in html and f'src="/photos/{update.photo.id}/thumbnail"' in html
    thumbnail = client.get(f"/photos/{update.photo.id}/thumbnail")
    thumbnail.close()  # send_file streams the stored file
    assert thumbnail.status_code == 200 and thumbnail.content_type == "image/jpeg"


@pytest.mark.parametrize(("payload", "message"), [
    (b"%PDF-1.4 pas une image", "Le fichier n'est pas une image lisible."),
    (None, "L'image est endommagée ou incomplète."),
])
def test_a_bad_photo_is_a_field_error_and_nothing_is_saved(client, f, login, uploads, payload, message):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])
    data = payload if payload is not None else f.jpeg_bytes(400, 300)[:600]
    response = client.post(f"/actions/{action.id}/updates", data={
        "note": "Note à garder", "progress": "30", "photo": (io.BytesIO(data), "photo.jpg")},
        content_type="multipart/form-data")
    html = text_field(response)
    assert response.status_code == 422
    assert message.replace("'", "&#39;") in html and 'id="photo-err"' in html
    assert "Note à garder" in html and 'value="30"' in html
    db.session.expire_all()
    assert db.session.get(Action, action.id).progress == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionUpdate)) == 0
    assert not any(p.is_file() for p in uploads.rglob("*")) if uploads.exists() else True


def test_a_photo_sent_with_a_refused_update_is_not_kept(client, f, login, uploads):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.DONE, progress=100)
    db.session.commit()
    login(w["referent1"])
    response = client.post(f"/actions/{action.id}/updates", data={
        "note": "Retour en arrière", "status": "planned", "photo": (io.BytesIO(f.jpeg_bytes()), "photo.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionUpdate)) == 0
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def test_invalid_update_keeps_input_and_shows_french_errors(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.DONE, progress=100)
    db.session.commit()
    login(w["referent1"])
    response = client.post(f"/actions/{action.id}/updates", data={"note": "", "progress": "140"})
    html = text_field(response)
    assert response.status_code == 422 and "Champ obligatoire." in html and "Entre 0 et 100." in html
    response = client.post(f"/actions/{action.id}/updates", data={"note": "On revient en arrière",
                                                                  "status": "planned"})
    html = text_field(response)
    assert response.status_code == 422 and "Passage impossible de « Réalisée » à « Prévue »" in html
    statuses = re.search(r'<select[^>]*id="status".*?</select>', html, re.S).group(0)
    assert 'value="in_progress"' in statuses and 'value="cancelled"' not in statuses  # only allowed moves
    assert "On revient en arrière" in html


def test_blocking_takes_the_note_as_reason(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["referent1"])
    response = client.post(f"/actions/{action.id}/updates", data={"note": "En attente du devis de l'entreprise",
                                                                  "status": "blocked"})
    assert response.status_code == 302
    html = text_field(client.get(f"/actions/{action.id}"))
    assert "Ce qui bloque :" in html and "En attente du devis de l&#39;entreprise" in html
    assert "Prévue → Bloquée" in html


def test_done_can_resolve_the_linked_findings(client, f, login):
    w = f.world()
    accepted = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    waiting = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS)
    action.findings = [accepted, waiting]
    other = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.PLANNED)
    second = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS)
    second.findings = [other]
    db.session.commit()
    login(w["referent1"])
    html = text_field(client.get(f"/actions/{action.id}"))
    # offered, never ticked by default (issue 8: a forgotten box resolved findings)
    assert re.search(r'<input id="resolve_findings" name="resolve_findings" type="checkbox" value="y">', html)
    assert "Marquer aussi les constats liés comme résolus" in html

    response = client.post(f"/actions/{action.id}/updates", data={
        "note": "Porte remplacée", "status": "done", "resolve_findings": "y"})
    assert response.status_code == 302
    # unchecked box: the findings stay as they are
    response = client.post(f"/actions/{second.id}/updates", data={"note": "Fini", "status": "done"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).status is ActionStatus.DONE
    resolved = db.session.get(Finding, accepted.id)
    assert resolved.status is FindingStatus.RESOLVED and resolved.resolution_note == "Porte remplacée"
    assert db.session.get(Finding, waiting.id).status is FindingStatus.SENT
    assert db.session.get(Finding, other.id).status is FindingStatus.PLANNED
    assert "Marquer aussi les constats liés" not in text_field(client.get(f"/actions/{action.id}"))


# --- create and edit -----------------------------------------------------------------------------

def test_coordinator_creates_an_action_with_french_amount_and_dates(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    page = text_field(client.get(f"/agreements/{w['agreement'].id}/actions/new"))
    for org in (w["town"], w["hp1"], w["hp2"]):
        assert f'<option value="{org.id}">{org.name}</option>' in page
    response = client.post(f"/agreements/{w['agreement'].id}/actions/new", data={
        "title": "Atelier tri des déchets", "description": "Deux ateliers au pied des immeubles",
        "kind": "sensitization", "audience": "Locataires de la résidence",
        "responsible_organisation_id": w["hp1"].id, "assignee_id": w["referent1"].id,
        "contributor_ids": [w["town"].id, w["hp2"].id], "due_on": "31/12/2026", "cost": "1 250,50",
        "commitment_id": w["c1"].id})
    assert response.status_code == 302, text_field(response)
    action = db.session.scalar(sa.select(Action).where(Action.title == "Atelier tri des déchets"))
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    assert action.cost == Decimal("1250.50") and action.due_on.isoformat() == "2026-12-31"
    assert action.kind is ActionKind.SENSITIZATION and action.audience == "Locataires de la résidence"
    assert action.assignee_id == w["referent1"].id and action.commitment_id == w["c1"].id
    assert {o.id for o in action.contributors} == {w["town"].id, w["hp2"].id}
    assert action.status is ActionStatus.PLANNED


def test_referent_may_only_choose_their_own_organisation(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["referent1"])
    url = f"/agreements/{w['agreement'].id}/actions/new"
    page = text_field(client.get(url))
    select = re.search(r'<select[^>]*id="responsible_organisation_id".*?</select>', page, re.S).group(0)
    assert w["hp1"].name in select and w["hp2"].name not in select and "selected" in select
    response = client.post(url, data={"title": "Action pour les autres", "kind": "works",
                                      "responsible_organisation_id": w["hp2"].id})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0
    response = client.post(url, data={"title": "Action à nous", "kind": "works",
                                      "responsible_organisation_id": w["hp1"].id})
    assert response.status_code == 302
    login(w["outsider"])
    assert client.get(url).status_code == 403


def test_create_errors_are_french_and_keep_what_was_typed(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/actions/new"
    response = client.post(url, data={"title": "", "description": "Texte à garder", "kind": "works",
                                      "responsible_organisation_id": w["hp2"].id, "assignee_id": w["referent1"].id,
                                      "cost": "douze euros", "due_on": "32/13/2026"})
    html = text_field(response)
    assert response.status_code == 422
    assert "Champ obligatoire." in html and "<li>Nombre invalide.</li></ul>" in html and "Date invalide" in html
    assert "Texte à garder" in html and "douze euros" in html
    # the service refuses an assignee from another organisation: the message sits next to the field
    response = client.post(url, data={"title": "Nettoyage", "kind": "works",
                                      "responsible_organisation_id": w["hp2"].id, "assignee_id": w["referent1"].id})
    html = text_field(response)
    assert response.status_code == 422
    assert re.search(r'id="assignee_id-err"><li>La personne chargée de l&#39;action doit appartenir', html)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0


def test_referent_edits_own_action_and_history_shows_it(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"], title="Ancien titre", kind=ActionKind.WORKS,
                           cost=Decimal("99.5"))
    db.session.commit()
    login(w["referent1"])
    page = text_field(client.get(f"/actions/{action.id}/edit"))
    assert 'value="Ancien titre"' in page and '<option selected value="works">' in page
    cost = re.search(r'<input[^>]*id="cost"[^>]*>', page).group(0)
    assert 'type="text"' in cost and 'value="99,50"' in cost and "required" not in cost  # French amount, optional
    assert 'required="None"' not in page
    response = client.post(f"/actions/{action.id}/edit", data={
        "title": "Nouveau titre", "kind": "works", "responsible_organisation_id": w["hp1"].id, "cost": "300"})
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Action, action.id)
    assert edited.title == "Nouveau titre" and edited.cost == Decimal("300.00")
    html = text_field(client.get(f"/actions/{action.id}"))
    assert "Historique des modifications" in html and "Nouveau titre" in html and "Intitulé : " in html


# --- the action page -----------------------------------------------------------------------------

def test_action_page_shows_everything(client, f, login):
    from gup.actions import services

    w = f.world()
    today = local_today()
    finding = f.make_finding(w["agreement"], w["hp1"], description="Porte du hall cassée",
                             status=FindingStatus.ACCEPTED)
    action = services.create_action(
        w["agreement"], responsible_organisation=w["hp1"], actor=w["coordinator"], now=w["now"],
        findings=[finding], title="Former les gardiens", description="Deux sessions", kind=ActionKind.SENSITIZATION,
        audience="Gardiens d'immeuble", assignee=w["referent1"], contributors=[w["town"]],
        due_on=today - timedelta(days=2), cost=Decimal("1250.50"), commitment=w["c1"])
    services.add_action_update(action, note="Première session faite", progress=50, actor=w["referent1"],
                               now=w["now"])
    services.add_action_update(action, note="Salle indisponible", status=ActionStatus.BLOCKED,
                               actor=w["referent1"], now=w["now"])
    db.session.commit()
    login(w["observer"])
    html = text_field(client.get(f"/actions/{action.id}"))
    for text in ("Former les gardiens", "Deux sessions", "Sensibilisation / formation", "Gardiens d&#39;immeuble",
                 w["hp1"].name, w["referent1"].full_name, w["town"].name, "En retard", "Bloquée",
                 "Ce qui bloque :", "Salle indisponible", "Avancement : 50 %", "1\u202f250,50\xa0€",
                 f'href="/commitments/{w["c1"].id}"', f'href="/findings/{finding.id}"', "Porte du hall cassée",
                 "Première session faite",
                 "Historique des statuts", "création (Prévue)", "Prévue → Bloquée", "Historique des modifications"):
        assert text in html, text
    assert "Modifier l'action" not in html


# --- list, filters, CSV --------------------------------------------------------------------------

def test_list_filters(client, f, login):
    w = f.world()
    today = local_today()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Dervallières")
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=neighbourhood)
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence)
    walk = f.make_walk(w["agreement"], neighbourhood)
    elsewhere = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    green, clean = f.theme("green_spaces"), f.theme()
    on_walk = f.make_action(w["agreement"], w["hp1"], title="Alpha sur le parcours")
    on_walk.findings = [f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, theme=green)]
    in_building = f.make_action(w["agreement"], w["hp2"], title="Bravo au bâtiment", due_on=today - timedelta(days=1))
    in_building.findings = [f.make_finding(w["agreement"], w["hp2"], territory=building)]
    away = f.make_action(w["agreement"], w["hp2"], title="Charlie ailleurs", status=ActionStatus.IN_PROGRESS,
                         commitment=w["c2"])
    away.findings = [f.make_finding(w["agreement"], w["hp2"], territory=elsewhere)]
    f.make_action(w["agreement"], w["town"], title="Delta sans constat", status=ActionStatus.DONE,
                  due_on=today - timedelta(days=30), commitment=w["c1"])
    db.session.commit()
    login(w["coordinator"])

    def titles(**args) -> set[str]:
        html = text_field(client.get("/actions", query_string=args))
        return {t for t in ("Alpha", "Bravo", "Charlie", "Delta") if f"{t} " in html}

    assert titles() == {"Alpha", "Bravo", "Charlie", "Delta"}
    assert titles(neighbourhood_id=neighbourhood.id) == {"Alpha", "Bravo"}
    assert titles(organisation_id=w["hp2"].id) == {"Bravo", "Charlie"}
    assert titles(status="in_progress") == {"Charlie"}
    assert titles(overdue="1") == {"Bravo"}
    assert titles(overdue="0") == {"Alpha", "Charlie", "Delta"}
    assert titles(theme_id=green.id) == {"Alpha"}
    assert titles(theme_id=clean.id) == {"Bravo", "Charlie", "Delta"}  # Delta through its commitment only
    assert titles(agreement_id=w["agreement"].id, status="nonsense", theme_id="abc") == {"Alpha", "Bravo", "Charlie",
                                                                                         "Delta"}
    html = text_field(client.get("/actions", query_string={"agreement_id": w["agreement"].id, "page": 1}))
    assert f'href="/agreements/{w["agreement"].id}/actions/new"' in html
    assert f'href="/actions.csv?agreement_id={w["agreement"].id}"' in html


def test_csv_export_opens_back_with_the_database_values(client, f, login):
    w = f.world()
    today = local_today()
    first = f.make_action(w["agreement"], w["hp1"], title="Repeindre la cage « B »; étage 2",
                          due_on=today - timedelta(days=5), cost=Decimal("1250.5"), commitment=w["c1"],
                          assignee=w["referent1"], kind=ActionKind.WORKS)
    first.contributors = [w["town"], w["hp2"]]
    first.findings = [f.make_finding(w["agreement"], w["hp1"]), f.make_finding(w["agreement"], w["hp1"])]
    f.make_action(w["agreement"], w["hp1"], title="=HYPERLINK(\"http://x\")", due_on=None)
    f.make_action(w["agreement"], w["hp2"], title="Action de hp2")
    db.session.commit()
    login(w["coordinator"])

    response = client.get("/actions.csv", query_string={"organisation_id": w["hp1"].id})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["N°", "Intitulé", "Convention"] and "Coût (€)" in header and "Échéance" in header
    assert len(body) == 2
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    db.session.expire_all()
    for action in db.session.scalars(sa.select(Action).where(Action.responsible_organisation_id == w["hp1"].id)):
        row = by_id[action.id]
        assert row["Convention"] == action.agreement.reference
        assert row["Organisme responsable"] == action.responsible_organisation.name
        assert row["Statut"] == str(action.status.label)
        assert row["Avancement (%)"] == str(action.progress)
        assert row["Échéance"] == (action.due_on.strftime("%d/%m/%Y") if action.due_on else "")
        assert row["En retard"] == ("Oui" if action.is_overdue(today) else "Non")
        assert row["Coût (€)"] == (f"{action.cost:.2f}".replace(".", ",") if action.cost is not None else "")
        assert row["Constats liés"] == ", ".join(str(x.id) for x in action.findings)
    row = by_id[first.id]
    assert row["Intitulé"] == "Repeindre la cage « B »; étage 2" and row["Coût (€)"] == "1250,50"
    assert row["Type"] == "Travaux" and row["Personne chargée"] == w["referent1"].full_name
    assert row["Organismes contributeurs"] == ", ".join(sorted([w["town"].name, w["hp2"].name]))
    assert row["Engagement"] == w["c1"].reference and row["En retard"] == "Oui"
    formula = next(r for r in by_id.values() if "HYPERLINK" in r["Intitulé"])
    assert formula["Intitulé"].startswith("'="), "a formula is not run by the spreadsheet"


def test_lists_use_a_constant_number_of_queries(client, f, login, count_queries):
    w = f.world()
    db.session.commit()
    today = local_today()
    counts: dict[str, list[int]] = {}
    for n in (1, 30):
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Action))
        for i in range(n - existing):
            action = f.make_action(w["agreement"], w["hp1"], due_on=today + timedelta(days=i - 5),
                                   assignee=w["referent1"], commitment=w["c1"], contributors=[w["town"]])
            action.findings = [f.make_finding(w["agreement"], w["hp1"])]
            f.make_finding(w["agreement"], w["hp1"])
        action_id = db.session.scalar(sa.select(sa.func.min(Action.id)))
        first = db.session.get(Action, action_id)
        for i in range(n - len(first.updates)):  # the page of one action: its timeline grows too
            first.updates.append(ActionUpdate(note=f"Point {i}", author=w["referent1"], progress=i))
            first.findings.append(f.make_finding(w["agreement"], w["hp1"]))
        db.session.commit()
        # referent1 is the assignee of every action: the rows load the signed-in user too
        for role, url in (("coordinator", "/actions"), ("coordinator", "/actions.csv"), ("referent1", "/actions"),
                          ("referent1", "/actions.csv"), ("referent1", "/mes-actions"),
                          ("coordinator", f"/actions/{action_id}"), ("referent1", f"/actions/{action_id}")):
            login(w[role])
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.setdefault(f"{role} {url}", []).append(len(statements))
    for page, (small, large) in counts.items():
        assert small == large, f"{page}: {small} queries for few rows, {large} for many"


# --- navigation ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "current"), [("/mes-actions", "Mes actions"), ("/actions", "Actions"),
                                          ("/", "Tableau de bord"), ("/agreements", "Conventions")])
def test_menu_marks_exactly_one_entry(client, f, login, url, current):
    w = f.world()
    db.session.commit()
    login(w["referent1"])
    html = text_field(client.get(url))
    marked = re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', html)
    assert marked == [current]
    assert html.index(">Mes actions</a>") < html.index(">Tableau de bord</a>")


def test_garbage_input_never_gives_a_500(client, f, login):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    login(w["coordinator"])
    garbage = {"title": "x" * 300, "kind": "rocket", "responsible_organisation_id": "abc", "assignee_id": "9999999",
               "contributor_ids": ["abc", "-1"], "commitment_id": "2.5", "due_on": "demain", "cost": "1e999999"}
    for url in (f"/agreements/{w['agreement'].id}/actions/new", f"/actions/{action.id}/edit"):
        response = client.post(url, data=garbage)
        assert response.status_code == 422, url
    response = client.post(f"/actions/{action.id}/updates", data={"note": "ok", "progress": "dix"})
    assert response.status_code == 422
    response = client.post(f"/actions/{action.id}/updates", data={"note": "ok", "status": "zzz"})
    assert response.status_code == 422 and "Statut inconnu." in text_field(response)
    login(w["referent1"])
    response = client.post("/mes-actions/bulk", data={"items": ["action-abc", "finding-1" + "9" * 30],
                                                      "status": "zzz", "note": "n"})
    assert response.status_code == 422
    for query in ({"page": "-3"}, {"agreement_id": "x", "overdue": "peut-être", "status": "zzz", "page": "abc"}):
        assert client.get("/actions", query_string=query).status_code == 200
        assert client.get("/actions.csv", query_string=query).status_code == 200
    assert client.get("/actions/999999").status_code == 404
    assert client.get("/agreements/999999/actions/new").status_code == 404


def test_finishing_an_action_cannot_resolve_another_organisation_finding(client, f, login):
    """An hp1 action answering an hp2 finding: referent1 may finish the action, not resolve hp2's finding."""
    from gup.findings.models import Finding, FindingStatus

    w = f.world()
    foreign = f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.ACCEPTED)
    action = f.make_action(w["agreement"], w["hp1"])
    action.findings.append(foreign)
    db.session.commit()
    login(w["referent1"])
    refused = client.post(f"/actions/{action.id}/updates",
                          data={"note": "Fini", "status": "done", "resolve_findings": "y"})
    assert refused.status_code == 403
    assert db.session.get(Finding, foreign.id).status is FindingStatus.ACCEPTED
    finished = client.post(f"/actions/{action.id}/updates", data={"note": "Fini", "status": "done"})
    assert finished.status_code == 302
    db.session.expire_all()
    assert db.session.get(Finding, foreign.id).status is FindingStatus.ACCEPTED
