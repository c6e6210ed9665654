"""Known TFPB data: hp1 values actions on three axes in two QPVs of the sample agreement in 2025, and one in
2024; hp2 one action in 2025; abatements and dwellings for hp1 and hp2."""

from __future__ import annotations

import pytest

from gup.extensions import db
from tests.tfpb.helpers import abatement, action, qpv


@pytest.fixture
def tfpb(w, f):
    agreement, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]
    tilleuls = qpv(f, agreement, "Les Tilleuls", "QN07901M")
    clos = qpv(f, agreement, "Le Clos-Fleuri", "QN07902M")
    records = {
        "tilleuls": tilleuls, "clos": clos,
        "a1": action(agreement, hp1, tilleuls, axis="enhanced_maintenance", amount="20000.00",
                     title="Nettoyage renforcé des halls"),
        "a2": action(agreement, hp1, tilleuls, axis="staff_presence", amount="15000.50", title="Gardien renfort"),
        "a3": action(agreement, hp1, clos, axis="enhanced_maintenance", amount="5000.00", title="Vitrages"),
        "a4": action(agreement, hp1, clos, axis="community_life", amount="2500.00", title="Fête de quartier"),
        "old": action(agreement, hp1, tilleuls, year=2024, axis="staff_presence", amount="9000.00",
                      title="Gardien 2024"),
        "b1": action(agreement, hp2, clos, axis="residential_safety", amount="7000.00", title="Médiation de nuit"),
        "ab1": abatement(agreement, hp1, tilleuls, amount="40000.00", dwellings=300),
        "ab2": abatement(agreement, hp1, clos, amount="10000.00", dwellings=100),
        "ab_old": abatement(agreement, hp1, tilleuls, year=2024, amount="12000.00", dwellings=300),
        "bb1": abatement(agreement, hp2, clos, amount="14000.00", dwellings=200),
    }
    db.session.commit()
    return records


MAIL_KEYS = ("MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL")


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) the outbox sends to; the mail settings are put back afterwards."""
    from tests.smtp_server import smtp_server

    saved = {k: app.config.get(k) for k in MAIL_KEYS}
    with smtp_server() as (handler, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, PUBLIC_BASE_URL="https://gup.test")
        yield handler
    app.config.update(saved)
