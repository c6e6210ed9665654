"""Resident relays (habitants relais, GUIDE §3.8): mandates per building, stairwell, residence or theme, pools of
volunteers and the auditable random draws that pick relays from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.actions.models import Action
from gup.agreements.models import Agreement, Theme
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.hotline.models import ResidentReport
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc
from gup.territory.models import Territory
from gup.walks.models import Walkthrough


class DesignationMethod(LabelledEnum):
    VOLUNTEER = "volunteer"
    CO_OPTED = "co_opted"
    RANDOM_DRAW = "random_draw"
    ELECTED = "elected"

    @classmethod
    def labels(cls):
        return {"volunteer": _l("Volontariat"), "co_opted": _l("Cooptation"),
                "random_draw": _l("Tirage au sort"), "elected": _l("Élection")}


class RelayStatus(LabelledEnum):
    ACTIVE = "active"
    ENDED = "ended"

    @classmethod
    def labels(cls):
        return {"active": _l("En mandat"), "ended": _l("Mandat terminé")}


class EndReason(LabelledEnum):
    TERM = "term"
    RESIGNED = "resigned"
    REVOKED = "revoked"
    MOVED = "moved"

    @classmethod
    def labels(cls):
        return {"term": _l("Fin du mandat"), "resigned": _l("Démission"), "revoked": _l("Révocation"),
                "moved": _l("Déménagement")}


class AgeBracket(LabelledEnum):
    UNDER_25 = "under_25"
    FROM_25_TO_39 = "25_39"
    FROM_40_TO_59 = "40_59"
    FROM_60_TO_74 = "60_74"
    OVER_75 = "75_plus"
    NOT_SAID = "not_said"

    @classmethod
    def labels(cls):
        return {"under_25": _l("Moins de 25 ans"), "25_39": _l("25 à 39 ans"), "40_59": _l("40 à 59 ans"),
                "60_74": _l("60 à 74 ans"), "75_plus": _l("75 ans et plus"),
                "not_said": _l("Ne souhaite pas répondre")}


class Gender(LabelledEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    NOT_SAID = "not_said"

    @classmethod
    def labels(cls):
        return {"woman": _l("Femme"), "man": _l("Homme"), "other": _l("Autre"),
                "not_said": _l("Ne souhaite pas répondre")}


def place_label(kind: Any, name: str) -> str:
    """« Bâtiment B » for a building named « Bâtiment B » or « B »: the kind is said once."""
    label = str(kind.label)
    return name if name.lower().startswith(label.lower()) else f"{label} {name}"


#: the consent channels a relay may accept
CONSENT_CHANNELS = {"email": _l("Courriel"), "phone": _l("Téléphone")}


class ResidentRelay(Audited, TimestampMixin, db.Model):
    """Habitant·e relais: one mandate of a resident for a place (building, stairwell, residence) or a theme."""

    __tablename__ = "resident_relays"
    __audit_label__ = _l("de l'habitant·e relais")
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "person_name": _l("Nom"),
        "email": _l("Courriel"),
        "phone": _l("Téléphone"),
        "consent_given_on": _l("Consentement donné le"),
        "consent_channels": _l("Canaux acceptés"),
        "consent_withdrawn_on": _l("Consentement retiré le"),
        "age_bracket": _l("Tranche d'âge"),
        "gender": _l("Genre"),
        "territory_id": _l("Lieu"),
        "theme_id": _l("Thématique"),
        "neighbourhood_id": _l("Quartier"),
        "designation_method": _l("Mode de désignation"),
        "charter_signed_on": _l("Charte signée le"),
        "mandate_start_on": _l("Début du mandat"),
        "mandate_end_on": _l("Fin du mandat"),
        "status": _l("Statut"),
        "end_reason": _l("Motif de fin"),
        "ended_on": _l("Terminé le"),
        "contact_erased_at": _l("Coordonnées effacées le"),
        "user_id": _l("Compte habitant·e relais"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    consent_given_on: Mapped[date | None]
    #: comma-separated keys of CONSENT_CHANNELS ("email,phone")
    consent_channels: Mapped[str | None] = mapped_column(sa.String(60))
    consent_withdrawn_on: Mapped[date | None]
    age_bracket: Mapped[AgeBracket | None] = enum_column(AgeBracket, nullable=True)
    gender: Mapped[Gender | None] = enum_column(Gender, nullable=True)
    #: the place of the mandate (building, stairwell or residence), or None for a theme within a neighbourhood
    territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id"), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    designation_method: Mapped[DesignationMethod] = enum_column(DesignationMethod)
    charter_signed_on: Mapped[date | None]
    mandate_start_on: Mapped[date]
    mandate_end_on: Mapped[date]
    status: Mapped[RelayStatus] = enum_column(RelayStatus, default=RelayStatus.ACTIVE, index=True)
    end_reason: Mapped[EndReason | None] = enum_column(EndReason, nullable=True)
    ended_on: Mapped[date | None]
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the relay's own account (role relay), through which they file reports from their phone page
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    agreement: Mapped[Agreement] = relationship()
    user: Mapped[User | None] = relationship()
    territory: Mapped[Territory | None] = relationship(foreign_keys=[territory_id])
    neighbourhood: Mapped[Territory | None] = relationship(foreign_keys=[neighbourhood_id])
    theme: Mapped[Theme | None] = relationship()

    def __str__(self) -> str:
        return self.person_name

    @property
    def scope_label(self) -> str:
        if self.territory is not None:
            return place_label(self.territory.kind, self.territory.name)
        parts = [str(self.theme) if self.theme else "", self.neighbourhood.name if self.neighbourhood else ""]
        return " — ".join(p for p in parts if p)

    @property
    def channels(self) -> set[str]:
        return {c for c in (self.consent_channels or "").split(",") if c}

    @property
    def may_be_contacted(self) -> bool:
        """Consent given, not withdrawn, and contact data still held."""
        return (self.consent_given_on is not None and self.consent_withdrawn_on is None
                and self.contact_erased_at is None)

    def mail_address(self) -> str | None:
        """Where a mail may go: only with consent for e-mail; None otherwise (no mail ever goes without it)."""
        if self.may_be_contacted and "email" in self.channels and self.email:
            return self.email
        return None

    def end(self, reason: EndReason, on: date) -> None:
        if self.status is not RelayStatus.ACTIVE:
            raise InvalidTransition(self.status.label, RelayStatus.ENDED.label)
        self.status = RelayStatus.ENDED
        self.end_reason = reason
        self.ended_on = on

    @property
    def ended_or_end_on(self) -> date:
        return self.ended_on or self.mandate_end_on


class RelayPool(Audited, TimestampMixin, db.Model):
    """Vivier: the volunteers for one scope, among whom a draw picks relays."""

    __tablename__ = "relay_pools"
    __audit_label__ = _l("du vivier")
    __audit_fields__ = {"agreement_id": _l("Convention"), "name": _l("Nom"), "territory_id": _l("Lieu"),
                        "theme_id": _l("Thématique")}

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id"), index=True)

    agreement: Mapped[Agreement] = relationship()
    territory: Mapped[Territory | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    members: Mapped[list[PoolMember]] = relationship(back_populates="pool", cascade="all, delete-orphan",
                                                     order_by="PoolMember.pseudonym")
    draws: Mapped[list[RelayDraw]] = relationship(back_populates="pool", cascade="all, delete-orphan",
                                                  order_by="RelayDraw.id.desc()")

    def __str__(self) -> str:
        return self.name


class PoolMember(Audited, db.Model):
    """A volunteer of a pool, known to the public draw only by their pseudonym (V-0001...)."""

    __tablename__ = "relay_pool_members"
    __table_args__ = (sa.UniqueConstraint("pool_id", "pseudonym"),)
    __audit_label__ = _l("d'un membre du vivier")
    __audit_fields__ = {"pool_id": _l("Vivier"), "person_name": _l("Nom"), "gender": _l("Genre"),
                        "pseudonym": _l("Identifiant")}

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("relay_pools.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(sa.String(200))
    gender: Mapped[Gender | None] = enum_column(Gender, nullable=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(20))

    pool: Mapped[RelayPool] = relationship(back_populates="members")

    def __str__(self) -> str:
        return self.pseudonym


class RelayDraw(Audited, db.Model):
    """Tirage au sort: N seats drawn from a pool with a stored seed; anyone can re-run it (gup.relays.draw)."""

    __tablename__ = "relay_draws"
    __audit_label__ = _l("du tirage au sort")
    __audit_fields__ = {"pool_id": _l("Vivier"), "seats": _l("Nombre de places"), "parity": _l("Parité"),
                        "seed": _l("Graine"), "ran_at": _l("Date du tirage"), "ran_by_id": _l("Tiré par"),
                        "pool_ids": _l("Vivier (identifiants, ordre fixe)"), "pool_genders": _l("Genres (parité)"),
                        "result_ids": _l("Résultat"), "published": _l("Publié")}

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(sa.ForeignKey("relay_pools.id", ondelete="CASCADE"), index=True)
    seats: Mapped[int]
    parity: Mapped[bool] = mapped_column(default=False)
    seed: Mapped[str] = mapped_column(sa.String(64))
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    ran_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the pool's pseudonyms in sorted order, as drawn from
    pool_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    #: with parity: pseudonym → "woman" / "man" / other, the genders the draw alternated
    pool_genders: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    result_ids: Mapped[list[str]] = mapped_column(sa.JSON)
    published: Mapped[bool] = mapped_column(default=False)

    pool: Mapped[RelayPool] = relationship(back_populates="draws")
    ran_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.pool.name} — {self.ran_at:%Y-%m-%d}"


class MandateReminder(db.Model):
    """The reminder mail sent for one mandate ending soon: a second run sends nothing."""

    __tablename__ = "relay_mandate_reminders"
    __table_args__ = (sa.UniqueConstraint("relay_id", "mandate_end_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    relay_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="CASCADE"), index=True)
    mandate_end_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)


#: the outbox's cause of a relay's monthly digest (cause_id: the relay), so withdrawing consent finds it
DIGEST_CAUSE = "relay_digest"


class RelayDigest(db.Model):
    """Récapitulatif mensuel: the monthly digest sent to one relay for one month (its first day); a second run
    sends nothing."""

    __tablename__ = "relay_digests"
    __table_args__ = (sa.UniqueConstraint("relay_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    relay_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="CASCADE"), index=True)
    #: the first day of the month the digest covers
    month: Mapped[date]
    #: how many lines the digest listed (reports, findings and actions)
    items: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)


class RelayReport(db.Model):
    """A resident report filed by a relay for their neighbours (channel relay), by the relay on their phone page
    or by the coordination on their behalf."""

    __tablename__ = "relay_reports"

    report_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_reports.id", ondelete="CASCADE"),
                                           primary_key=True)
    relay_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="CASCADE"), index=True)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    report: Mapped[ResidentReport] = relationship()
    relay: Mapped[ResidentRelay] = relationship()
    filed_by: Mapped[User | None] = relationship()


class InvitationStatus(LabelledEnum):
    INVITED = "invited"
    ATTENDED = "attended"
    ABSENT = "absent"

    @classmethod
    def labels(cls):
        return {"invited": _l("Invité·e"), "attended": _l("Présent·e"), "absent": _l("Absent·e")}


class RelayWalkInvitation(Audited, db.Model):
    """A relay invited to a walk-through, then recorded as participant (present) or absent."""

    __tablename__ = "relay_walk_invitations"
    __table_args__ = (sa.UniqueConstraint("walkthrough_id", "relay_id"),)
    __audit_label__ = _l("de l'invitation d'un habitant·e relais")
    __audit_fields__ = {"walkthrough_id": _l("Diagnostic"), "relay_id": _l("Habitant·e relais"),
                        "status": _l("Présence"), "invited_at": _l("Invité·e le")}

    id: Mapped[int] = mapped_column(primary_key=True)
    walkthrough_id: Mapped[int] = mapped_column(sa.ForeignKey("walkthroughs.id", ondelete="CASCADE"), index=True)
    relay_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="CASCADE"), index=True)
    status: Mapped[InvitationStatus] = enum_column(InvitationStatus, default=InvitationStatus.INVITED)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    walkthrough: Mapped[Walkthrough] = relationship()
    relay: Mapped[ResidentRelay] = relationship()


class RelayAction(Audited, db.Model):
    """A small action entrusted to residents: the relay (or each relay of a group) is its responsible party and
    reports its progress from their phone page."""

    __tablename__ = "relay_actions"
    __table_args__ = (sa.UniqueConstraint("action_id", "relay_id"),)
    __audit_label__ = _l("d'une action confiée à un habitant·e relais")
    __audit_fields__ = {"action_id": _l("Action"), "relay_id": _l("Habitant·e relais"),
                        "entrusted_at": _l("Confiée le")}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    relay_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_relays.id", ondelete="CASCADE"), index=True)
    entrusted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    action: Mapped[Action] = relationship()
    relay: Mapped[ResidentRelay] = relationship()
