"""`flask gup relays verify-draw DRAW_ID`: re-run a recorded draw from its seed and pool."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from gup.extensions import db
from gup.relays import services
from gup.relays.draw import draw, verification_command
from gup.relays.models import RelayDraw


def relays_cli(group: AppGroup) -> None:
    @group.group("relays")
    def relays() -> None:
        """Habitants relais."""

    @relays.command("verify-draw")
    @click.argument("draw_id", type=int)
    def verify_draw(draw_id: int) -> None:
        """Re-run draw DRAW_ID from its stored seed and pool and compare with its recorded result."""
        record = db.session.get(RelayDraw, draw_id)
        if record is None:
            raise click.ClickException(f"Tirage {draw_id} introuvable.")
        again = draw(record.pool_ids, record.seats, record.seed, record.pool_genders)
        click.echo(f"Graine : {record.seed}")
        click.echo(f"Vivier ({len(record.pool_ids)}) : {', '.join(record.pool_ids)}")
        click.echo(f"Résultat enregistré : {', '.join(record.result_ids)}")
        click.echo(f"Résultat recalculé : {', '.join(again)}")
        command = verification_command(record.pool_ids, record.seats, record.seed, record.pool_genders)
        click.echo(f"Commande : {command}")
        if not services.verify(record):
            raise click.ClickException("Le résultat recalculé diffère du résultat enregistré.")
        click.echo("Vérifié : identique.")
