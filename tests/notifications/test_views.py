"""« Courriels en échec »: administrators only, paginated, the error shown, « Renvoyer » (POST, CSRF)."""

from __future__ import annotations

from datetime import UTC, datetime

import flask
import pytest

from gup.auth.models import Role
from gup.extensions import db
from gup.notifications import services
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _failed(n: int = 0, error: str = "SMTPRecipientsRefused: 550 unknown user") -> OutboundMail:
    mail = services.queue_mail(to=f"resident{n}@example.org", subject=f"Votre signalement {n}", body="Bonjour")
    mail.attempts, mail.failed_at, mail.last_error = 5, NOW, error
    return mail


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.OBSERVER, Role.PARTNER_REFERENT])
def test_others_than_administrators_get_403(client, login, f, role):
    mail = _failed()
    login(f.make_user(role))
    db.session.commit()
    page = client.get("/admin/courriels")
    assert page.status_code == 403 and "Accès refusé" in page.get_data(as_text=True)
    assert client.post(f"/admin/courriels/{mail.id}/renvoyer").status_code == 403
    db.session.refresh(mail)
    assert mail.failed_at == NOW and mail.attempts == 5


def test_visitors_are_sent_to_the_login_page(client):
    assert client.get("/admin/courriels").headers["Location"].startswith("/login?next=")


def test_the_page_lists_failed_mails_with_their_error_only(client, login, f):
    admin = f.make_user(Role.ADMIN)
    _failed(1, error="SMTPRecipientsRefused: <refusé>")
    services.queue_mail(to="pending@example.org", subject="En attente", body="b")
    sent = services.queue_mail(to="sent@example.org", subject="Envoyé", body="b")
    sent.sent_at = NOW
    db.session.commit()
    login(admin)
    html = client.get("/admin/courriels").get_data(as_text=True)
    assert "Courriels en échec" in html and "resident1@example.org" in html
    assert "SMTPRecipientsRefused: &lt;refusé&gt;" in html
    assert "pending@example.org" not in html and "sent@example.org" not in html
    assert "Renvoyer" in html
    # the menu entry is the administrators'
    assert 'href="/admin/courriels"' in html


def test_menu_entry_hidden_from_coordinators(client, login, f):
    login(f.make_user(Role.COORDINATOR))
    db.session.commit()
    assert 'href="/admin/courriels"' not in client.get("/").get_data(as_text=True)


def test_the_list_is_paginated(app, client, login, f, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        _failed(n)
    login(f.make_user(Role.ADMIN))
    db.session.commit()
    first = client.get("/admin/courriels").get_data(as_text=True)
    last = client.get("/admin/courriels?page=3").get_data(as_text=True)
    assert "5 courriel(s) en échec" in first and "Page 1 sur 3" in first
    assert first.count("@example.org</td>") == 2 and last.count("@example.org</td>") == 1


def test_resend_resets_the_mail_and_it_leaves(client, login, f, smtp):
    mail = _failed(7)
    login(f.make_user(Role.ADMIN))
    db.session.commit()
    response = client.post(f"/admin/courriels/{mail.id}/renvoyer")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/courriels"
    db.session.refresh(mail)
    assert mail.failed_at is None and mail.attempts == 0
    html = client.get("/admin/courriels").get_data(as_text=True)
    assert "sera renvoyé" in html and "resident7@example.org</td>" not in html
    assert send_outbox(now=NOW) == 1
    assert [rcpt for rcpt, _m in smtp.messages] == [["resident7@example.org"]]
    # once sent, there is nothing to resend: a French message, no change
    again = client.post(f"/admin/courriels/{mail.id}/renvoyer")
    assert again.status_code == 302
    assert "Ce courriel n&#39;est pas en échec." in client.get("/admin/courriels").get_data(as_text=True)


def test_resend_needs_the_csrf_token(app, f, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    mail = _failed()
    admin = f.make_user(Role.ADMIN)
    db.session.commit()
    with app.test_client() as c:
        c.get("/login")
        token = flask.g.csrf_token
        from tests.factories import PASSWORD

        assert c.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": token}).status_code == 302
        refused = c.post(f"/admin/courriels/{mail.id}/renvoyer")
        assert refused.status_code == 400
        db.session.refresh(mail)
        assert mail.failed_at == NOW
        c.get("/admin/courriels")
        token = flask.g.csrf_token
        assert c.post(f"/admin/courriels/{mail.id}/renvoyer", data={"csrf_token": token}).status_code == 302
    db.session.refresh(mail)
    assert mail.failed_at is None
