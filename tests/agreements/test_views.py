"""HTML screens of agreements and commitments: forms, French errors, permissions, query counts."""

from datetime import date, timedelta

import sqlalchemy as sa

from gup.agreements.models import Agreement, Commitment, CommitmentStatus
from gup.extensions import db
from gup.i18n import local_today as today


def test_coordinator_creates_agreement_and_errors_keep_input(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    bad = client.post("/agreements/new", data={"reference": "GUP-NEW", "title": "Nouvelle convention",
                                               "kind": "site", "start_on": "2026-01-01", "end_on": "31/02/2025"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Date invalide" in html and 'value="Nouvelle convention"' in html and 'value="GUP-NEW"' in html
    before = client.post("/agreements/new", data={"reference": "GUP-NEW", "title": "Nouvelle convention",
                                                  "kind": "site", "start_on": "2026-01-01", "end_on": "2025-01-01"})
    assert "La date de fin doit être postérieure" in before.get_data(as_text=True)
    ok = client.post("/agreements/new", data={"reference": "GUP-NEW", "title": "Nouvelle convention", "kind": "site",
                                              "start_on": "01/01/2026", "end_on": "31/12/2031",
                                              "theme_ids": [f.theme().id]})
    assert ok.status_code == 302
    created = db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-NEW"))
    assert [u.id for u in created.coordinators] == [w["coordinator"].id]
    assert created.midterm_evaluation_on == date(2029, 1, 1)
    page = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert "Évaluation à mi-parcours" in page and "1er janvier 2029" in page
    assert "Historique des modifications" in page and "création" in page


def test_agreement_page_groups_commitments_and_shows_timeline(client, f, login):
    w = f.world()
    f.make_signatory(w["agreement"], w["town"])
    db.session.commit()
    login(w["referent2"])
    html = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert "Bailleur Un" in html and "Bailleur Deux" in html
    assert w["c1"].title in html and w["c2"].title in html
    assert "Camille Martin" in html and "signé le 15 janvier 2025" in html
    assert "Fin de la convention" in html and "31 décembre 2030" in html
    assert "Modifier" not in html.split("<main")[1].split("Dates clés")[0]  # no management buttons


def test_referent_cannot_edit_other_organisation_commitment(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["referent2"])
    assert client.get(f"/commitments/{w['c1'].id}/edit").status_code == 403
    denied = client.post(f"/commitments/{w['c1'].id}/edit", data={"title": "Piraté"})
    assert denied.status_code == 403 and "Accès refusé" in denied.get_data(as_text=True)
    assert client.post(f"/commitments/{w['c1'].id}/updates", data={"note": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Commitment, w["c1"].id).title != "Piraté"
    page = client.get(f"/commitments/{w['c1'].id}").get_data(as_text=True)
    assert "Ajouter le point d'avancement" not in page and "Modifier l'engagement" not in page


def test_referent_updates_own_commitment(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["referent1"])
    response = client.post(f"/commitments/{w['c1'].id}/updates",
                           data={"note": "Passage hebdomadaire en place", "progress": "60", "status": "in_progress"})
    assert response.status_code == 302
    page = client.get(f"/commitments/{w['c1'].id}").get_data(as_text=True)
    assert "Passage hebdomadaire en place" in page and "60 %" in page
    bad = client.post(f"/commitments/{w['c1'].id}/updates", data={"note": "", "progress": "150"})
    assert bad.status_code == 422 and "Champ obligatoire." in bad.get_data(as_text=True)
    invalid = client.post(f"/commitments/{w['c1'].id}/updates", data={"note": "retour", "status": "proposed"})
    assert invalid.status_code == 422 and "Passage impossible" in invalid.get_data(as_text=True)


def test_commitment_form_reads_french_amounts(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    partner = f.partner_of(w["agreement"], w["hp1"])
    response = client.post(f"/agreements/{w['agreement'].id}/commitments/new", data={
        "partner_id": partner.id, "theme_id": f.theme().id, "title": "Nettoyage renforcé",
        "funding_source": "tfpb", "tfpb_axis": "enhanced_maintenance", "planned_operating_amount": "12 500,50",
        "status": "agreed", "progress": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.session.scalar(sa.select(Commitment).where(Commitment.title == "Nettoyage renforcé"))
    assert str(created.planned_operating_amount) == "12500.50" and created.reference.startswith("ENG-")
    assert "12 500,50" in client.get(f"/commitments/{created.id}").get_data(as_text=True).replace("\u202f", " ")


def test_referent_creates_commitment_only_for_own_organisation(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["referent2"])
    form = client.get(f"/agreements/{w['agreement'].id}/commitments/new").get_data(as_text=True)
    assert "Bailleur Deux" in form and "Bailleur Un</option>" not in form
    other = f.partner_of(w["agreement"], w["hp1"])
    db.session.commit()
    response = client.post(f"/agreements/{w['agreement'].id}/commitments/new", data={
        "partner_id": other.id, "theme_id": f.theme().id, "title": "Pour un autre", "funding_source": "mainstream",
        "status": "proposed"})
    assert response.status_code in (403, 422)
    assert db.session.scalar(sa.select(Commitment).where(Commitment.title == "Pour un autre")) is None


def test_dashboard_lists_overdue_and_due_soon(client, f, login, app):
    w = f.world()
    day = None
    with app.test_request_context():
        day = today()
    f.make_commitment(w["agreement"], w["hp1"], title="En retard X", due_on=day - timedelta(days=3))
    f.make_commitment(w["agreement"], w["hp2"], title="Bientôt Y", due_on=day + timedelta(days=10))
    f.make_commitment(w["agreement"], w["hp2"], title="Tenu Z", due_on=day - timedelta(days=3),
                      status=CommitmentStatus.FULFILLED)
    db.session.commit()
    login(w["coordinator"])
    html = client.get("/").get_data(as_text=True)
    # the coordination sees overdue commitments in « À traiter » (gup.agreements.worklist)
    overdue_part = html.split('id="todo-commitment_overdue"')[1].split("</section>")[0]
    soon_part = html.split('id="soon-title"')[1]
    assert "En retard X" in overdue_part and "Tenu Z" not in overdue_part
    assert 'id="overdue-title"' not in html  # not listed twice
    assert "Bientôt Y" in soon_part
    login(w["referent2"])
    own = client.get("/").get_data(as_text=True)
    assert "En retard X" not in own and "Bientôt Y" in own
    assert 'id="overdue-title"' in own and 'id="todo-title"' not in own  # a referent keeps the commitments view


def test_lists_use_a_constant_number_of_queries(client, f, login, count_queries):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    counts = {}
    for n in (1, 30):
        for _ in range(n - len(w["agreement"].commitments) + 2 if n == 30 else 0):
            f.make_commitment(w["agreement"], w["hp1"])
        db.session.commit()
        for url in ("/commitments", "/agreements", "/organisations", "/", f"/agreements/{w['agreement'].id}"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(statements))
    for url, (small, large) in counts.items():
        assert small == large, f"{url}: {small} queries for few rows, {large} for many"
