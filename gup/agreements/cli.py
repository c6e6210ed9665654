"""Commands of agreements: `flask gup agreement import|export`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from gup.agreements import conventions
from gup.agreements.conventions import Convention, ConventionError, ImportSummary
from gup.auth import services as auth_services
from gup.auth.models import Role, User
from gup.cli import quiet_info_logs
from gup.extensions import db


def _fail(error: ConventionError, heading: str) -> click.ClickException:
    db.session.rollback()
    lines = "\n".join(f"  {line}" for line in error.errors)
    return click.ClickException(f"{heading} ({len(error.errors)} erreur(s), rien n'a été enregistré) :\n{lines}")


def load_convention(path: Path) -> Convention:
    try:
        return conventions.load_file(path)
    except ConventionError as exc:
        raise _fail(exc, f"Fichier {path} refusé") from exc


def import_with_progress(convention: Convention, *, coordinators: list[User], label: str) -> ImportSummary:
    """Import with a progress bar over the commitments; rolls back and raises ClickException on any error."""
    try:
        with quiet_info_logs(), click.progressbar(length=max(convention.commitment_count, 1), label=label) as bar:
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
        convention = load_convention(file)
        summary = import_with_progress(convention, coordinators=coordinators, label="Import des engagements")
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
