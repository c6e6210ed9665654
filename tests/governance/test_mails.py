"""Invitations and minutes through the outbox (queued once; resent only when asked), delivered by real SMTP; the
weekly partner digest, once per referent and week even when run twice."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gup.errors import DomainError
from gup.extensions import db
from gup.governance import jobs, services
from gup.governance.models import DigestSent, MeetingStatus
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from tests.governance.conftest import NOW
from tests.smtp_server import html_body, plain_body


def _mails(cause_kind: str) -> list[OutboundMail]:
    return list(db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_kind == cause_kind)
                                   .order_by(OutboundMail.to_address)))


def test_invitations_are_queued_once_and_delivered(w, bodies, smtp):
    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["cotech"], starts_at=NOW + timedelta(days=10), place="Maison de quartier",
                                      actor=coordinator, now=NOW)
    assert services.send_invitations(meeting, actor=coordinator, now=NOW) == 3  # the member without an address: no
    db.session.commit()
    assert services.send_invitations(meeting, actor=coordinator, now=NOW) == 0  # a second click queues nothing
    db.session.commit()
    assert sorted(m.to_address for m in _mails("meeting_invitation")) == sorted(
        [coordinator.email, w["referent1"].email, "awa@hp2.example"])
    assert send_outbox(now=NOW) == 3
    assert sorted(r[0] for r, _m in smtp.messages) == sorted([coordinator.email, w["referent1"].email,
                                                             "awa@hp2.example"])
    message = next(m for r, m in smtp.messages if r == ["awa@hp2.example"])
    assert message["Subject"] == "Invitation : COTECH de test du 3 décembre 2026 à 10:00"
    body = plain_body(message)
    assert body.startswith("Bonjour Awa Diallo,")
    assert "Lieu : Maison de quartier" in body and f"https://gup.test/meetings/{meeting.id}" in body
    assert f'<a href="https://gup.test/meetings/{meeting.id}">' in html_body(message)
    # asked explicitly, everyone gets it again
    assert services.send_invitations(meeting, actor=coordinator, now=NOW, resend=True) == 3
    db.session.commit()
    assert len(_mails("meeting_invitation")) == 6


def test_minutes_go_out_once_held_and_written(w, bodies, smtp):
    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    with pytest.raises(DomainError):
        services.send_minutes(meeting, actor=coordinator, now=NOW)
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=coordinator, now=NOW)
    services.save_minutes(meeting, text="Le COPIL valide le plan propreté.", actor=coordinator, now=NOW)
    services.add_decision(meeting, text="Doubler les passages de propreté", owner_organisation=w["hp1"],
                          due_on=date(2027, 2, 28), actor=coordinator)
    assert services.send_minutes(meeting, actor=coordinator, now=NOW) == 1
    assert services.send_minutes(meeting, actor=coordinator, now=NOW) == 0
    db.session.commit()
    assert send_outbox(now=NOW) == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["elue@town.example"]
    assert message["Subject"].startswith("Compte rendu : COPIL de test du 23 novembre 2026")
    body = plain_body(message)
    assert "Le COPIL valide le plan propreté." in body
    assert "- Doubler les passages de propreté (porteur : Bailleur Un), échéance 28 février 2027" in body


def _digest_world(f, w):
    a = w["agreement"]
    late = f.make_action(a, w["hp1"], title="Réparer la porte du hall", due_on=date(2026, 11, 2))
    soon = f.make_finding(a, w["hp1"], description="Tags sur le mur du square", due_on=date(2026, 12, 4))
    f.make_action(a, w["hp1"], due_on=date(2027, 1, 30))  # too far: not listed
    db.session.commit()
    return late, soon


def test_weekly_digest_is_sent_once_per_week(f, w, smtp):
    late, soon = _digest_world(f, w)
    assert jobs.weekly_digest(NOW) == 1  # referent1 only: hp2 and the outsider have nothing due
    db.session.commit()
    assert jobs.weekly_digest(NOW + timedelta(hours=2)) == 0  # run again the same week: nothing twice
    db.session.commit()
    (mail,) = _mails("partner_digest")
    assert mail.to_address == w["referent1"].email
    assert send_outbox(now=NOW) == 1
    (rcpt, message), = smtp.messages
    assert rcpt == [w["referent1"].email]
    assert message["Subject"] == "Bailleur Un : 2 point(s) en retard ou à échéance proche"
    body = plain_body(message)
    assert (f"Actions en retard :\n- Réparer la porte du hall ({w['agreement'].reference}), échéance 2 novembre "
            f"2026 : https://gup.test/actions/{late.id}") in body
    assert f"Constats à échéance proche :\n- n° {soon.id} Tags sur le mur du square" in body
    assert f"https://gup.test/findings/{soon.id}" in body
    assert "Action 3" not in body
    html = html_body(message)
    assert f'<a href="https://gup.test/actions/{late.id}">Réparer la porte du hall</a>' in html
    # the next week, a new digest
    assert jobs.weekly_digest(NOW + timedelta(days=7)) == 1
    db.session.commit()
    assert [d.week for d in db.session.scalars(sa.select(DigestSent).order_by(DigestSent.week))] == [
        date(2026, 11, 23), date(2026, 11, 30)]


def test_no_digest_when_nothing_is_due(f, w):
    f.make_action(w["agreement"], w["hp1"], due_on=date(2027, 6, 30))
    db.session.commit()
    assert jobs.weekly_digest(NOW) == 0
    db.session.commit()
    assert _mails("partner_digest") == [] and db.session.scalar(sa.select(sa.func.count(DigestSent.id))) == 0


def test_the_job_is_declared_for_monday_morning(app):
    from gup.features import registry

    spec = registry(app).jobs["governance.weekly_digest"]
    assert spec.func is jobs.weekly_digest
    assert (spec.trigger, spec.trigger_args) == ("cron", {"day_of_week": "mon", "hour": 7, "minute": 0})


def test_two_digest_runs_at_once_send_once(app, f, w):
    """Two schedulers running the digest at the same moment, each in its own session and transaction: the second
    insert of (user, week) waits for the first commit, then finds it (PostgreSQL's row lock in CI's second pass,
    the SQLite file's write lock in the first)."""
    _digest_world(f, w)
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            results.append(jobs.weekly_digest(NOW))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [0, 1]
    assert len(_mails("partner_digest")) == 1


def test_two_clicks_at_once_queue_each_invitation_once(app, w, bodies):
    """Two coordinators clicking « Envoyer les invitations » at the same moment (on SQLite and on PostgreSQL)."""
    meeting = services.create_meeting(bodies["cotech"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    db.session.commit()
    meeting_id, actor_id = meeting.id, w["coordinator"].id
    db.session.remove()
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        from gup.auth.models import User
        from gup.governance.models import Meeting

        with app.app_context():
            item, actor = db.session.get(Meeting, meeting_id), db.session.get(User, actor_id)
            barrier.wait()
            results.append(services.send_invitations(item, actor=actor, now=NOW))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(results) == 3
    assert len(_mails("meeting_invitation")) == 3
