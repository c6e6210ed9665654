"""Invitations and « Mot de passe oublié ? »: links mailed through the outbox and a real SMTP server, followed
from the received mail; each works once, expires, and the answers say nothing about which accounts exist."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gup.auth import jobs, links, services
from gup.auth.links import LinkPurpose
from gup.auth.models import PasswordResetRequest, Role, User
from gup.extensions import db
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from gup.orm import now_utc
from tests.factories import PASSWORD
from tests.smtp_server import html_body, plain_body, smtp_server

NEW_PASSWORD = "un-tout-nouveau-mot-de-passe"
LINK = re.compile(r"https://gup\.test/mot-de-passe/[A-Za-z0-9_.\-]+")


@pytest.fixture
def smtp(app, monkeypatch):
    with smtp_server() as (handler, port):
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "PUBLIC_BASE_URL": "https://gup.test"}.items():
            monkeypatch.setitem(app.config, key, value)
        yield handler


def _deliver(smtp, to: str):
    """Send the outbox, then the (single) mail received for `to` and the password link in it."""
    before = len(smtp.messages)
    send_outbox(now=now_utc())
    received = [m for rcpt, m in smtp.messages[before:] if rcpt == [to]]
    assert len(received) == 1, [m["Subject"] for _r, m in smtp.messages]
    message = received[0]
    url, = set(LINK.findall(plain_body(message)))
    assert f'href="{url}"' in html_body(message)
    return message, url.removeprefix("https://gup.test")


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def _choose(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def _admin(f, login):
    admin = f.make_user(Role.ADMIN, email="admin@example.org", full_name="Alice Admin")
    db.session.commit()
    login(admin)
    return admin


# --- invitation -------------------------------------------------------------------------------------

def test_admin_creates_an_account_without_password_and_the_invitation_link_works_once(app, client, f, login, smtp):
    _admin(f, login)
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'type="password"' not in form and "invitation" in form
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    created = client.post("/admin/users/new", data={"full_name": "Bruno Bailleur", "email": "Bruno@Example.org",
                                                   "role": "coordinator", "organisation_id": "", "is_active": "y"},
                          headers={"Host": "evil.example"})  # a forged Host never makes the link
    assert created.status_code == 302 and created.headers["Location"] == "/admin/users"
    user = services.user_by_email("bruno@example.org")
    assert user.password_hash is None
    # no password chosen yet: no login, whatever is typed (and the hasher still runs once, see test_login_timing)
    client.post("/logout")
    assert _login(client, "bruno@example.org", "").status_code == 422
    assert _login(client, "bruno@example.org", "n'importe-quoi-123").status_code == 401

    message, path = _deliver(smtp, "bruno@example.org")
    assert message["Subject"] == "Votre compte gup : choisissez votre mot de passe"
    text = plain_body(message)
    assert "Alice Admin vous a créé un compte" in text and "valable 72 heures" in text
    assert "https://gup.test/login" in text and "evil.example" not in text

    page = client.get(path)
    assert page.status_code == 200 and "Bienvenue, Bruno Bailleur" in page.get_data(as_text=True)
    short = _choose(client, path, "court")
    assert short.status_code == 422 and "au moins 12 caractères" in short.get_data(as_text=True)
    mismatch = _choose(client, path, NEW_PASSWORD, "autre-chose-encore")
    assert mismatch.status_code == 422 and "ne correspondent pas" in mismatch.get_data(as_text=True)
    done = _choose(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert _login(client, "bruno@example.org", NEW_PASSWORD).status_code == 302
    client.post("/logout")

    again = client.get(path)
    assert again.status_code == 404 and "n'est plus valable" in again.get_data(as_text=True)
    assert _choose(client, path, "encore-un-autre-mot-de-passe").status_code == 404
    assert _login(client, "bruno@example.org", NEW_PASSWORD).status_code == 302


def test_resending_the_invitation_makes_the_earlier_link_stale(app, client, f, login, smtp):
    _admin(f, login)
    client.post("/admin/users/new", data={"full_name": "Chloé", "email": "chloe@example.org", "role": "observer",
                                          "organisation_id": ""})
    user = services.user_by_email("chloe@example.org")
    _first, old_path = _deliver(smtp, "chloe@example.org")
    edit = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "Renvoyer l'invitation" in edit and "Envoyer un lien de réinitialisation" not in edit
    assert client.post(f"/admin/users/{user.id}/invitation").status_code == 302
    _second, new_path = _deliver(smtp, "chloe@example.org")
    assert new_path != old_path
    assert client.get(old_path).status_code == 404
    assert _choose(client, old_path).status_code == 404
    assert _choose(client, new_path).status_code == 302
    # the password is chosen: no more invitation, a reset link instead
    db.session.expire_all()
    assert client.post(f"/admin/users/{user.id}/invitation").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 2


def test_admin_sends_a_reset_link_instead_of_typing_a_password(app, client, f, login, smtp):
    _admin(f, login)
    user = f.make_user(email="dora@example.org")
    db.session.commit()
    edit = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "Envoyer un lien de réinitialisation" in edit and 'type="password"' not in edit
    assert client.post(f"/admin/users/{user.id}/password").status_code == 302
    message, path = _deliver(smtp, "dora@example.org")
    assert message["Subject"] == "gup : choisissez un nouveau mot de passe"
    assert "valable 60 minutes" in plain_body(message)
    assert _login(app.test_client(), "dora@example.org", PASSWORD).status_code == 302  # still valid until then
    assert _choose(client, path).status_code == 302
    assert _login(app.test_client(), "dora@example.org", PASSWORD).status_code == 401
    assert _login(app.test_client(), "dora@example.org", NEW_PASSWORD).status_code == 302


# --- « Mot de passe oublié ? » ------------------------------------------------------------------------

def test_login_page_links_to_forgot_password(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/mot-de-passe-oublie"' in html and "Mot de passe oublié ?" in html


def test_forgot_password_answers_identically_for_known_and_unknown_addresses(app, client, f, count_queries):
    f.make_user(email="known@example.org")
    f.make_user(email="off@example.org", is_active_account=False)
    db.session.commit()
    answers = {}
    for email in ("known@example.org", "unknown@example.org", "off@example.org"):
        with count_queries() as statements:
            response = client.post("/mot-de-passe-oublie", data={"email": email})
        answers[email] = (response.status_code, response.get_data(as_text=True), len(statements))
    assert len(set(answers.values())) == 1, answers
    status, body, _n = answers["known@example.org"]
    assert status == 200 and "Si un compte existe pour cette adresse" in body and "known@" not in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0  # the job mails


def test_forgot_password_link_from_the_mail_works_once(app, client, f, smtp):
    user = f.make_user(email="eve@example.org")
    db.session.commit()
    victim_session = app.test_client()
    assert _login(victim_session, "eve@example.org", PASSWORD).status_code == 302
    client.post("/mot-de-passe-oublie", data={"email": " Eve@Example.org "})
    client.post("/mot-de-passe-oublie", data={"email": "nobody@example.org"})
    assert jobs.send_password_links(now_utc()) == 1  # only the existing account gets a mail
    assert jobs.send_password_links(now_utc()) == 0  # a second run sends nothing more
    db.session.commit()
    message, path = _deliver(smtp, "eve@example.org")
    assert not [m for rcpt, m in smtp.messages if rcpt == ["nobody@example.org"]]
    assert "Un nouveau mot de passe a été demandé pour votre compte gup (eve@example.org)" in plain_body(message)
    page = client.get(path)
    assert page.status_code == 200 and "eve@example.org" in page.get_data(as_text=True)
    assert _choose(client, path).status_code == 302
    assert victim_session.get("/account").status_code == 302  # every session was ended
    assert _login(client, user.email, NEW_PASSWORD).status_code == 302
    client.post("/logout")
    assert client.get(path).status_code == 404
    assert _choose(client, path, "encore-un-autre-mot-de-passe").status_code == 404


def test_forgot_password_is_throttled_per_address_and_per_client(app, client, f, monkeypatch):
    f.make_user(email="known@example.org")
    db.session.commit()
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_PER_IP", 6)
    for email in ("known@example.org", "unknown@example.org"):  # the same limit, account or not
        codes = [client.post("/mot-de-passe-oublie", data={"email": email}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    last = client.post("/mot-de-passe-oublie", data={"email": "third@example.org"})
    assert last.status_code == 429 and "Trop de demandes" in last.get_data(as_text=True)
    other_client = app.test_client()
    other_client.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    assert other_client.post("/mot-de-passe-oublie", data={"email": "third@example.org"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PasswordResetRequest)) == 7


def test_old_requests_are_purged_after_the_window(app_ctx, f):
    now = now_utc()
    services.request_password_reset(email="a@example.org", ip_address="192.0.2.1", now=now - timedelta(hours=2))
    services.request_password_reset(email="b@example.org", ip_address="192.0.2.1", now=now)
    jobs.send_password_links(now)
    assert list(db.session.scalars(sa.select(PasswordResetRequest.email))) == ["b@example.org"]


# --- expiry and forged links -----------------------------------------------------------------------

@pytest.mark.parametrize(("purpose", "valid", "expired"), [
    (LinkPurpose.RESET, timedelta(minutes=59), timedelta(minutes=61)),
    (LinkPurpose.INVITATION, timedelta(hours=71), timedelta(hours=73)),
])
def test_links_expire(app_ctx, f, purpose, valid, expired):
    user = f.make_user()
    issued = now_utc()
    token = links.make_token(user, purpose, now=issued)
    assert services.account_for_link(token, now=issued + valid) == (user, purpose)
    assert services.account_for_link(token, now=issued + expired) is None
    assert services.account_for_link(token, now=issued - timedelta(hours=1)) is None  # issued "in the future"


def test_an_expired_link_is_refused_by_the_page(app, client, f, monkeypatch):
    user = f.make_user()
    db.session.commit()
    token = links.make_token(user, LinkPurpose.RESET, now=now_utc())
    assert client.get(f"/mot-de-passe/{token}").status_code == 200
    monkeypatch.setattr("gup.auth.views.now_utc", lambda: now_utc() + timedelta(minutes=61))
    assert client.get(f"/mot-de-passe/{token}").status_code == 404
    assert _choose(client, f"/mot-de-passe/{token}").status_code == 404
    db.session.expire_all()
    assert services.check_password(db.session.get(User, user.id), PASSWORD)


def test_forged_and_stale_links_are_refused(app, client, f):
    user = f.make_user()
    db.session.commit()
    token = links.make_token(user, LinkPurpose.RESET, now=now_utc())
    assert client.get(f"/mot-de-passe/{token[:-2]}xx").status_code == 404
    assert client.get("/mot-de-passe/not-a-token").status_code == 404
    other_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key-entirely"
    try:
        forged = links.make_token(user, LinkPurpose.RESET, now=now_utc())
    finally:
        app.config["SECRET_KEY"] = other_key
    assert client.get(f"/mot-de-passe/{forged}").status_code == 404
    services.update_user(user, full_name=user.full_name, role=user.role, organisation=None, is_active=False,
                         actor=None)
    db.session.commit()
    assert client.get(f"/mot-de-passe/{token}").status_code == 404  # deactivated since
