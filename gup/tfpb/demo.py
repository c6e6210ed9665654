"""Demo TFPB data for `flask gup demo`: the Bellerive agreement's two housing providers value actions on several
axes in Les Tilleuls and Le Clos-Fleuri in 2025 and 2026, with the abatement each received and its dwellings.
Through the services (audit log real); idempotent: nothing is added once the agreement has TFPB actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.extensions import db
from gup.features import DemoResult
from gup.organisations.models import Organisation
from gup.territory.models import Territory
from gup.tfpb import services
from gup.tfpb.models import TfpbAction

HB, LV = "habitat-bellerive", "logis-du-val"
TIL, CLOS = "tilleuls", "clos-fleuri"

#: (provider code, QPV code, year, abatement received, dwellings)
ABATEMENTS = [
    (HB, TIL, 2025, "182000.00", 640),
    (HB, CLOS, 2025, "54000.00", 190),
    (HB, TIL, 2026, "186500.00", 640),
    (HB, CLOS, 2026, "55200.00", 190),
    (LV, CLOS, 2025, "97000.00", 355),
    (LV, TIL, 2025, "21000.00", 80),
    (LV, CLOS, 2026, "99400.00", 355),
    (LV, TIL, 2026, "21500.00", 80),
]

#: (provider code, QPV code, year, axis code, title, valued amount)
ACTIONS = [
    (HB, TIL, 2025, "staff_presence", "Gardien supplémentaire aux Acacias (0,5 ETP)", "28000.00"),
    (HB, TIL, 2025, "enhanced_maintenance", "Nettoyage renforcé des halls et des vitrages", "46500.00"),
    (HB, TIL, 2025, "waste_bulky_wrecks", "Enlèvement hebdomadaire des encombrants", "31200.00"),
    (HB, TIL, 2025, "residential_safety", "Interphones à badge, cages A1 à A3", "38000.00"),
    (HB, CLOS, 2025, "minor_service_works", "Remise en peinture des cages des Hortensias", "22400.00"),
    (HB, CLOS, 2025, "tenant_consultation", "Réunions de cage et diagnostic avec les locataires", "6800.00"),
    (HB, TIL, 2026, "staff_presence", "Gardien supplémentaire aux Acacias (0,5 ETP)", "28900.00"),
    (HB, TIL, 2026, "enhanced_maintenance", "Lavage doublé des vitrages du Verger", "49800.00"),
    (HB, TIL, 2026, "staff_training_support", "Formation des gardiens à la gestion des conflits", "9600.00"),
    (HB, CLOS, 2026, "community_life", "Soutien à la fête de quartier et au jardin partagé", "8500.00"),
    (LV, CLOS, 2025, "enhanced_maintenance", "Sur-entretien des parties communes des Glycines", "41000.00"),
    (LV, CLOS, 2025, "community_life", "Fête du Clos-Fleuri et animations estivales", "12500.00"),
    (LV, CLOS, 2025, "waste_bulky_wrecks", "Enlèvement des épaves et encombrants du parking", "14800.00"),
    (LV, TIL, 2025, "minor_service_works", "Réfection de l'éclairage des caves", "9300.00"),
    (LV, CLOS, 2026, "enhanced_maintenance", "Sur-entretien des parties communes des Glycines", "42100.00"),
    (LV, CLOS, 2026, "residential_safety", "Médiation de nuit (convention avec la régie)", "24000.00"),
    (LV, CLOS, 2026, "tenant_consultation", "Ateliers « bien vivre dans sa résidence »", "5200.00"),
]


def load(context: dict[str, Any]) -> DemoResult:
    """Add the demo TFPB actions and abatements to the demo agreement (once)."""
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == context.get("reference")))
    if agreement is None or db.session.scalar(sa.select(TfpbAction.id).where(
            TfpbAction.agreement_id == agreement.id).limit(1)) is not None:
        return DemoResult(changed=False)
    orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
    places = {t.code: t for t in db.session.scalars(sa.select(Territory).where(Territory.qpv_code.is_not(None)))}
    if not all(code in orgs for code in ("habitat-bellerive", "logis-du-val")) or not all(
            code in places for code in ("tilleuls", "clos-fleuri")):
        return DemoResult(changed=False)
    for provider, place, year, amount, dwellings in ABATEMENTS:
        services.record_abatement(agreement, provider=orgs[provider], neighbourhood=places[place], year=year,
                                  abatement_amount=Decimal(amount), dwellings=dwellings, actor=None)
    for provider, place, year, axis, title, amount in ACTIONS:
        services.create_action(agreement, actor=None, provider=orgs[provider], neighbourhood=places[place],
                               year=year, axis_code=axis, title=title, valued_amount=Decimal(amount))
    return DemoResult(changed=True, lines=[f"Abattement de TFPB : {len(ACTIONS)} action(s) valorisée(s) et "
                                           f"{len(ABATEMENTS)} abattement(s) reçu(s) (2025 et 2026)."])
