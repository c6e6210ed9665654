"""Walk-through diagnostics (diagnostics en marchant): by day, by night, women's exploratory walks."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.agreements.models import Agreement, Theme
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, enum_column
from gup.territory.models import Territory


class WalkKind(LabelledEnum):
    """Kind of walk."""

    DAY = "day"
    NIGHT = "night"
    EXPLORATORY_WOMEN = "exploratory_women"
    YOUTH = "youth"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {"day": _l("Marche de jour"), "night": _l("Marche de nuit"),
                "exploratory_women": _l("Marche exploratoire de femmes"), "youth": _l("Marche avec des jeunes"),
                "other": _l("Autre marche")}


class WalkStatus(LabelledEnum):
    """Lifecycle of a walk: it stays « réalisée » until its restitution is sent."""

    PLANNED = "planned"
    DONE = "done"
    RESTITUTION_SENT = "restitution_sent"

    @classmethod
    def labels(cls):
        return {"planned": _l("Prévue"), "done": _l("Réalisée"), "restitution_sent": _l("Restitution envoyée")}


WALK_NEXT: dict[WalkStatus, frozenset[WalkStatus]] = {
    WalkStatus.PLANNED: frozenset({WalkStatus.DONE}),
    WalkStatus.DONE: frozenset({WalkStatus.RESTITUTION_SENT, WalkStatus.PLANNED}),
    WalkStatus.RESTITUTION_SENT: frozenset({WalkStatus.DONE}),
}

walk_organisations = sa.Table(
    "walk_organisations", db.metadata,
    sa.Column("walkthrough_id", sa.ForeignKey("walkthroughs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)
walk_users = sa.Table(
    "walk_users", db.metadata,
    sa.Column("walkthrough_id", sa.ForeignKey("walkthroughs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
walk_grid_themes = sa.Table(
    "walk_grid_themes", db.metadata,
    sa.Column("walkthrough_id", sa.ForeignKey("walkthroughs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Walkthrough(Audited, TimestampMixin, db.Model):
    """Diagnostic en marchant: a walk of the neighbourhood with residents and partners."""

    __tablename__ = "walkthroughs"
    __audit_label__ = _l("du diagnostic")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "neighbourhood_id": _l("Quartier"),
        "title": _l("Intitulé"),
        "walked_on": _l("Date"),
        "starts_at": _l("Heure de départ"),
        "kind": _l("Type"),
        "route_description": _l("Parcours"),
        "residents_count": _l("Habitants"),
        "other_participants": _l("Autres participants"),
        "status": _l("Statut"),
        "restitution_on": _l("Restitution"),
        "follow_up_of_id": _l("Suite du diagnostic"),
        "organisations": _l("Organismes participants"),
        "users": _l("Participants"),
        "grid_themes": _l("Grille de thématiques"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    walked_on: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[time | None]
    kind: Mapped[WalkKind] = enum_column(WalkKind, default=WalkKind.DAY)
    route_description: Mapped[str | None] = mapped_column(sa.Text)
    residents_count: Mapped[int] = mapped_column(default=0)
    other_participants: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[WalkStatus] = enum_column(WalkStatus, default=WalkStatus.PLANNED, index=True)
    restitution_on: Mapped[date | None]
    follow_up_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("walkthroughs.id", ondelete="SET NULL"))

    agreement: Mapped[Agreement] = relationship()
    neighbourhood: Mapped[Territory] = relationship()
    follow_up_of: Mapped[Walkthrough | None] = relationship(remote_side="Walkthrough.id")
    organisations: Mapped[list[Organisation]] = relationship(secondary=walk_organisations,
                                                             order_by="Organisation.name")
    users: Mapped[list[User]] = relationship(secondary=walk_users, order_by="User.full_name")
    grid_themes: Mapped[list[Theme]] = relationship(secondary=walk_grid_themes, order_by="Theme.position")
    stops: Mapped[list[RouteStop]] = relationship(back_populates="walkthrough", cascade="all, delete-orphan",
                                                  order_by="RouteStop.position")
    findings: Mapped[list[Finding]] = relationship(back_populates="walkthrough",  # noqa: F821
                                                     order_by="Finding.id")

    def __str__(self) -> str:
        return self.title

    @property
    def is_night(self) -> bool:
        return self.kind is WalkKind.NIGHT

    def move_to(self, target: WalkStatus, *, on: date) -> None:
        """Change status; sending the restitution records its date."""
        if target is self.status:
            return
        if target not in WALK_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        self.status = target
        if target is WalkStatus.RESTITUTION_SENT:
            self.restitution_on = self.restitution_on or on


class RouteStop(Audited, db.Model):
    """Halte: one ordered stop of a walk's route, with an optional point."""

    __tablename__ = "route_stops"
    __audit_label__ = _l("d'une halte")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "walkthrough_id": _l("Diagnostic"),
        "position": _l("Ordre d'affichage"),
        "name": _l("Nom"),
        "territory_id": _l("Lieu"),
        "latitude": _l("Latitude"),
        "longitude": _l("Longitude"),
        "notes": _l("Notes"),
    }
    __table_args__ = (sa.UniqueConstraint("walkthrough_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    walkthrough_id: Mapped[int] = mapped_column(sa.ForeignKey("walkthroughs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id", ondelete="SET NULL"))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)

    walkthrough: Mapped[Walkthrough] = relationship(back_populates="stops")
    territory: Mapped[Territory | None] = relationship()
