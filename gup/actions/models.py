"""Actions (fiches action): the shared unit of follow-up, reused by findings, reports and budget projects."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.agreements.models import Agreement, Commitment
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc


class ActionKind(LabelledEnum):
    """What kind of work an action is."""

    INTERVENTION = "intervention"
    WORKS = "works"
    SENSITIZATION = "sensitization"
    PARTICIPATION_EVENT = "participation_event"
    STUDY = "study"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {"intervention": _l("Intervention"), "works": _l("Travaux"),
                "sensitization": _l("Sensibilisation / formation"),
                "participation_event": _l("Temps de participation des habitants"), "study": _l("Étude"),
                "other": _l("Autre")}


class ActionStatus(LabelledEnum):
    """Lifecycle of an action."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {"planned": _l("Prévue"), "in_progress": _l("En cours"), "done": _l("Réalisée"),
                "blocked": _l("Bloquée"), "cancelled": _l("Annulée")}


CLOSED_ACTION_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})
ACTION_NEXT: dict[ActionStatus, frozenset[ActionStatus]] = {
    ActionStatus.PLANNED: frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.BLOCKED,
                                     ActionStatus.CANCELLED}),
    ActionStatus.IN_PROGRESS: frozenset({ActionStatus.DONE, ActionStatus.BLOCKED, ActionStatus.CANCELLED,
                                         ActionStatus.PLANNED}),
    ActionStatus.BLOCKED: frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.CANCELLED}),
    ActionStatus.DONE: frozenset({ActionStatus.IN_PROGRESS}),
    ActionStatus.CANCELLED: frozenset({ActionStatus.PLANNED}),
}

action_contributors = sa.Table(
    "action_contributors", db.metadata,
    sa.Column("action_id", sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Action(Audited, TimestampMixin, db.Model):
    """Action: who does what by when, followed up to its end (from a commitment, a finding, a report…)."""

    __tablename__ = "actions"
    __audit_label__ = _l("de l'action")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "title": _l("Intitulé"),
        "description": _l("Description"),
        "kind": _l("Type"),
        "audience": _l("Public visé"),
        "responsible_organisation_id": _l("Organisme responsable"),
        "assignee_id": _l("Personne chargée"),
        "commitment_id": _l("Engagement"),
        "due_on": _l("Échéance"),
        "status": _l("Statut"),
        "blocked_reason": _l("Raison du blocage"),
        "progress": _l("Avancement (%)"),
        "cost": _l("Coût"),
        "done_on": _l("Date de réalisation"),
        "contributors": _l("Partenaires associés"),
        "findings": _l("Constats liés"),
    }
    #: the index covers the follow-up chart of actions per organisation of an agreement (done, on time, overdue)
    __table_args__ = (sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
                      sa.Index("ix_actions_agreement_status_organisation", "agreement_id", "status",
                               "responsible_organisation_id", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[ActionKind] = enum_column(ActionKind, default=ActionKind.INTERVENTION)
    audience: Mapped[str | None] = mapped_column(sa.String(255))
    responsible_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    commitment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("commitments.id", ondelete="SET NULL"),
                                                      index=True)
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[ActionStatus] = enum_column(ActionStatus, default=ActionStatus.PLANNED, index=True)
    blocked_reason: Mapped[str | None] = mapped_column(sa.Text)
    progress: Mapped[int] = mapped_column(default=0)
    cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    done_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship()
    responsible_organisation: Mapped[Organisation] = relationship()
    assignee: Mapped[User | None] = relationship()
    commitment: Mapped[Commitment | None] = relationship()
    contributors: Mapped[list[Organisation]] = relationship(secondary=action_contributors,
                                                            order_by="Organisation.name")
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                       order_by="ActionUpdate.created_at.desc()")
    findings: Mapped[list[Finding]] = relationship(secondary="finding_actions",  # noqa: F821
                                                     back_populates="actions", order_by="Finding.id")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_ACTION_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Past its due date and neither done nor cancelled (computed, never stored)."""
        return self.due_on is not None and self.due_on < today and not self.is_closed

    def move_to(self, target: ActionStatus, *, on: date, reason: str | None = None) -> None:
        """Change status; blocking needs a reason, done sets 100 % and the completion date."""
        if target is self.status:
            return
        if target not in ACTION_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        if target is ActionStatus.BLOCKED:
            if not (reason or "").strip():
                raise InvalidTransition(self.status.label, target.label, _l("indiquez ce qui bloque"))
            self.blocked_reason = reason.strip()
        if target is not ActionStatus.BLOCKED:
            self.blocked_reason = None  # the reason stays in the status history, not on an unblocked action
        self.status = target
        if target is ActionStatus.DONE:
            self.progress = 100
            self.done_on = on
        elif self.done_on is not None:
            self.done_on = None


class ActionUpdate(Audited, db.Model):
    """Point d'avancement d'une action: note, author, date, optional photo, new progress or status."""

    __tablename__ = "action_updates"
    __audit_label__ = _l("d'un point d'avancement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "action_id": _l("Action"),
        "author_id": _l("Auteur·rice"),
        "note": _l("Note"),
        "progress": _l("Avancement (%)"),
        "status": _l("Statut"),
        "photo_id": _l("Photo"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    note: Mapped[str] = mapped_column(sa.Text)
    progress: Mapped[int | None]
    status: Mapped[ActionStatus | None] = enum_column(ActionStatus, nullable=True)
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("photos.id", ondelete="SET NULL"))

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()
    photo: Mapped[Photo | None] = relationship()  # noqa: F821


def answered_model() -> Any:
    """The model of the records an action answers (findings), reached through `Action.findings`: actions import
    no code of the features that create them; the relationship names its target."""
    return Action.findings.property.mapper.class_
