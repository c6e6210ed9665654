"""Sessions end on logout: a copied session or remember-me cookie is worthless afterwards."""

from __future__ import annotations

import pytest

from gup.auth.models import User
from gup.extensions import db
from tests.factories import PASSWORD


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def _replay(app, cookies: dict[str, str]):
    fresh = app.test_client()
    for name, value in cookies.items():
        fresh.set_cookie(name, value)
    return fresh


@pytest.mark.parametrize("kept", [("session", "remember_token"), ("session",), ("remember_token",)])
def test_copied_cookies_no_longer_open_the_account_after_logout(app, client, f, kept):
    user = f.make_user(email="copy@example.org")
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}).status_code == 302
    copied = {k: v for k, v in _cookies(client).items() if k in kept}
    assert set(copied) == set(kept)
    assert _replay(app, copied).get("/account").status_code == 200  # the copy works while logged in
    token_before = user.session_token
    assert client.post("/logout").status_code == 302
    replayed = _replay(app, copied).get("/account")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    db.session.expire_all()
    assert db.session.get(User, user.id).session_token != token_before


def test_logout_when_not_logged_in_changes_nothing(client, f):
    user = f.make_user()
    db.session.commit()
    token = user.session_token
    assert client.post("/logout").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).session_token == token
