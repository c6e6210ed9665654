"""Feature package: actions, the shared unit of follow-up (routes in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("actions", __name__)
