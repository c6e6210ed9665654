"""Resident reports (signalements): what residents report, by any channel, until they get an answer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

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

#: longest free text of the hotline (descriptions, public answers, response templates), forms and API alike
TEXT_MAX = 4000
#: longest address (the column's length)
ADDRESS_MAX = 255


class Channel(LabelledEnum):
    """How the report reached us."""

    WEB = "web"
    PHONE = "phone"
    RELAY = "relay"
    OPEN311 = "open311"
    FINDING = "finding"

    @classmethod
    def labels(cls):
        return {"web": _l("Formulaire en ligne"), "phone": _l("Téléphone (numéro vert)"),
                "relay": _l("Habitant relais"), "open311": _l("Application partenaire (Open311)"),
                "finding": _l("Constat de diagnostic")}


class ReportStatus(LabelledEnum):
    """Lifecycle of a resident report."""

    RECEIVED = "received"
    QUALIFIED = "qualified"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    NOT_OUR_REMIT = "not_our_remit"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"

    @classmethod
    def labels(cls):
        return {"received": _l("Reçu"), "qualified": _l("Qualifié"), "sent": _l("Transmis à l'organisme"),
                "in_progress": _l("En cours de traitement"), "resolved": _l("Résolu"),
                "not_our_remit": _l("Hors de nos compétences"), "duplicate": _l("Doublon"),
                "rejected": _l("Rejeté")}

    @classmethod
    def verbs(cls):
        """What a button that moves a report to each status says: a verb (« Rejeter »), never the status."""
        return {"received": _l("Rouvrir"), "qualified": _l("Qualifier"), "sent": _l("Transmettre à l'organisme"),
                "in_progress": _l("Prendre en charge"), "resolved": _l("Déclarer résolu"),
                "not_our_remit": _l("Déclarer hors de nos compétences"), "duplicate": _l("Marquer comme doublon"),
                "rejected": _l("Rejeter")}

    @property
    def verb(self) -> Any:
        return self.verbs()[self.value]


class Disclosure(LabelledEnum):
    """What of the resident's own words (description, address) is published: the public-disclosure rule."""

    PRIVATE = "private"
    RESIDENT = "resident"
    APPROVED = "approved"

    @classmethod
    def labels(cls):
        return {"private": _l("Non publiés"),
                "resident": _l("Publiés tels qu'écrits par l'habitant·e (canal public, avec son accord)"),
                "approved": _l("Formulation publique validée par la coordination")}


CLOSED_REPORT_STATUSES = frozenset({ReportStatus.RESOLVED, ReportStatus.NOT_OUR_REMIT, ReportStatus.DUPLICATE,
                                    ReportStatus.REJECTED})
_CLOSE = frozenset({ReportStatus.NOT_OUR_REMIT, ReportStatus.DUPLICATE, ReportStatus.REJECTED})
REPORT_NEXT: dict[ReportStatus, frozenset[ReportStatus]] = {
    ReportStatus.RECEIVED: frozenset({ReportStatus.QUALIFIED, ReportStatus.SENT}) | _CLOSE,
    ReportStatus.QUALIFIED: frozenset({ReportStatus.SENT}) | _CLOSE,
    ReportStatus.SENT: frozenset({ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.SENT}) | _CLOSE,
    ReportStatus.IN_PROGRESS: frozenset({ReportStatus.RESOLVED, ReportStatus.SENT}) | _CLOSE,
    # reopening sends the report back to the organisation in charge
    ReportStatus.RESOLVED: frozenset({ReportStatus.SENT}),
    ReportStatus.NOT_OUR_REMIT: frozenset({ReportStatus.RECEIVED}),
    ReportStatus.DUPLICATE: frozenset({ReportStatus.RECEIVED}),
    ReportStatus.REJECTED: frozenset({ReportStatus.RECEIVED}),
}


