"""Feature package: organisations (the blueprint's routes live in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
