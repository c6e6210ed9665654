"""Evaluations of an agreement: annual reviews, the mid-term and the final evaluation (GUIDE §3.11).

An evaluation is scheduled from the agreement's dates, prepared (partners contribute, the coordination writes
its sections, manual indicators are entered), then frozen: every figure is computed once and stored in an
`EvaluationVersion` (the snapshot and its PDF, with a checksum). A frozen version never changes; regenerating
after a correction adds the next version and keeps the others.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.indicators import Direction, Unit
from gup.organisations.models import Organisation
from gup.orm import Audited, LabelledEnum, TimestampMixin, UTCDateTime, enum_column, now_utc


class EvaluationKind(LabelledEnum):
    ANNUAL = "annual"
    MIDTERM = "midterm"
    FINAL = "final"

    @classmethod
    def labels(cls):
        return {"annual": _l("Bilan annuel"), "midterm": _l("Évaluation à mi-parcours"),
                "final": _l("Évaluation finale")}


class EvaluationStatus(LabelledEnum):
    SCHEDULED = "scheduled"
    IN_PREPARATION = "in_preparation"
    FROZEN = "frozen"
    APPROVED = "approved"
    PUBLISHED = "published"

    @classmethod
    def labels(cls):
        return {"scheduled": _l("Programmée"), "in_preparation": _l("En préparation"), "frozen": _l("Figée"),
                "approved": _l("Validée en COPIL"), "published": _l("Publiée")}


#: allowed moves; « regenerate » (a new frozen version after a correction) goes from frozen, approved or
#: published back to frozen, and is the only way back
EVALUATION_NEXT: dict[EvaluationStatus, frozenset[EvaluationStatus]] = {
    EvaluationStatus.SCHEDULED: frozenset({EvaluationStatus.IN_PREPARATION}),
    EvaluationStatus.IN_PREPARATION: frozenset({EvaluationStatus.FROZEN}),
    EvaluationStatus.FROZEN: frozenset({EvaluationStatus.APPROVED, EvaluationStatus.FROZEN}),
    EvaluationStatus.APPROVED: frozenset({EvaluationStatus.PUBLISHED, EvaluationStatus.FROZEN}),
    EvaluationStatus.PUBLISHED: frozenset({EvaluationStatus.FROZEN}),
}

#: statuses in which figures are still being gathered (sections, contributions and manual values editable)
OPEN_STATUSES = frozenset({EvaluationStatus.SCHEDULED, EvaluationStatus.IN_PREPARATION})


class Evaluation(Audited, TimestampMixin, db.Model):
    """Évaluation: one annual review, the mid-term or the final evaluation of an agreement."""

    __tablename__ = "evaluations"
    __audit_label__ = _l("de l'évaluation")
    __audit_fields__ = {
        "agreement_id": _l("Convention"),
        "kind": _l("Type"),
        "slot": _l("Échéance de la convention"),
        "year": _l("Année"),
        "period_start": _l("Début de la période"),
        "period_end": _l("Fin de la période"),
        "due_on": _l("Date prévue"),
        "status": _l("Statut"),
        "approved_on": _l("Date de validation en COPIL"),
        "approval_note": _l("Instance et décision de validation"),
        "published_at": _l("Publiée le"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "slot", name="uq_evaluations_agreement_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvaluationKind] = enum_column(EvaluationKind)
    #: one per agreement: "annual-2025", "midterm", "final" (what the schedule matches on)
    slot: Mapped[str] = mapped_column(sa.String(20))
    year: Mapped[int | None]
    period_start: Mapped[date]
    period_end: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[EvaluationStatus] = enum_column(EvaluationStatus, default=EvaluationStatus.SCHEDULED, index=True)
    approved_on: Mapped[date | None]
    approval_note: Mapped[str | None] = mapped_column(sa.String(500))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agreement: Mapped[Agreement] = relationship()
    versions: Mapped[list[EvaluationVersion]] = relationship(back_populates="evaluation",
                                                             cascade="all, delete-orphan",
                                                             order_by="EvaluationVersion.number")
    sections: Mapped[list[EvaluationSection]] = relationship(back_populates="evaluation",
                                                             cascade="all, delete-orphan")
    contributions: Mapped[list[PartnerContribution]] = relationship(back_populates="evaluation",
                                                                    cascade="all, delete-orphan")
    manual_values: Mapped[list[ManualIndicatorValue]] = relationship(back_populates="evaluation",
                                                                     cascade="all, delete-orphan")

    def __str__(self) -> str:
        return str(self.title)

    @property
    def title(self) -> str:
        if self.kind is EvaluationKind.ANNUAL:
            return str(_l("Bilan annuel %(year)s", year=self.year))
        return str(self.kind.label)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def move_to(self, target: EvaluationStatus) -> None:
        if target not in EVALUATION_NEXT[self.status]:
            raise InvalidTransition(self.status.label, target.label)
        self.status = target

    @property
    def frozen_versions(self) -> list[EvaluationVersion]:
        return [v for v in self.versions if not v.is_draft]

    @property
    def current_version(self) -> EvaluationVersion | None:
        """The latest frozen version (what approval and publication apply to)."""
        frozen = self.frozen_versions
        return frozen[-1] if frozen else None

    @property
    def draft_version(self) -> EvaluationVersion | None:
        drafts = [v for v in self.versions if v.is_draft]
        return drafts[-1] if drafts else None

    @property
    def published_version(self) -> EvaluationVersion | None:
        published = [v for v in self.versions if v.published_at is not None]
        return published[-1] if published else None

    def section_text(self, key: str) -> str:
        for section in self.sections:
            if section.key == key:
                return section.text or ""
        return ""


class EvaluationVersion(db.Model):
    """Version figée: the snapshot of every figure at freezing, and the PDF built from it (never changed).

    A draft (`is_draft`, number 0) is the working copy the preparation job computes; it is replaced each time."""

    __tablename__ = "evaluation_versions"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "number", name="uq_evaluation_versions_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    is_draft: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    snapshot: Mapped[dict[str, Any]] = deferred(mapped_column(sa.JSON))
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None]
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    evaluation: Mapped[Evaluation] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    def attach_pdf(self, content: bytes) -> None:
        self.pdf = content
        self.pdf_sha256 = hashlib.sha256(content).hexdigest()
        self.pdf_size = len(content)

    @property
    def label(self) -> str:
        if self.is_draft:
            return str(_l("Projet"))
        return str(_l("Version %(number)s", number=self.number))


class EvaluationSection(Audited, db.Model):
    """Texte d'une section: what the coordination writes for one qualitative section of the report."""

    __tablename__ = "evaluation_sections"
    __audit_label__ = _l("d'une section d'évaluation")
    __audit_fields__ = {"evaluation_id": _l("Évaluation"), "key": _l("Section"), "text": _l("Texte"),
                        "updated_by_id": _l("Rédigé par")}
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "key", name="uq_evaluation_sections_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    evaluation: Mapped[Evaluation] = relationship(back_populates="sections")


