"""`flask gup report annual|midterm|final`: write an evaluation's report PDF from the command line.

The report of the latest frozen version when there is one; otherwise a draft computed from today's data (not
stored), so the command also serves before the evaluation is frozen."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from gup.agreements.models import Agreement
from gup.evaluations import services, snapshot
from gup.evaluations.models import Evaluation
from gup.evaluations.schedule import annual_slot
from gup.extensions import db
from gup.orm import now_utc


def _evaluation(reference: str, slot: str) -> Evaluation:
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference))
    if agreement is None:
        raise click.ClickException(f"Aucune convention de référence {reference!r}.")
    services.sync_schedule(agreement)
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                               Evaluation.slot == slot))
    if evaluation is None:
        raise click.ClickException(f"La convention {reference} ne prévoit pas cette évaluation ({slot}) : "
                                   "vérifiez l'année et les dates de la convention.")
    return evaluation


def _write(evaluation: Evaluation, output: Path) -> None:
    version = evaluation.current_version
    if version is not None and version.pdf is not None:
        content, what = version.pdf, f"version {version.number} (figée)"
    else:
        data = snapshot.build(evaluation, now=now_utc(), version=0, is_draft=True)
        content, what = services.render_pdf(data), "projet calculé à partir des données du jour"
    db.session.commit()  # the schedule may have been created
    output.write_bytes(content)
    click.echo(f"{evaluation.title} — {evaluation.agreement.reference} : {what}, {len(content)} octets → {output}")


def register(group: AppGroup) -> None:
    @group.group("report")
    def report() -> None:
        """Rapports d'évaluation en PDF."""

    @report.command("annual")
    @click.option("--agreement", "reference", required=True, help="Référence de la convention.")
    @click.option("--year", type=click.IntRange(1950, 2200), required=True, help="Année du bilan.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def annual(reference: str, year: int, output: Path) -> None:
        """Bilan annuel d'une convention."""
        _write(_evaluation(reference, annual_slot(year)), output)

    @report.command("midterm")
    @click.option("--agreement", "reference", required=True, help="Référence de la convention.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def midterm(reference: str, output: Path) -> None:
        """Évaluation à mi-parcours."""
        _write(_evaluation(reference, "midterm"), output)

    @report.command("final")
    @click.option("--agreement", "reference", required=True, help="Référence de la convention.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def final(reference: str, output: Path) -> None:
        """Évaluation finale."""
        _write(_evaluation(reference, "final"), output)