class ReportCategory(Audited, TimestampMixin, db.Model):
    """Catégorie de signalement: a published category, mapped to a theme, with its SLA."""

    __tablename__ = "report_categories"
    __audit_label__ = _l("d'une catégorie de signalement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "code": _l("Code"),
        "label": _l("Libellé"),
        "description": _l("Description"),
        "theme_id": _l("Thématique"),
        "default_organisation_id": _l("Organisme par défaut"),
        "first_answer_days": _l("Délai de première réponse (jours)"),
        "resolution_days": _l("Délai de résolution (jours)"),
        "is_published": _l("Publiée"),
        "position": _l("Ordre d'affichage"),
        "attributes": _l("Attributs"),
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.Text)
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id"))
    default_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    first_answer_days: Mapped[int] = mapped_column(default=2)
    resolution_days: Mapped[int] = mapped_column(default=30)
    is_published: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    #: extra questions (Open311 service definition attributes): list of
    #: {code, datatype, required, description, order, values: [{key, name}]}
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    theme: Mapped[Theme] = relationship()
    default_organisation: Mapped[Organisation | None] = relationship()
    routes: Mapped[list[CategoryRoute]] = relationship(back_populates="category", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.label


class CategoryRoute(Audited, db.Model):
    """Default responsible organisation of a category in one neighbourhood."""

    __tablename__ = "report_category_routes"
    __audit_label__ = _l("d'une règle d'acheminement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "category_id": _l("Catégorie"),
        "neighbourhood_id": _l("Quartier"),
        "organisation_id": _l("Organisme"),
    }
    __table_args__ = (sa.UniqueConstraint("category_id", "neighbourhood_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("report_categories.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))

    category: Mapped[ReportCategory] = relationship(back_populates="routes")
    neighbourhood: Mapped[Territory] = relationship()
    organisation: Mapped[Organisation] = relationship()


class ResidentReport(Audited, TimestampMixin, db.Model):
    """Signalement: a resident's report, its reference for life, its answer; never called a bare « Report »."""

    __tablename__ = "resident_reports"
    __audit_label__ = _l("du signalement")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "reference": _l("Référence"),
        "channel": _l("Canal"),
        "category_id": _l("Catégorie"),
        "agreement_id": _l("Convention"),
        "neighbourhood_id": _l("Quartier"),
        "territory_id": _l("Lieu"),
        "description": _l("Description"),
        "address": _l("Adresse"),
        "address_id": _l("Identifiant d'adresse"),
        "latitude": _l("Latitude"),
        "longitude": _l("Longitude"),
        "attribute_values": _l("Attributs renseignés"),
        "media_url": _l("Lien vers un média"),
        "status": _l("Statut"),
        "responsible_organisation_id": _l("Organisme responsable"),
        "suggested_organisation_id": _l("Organisme proposé"),
        "routing_reason": _l("Motif de l'orientation"),
        "duplicate_of_id": _l("Doublon de"),
        "finding_id": _l("Constat"),
        "action_id": _l("Action"),
        "open311_client_id": _l("Client Open311"),
        "contact_consent": _l("Accord pour être recontacté·e"),
        "callback_preference": _l("Préférence de rappel"),
        "contact_erased_at": _l("Coordonnées effacées le"),
        "created_by_id": _l("Saisi par"),
        "first_answer_at": _l("Première réponse le"),
        "closed_at": _l("Clos le"),
        "fixed_question_sent_at": _l("Question « est-ce réglé ? » envoyée le"),
        "fixed_answer": _l("Réponse « est-ce réglé ? »"),
        "photos": _l("Photos"),
        "disclosure": _l("Publication de la description"),
        "public_description": _l("Description publique"),
        "public_address": _l("Adresse publique"),
        "disclosure_by_id": _l("Publication décidée par"),
        "disclosure_at": _l("Publication décidée le"),
    }
    __audit_exclude__ = frozenset({"created_at", "updated_at", "contact_name", "contact_email", "contact_phone"})
    #: Open311 GET requests.json lists the newest reports of a date window (by default the last 90 days): read in
    #: this order from the index, never sorted from the whole table. The queue counts and sorts the reports of the
    #: agreements one sees by status, category and date without reading the table, the reports to triage (two
    #: statuses, overdue first) likewise; the duplicate candidates are the recent reports that are not duplicates
    __table_args__ = (sa.Index("ix_resident_reports_created_at", "created_at", "id"),
                      sa.Index("ix_resident_reports_agreement_status", "agreement_id", "status", "category_id",
                               "created_at"),
                      sa.Index("ix_resident_reports_status_due", "status", "category_id", "created_at",
                               "first_answer_at", "agreement_id"),
                      sa.Index("ix_resident_reports_duplicate_of_created", "duplicate_of_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    channel: Mapped[Channel] = enum_column(Channel, index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("report_categories.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agreements.id", ondelete="SET NULL"),
                                                     index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id", ondelete="SET NULL"),
                                                         index=True)
    territory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("territories.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(sa.Text)
    address: Mapped[str | None] = mapped_column(sa.String(ADDRESS_MAX))
    address_id: Mapped[str | None] = mapped_column(sa.String(100))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    attribute_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    media_url: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.RECEIVED, index=True)
    #: the organisation in charge: set only when the coordination routes the report (route_report); it then
    #: reads and answers the report, and the public page names it
    responsible_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"),
                                                                    index=True)
    #: the triage's proposal (category and neighbourhood routes, the place's housing provider): shown to the
    #: coordination only, it gives the organisation nothing
    suggested_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    #: why the coordination sent it to another housing provider than the place's own, when it did
    routing_reason: Mapped[str | None] = mapped_column(sa.Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resident_reports.id", ondelete="SET NULL"),
                                                        index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="SET NULL"))
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="SET NULL"))
    open311_client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("open311_clients.id", ondelete="SET NULL"))
    # personal data: minimal, consented, erased after closure (see services.erase_contact_data)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    contact_consent: Mapped[bool] = mapped_column(default=False)
    callback_preference: Mapped[str | None] = mapped_column(sa.String(200))
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    first_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    fixed_question_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fixed_answer: Mapped[bool | None]
    # public-disclosure rule (gup.hotline.disclosure): only these are ever published of the resident's words
    disclosure: Mapped[Disclosure] = enum_column(Disclosure, default=Disclosure.PRIVATE,
                                                 server_default=Disclosure.PRIVATE.value)
    public_description: Mapped[str | None] = mapped_column(sa.Text)
    public_address: Mapped[str | None] = mapped_column(sa.String(ADDRESS_MAX))
    disclosure_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    disclosure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    category: Mapped[ReportCategory] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    neighbourhood: Mapped[Territory | None] = relationship(foreign_keys=[neighbourhood_id])
    territory: Mapped[Territory | None] = relationship(foreign_keys=[territory_id])
    responsible_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[responsible_organisation_id])
    suggested_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[suggested_organisation_id])
    duplicate_of: Mapped[ResidentReport | None] = relationship(remote_side="ResidentReport.id")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    disclosure_by: Mapped[User | None] = relationship(foreign_keys=[disclosure_by_id])
    photos: Mapped[list[Photo]] = relationship(secondary="resident_report_photos",  # noqa: F821
                                                 order_by="Photo.id")
    updates: Mapped[list[ReportUpdate]] = relationship(back_populates="report", cascade="all, delete-orphan",
                                                       order_by="ReportUpdate.at")

    def __str__(self) -> str:
        return self.reference or f"#{self.id}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_REPORT_STATUSES

    def first_answer_due_on(self) -> date:
        """SLA: date by which the reporter must get a first answer (category setting)."""
        return self.created_at.date() + timedelta(days=self.category.first_answer_days)

    def resolution_due_on(self) -> date:
        """SLA: date by which the report must be resolved; re-routing does not reset the clock."""
        return self.created_at.date() + timedelta(days=self.category.resolution_days)

    def next_due_on(self) -> date:
        """The SLA date that applies now: the first answer's while unanswered, then the resolution's."""
        return self.first_answer_due_on() if self.first_answer_at is None else self.resolution_due_on()

    def is_overdue(self, today: date) -> bool:
        """Past the category's resolution time (or first answer time while unanswered), still open."""
        if self.is_closed:
            return False
        if self.first_answer_at is None and today > self.first_answer_due_on():
            return True
        return today > self.resolution_due_on()

    def move_to(self, target: ReportStatus, *, at: datetime) -> None:
        """Change status along the lifecycle; closing records when, reopening clears it."""
        if target not in REPORT_NEXT[self.status] and target is not self.status:
            raise InvalidTransition(self.status.label, target.label)
        self.status = target
        self.closed_at = at if target in CLOSED_REPORT_STATUSES else None


