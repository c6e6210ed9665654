"""Bearer-token authentication shared by every /api/v1 blueprint."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint, abort

from gup.db import now_utc


def api_user():
    """The user authenticated by the current API request's bearer token."""
    return g.api_user


def _authenticate() -> None:
    from gup.auth.services import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, message="Authentification requise : en-tête « Authorization: Bearer <jeton> ».")
    user = user_for_token(raw.strip(), now=now_utc())
    if user is None:
        abort(401, message="Jeton invalide, révoqué ou compte désactivé.")
    g.api_user = user


def api_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A flask-smorest blueprint that requires a bearer token on every route."""
    blp = Blueprint(f"api_{name}", __name__, url_prefix=url_prefix, description=description)
    blp.before_request(_authenticate)
    return blp
