"""Signed, single-use, expiring links to choose a password (invitation of a new account, « mot de passe oublié »).

The token signs (user id, purpose, issue time, fingerprint of the account's password hash and session token)
with SECRET_KEY. Choosing a password changes both, and so do a new invitation (the session token is rotated)
and a deactivation, so a link works once and only for the account state it was issued for. The issue time
is inside the signed payload and checked against the caller's `now`, so tests move the clock instead of waiting.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from gup.auth.models import User
from gup.extensions import db
from gup.notifications.services import mail_url  # noqa: F401  (the one builder of mailed links, re-exported)

logger = logging.getLogger(__name__)

SALT = "gup.auth.password-link"
#: tolerated clock difference between the web workers and the scheduler process
CLOCK_SKEW = timedelta(minutes=5)


class LinkPurpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


def lifetime(purpose: LinkPurpose) -> timedelta:
    cfg = current_app.config
    if purpose is LinkPurpose.INVITATION:
        return timedelta(hours=cfg["INVITATION_LINK_HOURS"])
    return timedelta(minutes=cfg["RESET_LINK_MINUTES"])


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(user: User) -> str:
    """Changes whenever the password, the session token, the address or the activation changes."""
    state = f"{user.id}|{user.email}|{user.password_hash or ''}|{user.session_token}|{user.is_active_account}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def make_token(user: User, purpose: LinkPurpose, *, now: datetime) -> str:
    return _serializer().dumps({"u": user.id, "p": purpose.value, "t": int(now.timestamp()), "f": fingerprint(user)})


def read_token(token: str, *, now: datetime) -> tuple[User, LinkPurpose] | None:
    """The active account and purpose of a valid link; None when forged, expired, already used or stale."""
    if not token or len(token) > 500:
        return None
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("p") not in {p.value for p in LinkPurpose}:
        return None
    user_id, issued, mark = data.get("u"), data.get("t"), data.get("f")
    if not isinstance(user_id, int) or not isinstance(issued, int) or not isinstance(mark, str):
        return None
    purpose = LinkPurpose(data["p"])
    issued_at = datetime.fromtimestamp(issued, tz=now.tzinfo)
    if now - issued_at > lifetime(purpose) or issued_at - now > CLOCK_SKEW:
        logger.info("expired %s link for user %s", purpose.value, user_id)
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account or not hmac.compare_digest(fingerprint(user), mark):
        return None
    return user, purpose
