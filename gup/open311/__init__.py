"""Feature package: Open311 GeoReport v2 on top of the hotline services (routes in views.py)."""

from flask import Blueprint

bp = Blueprint("open311", __name__)
