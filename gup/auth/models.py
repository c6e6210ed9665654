"""Users, their roles, personal API tokens and login attempts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.extensions import db
from gup.notifications.models import NotificationPreference
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc


class Role(LabelledEnum):
    """Role of a user account."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    PARTNER_REFERENT = "partner_referent"
    OBSERVER = "observer"
    #: a resident with a relay mandate (gup.relays): files reports for the neighbours of their scope
    RELAY = "relay"

    @classmethod
    def labels(cls):
        return {
            "admin": _l("Administrateur·rice"),
            "coordinator": _l("Coordonnateur·rice GUP"),
            "partner_referent": _l("Référent·e partenaire"),
            "observer": _l("Observateur·rice"),
            "relay": _l("Habitant·e relais"),
        }


def new_session_token() -> str:
    """A random identifier for the login session (rotated to log a user out everywhere)."""
    return secrets.token_urlsafe(32)


class User(Audited, TimestampMixin, db.Model):
    """Utilisateur·rice: an account with one role, possibly belonging to an organisation."""

    __tablename__ = "users"
    __audit_label__ = _l("du compte")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "email": _l("Adresse e-mail"),
        "full_name": _l("Nom complet"),
        "role": _l("Rôle"),
        "organisation_id": _l("Organisme"),
        "is_active_account": _l("Compte actif"),
        "notification_preference": _l("Courriels de suivi"),
    }
    __audit_exclude__ = frozenset({"created_at", "updated_at", "password_hash", "session_token",
                                   "last_login_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = enum_column(Role)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: None until an invited person chooses a password through the link of the invitation mail
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: how the person hears of what is sent to their organisation (gup.notifications.partners)
    notification_preference: Mapped[NotificationPreference] = enum_column(
        NotificationPreference, default=NotificationPreference.IMMEDIATE, server_default="immediate")

    organisation: Mapped[Organisation | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login interface
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        """Flask-Login stores the session token, so rotating it logs the user out everywhere."""
        return self.session_token

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.COORDINATOR

    @property
    def is_referent(self) -> bool:
        return self.role is Role.PARTNER_REFERENT

    @property
    def is_observer(self) -> bool:
        return self.role is Role.OBSERVER

    @property
    def is_relay(self) -> bool:
        return self.role is Role.RELAY

    def __str__(self) -> str:
        return self.full_name


class AnonymousUser:
    """Visitor with the same interface as User: no role, no organisation, may do nothing."""

    id = None
    role = None
    organisation_id = None
    organisation = None
    full_name = ""
    email = ""
    is_authenticated = False
    is_active = False
    is_anonymous = True
    is_admin = is_coordinator = is_referent = is_observer = is_relay = False

    def get_id(self) -> None:
        return None


def hash_token(raw: str) -> str:
    """Digest of a high-entropy API token (stored instead of the token)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimestampMixin, db.Model):
    """Jeton d'API: a personal bearer token, stored hashed, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class LoginAttempt(db.Model):
    """One failed or successful login, used to throttle password guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    ip_address: Mapped[str] = mapped_column(sa.String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, index=True)


class PasswordResetRequest(db.Model):
    """Demande de lien « mot de passe oublié »: what was typed, from where, and when the job handled it.

    Written for every request, whether the address has an account or not, so the request costs the same for
    both; the job sends the mail to existing accounts only. The rows throttle requests per address and per
    client address and are deleted once they no longer count."""

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    ip_address: Mapped[str] = mapped_column(sa.String(64), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
