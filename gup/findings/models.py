"""Findings (constats): what is wrong, good or proposed, routed to the partner that must act."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.agreements.models import Agreement, Theme
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc
from gup.territory.models import Territory


class FindingKind(LabelledEnum):
    """Dysfonctionnement, point positif or préconisation."""

    ISSUE = "issue"
    STRENGTH = "strength"
    PROPOSAL = "proposal"

    @classmethod
    def labels(cls):
        return {"issue": _l("Dysfonctionnement"), "strength": _l("Point positif"), "proposal": _l("Proposition")}


class LandOwnership(LabelledEnum):
    """Domanialité: who owns (and must manage) the place."""

    TOWN = "town"
    EPCI = "epci"
    HOUSING_PROVIDER = "housing_provider"
    CO_OWNERSHIP = "co_ownership"
    STATE = "state"
    PRIVATE = "private"

    @classmethod
    def labels(cls):
        return {"town": _l("Domaine public communal"), "epci": _l("Intercommunalité (EPCI)"),
                "housing_provider": _l("Terrain du bailleur"), "co_ownership": _l("Copropriété"),
                "state": _l("État"), "private": _l("Propriété privée")}


class Priority(LabelledEnum):
    """Priority, which sets the default due date."""

    URGENT = "urgent"
    THIS_YEAR = "this_year"
    LONGER_TERM = "longer_term"

    @classmethod
    def labels(cls):
        return {"urgent": _l("Urgent"), "this_year": _l("Dans l'année"), "longer_term": _l("À plus long terme")}


class FindingStatus(LabelledEnum):
    """Lifecycle of a finding."""

    NEW = "new"
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CHECKED = "checked"
    OUT_OF_SCOPE = "out_of_scope"

    @classmethod
    def labels(cls):
        return {"new": _l("Nouveau"), "sent": _l("Transmis au partenaire"), "accepted": _l("Accepté"),
                "refused": _l("Refusé"), "planned": _l("Programmé"), "in_progress": _l("En cours"),
                "resolved": _l("Résolu"), "checked": _l("Vérifié sur place"),
                "out_of_scope": _l("Hors champ (réorienté)")}


#: a positive point (point positif) is recorded and restituted with its walk: it has no priority, due date,
#: responsible organisation or routing, and stays outside the problem lifecycle below (its stored status stays
#: « new » and never moves); only problems (dysfonctionnements, propositions) are open, overdue or counted as such
POSITIVE_KIND = FindingKind.STRENGTH

OPEN_FINDING_STATUSES = frozenset({FindingStatus.NEW, FindingStatus.SENT, FindingStatus.ACCEPTED,
                                   FindingStatus.PLANNED, FindingStatus.IN_PROGRESS, FindingStatus.REFUSED})
FINDING_NEXT: dict[FindingStatus, frozenset[FindingStatus]] = {
    FindingStatus.NEW: frozenset({FindingStatus.SENT, FindingStatus.OUT_OF_SCOPE}),
    FindingStatus.SENT: frozenset({FindingStatus.ACCEPTED, FindingStatus.REFUSED, FindingStatus.OUT_OF_SCOPE}),
    FindingStatus.REFUSED: frozenset({FindingStatus.SENT, FindingStatus.OUT_OF_SCOPE}),
    FindingStatus.ACCEPTED: frozenset({FindingStatus.PLANNED, FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED}),
    FindingStatus.PLANNED: frozenset({FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED}),
    FindingStatus.IN_PROGRESS: frozenset({FindingStatus.PLANNED, FindingStatus.RESOLVED}),
    FindingStatus.RESOLVED: frozenset({FindingStatus.CHECKED, FindingStatus.IN_PROGRESS}),
    FindingStatus.CHECKED: frozenset({FindingStatus.IN_PROGRESS}),
    FindingStatus.OUT_OF_SCOPE: frozenset({FindingStatus.SENT}),
}
#: moves that the responsible partner makes; the others belong to the coordination
#: finding statuses from which a finished action can resolve its findings
RESOLVABLE = frozenset({FindingStatus.ACCEPTED, FindingStatus.PLANNED, FindingStatus.IN_PROGRESS})
#: finding statuses that can be turned into an action (sent ones are accepted on the way)
TAKEABLE = RESOLVABLE | {FindingStatus.SENT}

PARTNER_MOVES = frozenset({FindingStatus.ACCEPTED, FindingStatus.REFUSED, FindingStatus.PLANNED,
                           FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED})

finding_actions = sa.Table(
    "finding_actions", db.metadata,
    sa.Column("finding_id", sa.ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_id", sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    #: an action's findings are read by action (the primary key leads with the finding)
    sa.Index("ix_finding_actions_action_id", "action_id", "finding_id"),
)


class Finding(Audited, TimestampMixin, db.Model):
    """Constat: an issue, strength or proposal noted during a walk or by a partner, routed until resolved."""

    __tablename__ = "findings"
    __audit_label__ = _l("du constat")
    #: the dashboard's and the agreement page's charts count findings per agreement by theme and by status: these
    #: covering indexes answer them without reading the table (and « À traiter »'s groups by status, the list
    #: filtered by theme and status)
    __table_args__ = (sa.Index("ix_findings_agreement_theme", "agreement_id", "theme_id", "status", "kind",
                               "due_on"),
                      # the lists' order (due date first) is sorted on this index alone, then the page read by key
                      sa.Index("ix_findings_agreement_due", "agreement_id", "due_on"),
                      # the coordination's groups of refused and resolved findings sort on the last two columns
                      sa.Index("ix_findings_agreement_status", "agreement_id", "status", "kind", "resolved_on",
                               "updated_at"))
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "walkthrough_id": _l("Diagnostic"),
        "stop_id": _l("Halte"),
        "kind": _l("Type"),
        "theme_id": _l("Thématique"),
        "address": _l("Adresse"),
        "latitude": _l("Latitude"),
        "longitude": _l("Longitude"),
        "territory_id": _l("Lieu"),
        "land_ownership": _l("Domanialité"),
        "description": _l("Description"),
        "resident_quote": _l("Parole d'habitant"),
        "priority": _l("Priorité"),
        "responsible_organisation_id": _l("Organisme responsable"),
        "due_on": _l("Échéance"),
        "status": _l("Statut"),
        "refusal_reason": _l("Raison du refus"),
        "referral": _l("Réorientation"),
        "resolved_on": _l("Date de résolution"),
        "resolution_note": _l("Note de résolution"),
        "is_recurring": _l("Problème structurel"),
        "created_by_id": _l("Saisi par"),
        "actions": _l("Actions liées"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    walkthrough_id: Mapped[int | None] = mapped_column(sa.ForeignKey("walkthroughs.id", ondelete="SET NULL"),
                                                       index=True)
    stop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("route_stops.id", ondelete="SET NULL"), index=True)
    kind: Mapped[FindingKind] = enum_column(FindingKind, default=FindingKind.ISSUE)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id"), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(255))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id", ondelete="SET NULL"),
                                                     index=True)
    land_ownership: Mapped[LandOwnership | None] = enum_column(LandOwnership, nullable=True)
    description: Mapped[str] = mapped_column(sa.Text)
    resident_quote: Mapped[str | None] = mapped_column(sa.Text)
    priority: Mapped[Priority] = enum_column(Priority, default=Priority.THIS_YEAR)
    responsible_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[FindingStatus] = enum_column(FindingStatus, default=FindingStatus.NEW, index=True)
    refusal_reason: Mapped[str | None] = mapped_column(sa.Text)
    referral: Mapped[str | None] = mapped_column(sa.Text)
    resolved_on: Mapped[date | None]
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    is_recurring: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    agreement: Mapped[Agreement] = relationship()
    walkthrough: Mapped[Walkthrough | None] = relationship(back_populates="findings")  # noqa: F821
    stop: Mapped[RouteStop | None] = relationship()  # noqa: F821
    theme: Mapped[Theme] = relationship()
    territory: Mapped[Territory | None] = relationship()
    responsible_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    photos: Mapped[list[Photo]] = relationship(back_populates="finding", order_by="Photo.id")  # noqa: F821
    transfers: Mapped[list[Transfer]] = relationship(back_populates="finding", cascade="all, delete-orphan",
                                                     order_by="Transfer.at")
    actions: Mapped[list[Action]] = relationship(secondary=finding_actions,  # noqa: F821
                                                   back_populates="findings", order_by="Action.id")

    def __str__(self) -> str:
        return self.description[:60]

    @classmethod
    def problem_clause(cls) -> sa.ColumnElement[bool]:
        """SQL: the finding is a problem, not a positive point (what open, overdue and problem counts keep)."""
        return cls.kind != POSITIVE_KIND

    @property
    def is_positive(self) -> bool:
        """A positive point: outside the problem lifecycle (see POSITIVE_KIND)."""
        return self.kind == POSITIVE_KIND

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FINDING_STATUSES and not self.is_positive

    def next_statuses(self) -> frozenset[FindingStatus]:
        """Statuses the lifecycle allows from here (none for a positive point)."""
        return frozenset() if self.is_positive else FINDING_NEXT[self.status]

    def is_overdue(self, today: date) -> bool:
        """Past its due date and still open (computed, never stored)."""
        return self.due_on is not None and self.due_on < today and self.is_open

    def move_to(self, target: FindingStatus, *, on: date) -> None:
        """Change status, refusing moves the lifecycle does not allow."""
        if target is self.status:
            return
        if target not in self.next_statuses():
            raise InvalidTransition(self.status.label, target.label)
        self.status = target
        if target is FindingStatus.RESOLVED:
            self.resolved_on = on
        elif target not in (FindingStatus.CHECKED,):
            self.resolved_on = None


class Transfer(db.Model):
    """Réorientation: a hand-over of a finding from one organisation to another, with its reason."""

    __tablename__ = "finding_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    from_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    to_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    finding: Mapped[Finding] = relationship(back_populates="transfers")
    from_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation] = relationship(foreign_keys=[to_organisation_id])
    by: Mapped[User | None] = relationship()


class RoutingRule(Audited, db.Model):
    """Règle d'orientation: (land ownership, theme) → the organisation that must act, per agreement."""

    __tablename__ = "routing_rules"
    __audit_label__ = _l("d'une règle d'orientation")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "land_ownership": _l("Domanialité"),
        "theme_id": _l("Thématique"),
        "organisation_id": _l("Organisme"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "land_ownership", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    land_ownership: Mapped[LandOwnership] = enum_column(LandOwnership)
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))

    agreement: Mapped[Agreement] = relationship()
    theme: Mapped[Theme | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
