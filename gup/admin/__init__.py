"""Feature package: admin."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from gup.admin import views  # noqa: E402,F401
