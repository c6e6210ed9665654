"""`flask gup budget voting-codes CAMPAIGN_ID --count N -o FILE`: a batch of single-use voting codes, written
as a PDF sheet of cards (FILE.pdf) or a CSV (FILE.csv); only their hashes stay in the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from gup.budget import cards, services
from gup.budget.models import PBCampaign
from gup.errors import DomainError
from gup.extensions import db
from gup.orm import now_utc


def vote_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/") + "/budget-participatif"


def budget_cli(group: AppGroup) -> None:
    @group.group("budget")
    def budget() -> None:
        """Budgets participatifs."""

    @budget.command("voting-codes")
    @click.argument("campaign_id", type=int)
    @click.option("--count", "-n", type=int, required=True, help="Nombre de codes à créer.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="Fichier à écrire : .pdf (cartes à découper) ou .csv.")
    def voting_codes(campaign_id: int, count: int, output: Path) -> None:
        """Create COUNT single-use voting codes for campaign CAMPAIGN_ID and write them to FILE (.pdf or .csv)."""
        suffix = output.suffix.lower()
        if suffix not in (".pdf", ".csv"):
            raise click.ClickException("Le fichier doit se terminer par .pdf ou .csv.")
        campaign = db.session.get(PBCampaign, campaign_id)
        if campaign is None:
            raise click.ClickException(f"Campagne {campaign_id} introuvable.")
        try:
            batch = services.generate_codes(campaign, count, actor=None, now=now_utc())
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        try:  # the codes are stored only once the file holding them is written
            if suffix == ".pdf":
                output.write_bytes(cards.cards_pdf(campaign, list(batch), vote_url=vote_url(), batch=batch.batch))
            else:
                output.write_text(cards.codes_csv(campaign, list(batch), batch=batch.batch), encoding="utf-8",
                                  newline="")
        except OSError as exc:
            db.session.rollback()
            raise click.ClickException(f"Écriture impossible : {exc}") from None
        db.session.commit()
        click.echo(f"{len(batch)} codes (lot {batch.batch}) écrits dans {output} ; seules leurs empreintes sont "
                   "conservées.")
