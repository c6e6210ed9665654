"""The governance pages: the coordination runs a meeting end to end through the forms; partners read; a
referent of another agreement is refused everywhere."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from gup.actions.models import Action
from gup.extensions import db
from gup.governance.models import AttendanceStatus, Body, Meeting, MeetingMailing, MeetingStatus


def test_coordination_runs_a_meeting_through_the_forms(client, login, w, f):
    f.make_action(w["agreement"], w["hp1"], title="Remplacer la porte du local vélos", due_on=date(2026, 1, 5))
    db.session.commit()
    login(w["coordinator"])
    agreement_page = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert "Instances de gouvernance" in agreement_page
    r = client.post(f"/agreements/{w['agreement'].id}/bodies/new",
                    data={"kind": "technical_committee", "name": "COTECH Tilleuls", "frequency": "Mensuel"})
    assert r.status_code == 302
    body = db.session.scalar(sa.select(Body).where(Body.name == "COTECH Tilleuls"))
    r = client.post(f"/bodies/{body.id}/members", data={"person_name": "Awa Diallo", "organisation_id": w["hp1"].id,
                                                        "role": "Responsable de secteur", "email": "awa@hp1.example"})
    assert r.status_code == 302
    r = client.post(f"/bodies/{body.id}/members", data={"person_name": "X", "email": "pas-une-adresse"})
    assert r.status_code == 422 and "Adresse e-mail invalide." in r.get_data(as_text=True)
    r = client.post(f"/bodies/{body.id}/meetings/new", data={"day": "12/01/2027", "time": "09:30",
                                                             "place": "Maison de quartier", "draft_agenda": "y"})
    assert r.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.body_id == body.id))
    assert meeting.starts_at.isoformat() == "2027-01-12T08:30:00+00:00"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<h3>Bailleur Un</h3>" in page and "Action en retard : Remplacer la porte du local vélos" in page
    assert client.post(f"/meetings/{meeting.id}/invitations").status_code == 302
    assert client.post(f"/meetings/{meeting.id}/invitations").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MeetingMailing.id))) == 1
    r = client.post(f"/meetings/{meeting.id}/status", data={"status": "held"})
    assert r.status_code == 302
    member = body.members[0]
    client.post(f"/meetings/{meeting.id}/attendance", data={f"member-{member.id}": "present"})
    pdf = (io.BytesIO(b"%PDF-1.4 minutes"), "compte-rendu.pdf")
    r = client.post(f"/meetings/{meeting.id}/minutes", data={"minutes": "Tout le monde était là.", "minutes_file": pdf},
                    content_type="multipart/form-data")
    assert r.status_code == 302
    r = client.post(f"/meetings/{meeting.id}/decisions", data={"text": "Changer la porte avant mars",
                                                               "owner_organisation_id": w["hp1"].id,
                                                               "due_on": "31/03/2027"})
    assert r.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status is MeetingStatus.HELD and meeting.attendance[0].status is AttendanceStatus.PRESENT
    decision = meeting.decisions[0]
    r = client.post(f"/decisions/{decision.id}/action", data={"responsible_organisation_id": w["hp1"].id,
                                                              "due_on": "2027-03-31"})
    assert r.status_code == 302
    action = db.session.scalar(sa.select(Action).where(Action.title == "Changer la porte avant mars"))
    assert action is not None and action.responsible_organisation_id == w["hp1"].id
    r = client.get(f"/meetings/{meeting.id}/minutes-file")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 minutes" and r.mimetype == "application/pdf"
    assert client.post(f"/meetings/{meeting.id}/minutes/send").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MeetingMailing.id))) == 2


def test_bad_input_is_a_french_error_not_a_500(client, login, w, bodies):
    login(w["coordinator"])
    copil = bodies["copil"]
    r = client.post(f"/bodies/{copil.id}/meetings/new", data={"day": "32/13/2027", "time": "25:00"})
    assert r.status_code == 422 and "Date invalide" in r.get_data(as_text=True)
    r = client.post(f"/bodies/{copil.id}/meetings/new", data={"day": "12/01/2027", "time": "18:00"})
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.body_id == copil.id))
    r = client.post(f"/meetings/{meeting.id}/agenda", data={"title": "Sans volet"})
    assert r.status_code == 422 and "volet technique et un volet social" in r.get_data(as_text=True)
    r = client.post(f"/meetings/{meeting.id}/status", data={"status": "minutes_approved"}, follow_redirects=True)
    assert r.status_code == 200 and "Passage impossible" in r.get_data(as_text=True)
    r = client.post(f"/meetings/{meeting.id}/minutes", data={"minutes": "trop tôt"})
    assert r.status_code == 422 and "une fois la réunion tenue" in r.get_data(as_text=True)


def test_partners_read_and_others_are_refused(client, login, w, f, bodies):
    from gup.governance import services
    from tests.governance.conftest import NOW

    meeting = services.create_meeting(bodies["cotech"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    db.session.commit()
    urls = [f"/agreements/{w['agreement'].id}/bodies", f"/bodies/{bodies['cotech'].id}", f"/meetings/{meeting.id}"]
    login(w["referent2"])
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
    assert "Envoyer les invitations" not in client.get(urls[2]).get_data(as_text=True)
    assert client.post(f"/meetings/{meeting.id}/invitations").status_code == 403
    login(w["outsider"])  # referent of an organisation outside the agreement
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert "COTECH de test" not in client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
