"""The shared outbox: every e-mail gup sends is a row written in the same transaction as its cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from gup.extensions import db
from gup.orm import LabelledEnum, UTCDateTime, now_utc


class OutboundMail(db.Model):
    """Courriel à envoyer: one message of the outbox, with what caused it and how its delivery went.

    `cause_kind` + `cause_id` name the record that caused it (e.g. "resident_report", 42) without a foreign
    key, so any feature can queue mail and erase the pending mails of its own records. A mail is pending
    while `sent_at` and `failed_at` are empty; the sender tries it again at `next_attempt_at` (exponential
    backoff) and gives up after MAIL_MAX_ATTEMPTS (`failed_at` set, listed for administrators)."""

    __tablename__ = "outbound_mails"
    __table_args__ = (sa.Index("ix_outbound_mails_cause", "cause_kind", "cause_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(10), default="fr")
    #: the template it was rendered from (None for a hand-written mail)
    template: Mapped[str | None] = mapped_column(sa.String(100))
    cause_kind: Mapped[str | None] = mapped_column(sa.String(50))
    cause_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))

    def __str__(self) -> str:
        return f"#{self.id}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.failed_at is None


class NotificationPreference(LabelledEnum):
    """How a user hears of what is sent to their organisation (account page); immediate by default."""

    IMMEDIATE = "immediate"
    DIGEST = "digest"
    NONE = "none"

    @classmethod
    def labels(cls) -> dict[str, Any]:
        return {"immediate": _l("Un courriel à chaque envoi"),
                "digest": _l("Un récapitulatif quotidien"),
                "none": _l("Aucun courriel")}


class DigestLine(db.Model):
    """Ligne de récapitulatif: one event kept for a user's daily digest until the digest job mails it."""

    __tablename__ = "notification_digest_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    text: Mapped[str] = mapped_column(sa.String(500))
    url: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class NotificationClaim(db.Model):
    """Something notified once (an item's overdue notice, a user's digest of a day): its key is unique, so a
    second run or a racing process does nothing twice (gup.claims.insert_once)."""

    __tablename__ = "notification_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
