"""Feature package: walk-through diagnostics (routes in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("walks", __name__)
