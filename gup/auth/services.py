"""Use cases of accounts: passwords, invitations and password links, login throttling, API tokens."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _

from gup.audit.services import acting_as
from gup.auth import links
from gup.auth.links import LinkPurpose
from gup.auth.models import ApiToken, LoginAttempt, PasswordResetRequest, Role, User, hash_token
from gup.errors import DomainError
from gup.extensions import db
from gup.notifications.models import OutboundMail
from gup.notifications.services import mail_url, queue_notification
from gup.organisations.models import Organisation

logger = logging.getLogger(__name__)

_HASHER = PasswordHasher()
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # tests only: the least Argon2 allows
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}
DEMO_DOMAIN = "@demo.gup.fr"


def _hasher() -> PasswordHasher:
    return _FAST_HASHER if current_app.config.get("PASSWORD_HASH_FAST") else _HASHER


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's parameters, verified in place of a missing one so that timing reveals nothing."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[key]


def has_usable_password(user: User) -> bool:
    """False for an invited account whose person has not chosen a password yet."""
    return bool(user.password_hash) and user.password_hash.startswith("$argon2")


def check_password(user: User | None, password: str) -> bool:
    """Verify a password, upgrading the hash parameters when they changed.

    Exactly one Argon2 verification runs whether the account exists, has no password yet or not: an unknown
    address is checked against a dummy hash, so the answer takes as long as for a known one."""
    hasher = _hasher()
    usable = user is not None and has_usable_password(user)
    try:
        hasher.verify(user.password_hash if usable else _dummy_hash(hasher), password)  # type: ignore[union-attr]
    except (VerificationError, InvalidHashError):
        return False
    if not usable:
        return False
    if hasher.check_needs_rehash(user.password_hash):  # type: ignore[union-attr]
        user.password_hash = hash_password(password)  # type: ignore[union-attr]
    return True


def validate_password(password: str, *, allow_short: bool = False) -> None:
    """Refuse passwords shorter than the minimum length (demo accounts excepted)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not allow_short and len(password) < minimum:
        raise DomainError(_("Le mot de passe doit contenir au moins %(n)d caractères.", n=minimum),
                          field="password")


def _allows_short(user: User, password: str) -> bool:
    """Demo accounts may keep an 8-character password."""
    return user.email.endswith(DEMO_DOMAIN) and len(password) >= 8


def password_problem(user: User, password: str) -> str | None:
    """What the password rules say of this new password for this account (None when it is accepted): forms
    show it with their other errors; `set_password` enforces it."""
    try:
        validate_password(password, allow_short=_allows_short(user, password))
    except DomainError as exc:
        return exc.message
    return None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(*, email: str, full_name: str, role: Role, password: str | None = None,
                organisation: Organisation | None, actor: Any, allow_short_password: bool = False) -> User:
    """Create an account; a partner referent must belong to an organisation.

    Without a password (the administration screen), nobody can log in until the person chooses one through
    the invitation (`send_invitation`); the command line and the demo still give one."""
    acting_as(db.session, actor)
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise DomainError(_("Un compte existe déjà avec cette adresse e-mail."), field="email")
    if role is Role.PARTNER_REFERENT and organisation is None:
        raise DomainError(_("Un·e référent·e partenaire doit appartenir à un organisme."), field="organisation_id")
    if password is not None:
        validate_password(password, allow_short=allow_short_password)
    user = User(email=email, full_name=full_name.strip(), role=role, organisation=organisation,
                password_hash=hash_password(password) if password is not None else None)
    db.session.add(user)
    db.session.flush()
    logger.info("user %s created with role %s by %s", user.id, role.value, getattr(actor, "id", None))
    return user


def update_user(user: User, *, full_name: str, role: Role, organisation: Organisation | None,
                is_active: bool, actor: Any) -> User:
    """Change an account's role, organisation or activation (deactivation logs it out everywhere)."""
    acting_as(db.session, actor)
    if role is Role.PARTNER_REFERENT and organisation is None:
        raise DomainError(_("Un·e référent·e partenaire doit appartenir à un organisme."), field="organisation_id")
    if user.id == getattr(actor, "id", None) and (not is_active or role is not Role.ADMIN):
        raise DomainError(_("Vous ne pouvez pas retirer vos propres droits d'administration."), field="role")
    user.full_name = full_name.strip()
    user.role = role
    user.organisation = organisation
    if user.is_active_account and not is_active:
        user.rotate_session_token()
    user.is_active_account = is_active
    db.session.flush()
    logger.info("user %s updated by %s", user.id, getattr(actor, "id", None))
    return user


