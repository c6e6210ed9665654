"""What the API bodies of every feature say about agreements, loaded and checked (a 422 naming the field)."""

from __future__ import annotations

from gup.agreements.models import Agreement, Theme
from gup.extensions import db
from gup.rest import unprocessable


def agreement_or_422(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        unprocessable("agreement_id", f"Convention introuvable : {agreement_id}.")
    return agreement


def theme_or_422(theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        unprocessable("theme_id", f"Thématique introuvable : {theme_id}.")
    return theme
