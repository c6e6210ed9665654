"""Audit log: who changed which field of which record, when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.extensions import db
from gup.orm import UTCDateTime, now_utc

if TYPE_CHECKING:  # audit sits below auth: no import at run time
    from gup.auth.models import User


class AuditEntry(db.Model):
    """Entrée d'historique: one create, update or delete of a domain record."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the database transaction that wrote it: what one request did to one record reads as one change
    tx: Mapped[str | None] = mapped_column(sa.String(32))

    actor: Mapped[User | None] = relationship("User")


class StatusChange(db.Model):
    """Historique des statuts: one status move of a finding, an action… (who, when, from, to, note)."""

    __tablename__ = "status_changes"
    __table_args__ = (sa.Index("ix_status_changes_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(sa.String(60))
    entity_id: Mapped[int]
    from_status: Mapped[str | None] = mapped_column(sa.String(40))
    to_status: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    actor: Mapped[User | None] = relationship("User")
