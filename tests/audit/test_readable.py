"""The history as people read it: names instead of ids, French labels and formats, internal steps folded, both
histories of a page oldest first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from gup.actions.models import ActionStatus
from gup.audit.readable import readable_history, status_timeline
from gup.audit.services import record_status_change
from gup.extensions import db

RAW = re.compile(r"\b(planned|in_progress|True|False|None)\b|\d{4}-\d{2}-\d{2}|<\w+ \d+>")


def _lines(items):
    return [f"{line.label} : {line.old} → {line.new}" for item in items for line in item.lines]


def test_linked_records_statuses_dates_and_amounts_read_in_french(app, f):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    action.responsible_organisation = w["hp2"]
    action.assignee = w["referent2"]
    action.status = ActionStatus.IN_PROGRESS
    action.cost = Decimal("950.00")
    action.due_on = date(2027, 6, 1)
    db.session.commit()
    with app.test_request_context():
        items = readable_history(action)
        lines = _lines(items)
    assert [i.action for i in items] == ["create", "update"]  # oldest first
    assert "Organisme responsable : Bailleur Un → Bailleur Deux" in lines
    assert f"Personne chargée : — → {w['referent2'].full_name}" in lines
    assert "Statut : Prévue → En cours" in lines
    assert any(line.startswith("Échéance : 31 mars 2027 → 1er juin 2027") for line in lines)
    cost = next(line for line in lines if line.startswith("Coût"))
    assert "950,00" in cost and "€" in cost
    assert not any(RAW.search(line) for line in lines), lines
    assert items[0].entity == "de l'action" and items[1].verb == "modification"


def test_what_one_request_did_reads_as_one_change(app, f):
    """A walk created with its stops, then renumbered in the same transaction: one « création » per record, no
    « Ordre d'affichage : 1002 → 2 »; a later change in its own request shows."""
    w = f.world()
    walk = f.make_walk(w["agreement"])
    for stop in walk.stops:
        stop.position += 1000
    db.session.flush()
    for stop in walk.stops:
        stop.position -= 1000
    db.session.commit()
    walk.stops[0].name = "Hall du bâtiment A"
    db.session.commit()
    with app.test_request_context():
        items = readable_history(walk, *walk.stops)
    assert [i.action for i in items].count("create") == 3
    assert _lines(items) == ["Nom : Entrée de la résidence → Hall du bâtiment A"]


def test_a_change_back_within_a_request_and_booleans(app, f):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    db.session.commit()
    finding.is_recurring = True
    old = finding.description
    finding.description = "brouillon"
    db.session.flush()
    finding.description = old
    db.session.commit()
    with app.test_request_context():
        lines = _lines(readable_history(finding))
    assert lines == ["Problème structurel : non → oui"]


def test_status_history_reads_as_a_chain_with_labels(app, f):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    record_status_change(action, from_status=None, to_status="planned", actor=w["coordinator"], at=at)
    # a step the service took on its own (planned → in_progress) is not recorded; the next move starts from it
    record_status_change(action, from_status="in_progress", to_status="done", actor=w["referent1"],
                         at=at.replace(day=5), note="Terminé")
    db.session.commit()
    with app.test_request_context():
        items = status_timeline(action)
    assert [(i.old, i.new) for i in items] == [(None, "Prévue"), ("Prévue", "Réalisée")]
    assert items[1].note == "Terminé"


def test_pages_show_no_raw_codes_to_an_elected_official(client, login, f):
    w = f.world()
    action = f.make_action(w["agreement"], w["hp1"])
    db.session.commit()
    action.responsible_organisation = w["hp2"]
    action.status = ActionStatus.IN_PROGRESS
    db.session.commit()
    login(w["observer"])
    page = client.get(f"/actions/{action.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True).split("Historique des modifications")[1]
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Bailleur Un → Bailleur Deux" in text
    assert "responsible_organisation_id" not in text and "in_progress" not in text