class PartnerContribution(Audited, db.Model):
    """Contribution d'un partenaire: each partner writes its own section of the evaluation."""

    __tablename__ = "partner_contributions"
    __audit_label__ = _l("d'une contribution de partenaire")
    __audit_fields__ = {"evaluation_id": _l("Évaluation"), "organisation_id": _l("Organisme"),
                        "text": _l("Contribution"), "author_id": _l("Rédigée par"),
                        "submitted_at": _l("Envoyée le")}
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "organisation_id", name="uq_partner_contributions_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    evaluation: Mapped[Evaluation] = relationship(back_populates="contributions")
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()


class IndicatorSource(LabelledEnum):
    COMPUTED = "computed"
    MANUAL = "manual"

    @classmethod
    def labels(cls):
        return {"computed": _l("Calculé par gup"), "manual": _l("Saisi par les partenaires")}


class AgreementIndicator(Audited, TimestampMixin, db.Model):
    """Indicateur de la convention: the baseline and target of a computed indicator, or a manual indicator
    (satisfaction survey, safety feeling…) whose observed value partners enter at each evaluation."""

    __tablename__ = "agreement_indicators"
    __audit_label__ = _l("d'un indicateur de la convention")
    __audit_fields__ = {
        "agreement_id": _l("Convention"), "code": _l("Code"), "source": _l("Source"), "label": _l("Libellé"),
        "unit": _l("Unité"), "direction": _l("Sens"), "baseline": _l("Valeur de référence"),
        "target": _l("Cible"), "organisation_id": _l("Organisme qui renseigne"),
    }
    __table_args__ = (sa.UniqueConstraint("agreement_id", "code", name="uq_agreement_indicators_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(60))
    source: Mapped[IndicatorSource] = enum_column(IndicatorSource, default=IndicatorSource.COMPUTED)
    #: manual indicators only (computed ones take the label their feature declares)
    label: Mapped[str | None] = mapped_column(sa.String(255))
    unit: Mapped[Unit | None] = enum_column(Unit, nullable=True)
    direction: Mapped[Direction | None] = enum_column(Direction, nullable=True)
    baseline: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    target: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    #: the partner that enters a manual indicator's values (None: the coordination)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)

    agreement: Mapped[Agreement] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def __str__(self) -> str:
        return self.label or self.code


class ManualIndicatorValue(Audited, db.Model):
    """Valeur observée d'un indicateur saisi, for one evaluation."""

    __tablename__ = "manual_indicator_values"
    __audit_label__ = _l("d'une valeur d'indicateur")
    __audit_fields__ = {"evaluation_id": _l("Évaluation"), "indicator_id": _l("Indicateur"),
                        "value": _l("Valeur observée"), "comment": _l("Commentaire"),
                        "entered_by_id": _l("Saisie par"), "entered_at": _l("Saisie le")}
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "indicator_id", name="uq_manual_values_indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement_indicators.id", ondelete="CASCADE"),
                                              index=True)
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc, onupdate=now_utc)

    evaluation: Mapped[Evaluation] = relationship(back_populates="manual_values")
    indicator: Mapped[AgreementIndicator] = relationship()


class EvaluationReminder(db.Model):
    """Rappel envoyé: one reminder per evaluation and key ("due-90", "contribution:4:2026-W03"), so a job run
    twice, or by two schedulers, sends nothing twice (the unique key is the lock)."""

    __tablename__ = "evaluation_reminders"
    __table_args__ = (sa.UniqueConstraint("evaluation_id", "key", name="uq_evaluation_reminders_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    recipients: Mapped[int] = mapped_column(default=0)
