"""Feature package: auth."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from gup.auth import views  # noqa: E402,F401
