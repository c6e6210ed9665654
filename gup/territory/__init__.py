"""Feature package: territory (the blueprint's routes live in views.py, imported by the app factory)."""

from flask import Blueprint

bp = Blueprint("territory", __name__)
