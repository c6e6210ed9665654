"""Feature package: organisations."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)

from gup.organisations import views  # noqa: E402,F401
