"""Feature package: auth (the blueprint's routes live in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
