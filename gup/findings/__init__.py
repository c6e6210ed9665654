"""Feature package: findings (constats) and their routing (routes in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("findings", __name__)
