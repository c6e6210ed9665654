"""The lists' text search (« q »): findings, actions and the report queue, case-insensitive, LIKE wildcards
literal, bounded length; on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from gup.extensions import db
from gup.orm import SEARCH_MAX


def test_findings_and_actions_search_reference_title_and_description(client, f, login):
    w = f.world()
    lamp = f.make_finding(w["agreement"], w["hp1"], description="Lampadaire éteint allée du Verger")
    f.make_finding(w["agreement"], w["hp1"], description="Banc cassé square 100%")
    f.make_action(w["agreement"], w["hp1"], title="Remplacer la LAMPE du hall")
    f.make_action(w["agreement"], w["hp1"], title="Repeindre", description="Cage d'escalier_B")
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/findings?q=LAMPADAIRE").get_data(as_text=True)
    assert "Lampadaire éteint" in page and "Banc cassé" not in page
    page = client.get(f"/findings?q={lamp.id}").get_data(as_text=True)
    assert "Lampadaire éteint" in page
    assert "Banc cassé" in client.get("/findings?q=100%25").get_data(as_text=True)
    assert "Lampadaire" not in client.get("/findings?q=100%25").get_data(as_text=True)
    assert "Aucun" in client.get("/findings?q=%25%25").get_data(as_text=True)  # % is literal, not « anything »
    rows = client.get("/findings.csv?q=verger").get_data(as_text=True)
    assert "Lampadaire" in rows and "Banc" not in rows
    page = client.get("/actions?q=lampe").get_data(as_text=True)
    assert "Remplacer la LAMPE" in page and "Repeindre" not in page
    page = client.get("/actions?q=escalier_b").get_data(as_text=True)
    assert "Repeindre" in page and "Remplacer" not in page
    assert "Remplacer" not in client.get("/actions?q=r_mplacer").get_data(as_text=True)
    assert "Remplacer" in client.get("/actions.csv?q=LAMPE").get_data(as_text=True)
    # bounded: a very long search is read on its first SEARCH_MAX characters, never an error
    assert client.get("/actions?q=" + "x" * (SEARCH_MAX * 20)).status_code == 200
    page = client.get("/findings?q=" + "Lampadaire éteint allée du Verger" + "z" * 500)
    assert page.status_code == 200


def test_report_queue_search(client, f, login):
    w = f.world()
    category = f.make_category(label="Encombrants")
    hall = f.make_report(category, description="Matelas dans le HALL B", address="4 rue des Lilas")
    other = f.make_report(category, description="Sacs", address="Place du Marché")
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/signalements?q=hall b").get_data(as_text=True)
    assert hall.reference in page and other.reference not in page
    page = client.get("/signalements?q=marché").get_data(as_text=True)
    assert other.reference in page and hall.reference not in page
    page = client.get(f"/signalements?q={other.reference.lower()}").get_data(as_text=True)
    assert other.reference in page and hall.reference not in page
    rows = client.get("/signalements.csv?q=lilas").get_data(as_text=True)
    assert hall.reference in rows and other.reference not in rows
    assert 'name="q"' in client.get("/signalements").get_data(as_text=True)
