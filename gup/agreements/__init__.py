"""Feature package: agreements (the blueprint's routes live in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("agreements", __name__)
