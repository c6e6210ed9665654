"""Commands: open311-key create / list / revoke (API keys of Open311 client applications)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from gup.errors import DomainError
from gup.extensions import db
from gup.open311 import services
from gup.open311.models import Open311Client
from gup.orm import now_utc


def register(group: AppGroup) -> None:
    @group.group("open311-key")
    def open311_key() -> None:
        """API keys of Open311 client applications (api_key of POST requests)."""

    @open311_key.command("create")
    @click.argument("name")
    def create(name: str) -> None:
        """Issue an API key to the client application NAME and print it once."""
        try:
            client, raw = services.create_client(name=name, actor=None, now=now_utc())
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(raw)
        click.echo(f"Clé n° {client.id} créée pour « {client.name} » : conservez-la, elle ne sera plus affichée.",
                   err=True)

    @open311_key.command("list")
    def list_() -> None:
        """List the client applications and the state of their keys."""
        for client in services.list_clients():
            state = "révoquée" if client.is_revoked else "active"
            click.echo(f"{client.id}\t{client.key_prefix}…\t{client.name}\t{state}")

    @open311_key.command("revoke")
    @click.argument("client_id", type=int)
    def revoke(client_id: int) -> None:
        """Revoke the API key of client CLIENT_ID."""
        client = db.session.get(Open311Client, client_id)
        if client is None:
            raise click.ClickException(f"aucun client Open311 n° {client_id} (no such client)")
        services.revoke_client(client, actor=None, now=now_utc())
        db.session.commit()
        click.echo(f"Clé n° {client_id} ({client.name}) révoquée.")
