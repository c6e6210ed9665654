"""Commands of agreements: `flask gup agreement import|export` and the demo loader `flask gup demo`."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from gup import ROOT
from gup.agreements import conventions, services
from gup.agreements.conventions import Convention, ConventionError, ImportSummary
from gup.agreements.models import Agreement, Commitment, CommitmentUpdate
from gup.audit.services import acting_as
from gup.auth import services as auth_services
from gup.auth.models import Role, User
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.hotline.demo import load_demo_hotline
from gup.walks.demo import load_demo_walks

DEMO_FILE = ROOT / "conventions" / "bellerive-2025.yaml"
DEMO_PASSWORD = "demo-gup-2026"

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


def _fail(error: ConventionError, heading: str) -> click.ClickException:
    db.session.rollback()
    lines = "\n".join(f"  {line}" for line in error.errors)
    return click.ClickException(f"{heading} ({len(error.errors)} erreur(s), rien n'a été enregistré) :\n{lines}")


def _load(path: Path) -> Convention:
    try:
        return conventions.load_file(path)
    except ConventionError as exc:
        raise _fail(exc, f"Fichier {path} refusé") from exc


@contextmanager
def _quiet_info_logs() -> Iterator[None]:
    """On a terminal, keep the services' INFO lines from scrolling the progress bar away (logs kept otherwise)."""
    logger = logging.getLogger("gup")
    previous = logger.level
    if sys.stderr.isatty():
        logger.setLevel(max(previous, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(previous)


def _import(convention: Convention, *, coordinators: list[User], label: str) -> ImportSummary:
    """Import with a progress bar over the commitments; rolls back and raises ClickException on any error."""
    try:
        with _quiet_info_logs(), click.progressbar(length=max(convention.commitment_count, 1), label=label) as bar:
            summary = conventions.import_convention(convention, actor=None, coordinators=coordinators,
                                                    on_commitment=lambda: bar.update(1))
    except ConventionError as exc:
        raise _fail(exc, f"Import de la convention {convention.reference} refusé") from exc
    return summary


def _coordinators(emails: tuple[str, ...]) -> list[User]:
    users = []
    for email in emails:
        user = auth_services.user_by_email(email)
        if user is None:
            raise click.ClickException(f"--coordinator : aucun compte pour {email}")
        if user.role is not Role.COORDINATOR:
            raise click.ClickException(f"--coordinator : {email} n'a pas le rôle coordinator ({user.role.value})")
        users.append(user)
    return users


def register(group: AppGroup) -> None:
    """Attach the agreement commands to the gup group."""

    @group.group("agreement")
    def agreement() -> None:
        """Agreements (conventions GUP): import and export of definition files (conventions/README.md)."""

    @agreement.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--coordinator", "coordinator_emails", multiple=True, metavar="EMAIL",
                  help="E-mail of a coordinator account to put in charge of the agreement (repeatable).")
    def import_command(file: Path, coordinator_emails: tuple[str, ...]) -> None:
        """Create or update the agreement described in FILE (YAML).

        Idempotent: records are matched by code or reference and only differences are written. Records
        missing from the file are left untouched. On any error nothing is written and every problem is
        listed with its line number.
        """
        coordinators = _coordinators(coordinator_emails)
        convention = _load(file)
        summary = _import(convention, coordinators=coordinators, label="Import des engagements")
        db.session.commit()
        click.echo(summary.line())

    @agreement.command("export")
    @click.argument("reference")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                  help="Write to this file instead of standard output.")
    def export_command(reference: str, output: Path | None) -> None:
        """Write the agreement REFERENCE in the definition-file format (YAML)."""
        try:
            text = conventions.export_convention(reference)
        except ConventionError as exc:
            raise click.ClickException("\n".join(exc.errors)) from exc
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            click.echo(f"Convention {reference} exportée dans {output}.", err=True)

    @group.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds an agreement.")
    def demo_command(if_empty: bool) -> None:
        """Load the demo data: the Bellerive agreement, six demo accounts, a few progress updates, and a day and a
        night walk of Les Tilleuls with their findings, actions and photos.

        Idempotent: a second run changes nothing. Every demo account uses the password demo-gup-2026.
        """
        if if_empty and db.session.scalar(sa.select(Agreement.id).limit(1)) is not None:
            click.echo("Une convention existe déjà : données de démonstration non chargées (--if-empty).")
            return
        if current_app.config.get("PRODUCTION"):
            click.echo("Attention : comptes de démonstration (mot de passe connu) créés sur une instance de "
                       "production.", err=True)
        convention = _load(DEMO_FILE)
        summary = _import(convention, coordinators=[], label="Import des engagements de démonstration")
        try:
            created, coordinating = _demo_accounts(summary.reference)
            updates = _demo_updates(summary.reference)
            with _quiet_info_logs():
                walks = load_demo_walks(summary.reference)
                hotline = load_demo_hotline()
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"Données de démonstration refusées, rien n'a été enregistré : {exc}") \
                from exc
        db.session.commit()
        click.echo(summary.line())
        if not (summary.changed or created or coordinating or updates or walks.changed or hotline.changed):
            click.echo("Données de démonstration déjà en place : rien n'a changé.")
            return
        click.echo(f"Comptes de démonstration : {len(created)} créé(s) sur {len(DEMO_ACCOUNTS)} "
                   f"(mot de passe : {DEMO_PASSWORD}) ; {updates} point(s) d'avancement ajouté(s).")
        for email in created:
            click.echo(f"  {email}")
        if walks.changed:
            click.echo(walks.line())
        if hotline.changed:
            click.echo(hotline.line())


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
