"""What the API bodies of every feature say about agreements, loaded and checked (a 422 naming the field)."""

from __future__ import annotations

from gup.agreements.models import Agreement
from gup.extensions import db
from gup.rest import (
    unprocessable,
)


def agreement_or_422(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        unprocessable("agreement_id", f"Convention introuvable : {agreement_id}.")
    return agreement
