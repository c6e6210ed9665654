"""Behind the reverse proxy: X-Forwarded-For gives each client its own throttle and rate-limit bucket when
TRUSTED_PROXIES says a proxy is there, and is ignored (it can be forged) when it is 0."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.middleware.proxy_fix import ProxyFix

from gup import register_proxy
from gup.auth.models import LoginAttempt
from gup.extensions import db, limiter
from tests.factories import PASSWORD

PROXY = {"REMOTE_ADDR": "10.0.0.1"}  # every request arrives from the proxy's address


@pytest.fixture
def proxies(app):
    """proxies(n): run the app as create_app does with TRUSTED_PROXIES=n (undone after the test)."""
    saved_app, saved_setting = app.wsgi_app, app.config["TRUSTED_PROXIES"]

    def _set(hops: int) -> None:
        app.wsgi_app = saved_app
        app.config["TRUSTED_PROXIES"] = hops
        register_proxy(app)
    yield _set
    app.wsgi_app, app.config["TRUSTED_PROXIES"] = saved_app, saved_setting


def _client(app, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    client = app.test_client()
    client.environ_base.update(PROXY)
    return client, headers


def _login(client, headers, email, password):
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def _lock_out_by_address(app, client, headers) -> None:
    """Enough failures from one address (on different accounts) to lock that address out."""
    for i in range(app.config["LOGIN_MAX_FAILURES"] * 4):
        assert _login(client, headers, f"nobody{i}@example.org", "wrong-password!").status_code == 401
    assert _login(client, headers, "nobody@example.org", "wrong-password!").status_code == 429


def test_default_is_off_and_negative_refused(app, proxies):
    assert app.config["TRUSTED_PROXIES"] == 0 and not isinstance(app.wsgi_app, ProxyFix)
    proxies(1)
    assert isinstance(app.wsgi_app, ProxyFix)
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        proxies(-1)


def test_one_trusted_proxy_gives_each_client_its_own_login_lockout(app, f, proxies):
    user = f.make_user(email="someone@example.org")
    db.session.commit()
    proxies(1)
    attacker, attacker_headers = _client(app, "203.0.113.7")
    _lock_out_by_address(app, attacker, attacker_headers)
    neighbour, neighbour_headers = _client(app, "198.51.100.9")
    assert _login(neighbour, neighbour_headers, user.email, PASSWORD).status_code == 302
    addresses = set(db.session.scalars(sa.select(LoginAttempt.ip_address)))
    assert addresses == {"203.0.113.7", "198.51.100.9"}


def test_without_trusted_proxy_a_forged_header_does_not_escape_the_lockout(app, f, proxies):
    user = f.make_user(email="someone@example.org")
    db.session.commit()
    proxies(0)
    attacker, headers = _client(app, "203.0.113.7")
    _lock_out_by_address(app, attacker, headers)
    forged, forged_headers = _client(app, "198.51.100.9")
    assert _login(forged, forged_headers, user.email, PASSWORD).status_code == 429
    assert set(db.session.scalars(sa.select(LoginAttempt.ip_address))) == {"10.0.0.1"}


@pytest.fixture
def production_limit(app):
    saved = app.config["PUBLIC_POST_LIMIT"]
    app.config["PUBLIC_POST_LIMIT"] = "5 per minute;30 per hour"
    limiter.reset()
    yield
    app.config["PUBLIC_POST_LIMIT"] = saved
    limiter.reset()


def _report(f):
    category = f.make_category(label="Éclairage", default_organisation=f.make_organisation(name="Bailleur"))
    db.session.commit()
    return {"category_id": str(category.id), "description": "Lampadaire éteint", "address": "4 allée des Tilleuls",
            "latitude": "", "longitude": "", "neighbourhood_id": "", "contact_name": "", "contact_email": "",
            "contact_phone": "", "website": ""}


@pytest.mark.parametrize(("hops", "second_client_limited"), [(1, False), (0, True)])
def test_public_report_limit_per_client_only_behind_a_trusted_proxy(app, f, proxies, production_limit, hops,
                                                                    second_client_limited):
    form = _report(f)
    proxies(hops)
    first, first_headers = _client(app, "203.0.113.7")
    codes = [first.post("/signaler", data=form, headers=first_headers).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    second, second_headers = _client(app, "198.51.100.9")
    expected = 429 if second_client_limited else 302
    assert second.post("/signaler", data=form, headers=second_headers).status_code == expected


def test_forged_forwarded_for_does_not_keep_a_copied_session_fresh(app, f, proxies):
    """Flask-Login's own "basic" protection read X-Forwarded-For: a thief sending the victim's address kept the
    session fresh and could, e.g., create an API token."""
    user = f.make_user(email="victim@example.org")
    db.session.commit()
    proxies(0)
    victim = app.test_client()
    victim.environ_base.update({"REMOTE_ADDR": "192.0.2.10"})
    assert victim.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    thief = app.test_client()
    thief.environ_base.update({"REMOTE_ADDR": "203.0.113.66"})
    thief.set_cookie("session", victim.get_cookie("session").value)
    answer = thief.post("/account/tokens", data={"name": "volé"}, headers={"X-Forwarded-For": "192.0.2.10"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert not user.tokens
    # the victim, from their own address, still may
    assert victim.post("/account/tokens", data={"name": "le mien"}).status_code == 200
