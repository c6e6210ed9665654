"""Reporter e-mails, delivered by the outbox sender (gup.notifications) to a real SMTP server (aiosmtpd) on
127.0.0.1."""

from __future__ import annotations

import email
import re
import socket
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from gup.extensions import db
from gup.hotline import jobs, services
from gup.hotline.models import ReportStatus
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from gup.orm import now_utc


class _Collect:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content,
                                                                                 policy=policy.default)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_BASE_URL="https://gup.test")
    try:
        yield handler
    finally:
        app.config.update(saved)
        controller.stop()


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def setting(f):
    org = f.make_organisation(name="Bailleur du Parc")
    category = f.make_category(label="Éclairage", default_organisation=org)
    agent = f.make_user()
    db.session.commit()
    return category, org, agent


def test_acknowledgement_reaches_the_reporter(app_ctx, smtp, setting, f):
    category, _org, _agent = setting
    report = f.make_report(category, contact_email="awa@example.org", contact_consent=True)
    db.session.commit()
    assert send_outbox(now=now_utc()) == 1
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == ["awa@example.org"]
    assert report.reference in message["Subject"]
    body = _body(message)
    assert report.reference in body and f"https://gup.test/suivi/{report.reference}" in body
    mail = db.session.scalar(sa.select(OutboundMail))
    assert mail.sent_at is not None and mail.attempts == 1 and mail.last_error is None
    assert send_outbox(now=now_utc()) == 0  # nothing is sent twice
    assert len(smtp.messages) == 1


def test_without_consent_nothing_is_queued(app_ctx, smtp, setting, f):
    category, _org, _agent = setting
    f.make_report(category, contact_email="awa@example.org", contact_consent=False)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert send_outbox(now=now_utc()) == 0 and smtp.messages == []


def test_status_change_sends_the_explanation_and_merged_reporters_follow(app_ctx, smtp, setting, f):
    category, org, agent = setting
    first = f.make_report(category, contact_email="first@example.org", contact_consent=True)
    second = f.make_report(category, contact_email="second@example.org", contact_consent=True)
    services.merge(second, into=first, actor=agent, now=now_utc())
    services.route_report(first, to=org, actor=agent, now=now_utc())
    services.change_status(first, to=ReportStatus.RESOLVED, actor=agent, now=now_utc(),
                           public_text="Le lampadaire a été remplacé le 3 mars.")
    db.session.commit()
    send_outbox(now=now_utc())
    by_address: dict[str, list[str]] = {}
    for rcpt, message in smtp.messages:
        by_address.setdefault(rcpt[0], []).append(_body(message))
    assert any("Le lampadaire a été remplacé le 3 mars." in b for b in by_address["first@example.org"])
    # the merged reporter is told to follow the survivor, then receives the survivor's updates
    assert any(first.reference in b for b in by_address["second@example.org"])
    assert any("Le lampadaire a été remplacé le 3 mars." in b and second.reference in b
               for b in by_address["second@example.org"])


def test_a_failing_mail_is_recorded_and_the_others_still_go(app, app_ctx, smtp, setting, f):
    category, _org, _agent = setting
    f.make_report(category, contact_email="ok@example.org", contact_consent=True)
    bad = services.queue_mail(to="bad\naddress@example.org", subject="x", body="x", report=None)
    db.session.commit()
    assert send_outbox(now=now_utc()) == 1
    db.session.refresh(bad)
    assert bad.sent_at is None and bad.attempts == 1 and bad.last_error
    assert [rcpt for rcpt, _m in smtp.messages] == [["ok@example.org"]]


def test_smtp_server_down_never_raises(app, app_ctx, setting, f):
    category, _org, _agent = setting
    f.make_report(category, contact_email="awa@example.org", contact_consent=True)
    db.session.commit()
    saved = app.config["MAIL_PORT"]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())
    try:
        assert send_outbox(now=now_utc()) == 0
    finally:
        app.config["MAIL_PORT"] = saved
    mail = db.session.scalar(sa.select(OutboundMail))
    assert mail.sent_at is None and mail.attempts == 1 and "Error" in mail.last_error


def test_is_it_fixed_link_works_and_reopens(app, app_ctx, client, smtp, setting, f):
    category, org, agent = setting
    resolved_at = now_utc() - timedelta(weeks=5)
    report = f.make_report(category, contact_email="awa@example.org", contact_consent=True, now=resolved_at)
    services.route_report(report, to=org, actor=agent, now=resolved_at)
    services.change_status(report, to=ReportStatus.RESOLVED, actor=agent, now=resolved_at)
    db.session.commit()
    send_outbox(now=now_utc())
    smtp.messages.clear()

    assert jobs.ask_if_fixed(now_utc()) == 1
    db.session.commit()
    send_outbox(now=now_utc())
    assert len(smtp.messages) == 1
    body = _body(smtp.messages[0][1])
    link = re.search(r"https://gup\.test(/suivi/\S+/resolu\?token=\S+)", body).group(1)

    page = client.get(link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Oui, c'est réglé" in html and "Non, le problème persiste" in html
    token = link.split("token=")[1]
    answered = client.post(link.split("?")[0], data={"token": token, "answer": "no"})
    assert answered.status_code == 200 and "rouvert" in answered.get_data(as_text=True)
    db.session.expire_all()
    assert report.status is ReportStatus.SENT and report.fixed_answer is False
    assert report.updates[-1].public_text == "L'habitant·e indique que le problème persiste."
    # the reopening is announced by mail; a second click changes nothing
    again = client.post(link.split("?")[0], data={"token": token, "answer": "yes"})
    assert "déjà été enregistrée" in again.get_data(as_text=True)
    db.session.expire_all()
    assert report.status is ReportStatus.SENT and report.fixed_answer is False
