"""Feature package: territory."""

from flask import Blueprint

bp = Blueprint("territory", __name__)

from gup.territory import views  # noqa: E402,F401
