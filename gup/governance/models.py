"""Governance bodies (instances): COPIL, COTECH, working groups, their members, meetings and decisions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gup.actions.models import CLOSED_ACTION_STATUSES, Action, ActionStatus
from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.findings.models import Finding
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc


class BodyKind(LabelledEnum):
    """Kind of governance body (GUIDE §3.10)."""

    STEERING_COMMITTEE = "steering_committee"
    TECHNICAL_COMMITTEE = "technical_committee"
    WORKING_GROUP = "working_group"
    SITE_CELL = "site_cell"

    @classmethod
    def labels(cls):
        return {"steering_committee": _l("Comité de pilotage (COPIL)"),
                "technical_committee": _l("Comité technique (COTECH)"),
                "working_group": _l("Groupe de travail"), "site_cell": _l("Cellule de site")}


class MeetingStatus(LabelledEnum):
    """Lifecycle of a meeting."""

    SCHEDULED = "scheduled"
    HELD = "held"
    MINUTES_APPROVED = "minutes_approved"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {"scheduled": _l("Prévue"), "held": _l("Tenue"), "minutes_approved": _l("Compte rendu approuvé"),
                "cancelled": _l("Annulée")}


MEETING_NEXT: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.SCHEDULED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.MINUTES_APPROVED, MeetingStatus.SCHEDULED}),
    MeetingStatus.MINUTES_APPROVED: frozenset({MeetingStatus.HELD}),
    MeetingStatus.CANCELLED: frozenset({MeetingStatus.SCHEDULED}),
}
#: a meeting that took place (counted by the indicators)
HELD_STATUSES = frozenset({MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED})


class AgendaSection(LabelledEnum):
    """The two parts of a COPIL agenda, so that social management is never skipped (GUIDE §3.10)."""

    TECHNICAL = "technical"
    SOCIAL = "social"

    @classmethod
    def labels(cls):
        return {"technical": _l("Volet technique"), "social": _l("Volet social")}


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @classmethod
    def labels(cls):
        return {"present": _l("Présent·e"), "absent": _l("Absent·e"), "excused": _l("Excusé·e")}


class MailingKind(LabelledEnum):
    INVITATION = "invitation"
    MINUTES = "minutes"

    @classmethod
    def labels(cls):
        return {"invitation": _l("Invitation"), "minutes": _l("Compte rendu")}


class Body(Audited, TimestampMixin, db.Model):
    """Instance de gouvernance d'une convention: COPIL, COTECH, groupe de travail, cellule de site."""

    __tablename__ = "governance_bodies"
    __audit_label__ = _l("de l'instance")
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "kind": _l("Type d'instance"),
        "name": _l("Nom"),
        "frequency": _l("Fréquence"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[BodyKind] = enum_column(BodyKind)
    name: Mapped[str] = mapped_column(sa.String(200))
    frequency: Mapped[str | None] = mapped_column(sa.String(200))

    agreement: Mapped[Agreement] = relationship()
    members: Mapped[list[BodyMember]] = relationship(back_populates="body", cascade="all, delete-orphan",
                                                     order_by="BodyMember.id")
    meetings: Mapped[list[Meeting]] = relationship(back_populates="body", cascade="all, delete-orphan",
                                                   order_by="Meeting.starts_at.desc()")

    def __str__(self) -> str:
        return self.name


class BodyMember(Audited, db.Model):
    """Membre d'une instance: a person (or a gup account), their organisation and role."""

    __tablename__ = "governance_members"
    __audit_label__ = _l("d'un membre d'instance")
    __audit_fields__ = {
        "body_id": _l("Instance"),
        "person_name": _l("Nom"),
        "organisation_id": _l("Organisme"),
        "role": _l("Rôle"),
        "email": _l("Courriel"),
        "user_id": _l("Compte"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_bodies.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    body: Mapped[Body] = relationship(back_populates="members")
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.person_name

    @property
    def mail_address(self) -> str | None:
        """Where invitations go: the member's own address, else their account's."""
        return self.email or (self.user.email if self.user is not None else None)


decision_actions = sa.Table(
    "decision_actions", db.metadata,
    sa.Column("decision_id", sa.ForeignKey("governance_decisions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_id", sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(Audited, TimestampMixin, db.Model):
    """Réunion d'une instance: date, place, agenda, attendance, minutes, decisions."""

    __tablename__ = "governance_meetings"
    __audit_label__ = _l("de la réunion")
    __audit_fields__ = {
        "body_id": _l("Instance"),
        "starts_at": _l("Date et heure"),
        "place": _l("Lieu"),
        "status": _l("Statut"),
        "minutes": _l("Compte rendu"),
        "minutes_file_key": _l("Fichier du compte rendu"),
        "minutes_file_name": _l("Nom du fichier du compte rendu"),
        "minutes_file_type": _l("Type du fichier du compte rendu"),
        "minutes_file_size": _l("Taille du fichier du compte rendu"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_bodies.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[MeetingStatus] = enum_column(MeetingStatus, default=MeetingStatus.SCHEDULED, index=True)
    minutes: Mapped[str | None] = mapped_column(sa.Text)
    minutes_file_key: Mapped[str | None] = mapped_column(sa.String(255))
    minutes_file_name: Mapped[str | None] = mapped_column(sa.String(255))
    minutes_file_type: Mapped[str | None] = mapped_column(sa.String(100))
    minutes_file_size: Mapped[int | None]

    body: Mapped[Body] = relationship(back_populates="meetings")
    agenda: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                    order_by="AgendaItem.position")
    attendance: Mapped[list[Attendance]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                        order_by="Attendance.id")
    decisions: Mapped[list[Decision]] = relationship(back_populates="meeting", cascade="all, delete-orphan",
                                                     order_by="Decision.id")

    def __str__(self) -> str:
        return f"{self.body.name} — {self.starts_at:%d/%m/%Y}"

    @property
    def agreement(self) -> Agreement:
        return self.body.agreement

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES

    def move_to(self, target: MeetingStatus) -> None:
        """Change status; approving the minutes needs minutes."""
        if target is self.status:
            return
        if target not in MEETING_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        if target is MeetingStatus.MINUTES_APPROVED and not (self.minutes or self.minutes_file_key):
            raise InvalidTransition(self.status.label, target.label, _l("saisissez d'abord le compte rendu"))
        self.status = target

    def attendance_counts(self) -> tuple[int, int]:
        """(members present, members whose attendance is recorded)."""
        present = sum(1 for a in self.attendance if a.status is AttendanceStatus.PRESENT)
        return present, len(self.attendance)


class AgendaItem(Audited, db.Model):
    """Point de l'ordre du jour, maybe proposed from a partner's overdue action or finding, or a pending decision."""

    __tablename__ = "governance_agenda_items"
    __audit_label__ = _l("d'un point de l'ordre du jour")
    __audit_fields__ = {
        "meeting_id": _l("Réunion"),
        "position": _l("Rang"),
        "agenda_section": _l("Volet"),
        "title": _l("Intitulé"),
        "notes": _l("Notes"),
        "organisation_id": _l("Organisme"),
        "action_id": _l("Action"),
        "finding_id": _l("Constat"),
        "decision_id": _l("Décision"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    agenda_section: Mapped[AgendaSection | None] = enum_column(AgendaSection, nullable=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="SET NULL"))
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="SET NULL"))
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("governance_decisions.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    organisation: Mapped[Organisation | None] = relationship()
    action: Mapped[Action | None] = relationship()
    finding: Mapped[Finding | None] = relationship()
    decision: Mapped[Decision | None] = relationship(foreign_keys=[decision_id])


class Attendance(db.Model):
    """Whether a member was present, absent or excused at a meeting."""

    __tablename__ = "governance_attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_meetings.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_members.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[BodyMember] = relationship()


class Decision(Audited, TimestampMixin, db.Model):
    """Décision d'une réunion: text, owner organisation, deadline; it may create actions and stays linked."""

    __tablename__ = "governance_decisions"
    __audit_label__ = _l("de la décision")
    __audit_fields__ = {
        "meeting_id": _l("Réunion"),
        "text": _l("Décision"),
        "owner_organisation_id": _l("Organisme porteur"),
        "due_on": _l("Échéance"),
        "actions": _l("Actions créées"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    due_on: Mapped[date | None]

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    owner_organisation: Mapped[Organisation | None] = relationship()
    actions: Mapped[list[Action]] = relationship(secondary=decision_actions, order_by="Action.id")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_done(self) -> bool:
        """Every action it created is done (a decision without actions is never « done » here)."""
        return bool(self.actions) and all(a.status is ActionStatus.DONE for a in self.actions)

    @property
    def is_pending(self) -> bool:
        """Still to follow up: no action yet, or one not finished."""
        return not self.actions or any(a.status not in CLOSED_ACTION_STATUSES for a in self.actions)


class MeetingMailing(db.Model):
    """One invitation or minutes mail queued for one address of a meeting: sending again queues nothing twice."""

    __tablename__ = "governance_mailings"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "kind", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("governance_meetings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MailingKind] = enum_column(MailingKind)
    email: Mapped[str] = mapped_column(sa.String(254))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    times: Mapped[int] = mapped_column(default=1)


class DigestSent(db.Model):
    """The weekly partner digest sent to one user for one week (its Monday): a second run sends nothing."""

    __tablename__ = "governance_digests"
    __table_args__ = (sa.UniqueConstraint("user_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    week: Mapped[date]
    items: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
