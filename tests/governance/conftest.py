"""Governance test helpers: a COTECH and a COPIL of the sample agreement, with members."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gup.extensions import db
from gup.governance import services
from gup.governance.models import BodyKind
from tests.smtp_server import smtp_server

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Paris


def make_bodies(w) -> dict:
    """A COTECH (three members with an address, one without) and a COPIL of w["agreement"]."""
    coordinator = w["coordinator"]
    cotech = services.create_body(w["agreement"], kind=BodyKind.TECHNICAL_COMMITTEE, name="COTECH de test",
                                  actor=coordinator, frequency="Tous les deux mois")
    services.add_member(cotech, person_name=None, user=coordinator, actor=coordinator, role="Animation")
    services.add_member(cotech, person_name=None, user=w["referent1"], actor=coordinator)
    services.add_member(cotech, person_name="Awa Diallo", organisation=w["hp2"], email="awa@hp2.example",
                        actor=coordinator)
    services.add_member(cotech, person_name="Sans Courriel", organisation=w["hp2"], actor=coordinator)
    copil = services.create_body(w["agreement"], kind=BodyKind.STEERING_COMMITTEE, name="COPIL de test",
                                 actor=coordinator)
    services.add_member(copil, person_name="Élue de quartier", organisation=w["town"], email="elue@town.example",
                        actor=coordinator)
    db.session.flush()
    return {"cotech": cotech, "copil": copil}


@pytest.fixture
def bodies(w):
    found = make_bodies(w)
    db.session.commit()
    return found


@pytest.fixture
def smtp(app):
    keys = ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL")
    saved = {k: app.config.get(k) for k in keys}
    with smtp_server() as (handler, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://gup.test")
        yield handler
    app.config.update(saved)
