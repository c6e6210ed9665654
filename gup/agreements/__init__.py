"""Feature package: agreements."""

from flask import Blueprint

bp = Blueprint("agreements", __name__)

from gup.agreements import views  # noqa: E402,F401
