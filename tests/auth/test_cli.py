"""flask gup create-user and token commands."""

import sqlalchemy as sa

from gup.auth import services
from gup.auth.models import ApiToken, Role, User
from gup.extensions import db


def test_create_user_command(runner, f, app_ctx):
    org = f.make_organisation(code="bailleur-x")
    db.session.commit()
    result = runner.invoke(args=["gup", "create-user", "--email", "ref@example.org", "--name", "Réf Érence",
                                 "--role", "partner_referent", "--organisation", "bailleur-x",
                                 "--password", "assez-long-mot-de-passe"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "ref@example.org"))
    assert user.role is Role.PARTNER_REFERENT and user.organisation_id == org.id
    assert services.check_password(user, "assez-long-mot-de-passe")
    short = runner.invoke(args=["gup", "create-user", "--email", "x@example.org", "--name", "X", "--role", "observer",
                                "--password", "court"])
    assert short.exit_code != 0 and "12 caractères" in short.output


def test_token_create_and_revoke_commands(runner, f, client):
    f.make_user(email="api@example.org")
    db.session.commit()
    result = runner.invoke(args=["gup", "token", "create", "api@example.org", "--name", "script"])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip().splitlines()[0]
    assert raw.startswith("gup_")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json["email"] == "api@example.org"
    token = db.session.scalar(sa.select(ApiToken))
    assert runner.invoke(args=["gup", "token", "revoke", str(token.id)]).exit_code == 0
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
