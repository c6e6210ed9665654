"""Feature package: uploaded photos (checked, re-encoded without metadata, stored, served with the policy)."""

from flask import Blueprint

bp = Blueprint("media", __name__)
