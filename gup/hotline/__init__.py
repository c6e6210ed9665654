"""Feature package: resident reports (signalements) — public form, phone intake, triage, follow-up."""

from flask import Blueprint

bp = Blueprint("hotline", __name__)
