"""Commands: create-user, token create / revoke / list."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from gup.auth import services
from gup.auth.models import ApiToken, Role
from gup.errors import DomainError
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import now_utc


def _organisation(code: str | None) -> Organisation | None:
    if not code:
        return None
    org = db.session.scalar(sa.select(Organisation).where(Organisation.code == code))
    if org is None:
        raise click.BadParameter(f"aucun organisme avec le code « {code} » (unknown organisation code)",
                                 param_hint="--organisation")
    return org


def register(group: AppGroup) -> None:
    @group.command("create-user")
    @click.option("--email", required=True, help="Login e-mail address.")
    @click.option("--name", "full_name", required=True, help="Full name shown in the interface.")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True, help="Role of the account.")
    @click.option("--organisation", help="Organisation code (required for partner_referent).")
    @click.password_option(help="Password (at least 12 characters); prompted when omitted.")
    def create_user(email: str, full_name: str, role: str, organisation: str | None, password: str) -> None:
        """Create a user account."""
        try:
            user = services.create_user(email=email, full_name=full_name, role=Role(role), password=password,
                                        organisation=_organisation(organisation), actor=None)
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from exc
        db.session.commit()
        click.echo(f"Compte créé : {user.email} ({Role(role).value}, id {user.id}).")

    @group.group("token")
    def token() -> None:
        """Personal API tokens (Authorization: Bearer …)."""

    @token.command("create")
    @click.argument("email")
    @click.option("--name", default="CLI", show_default=True, help="A name to recognise the token.")
    def token_create(email: str, name: str) -> None:
        """Create an API token for EMAIL and print it once."""
        user = services.user_by_email(email)
        if user is None:
            raise click.ClickException(f"aucun compte pour {email} (no such user)")
        tok, raw = services.create_token(user, name=name, actor=None, now=now_utc())
        db.session.commit()
        click.echo(raw)
        click.echo(f"Jeton n° {tok.id} créé pour {user.email} : conservez-le, il ne sera plus affiché.", err=True)

    @token.command("revoke")
    @click.argument("token_id", type=int)
    def token_revoke(token_id: int) -> None:
        """Revoke the API token TOKEN_ID."""
        tok = db.session.get(ApiToken, token_id)
        if tok is None:
            raise click.ClickException(f"aucun jeton n° {token_id} (no such token)")
        services.revoke_token(tok, actor=None, now=now_utc())
        db.session.commit()
        click.echo(f"Jeton n° {token_id} révoqué.")

    @token.command("list")
    @click.argument("email")
    def token_list(email: str) -> None:
        """List the API tokens of EMAIL."""
        user = services.user_by_email(email)
        if user is None:
            raise click.ClickException(f"aucun compte pour {email} (no such user)")
        for tok in user.tokens:
            state = "révoqué" if tok.is_revoked else "actif"
            click.echo(f"{tok.id}\t{tok.prefix}…\t{tok.name}\t{state}")
