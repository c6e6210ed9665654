"""Command: flask gup demo [--if-empty] [--welcome URL]."""

from __future__ import annotations

import time
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from gup.agreements.demo import DEMO_PASSWORD, has_data
from gup.auth.models import User
from gup.cli import quiet_info_logs
from gup.errors import DomainError
from gup.extensions import db
from gup.features import DemoResult, registry


def load_all() -> list[DemoResult]:
    """Run every registered loader in order (they share one context); the caller commits."""
    context: dict[str, Any] = {}
    with quiet_info_logs():
        return [loader.func(context) for loader in sorted(registry().demo_loaders, key=lambda d: d.order)]


def register(group: AppGroup) -> None:
    @group.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds an agreement.")
    @click.option("--welcome", metavar="URL", help="End with the address to open and the demo accounts.")
    @click.option("--scale", type=click.IntRange(1, 500), metavar="N",
                  help="Also add N synthetic agreements of load data (an empty database only).")
    @click.option("--seed", type=int, default=1, show_default=True, help="Seed of the load data (--scale).")
    def demo_command(if_empty: bool, welcome: str | None, scale: int | None, seed: int) -> None:
        """Load the demo data: the Bellerive agreement, six demo accounts, a few progress updates, a day and a
        night walk of Les Tilleuls with their findings, actions and photos, and resident reports.

        Idempotent: a second run changes nothing. Every demo account uses the password demo-gup-2026.

        --scale N: into an empty database only, the demo and then N synthetic agreements (about 2,600 findings,
        2,600 resident reports and 500 actions each, 2022-2026), the same rows for the same --seed.
        """
        if scale:
            _load_scale(scale, seed)
        elif if_empty and has_data():
            click.echo("Une convention existe déjà : données de démonstration non chargées (--if-empty).")
        else:
            _load_and_report()
        if welcome:
            _welcome(welcome)


def _load_and_report() -> None:
    try:
        results = load_all()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"Données de démonstration refusées, rien n'a été enregistré : {exc}") \
            from exc
    db.session.commit()
    for result in results:
        if result.headline:
            click.echo(result.headline)
    if not any(result.changed for result in results):
        click.echo("Données de démonstration déjà en place : rien n'a changé.")
        return
    for result in results:
        if result.changed or result.always_report:
            for line in result.lines:
                click.echo(line)


def _load_scale(scale: int, seed: int) -> None:
    from gup.demo.scale import database_is_empty, load_scale

    if not database_is_empty():
        raise click.ClickException("La base contient déjà des conventions, constats ou signalements : les données "
                                   "de charge ne se chargent que dans une base vide (flask db upgrade sur une "
                                   "base neuve).")
    started = time.monotonic()
    _load_and_report()
    with quiet_info_logs():
        counts = load_scale(scale, seed=seed)
    click.echo(f"Données de charge (graine {seed}) : {counts.get('agreements', 0)} convention(s), "
               f"{counts.get('findings', 0)} constat(s), {counts.get('actions', 0)} action(s), "
               f"{counts.get('resident_reports', 0)} signalement(s), {counts.get('walkthroughs', 0)} diagnostic(s), "
               f"{counts.get('resident_relays', 0)} habitant(s) relais, {counts.get('pb_projects', 0)} projet(s) "
               f"de budget participatif, {counts.get('evaluations', 0)} évaluation(s) "
               f"en {time.monotonic() - started:.1f} s.")
    click.echo("Chaque convention a son compte de coordination (coordination.<code>@charge.gup.fr) et un "
               f"référent par organisme, mot de passe {DEMO_PASSWORD} ; coordination@demo.gup.fr les coordonne "
               "toutes.")


def _welcome(url: str) -> None:
    """The last lines `make run` prints: where gup answers and the accounts to try it with."""
    users = db.session.scalars(sa.select(User).where(User.email.like("%@demo.gup.fr"),
                                                     User.is_active_account.is_(True)).order_by(User.id)).all()
    click.echo("")
    click.echo(f"gup est prêt : {url}")
    if users:
        click.echo(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for user in users:
            organisation = f", {user.organisation.name}" if user.organisation else ""
            click.echo(f"  {user.email:<28} {user.role.label}{organisation}")