def set_password(user: User, *, password: str, actor: Any) -> None:
    """Set a new password and log the user out of every other session."""
    acting_as(db.session, actor)
    validate_password(password, allow_short=_allows_short(user, password))
    user.password_hash = hash_password(password)
    user.rotate_session_token()
    db.session.flush()
    logger.info("password of user %s set by %s", user.id, getattr(actor, "id", None))


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session and remember-me cookie holds the old session token."""
    user.rotate_session_token()
    db.session.flush()
    logger.info("sessions of user %s ended", user.id)


def change_own_password(user: User, *, current: str, new: str) -> None:
    """Password change by the user, who must give the current one."""
    if not check_password(user, current):
        raise DomainError(_("Mot de passe actuel incorrect."), field="current_password")
    set_password(user, password=new, actor=user)


# --- invitations and password links -------------------------------------------------------------------

class TooManyRequests(DomainError):
    """Too many password link requests for an address or from a client address."""

    status_code = 429


def _queue_link_mail(user: User, purpose: LinkPurpose, *, now: datetime, inviter: str = "") -> OutboundMail:
    token = links.make_token(user, purpose, now=now)
    lifetime = links.lifetime(purpose)
    seconds = int(lifetime.total_seconds())
    context = {"full_name": user.full_name, "email": user.email,
               "url": mail_url("auth.choose_password", token=token), "hours": seconds // 3600,
               "minutes": seconds // 60,
               "inviter": inviter, "login_url": mail_url("auth.login")}
    name = "account_invitation" if purpose is LinkPurpose.INVITATION else "password_reset"
    return queue_notification(name, to=user.email, context=context, cause_kind="user", cause_id=user.id)


def send_invitation(user: User, *, actor: Any, now: datetime) -> OutboundMail:
    """Mail the link to choose a first password; a new invitation makes the previous links stale."""
    if has_usable_password(user):
        raise DomainError(_("Ce compte a déjà un mot de passe : envoyez plutôt un lien de réinitialisation."),
                          field="password")
    if not user.is_active_account:
        raise DomainError(_("Ce compte est désactivé."), field="is_active")
    user.rotate_session_token()  # the fingerprint of earlier links no longer matches
    db.session.flush()
    mail = _queue_link_mail(user, LinkPurpose.INVITATION, now=now, inviter=getattr(actor, "full_name", "") or "")
    logger.info("invitation of user %s queued by %s", user.id, getattr(actor, "id", None))
    return mail


def send_reset_link(user: User, *, actor: Any, now: datetime) -> OutboundMail:
    """Mail a link to choose a new password (the current one keeps working until then)."""
    if not user.is_active_account:
        raise DomainError(_("Ce compte est désactivé."), field="is_active")
    mail = _queue_link_mail(user, LinkPurpose.RESET, now=now)
    logger.info("password link of user %s queued by %s", user.id, getattr(actor, "id", None))
    return mail


def request_password_reset(*, email: str, ip_address: str, now: datetime) -> PasswordResetRequest:
    """« Mot de passe oublié » : record the request, whatever the address; the job mails existing accounts.

    The work is the same for a known and an unknown address (two counts and one insert), so neither the
    answer nor its timing says whether the address has an account. Raises TooManyRequests past the limits
    per typed address and per client address."""
    cfg = current_app.config
    email = normalise_email(email)[:254]
    since = now - timedelta(minutes=cfg["PASSWORD_RESET_WINDOW_MINUTES"])
    recent = sa.select(sa.func.count()).select_from(PasswordResetRequest).where(
        PasswordResetRequest.requested_at >= since)
    by_email = db.session.scalar(recent.where(PasswordResetRequest.email == email))
    by_ip = db.session.scalar(recent.where(PasswordResetRequest.ip_address == ip_address[:64]))
    if by_email >= cfg["PASSWORD_RESET_MAX_PER_ADDRESS"] or by_ip >= cfg["PASSWORD_RESET_MAX_PER_IP"]:
        logger.info("password link request throttled (from %s)", ip_address)
        raise TooManyRequests(_("Trop de demandes : réessayez dans une heure."), field="email")
    request_row = PasswordResetRequest(email=email, ip_address=ip_address[:64], requested_at=now)
    db.session.add(request_row)
    db.session.flush()
    logger.info("password link request %s recorded", request_row.id)
    return request_row


def send_requested_links(*, now: datetime, limit: int = 200) -> int:
    """Job: mail a password link for each pending request whose address has an active account.

    Each request is claimed by a conditional update, so two runs never mail twice; requests older than the
    throttling window are deleted (they held typed addresses and client addresses)."""
    ids = list(db.session.scalars(sa.select(PasswordResetRequest.id).where(
        PasswordResetRequest.processed_at.is_(None)).order_by(PasswordResetRequest.id).limit(limit)))
    sent = 0
    for request_id in ids:
        claimed = db.session.execute(sa.update(PasswordResetRequest).where(
            PasswordResetRequest.id == request_id, PasswordResetRequest.processed_at.is_(None))
            .values(processed_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        email = db.session.scalar(sa.select(PasswordResetRequest.email).where(PasswordResetRequest.id == request_id))
        user = user_by_email(email or "")
        if user is not None and user.is_active_account:
            send_reset_link(user, actor=None, now=now)
            sent += 1
    window = timedelta(minutes=current_app.config["PASSWORD_RESET_WINDOW_MINUTES"])
    db.session.execute(sa.delete(PasswordResetRequest).where(PasswordResetRequest.processed_at.is_not(None),
                                                             PasswordResetRequest.requested_at < now - window)
                       .execution_options(synchronize_session=False))
    db.session.flush()
    return sent


def account_for_link(token: str, *, now: datetime) -> tuple[User, LinkPurpose] | None:
    """The account a password link is valid for (None: forged, expired, used or stale)."""
    return links.read_token(token, now=now)


def choose_password(user: User, *, password: str) -> None:
    """The person chose a password through a link: the password rules apply, every earlier link goes stale."""
    set_password(user, password=password, actor=user)


def is_throttled(*, email: str, ip_address: str, now: datetime) -> bool:
    """Too many failed logins for this address or from this IP within the window."""
    cfg = current_app.config
    since = now - timedelta(minutes=cfg["LOGIN_WINDOW_MINUTES"])
    failures = sa.select(sa.func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    by_email = db.session.scalar(failures.where(LoginAttempt.email == normalise_email(email)))
    by_ip = db.session.scalar(failures.where(LoginAttempt.ip_address == ip_address))
    return by_email >= cfg["LOGIN_MAX_FAILURES"] or by_ip >= cfg["LOGIN_MAX_FAILURES"] * 4


def authenticate(*, email: str, password: str, ip_address: str, now: datetime) -> User | None:
    """Check credentials, recording the attempt; None when they are wrong or the account is disabled."""
    user = user_by_email(email)
    verified = check_password(user, password)  # always, even for an unknown or disabled account (timing)
    ok = user is not None and user.is_active_account and verified
    db.session.add(LoginAttempt(email=normalise_email(email)[:254], ip_address=ip_address[:64],
                                succeeded=ok, at=now))
    if ok:
        user.last_login_at = now
        logger.info("user %s logged in", user.id)
    else:
        logger.info("failed login from %s", ip_address)
    db.session.flush()
    return user if ok else None


def create_token(user: User, *, name: str, actor: Any, now: datetime) -> tuple[ApiToken, str]:
    """Issue a personal API token; the raw token is returned once and only its hash is stored."""
    raw = "gup_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip() or "API", token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    logger.info("api token %s created for user %s by %s", token.id, user.id, getattr(actor, "id", None))
    return token, raw


def revoke_token(token: ApiToken, *, actor: Any, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
        logger.info("api token %s revoked by %s", token.id, getattr(actor, "id", None))


def user_for_token(raw: str, *, now: datetime) -> User | None:
    """The active user owning a valid, unrevoked token."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active_account:
        return None
    return token.user


