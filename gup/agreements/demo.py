"""Demo data of agreements: the Bellerive agreement (conventions/bellerive-2025.yaml), the demo accounts and a
few dated progress updates. Registered as a demo loader (gup.demo runs it first); idempotent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app

from gup.agreements import services
from gup.agreements.cli import import_with_progress, load_convention
from gup.agreements.models import Agreement, Commitment, CommitmentUpdate
from gup.audit.services import acting_as
from gup.auth import services as auth_services
from gup.auth.models import Role
from gup.extensions import db
from gup.features import DemoResult
from gup.organisations.models import Organisation

#: conventions/ beside the package (the project root)
DEMO_FILE = Path(__file__).resolve().parents[2] / "conventions" / "bellerive-2025.yaml"
DEMO_PASSWORD = "demo-gup-2026"  # noqa: S105  (the demo accounts' published password)

#: (e-mail, full name, role, organisation code, coordinates the demo agreement)
DEMO_ACCOUNTS: list[tuple[str, str, Role, str | None, bool]] = [
    ("admin@demo.gup.fr", "Alex Admin", Role.ADMIN, None, False),
    ("coordination@demo.gup.fr", "Nadia Benhamou", Role.COORDINATOR, "ville-bellerive", True),
    ("bailleur1@demo.gup.fr", "Karine Lemoal", Role.PARTNER_REFERENT, "habitat-bellerive", False),
    ("bailleur2@demo.gup.fr", "Mathieu Dervaux", Role.PARTNER_REFERENT, "logis-du-val", False),
    ("prefecture@demo.gup.fr", "Aïcha Tremblay", Role.PARTNER_REFERENT, "prefecture", False),
    ("elu@demo.gup.fr", "Henri Castagné", Role.OBSERVER, "ville-bellerive", False),
]

#: dated progress updates of in-progress commitments, written by their organisation's referent; the progress
#: given is the one the demo file states, so re-importing the file does not undo them
DEMO_UPDATES: list[tuple[str, str, datetime, int, str]] = [
    ("ENG-01", "bailleur1@demo.gup.fr", datetime(2026, 3, 9, 8, 30, tzinfo=UTC), 55,
     "Passage quotidien en place dans les halls des Acacias depuis février ; le lavage doublé des vitrages du "
     "Verger démarre au printemps."),
    ("ENG-04", "bailleur1@demo.gup.fr", datetime(2026, 9, 15, 12, 0, tzinfo=UTC), 60,
     "Interphones à badge posés dans les cages A1 à A3, B1 et B2 ; les boîtes aux lettres du bâtiment H sont "
     "commandées, pose prévue en novembre."),
    ("ENG-09", "bailleur2@demo.gup.fr", datetime(2026, 6, 22, 14, 15, tzinfo=UTC), 35,
     "Fête du Clos-Fleuri organisée le 13 juin avec environ 150 habitants ; la parcelle du jardin partagé est en "
     "cours de clôture."),
    ("ENG-21", "prefecture@demo.gup.fr", datetime(2026, 10, 5, 9, 0, tzinfo=UTC), 80,
     "Crédits 2026 notifiés à la régie de quartier : 12 personnes en parcours d'insertion sur le cadre de vie."),
]


def load(context: dict[str, Any]) -> DemoResult:
    """Import the demo agreement, create the demo accounts and updates; `context["reference"]` is set for the
    loaders that follow."""
    if current_app.config.get("PRODUCTION"):
        click.echo("Attention : comptes de démonstration (mot de passe connu) créés sur une instance de "
                   "production.", err=True)
    convention = load_convention(DEMO_FILE)
    summary = import_with_progress(convention, coordinators=[], label="Import des engagements de démonstration")
    context["reference"] = summary.reference
    created, coordinating = _demo_accounts(summary.reference)
    updates = _demo_updates(summary.reference)
    lines = [f"Comptes de démonstration : {len(created)} créé(s) sur {len(DEMO_ACCOUNTS)} "
             f"(mot de passe : {DEMO_PASSWORD}) ; {updates} point(s) d'avancement ajouté(s).",
             *(f"  {email}" for email in created)]
    return DemoResult(changed=bool(summary.changed or created or coordinating or updates), lines=lines,
                      headline=summary.line(), always_report=True)


def has_data() -> bool:
    """Whether an agreement exists already (`flask gup demo --if-empty` then loads nothing)."""
    return db.session.scalar(sa.select(Agreement.id).limit(1)) is not None


def _demo_accounts(reference: str) -> tuple[list[str], int]:
    """Create the missing demo accounts; the coordination account coordinates the demo agreement."""
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference))
    created: list[str] = []
    coordinating = 0
    for email, full_name, role, org_code, coordinates in DEMO_ACCOUNTS:
        user = auth_services.user_by_email(email)
        if user is None:
            organisation = None
            if org_code:
                organisation = db.session.scalar(sa.select(Organisation).where(Organisation.code == org_code))
            user = auth_services.create_user(email=email, full_name=full_name, role=role, password=DEMO_PASSWORD,
                                             organisation=organisation, actor=None, allow_short_password=True)
            created.append(email)
        if coordinates and user not in agreement.coordinators:
            acting_as(db.session, None)
            agreement.coordinators = [*agreement.coordinators, user]
            db.session.flush()
            coordinating += 1
    return created, coordinating


def _demo_updates(reference: str) -> int:
    """Add the demo progress updates that are not there yet (matched by commitment and note)."""
    added = 0
    for commitment_ref, email, at, progress, note in DEMO_UPDATES:
        commitment = db.session.scalar(sa.select(Commitment).join(Agreement).where(
            Agreement.reference == reference, Commitment.reference == commitment_ref))
        author = auth_services.user_by_email(email)
        if commitment is None or author is None:
            continue
        exists = db.session.scalar(sa.select(CommitmentUpdate.id).where(
            CommitmentUpdate.commitment_id == commitment.id, CommitmentUpdate.note == note))
        if exists is None:
            services.add_commitment_update(commitment, note=note, actor=author, now=at, progress=progress)
            added += 1
    return added