resident_report_photos = sa.Table(
    "resident_report_photos", db.metadata,
    sa.Column("report_id", sa.ForeignKey("resident_reports.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("photo_id", sa.ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True),
)


class ReportUpdate(db.Model):
    """Réponse publique: a dated status change with its public explanation (shown on /suivi/<reference>)."""

    __tablename__ = "resident_report_updates"
    #: a report's first and last public updates (Open311's service_notice and status_notes) read from the index
    __table_args__ = (sa.Index("ix_resident_report_updates_report_at", "report_id", "at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("resident_reports.id", ondelete="CASCADE"), index=True)
    status: Mapped[ReportStatus] = enum_column(ReportStatus)
    public_text: Mapped[str] = mapped_column(sa.Text)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, index=True)

    report: Mapped[ResidentReport] = relationship(back_populates="updates")
    organisation: Mapped[Organisation | None] = relationship()
    author: Mapped[User | None] = relationship()


class ResponseTemplate(Audited, TimestampMixin, db.Model):
    """Modèle de réponse: the editable public explanation for a status (per category, or for all)."""

    __tablename__ = "response_templates"
    __audit_label__ = _l("d'un modèle de réponse")
    #: the history's French name of each audited field
    __audit_fields__ = {
        "category_id": _l("Catégorie"),
        "status": _l("Statut"),
        "text": _l("Texte"),
    }
    __table_args__ = (sa.UniqueConstraint("category_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("report_categories.id", ondelete="CASCADE"))
    status: Mapped[ReportStatus] = enum_column(ReportStatus)
    text: Mapped[str] = mapped_column(sa.Text)

    category: Mapped[ReportCategory | None] = relationship()
