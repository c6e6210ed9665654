"""Flask-Login wiring: session token loader and the anonymous visitor."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import Flask, request
from flask_babel import lazy_gettext as _l

from gup.auth.models import AnonymousUser, User
from gup.extensions import db, login_manager


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = _l("Confirmez votre mot de passe pour continuer.")
    login_manager.session_protection = "basic"
    login_manager.anonymous_user = AnonymousUser
    login_manager._session_identifier_generator = session_identifier  # Flask-Login's hook

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        return db.session.scalar(sa.select(User).where(User.session_token == token,
                                                       User.is_active_account.is_(True)))


def session_identifier() -> str:
    """What "basic" session protection compares: the client address and User-Agent.

    Flask-Login 0.6.3 reads the first X-Forwarded-For entry itself (flask-login #700), which any client can
    forge to keep a stolen session "fresh"; `request.remote_addr` is the real client, set by ProxyFix only
    behind the trusted proxies (TRUSTED_PROXIES)."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha512(f"{request.remote_addr}|{agent}".encode()).hexdigest()
