"""Whose resident report it is (issue 8): a proposal at intake gives nothing; routing by the coordination does.

Points 4 (visibility before routing), 5 (a known housing provider keeps its place's reports) and 6 (a merge is the
coordinator's, not « Système »).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gup.audit.models import AuditEntry, StatusChange
from gup.audit.services import ACTOR_KEY
from gup.errors import DomainError
from gup.extensions import db
from gup.hotline import services
from gup.hotline.models import ReportStatus, ReportUpdate, ResidentReport
from gup.orm import now_utc
from gup.territory.models import TerritoryKind

API = "/api/v1/resident-reports"


@pytest.fixture
def hw(w, f):
    """The API world plus a neighbourhood of the agreement and a category proposed to hp2 by default."""
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    w["hood"] = hood
    w["category"] = f.make_category(label="Encombrants", default_organisation=w["hp2"])
    db.session.commit()
    return w


def _report(f, w, **kw):
    kw.setdefault("neighbourhood", w["hood"])
    report = f.make_report(w["category"], contact_email="alex@example.org", contact_consent=True, **kw)
    db.session.commit()
    return report


# --- 4. a proposed organisation reads nothing before routing ------------------------------------

def test_suggested_organisation_sees_nothing_before_routing(client, api, login, f, hw):
    report = _report(f, hw)
    assert report.suggested_organisation_id == hw["hp2"].id and report.responsible_organisation_id is None
    login(hw["referent2"])
    assert client.get(f"/signalements/{report.id}").status_code == 403
    assert report.reference not in client.get("/signalements").get_data(as_text=True)
    assert report.reference not in client.get("/mes-actions").get_data(as_text=True)
    assert api("referent2", "GET", f"{API}/{report.id}").status_code == 403
    assert api("referent2", "GET", API).json == []
    # the public page names nobody as in charge yet
    page = client.get(f"/suivi/{report.reference}").get_data(as_text=True)
    assert "Bailleur Deux" not in page and "En cours d'orientation par la coordination GUP" in page

    # the coordination sees the proposal, and routes
    login(hw["coordinator"])
    page = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    assert "Organisme proposé" in page and "Bailleur Deux" in page
    response = client.post(f"/signalements/{report.id}/orienter", data={"r-organisation_id": hw["hp2"].id,
                                                                          "r-public_text": "Transmis."})
    assert response.status_code == 302

    login(hw["referent2"])
    assert client.get(f"/signalements/{report.id}").status_code == 200
    assert report.reference in client.get("/signalements").get_data(as_text=True)
    assert api("referent2", "GET", f"{API}/{report.id}").status_code == 200
    assert "Bailleur Deux" in client.get(f"/suivi/{report.reference}").get_data(as_text=True)


def test_reopening_to_triage_takes_it_back_from_the_organisation(f, hw):
    report = _report(f, hw)
    now = now_utc()
    services.route_report(report, to=hw["hp1"], actor=hw["coordinator"], now=now)
    services.change_status(report, to=ReportStatus.REJECTED, actor=hw["coordinator"], now=now, public_text="Non")
    services.reopen(report, actor=hw["coordinator"], now=now)
    assert report.status is ReportStatus.RECEIVED and report.responsible_organisation is None
    assert report.suggested_organisation_id == hw["hp1"].id


def test_migration_keeps_only_routed_organisations(app, f):
    """Upgrading from before the split: a report never sent keeps its organisation as a mere proposal."""
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        w = f.world()
        category = f.make_category(default_organisation=w["hp2"])
        waiting, sent = f.make_report(category), f.make_report(category)
        services.route_report(sent, to=w["hp1"], actor=w["coordinator"], now=now_utc())
        db.session.commit()
        waiting_id, sent_id, hp1_id, hp2_id = waiting.id, sent.id, w["hp1"].id, w["hp2"].id
        answers = db.session.scalar(sa.select(sa.func.count(ReportUpdate.id)))
        db.session.remove()
        try:
            downgrade(revision="bb996a97915d")
            with db.engine.begin() as conn:  # as the old code left them: the proposal stored as « in charge »
                conn.execute(sa.text("UPDATE resident_reports SET responsible_organisation_id = :o WHERE id = :i"),
                             {"o": hp2_id, "i": waiting_id})
        finally:
            upgrade()
        rows = {r.id: r for r in db.session.scalars(sa.select(ResidentReport))}
        assert (rows[waiting_id].responsible_organisation_id, rows[waiting_id].suggested_organisation_id) == \
            (None, hp2_id)
        assert rows[sent_id].responsible_organisation_id == hp1_id
        # rebuilding resident_reports (SQLite) must not cascade into its answers
        assert db.session.scalar(sa.select(sa.func.count(ReportUpdate.id))) == answers == 3
        db.session.remove()


# --- 5. a known housing provider keeps its place's reports ----------------------------------------

@pytest.fixture
def managed(f, hw):
    """A stairwell of a residence managed by hp1, in the agreement's neighbourhood."""
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=hw["hood"], housing_provider=hw["hp1"])
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence)
    stairwell = f.make_territory(TerritoryKind.STAIRWELL, parent=building)
    db.session.commit()
    return stairwell


