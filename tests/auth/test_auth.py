"""Login, logout, throttling, password change, sessions, CSRF."""

import re

import flask
import sqlalchemy as sa

from gup.auth import services
from gup.auth.models import ApiToken, Role, User
from gup.extensions import db
from tests.factories import PASSWORD


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_login_page_is_french(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Adresse e-mail" in html and "Mot de passe" in html and "Se connecter" in html


def test_login_logout(client, f):
    user = f.make_user(Role.COORDINATOR, email="coord@example.org")
    db.session.commit()
    assert client.get("/").status_code == 302
    response = _login(client, "Coord@Example.org ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_disabled_account(client, f):
    f.make_user(email="a@example.org")
    f.make_user(email="off@example.org", is_active_account=False)
    db.session.commit()
    wrong = _login(client, "a@example.org", "nope-nope-nope")
    assert wrong.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.get_data(as_text=True)
    assert _login(client, "off@example.org", PASSWORD).status_code == 401


def test_login_is_throttled_after_repeated_failures(client, f, app):
    f.make_user(email="victim@example.org")
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _login(client, "victim@example.org", "wrong-password!").status_code == 401
    blocked = _login(client, "victim@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)


def test_open_redirect_is_refused(client, f):
    f.make_user(email="r@example.org")
    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"email": "r@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/agreements", data={"email": "r@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/agreements"


def test_passwords_are_hashed_with_argon2(f):
    user = f.make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_password_change_rotates_session_and_enforces_length(client, f, login):
    user = f.make_user()
    db.session.commit()
    token_before = user.session_token
    login(user)
    short = client.post("/account/password", data={"current_password": PASSWORD, "password": "court",
                                                   "confirm": "court"})
    assert short.status_code == 422
    assert "au moins 12 caractères" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current_password": PASSWORD, "password": "un-mot-de-passe-long",
                                                "confirm": "un-mot-de-passe-long"})
    assert ok.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.session_token != token_before
    assert services.check_password(changed, "un-mot-de-passe-long")
    assert client.get("/").status_code == 200  # this session was renewed


def test_deactivation_logs_user_out_everywhere(client, f, login):
    admin = f.make_user(Role.ADMIN)
    user = f.make_user()
    db.session.commit()
    login(user)
    assert client.get("/").status_code == 200
    services.update_user(user, full_name=user.full_name, role=user.role, organisation=None, is_active=False,
                         actor=admin)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_token_created_on_profile_is_shown_once_and_hashed(client, f, login):
    user = f.make_user()
    db.session.commit()
    login(user)
    page = client.post("/account/tokens", data={"name": "tableur"}).get_data(as_text=True)
    raw = re.search(r'id="new-token">(gup_[^<]+)<', page).group(1)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash != raw and raw not in token.token_hash
    assert raw not in client.get("/account").get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    client.post(f"/account/tokens/{token.id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_post_without_csrf_token_is_rejected(app, f):
    f.make_user(email="csrf@example.org")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_client() as c:
            rejected = c.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
            assert rejected.status_code == 400
            assert "expiré" in rejected.get_data(as_text=True)
            c.get("/login")
            token = flask.g.csrf_token
            accepted = c.post("/login", data={"email": "csrf@example.org", "password": PASSWORD,
                                              "csrf_token": token})
            assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_language_switch_to_english(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_the_expired_form_page_says_when_the_draft_is_kept(app, f):
    """The finding form keeps a draft on the device: its expired page says nothing is lost; other forms say how
    not to lose what was typed."""
    f.make_user(email="csrf@example.org")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_client() as c:
            draft = c.post("/login", data={"email": "csrf@example.org", "_draft": "1"}).get_data(as_text=True)
            assert "est perdu : ce que vous aviez saisi est gardé en brouillon" in draft
            plain = c.post("/login", data={"email": "csrf@example.org"}).get_data(as_text=True)
            assert "expiré" in plain and "est perdu" not in plain and "copiez ce qui est long" in plain
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    from pathlib import Path

    assert 'name="_draft" value="1"' in Path("templates/findings/form.html").read_text(encoding="utf-8")


def test_a_referent_lands_on_their_actions_and_the_coordination_on_the_dashboard(client, f):
    from flask import url_for

    org = f.make_organisation(name="Logis du Val")
    f.make_user(Role.PARTNER_REFERENT, organisation=org, email="ref@example.org")
    f.make_user(Role.COORDINATOR, email="coord2@example.org")
    db.session.commit()
    with client.application.test_request_context():
        inbox = url_for("inbox.index")
    assert _login(client, "ref@example.org", PASSWORD).headers["Location"] == inbox
    assert client.get("/").status_code == 200  # the dashboard stays open to them
    client.post("/logout")
    assert _login(client, "coord2@example.org", PASSWORD).headers["Location"] == "/"