def _recipient(user: User) -> Any:
    from gup.notifications.partners import Recipient

    return Recipient(user_id=user.id, email=user.email, preference=user.notification_preference)


def notification_recipients(organisation_id: int) -> list[Any]:
    """The active referents of an organisation with an address, as partner notifications need them."""
    users = db.session.scalars(sa.select(User).where(User.organisation_id == organisation_id,
                                                     User.role == Role.PARTNER_REFERENT,
                                                     User.is_active_account.is_(True), User.email != "")
                               .order_by(User.id))
    return [_recipient(u) for u in users]


def notification_recipient(user_id: int) -> Any:
    """One digest reader (None when the account is gone or inactive)."""
    user = db.session.get(User, user_id)
    return _recipient(user) if user is not None and user.is_active_account else None


def set_notification_preference(user: User, *, preference: Any, actor: Any) -> User:
    """Choose how partner notifications reach this account (immediate, daily digest, none)."""
    from gup.notifications.models import NotificationPreference

    acting_as(db.session, actor)
    try:
        user.notification_preference = NotificationPreference(preference)
    except ValueError:
        raise DomainError(_("Choisissez une fréquence proposée."), field="notification_preference") from None
    db.session.flush()
    logger.info("user %s notification preference set to %s", user.id, user.notification_preference)
    return user
