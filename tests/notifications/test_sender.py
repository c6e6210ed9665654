"""The outbox sender against a real SMTP server (aiosmtpd): templates, backoff, maximum attempts, two senders."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.notifications import services
from gup.notifications.models import OutboundMail
from gup.notifications.sender import retry_delay, send_outbox
from tests.smtp_server import Accounts, free_port, html_body, plain_body, smtp_server

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _context(**extra):
    return {"reference": "GUP-2026-000042", "url": "https://gup.test/suivi/GUP-2026-000042/resolu?token=abc",
            **extra}


def test_a_template_mail_has_french_plain_text_and_html(app_ctx, smtp):
    mail = services.queue_notification("fixed_question", to="awa@example.org", context=_context(),
                                       cause_kind="resident_report", cause_id=42)
    db.session.commit()
    assert (mail.locale, mail.template, mail.cause_kind, mail.cause_id) == ("fr", "fixed_question",
                                                                            "resident_report", 42)
    assert send_outbox(now=NOW) == 1
    (rcpt, message), = smtp.messages
    assert rcpt == ["awa@example.org"]
    assert message["Subject"] == "Votre signalement GUP-2026-000042 est-il réglé ?"
    assert message["Content-Language"] == "fr"
    assert message.get_content_type() == "multipart/alternative"
    text = plain_body(message)
    assert text.startswith("Bonjour,\n\nIl y a quelques semaines, votre signalement GUP-2026-000042 a été indiqué")
    assert "Répondez en un clic (lien valable 60 jours) :\nhttps://gup.test/suivi/GUP-2026-000042/resolu?token=abc" \
        in text
    assert text.endswith("(Vous recevez ce message car vous avez accepté d'être contacté·e au sujet de ce "
                         "signalement.)")
    html = html_body(message)
    assert '<html lang="fr">' in html and 'href="https://gup.test/suivi/GUP-2026-000042/resolu?token=abc"' in html


def test_the_english_variant_goes_to_english_speakers(app_ctx, smtp):
    services.queue_notification("fixed_question", to="en@example.org", context=_context(), locale="en_GB")
    services.queue_notification("report_update", to="de@example.org", context=_context(text="x"), locale="de")
    db.session.commit()
    assert send_outbox(now=NOW) == 2
    by_rcpt = {rcpt[0]: message for rcpt, message in smtp.messages}
    english = by_rcpt["en@example.org"]
    assert english["Subject"] == "Is your report GUP-2026-000042 fixed?"
    assert english["Content-Language"] == "en"
    assert plain_body(english).startswith("Hello,\n\nA few weeks ago, your report GUP-2026-000042 was marked")
    assert '<html lang="en">' in html_body(english)
    # a language without templates gets the French ones
    assert by_rcpt["de@example.org"]["Subject"] == "Votre signalement GUP-2026-000042"


def test_user_text_is_escaped_in_html_only(app_ctx, smtp):
    services.queue_notification("report_update", to="a@example.org",
                                context=_context(text="Sortie <b>bloquée</b> & « urgente »"))
    db.session.commit()
    send_outbox(now=NOW)
    (_rcpt, message), = smtp.messages
    assert "Sortie <b>bloquée</b> & « urgente »" in plain_body(message)
    assert "Sortie &lt;b&gt;bloquée&lt;/b&gt; &amp; « urgente »" in html_body(message)


def test_retry_delay_doubles_up_to_the_cap():
    delays = [retry_delay(n, base=60, cap=600).total_seconds() for n in range(1, 7)]
    assert delays == [60, 120, 240, 480, 600, 600]


def test_backoff_schedule_then_failed_after_max_attempts(app_ctx, mail_settings):
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=4, MAIL_RETRY_SECONDS=60,
                         MAIL_RETRY_MAX_SECONDS=3600)
    mail = services.queue_mail(to="a@example.org", subject="s", body="b")
    db.session.commit()
    moment, seen = NOW, []
    for attempt in range(1, 5):
        assert send_outbox(now=moment) == 0
        db.session.refresh(mail)
        assert mail.attempts == attempt and mail.sent_at is None and "Error" in mail.last_error
        if attempt < 4:
            assert mail.failed_at is None
            seen.append((mail.next_attempt_at - moment).total_seconds())
            # not due before its next attempt: nothing is tried
            assert send_outbox(now=mail.next_attempt_at - timedelta(seconds=1)) == 0
            db.session.refresh(mail)
            assert mail.attempts == attempt
            moment = mail.next_attempt_at
    assert seen == [60, 120, 240]
    assert mail.failed_at == moment and mail.next_attempt_at is None
    # given up: never tried again, however late
    assert send_outbox(now=moment + timedelta(days=30)) == 0
    db.session.refresh(mail)
    assert mail.attempts == 4


def test_resend_gives_a_failed_mail_a_fresh_start(app_ctx, smtp, f):
    mail = services.queue_mail(to="a@example.org", subject="s", body="b")
    mail.attempts, mail.failed_at, mail.last_error = 5, NOW, "SMTPServerDisconnected"
    db.session.commit()
    assert send_outbox(now=NOW) == 0 and smtp.messages == []
    assert db.session.scalars(services.failed_mails()).all() == [mail]
    services.resend(mail, actor=f.make_user(), now=NOW)
    db.session.commit()
    assert (mail.attempts, mail.failed_at) == (0, None)
    assert db.session.scalars(services.failed_mails()).all() == []
    assert send_outbox(now=NOW) == 1 and len(smtp.messages) == 1
    db.session.refresh(mail)
    assert mail.sent_at == NOW and mail.attempts == 1 and mail.last_error is None
    with pytest.raises(services.DomainError):
        services.resend(mail, actor=None, now=NOW)  # sent: nothing to resend


def test_smtp_login_with_the_configured_account(app_ctx, mail_settings):
    with smtp_server(authenticator=Accounts("gup", "s3cret"), auth_require_tls=False) as (handler, port):
        mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USERNAME="gup", MAIL_PASSWORD="wrong")
        mail = services.queue_mail(to="a@example.org", subject="s", body="b")
        db.session.commit()
        assert send_outbox(now=NOW) == 0
        db.session.refresh(mail)
        assert mail.last_error.startswith("SMTPAuthenticationError")
        mail_settings["MAIL_PASSWORD"] = "s3cret"
        assert send_outbox(now=mail.next_attempt_at) == 1
        assert [rcpt for rcpt, _m in handler.messages] == [["a@example.org"]]


def test_starttls_is_required_when_configured(app_ctx, smtp, mail_settings):
    """The test server offers no STARTTLS: with the setting on, nothing leaves in clear text."""
    mail_settings["MAIL_USE_STARTTLS"] = True
    mail = services.queue_mail(to="a@example.org", subject="s", body="b")
    db.session.commit()
    assert send_outbox(now=NOW) == 0 and smtp.messages == []
    db.session.refresh(mail)
    assert mail.last_error.startswith("SMTPNotSupportedError")


def test_two_senders_at_once_send_each_mail_once(app, app_ctx, smtp):
    """Two senders, each with its own session and connection, race over the same outbox (meaningful on
    PostgreSQL, where they really run side by side; SQLite serialises them)."""
    count = 40
    for n in range(count):
        services.queue_mail(to=f"resident{n}@example.org", subject=f"Message {n}", body="b")
    db.session.commit()
    start, results, errors = threading.Barrier(2), [], []

    def sender() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                results.append(send_outbox(now=NOW))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(results) == count
    recipients = sorted(rcpt[0] for rcpt, _m in smtp.messages)
    assert recipients == sorted(f"resident{n}@example.org" for n in range(count))  # each once, none twice
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)
                             .where(OutboundMail.sent_at.is_not(None), OutboundMail.attempts == 1))
    assert sent == count
