"""Use cases of Open311 client applications: issue, revoke and check API keys (stored hashed, shown once)."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.audit.services import acting_as
from gup.auth.models import hash_token
from gup.errors import DomainError
from gup.extensions import db
from gup.open311.models import Open311Client

logger = logging.getLogger(__name__)

KEY_PREFIX = "o311_"


def create_client(*, name: str, actor: Any, now: datetime, public_intake: bool = False,
                  reads_private: bool = False) -> tuple[Open311Client, str]:
    """Issue an API key to a named client application; the raw key is returned once, only its hash is kept.
    `public_intake` and `reads_private` are its rights under the public-disclosure rule (gup.hotline.disclosure)."""
    acting_as(db.session, actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Donnez le nom de l'application cliente."), field="name")
    if len(name) > 120:
        raise DomainError(_("120 caractères au plus."), field="name")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(name=name, key_hash=hash_token(raw), key_prefix=raw[:10], created_at=now,
                           public_intake=bool(public_intake), reads_private=bool(reads_private))
    db.session.add(client)
    db.session.flush()
    logger.info("open311 client %s created by %s", client.id, getattr(actor, "id", None))
    return client, raw


def set_client_rights(client: Open311Client, *, public_intake: bool, reads_private: bool, actor: Any) -> None:
    """What the application's reports publish and what it may read (recorded in the history)."""
    acting_as(db.session, actor)
    client.public_intake, client.reads_private = bool(public_intake), bool(reads_private)
    db.session.flush()
    logger.info("open311 client %s rights set by %s: public_intake=%s reads_private=%s", client.id,
                getattr(actor, "id", None), client.public_intake, client.reads_private)


def revoke_client(client: Open311Client, *, actor: Any, now: datetime) -> None:
    """Revoke the key: the application can no longer post requests (reading stays public)."""
    acting_as(db.session, actor)
    if client.revoked_at is None:
        client.revoked_at = now
        db.session.flush()
        logger.info("open311 client %s revoked by %s", client.id, getattr(actor, "id", None))


def client_for_key(raw: str | None) -> Open311Client | None:
    """The unrevoked client owning this key, else None."""
    if not raw:
        return None
    client = db.session.scalar(sa.select(Open311Client).where(Open311Client.key_hash == hash_token(raw)))
    if client is None or client.is_revoked:
        return None
    return client


def list_clients() -> list[Open311Client]:
    return list(db.session.scalars(sa.select(Open311Client).order_by(Open311Client.revoked_at.is_not(None),
                                                                     Open311Client.name, Open311Client.id)))
