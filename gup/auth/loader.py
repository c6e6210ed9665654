"""Flask-Login wiring: session token loader and the anonymous visitor."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
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

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        return db.session.scalar(sa.select(User).where(User.session_token == token,
                                                       User.is_active_account.is_(True)))
