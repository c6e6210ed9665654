"""Feature package: auth."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("auth", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug auth in: its routes, API, commands and the password link job."""
    import gup.auth.views  # noqa: F401  (routes attach to bp on import)
    from gup.auth import jobs
    from gup.auth.api import me_api
    from gup.auth.cli import register as cli
    from gup.auth.services import notification_recipient, notification_recipients, user_for_token

    registry.blueprints(bp)
    registry.api(me_api)
    registry.cli(cli)
    registry.job("auth.send_password_links", jobs.send_password_links, trigger="interval", minutes=1,
                 description="Mail the links asked for on « Mot de passe oublié ? » (existing accounts only)")
    registry.provide("api_token_user", user_for_token)  # gup.rest checks bearer tokens with it
    registry.provide("notification_recipients", notification_recipients)  # gup.notifications.partners
    registry.provide("notification_recipient", notification_recipient)