def test_intake_proposes_the_place_housing_provider(f, hw, managed):
    report = _report(f, hw, territory=managed)  # the category would propose hp2
    assert report.suggested_organisation_id == hw["hp1"].id


def test_routing_to_another_housing_provider_needs_a_reason(client, api, login, f, hw, managed):
    report = _report(f, hw, territory=managed)
    login(hw["coordinator"])
    page = client.get(f"/signalements/{report.id}").get_data(as_text=True)
    assert "Ce lieu est géré par Bailleur Un" in page
    response = client.post(f"/signalements/{report.id}/orienter", data={"r-organisation_id": hw["hp2"].id,
                                                                          "r-public_text": "Transmis."})
    assert response.status_code == 422
    assert "Ce lieu est géré par Bailleur Un" in response.get_data(as_text=True)
    assert db.session.get(ResidentReport, report.id).responsible_organisation_id is None
    response = api("coordinator", "POST", f"{API}/{report.id}/reroute", json={"organisation_id": hw["hp2"].id})
    assert response.status_code == 422 and "reason" in str(response.json)
    response = api("coordinator", "POST", f"{API}/{report.id}/reroute",
                   json={"organisation_id": hw["hp2"].id, "reason": "Hall loué par Bailleur Deux"})
    assert response.status_code == 200
    db.session.expire_all()
    report = db.session.get(ResidentReport, report.id)
    assert report.responsible_organisation_id == hw["hp2"].id and report.routing_reason == "Hall loué par Bailleur Deux"
    audited = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_type == "ResidentReport",
                                                             AuditEntry.entity_id == report.id)).all()
    assert any("routing_reason" in e.changes and e.actor_id == hw["coordinator"].id for e in audited)
    # the place's own provider needs no reason
    other = _report(f, hw, territory=managed)
    services.route_report(other, to=hw["hp1"], actor=hw["coordinator"], now=now_utc())
    with pytest.raises(DomainError):
        services.route_report(_report(f, hw, territory=managed), to=hw["hp2"], actor=hw["coordinator"],
                              now=now_utc())


# --- 6. a merge is the coordinator's ----------------------------------------------------------------

def _last_entry() -> int:
    return db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def _entries_since(before: int, report: ResidentReport) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.id > before, AuditEntry.entity_type == "ResidentReport", AuditEntry.entity_id == report.id)))

def test_merge_is_recorded_under_the_coordinator(client, login, f, hw):
    first, dup = _report(f, hw), _report(f, hw)
    db.session.info.pop(ACTOR_KEY, None)
    before = _last_entry()
    login(hw["coordinator"])
    response = client.post(f"/signalements/{dup.id}/fusionner", data={"m-into_id": first.id,
                                                                           "m-public_text": "Doublon."})
    assert response.status_code == 302
    entries = _entries_since(before, dup)
    assert entries and all(e.actor_id == hw["coordinator"].id for e in entries)
    assert any("duplicate_of_id" in e.changes for e in entries)
    change = db.session.scalar(sa.select(StatusChange).where(StatusChange.entity_id == dup.id,
                                                             StatusChange.to_status == "duplicate"))
    assert change.actor_id == hw["coordinator"].id


def test_merge_service_names_its_actor_before_its_first_flush(f, hw):
    """Without any request: the service itself says who merged (a resident's intake named nobody before)."""
    first, dup = _report(f, hw), _report(f, hw)
    before = _last_entry()
    services.merge(dup, into=first, actor=hw["coordinator"], now=now_utc())
    db.session.flush()
    entries = _entries_since(before, dup)
    assert entries and {e.actor_id for e in entries} == {hw["coordinator"].id}
