"""The audit log records who changed which field, from what to what."""

from datetime import date

from gup.agreements import services
from gup.audit.services import history_of
from gup.extensions import db


def test_create_update_delete_are_logged(f):
    w = f.world()
    db.session.commit()
    commitment = w["c1"]
    services.update_commitment(commitment, actor=w["referent1"], title="Nouveau titre", due_on=date(2027, 1, 31))
    db.session.commit()
    entries = history_of(commitment)
    assert entries[0].action == "update"
    assert entries[0].actor_id == w["referent1"].id
    assert entries[0].changes["title"][1] == "Nouveau titre"
    assert entries[0].changes["title"][0].startswith("Engagement ")
    assert entries[0].changes["due_on"] == ["2026-06-30", "2027-01-31"]
    assert entries[-1].action == "create"
    partner_id = commitment.id
    db.session.delete(commitment)
    db.session.commit()
    import sqlalchemy as sa

    from gup.audit.models import AuditEntry
    deleted = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_type == "Commitment",
                                                            AuditEntry.entity_id == partner_id,
                                                            AuditEntry.action == "delete")).all()
    assert len(deleted) == 1 and deleted[0].changes["title"][0] == "Nouveau titre"


def test_history_names_fields_in_french(client, f, login):
    w = f.world()
    db.session.commit()
    services.update_commitment(w["c1"], actor=w["coordinator"], due_on=date(2027, 2, 28))
    db.session.commit()
    login(w["coordinator"])
    html = client.get(f"/commitments/{w['c1'].id}").get_data(as_text=True)
    history = html.split("Historique des modifications")[1]
    assert "Échéance : 30 juin 2026 → 28 février 2027" in history
    assert "due_on" not in history and "<code>" not in history
