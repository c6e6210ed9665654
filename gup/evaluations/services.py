"""Use cases of evaluations: the schedule from the agreement's dates, preparation, freezing into versions,
approval, publication, texts, contributions and indicator values. Services flush, never commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.agreements.models import Agreement, AgreementStatus
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError
from gup.evaluations import snapshot as snapshots
from gup.evaluations.models import (
    AgreementIndicator,
    Evaluation,
    EvaluationStatus,
    EvaluationVersion,
    IndicatorSource,
    ManualIndicatorValue,
    PartnerContribution,
)
from gup.evaluations.outline import section_keys
from gup.evaluations.schedule import planned_evaluations
from gup.extensions import db
from gup.i18n import local_today
from gup.indicators import Direction, Unit
from gup.inputs import INDICATOR_MAX, TEXT_MAX

logger = logging.getLogger(__name__)

#: agreements whose evaluations are scheduled (a draft's dates are still being discussed)
SCHEDULED_AGREEMENTS = (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE, AgreementStatus.ENDED)


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


@dataclass
class ScheduleChange:
    created: list[Evaluation] = field(default_factory=list)
    moved: list[Evaluation] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.moved or self.removed)


def sync_schedule(agreement: Agreement, *, actor: Any = None) -> ScheduleChange:
    """Create the evaluations the agreement's dates call for and move those not frozen yet; a scheduled one the
    dates no longer call for (the agreement was shortened) is removed. Frozen or later ones never move.
    Idempotent: a second run changes nothing."""
    acting_as(db.session, actor)
    change = ScheduleChange()
    days = int(current_app.config.get("EVALUATION_ANNUAL_DUE_DAYS", 90))
    existing = {e.slot: e for e in db.session.scalars(
        sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id))}
    wanted = planned_evaluations(agreement, annual_due_days=days)
    for plan in wanted:
        evaluation = existing.get(plan.slot)
        if evaluation is None:
            evaluation = Evaluation(agreement=agreement, kind=plan.kind, slot=plan.slot, year=plan.year,
                                    period_start=plan.period.start, period_end=plan.period.end,
                                    due_on=plan.due_on, status=EvaluationStatus.SCHEDULED)
            db.session.add(evaluation)
            change.created.append(evaluation)
        elif evaluation.is_open and (evaluation.period_start, evaluation.period_end, evaluation.due_on) != (
                plan.period.start, plan.period.end, plan.due_on):
            evaluation.period_start, evaluation.period_end = plan.period.start, plan.period.end
            evaluation.due_on = plan.due_on
            change.moved.append(evaluation)
    slots = {p.slot for p in wanted}
    for slot, evaluation in existing.items():
        if slot not in slots and evaluation.status is EvaluationStatus.SCHEDULED:
            db.session.delete(evaluation)
            change.removed.append(slot)
    db.session.flush()
    if change.changed:
        logger.info("agreement %s evaluations: %s created, %s moved, %s removed", agreement.id,
                    len(change.created), len(change.moved), len(change.removed))
    return change


def sync_all_schedules() -> ScheduleChange:
    total = ScheduleChange()
    for agreement in db.session.scalars(sa.select(Agreement).where(Agreement.status.in_(SCHEDULED_AGREEMENTS))
                                        .order_by(Agreement.id)):
        change = sync_schedule(agreement)
        total.created += change.created
        total.moved += change.moved
        total.removed += change.removed
    return total


def _move(evaluation: Evaluation, target: EvaluationStatus, *, actor: Any, now: datetime,
          note: str | None = None) -> None:
    before = evaluation.status
    evaluation.move_to(target)
    db.session.flush()
    record_status_change(evaluation, from_status=before, to_status=target, actor=actor, at=now, note=note)


def render_pdf(snapshot: dict[str, Any]) -> bytes:
    """The report PDF of a snapshot (gup.evaluations.pdf)."""
    from gup.evaluations.pdf import build_report

    return build_report(snapshot)


def report_pdf(version: EvaluationVersion) -> tuple[bytes, str | None] | None:
    """A version's report and its stored SHA-256: a frozen version's PDF was built once at freezing and is never
    rebuilt; a draft's is rendered from its snapshot when asked for (the draft job computes hundreds of drafts
    at once, and a draft is replaced whenever it is recomputed), without a stored checksum. None: no PDF."""
    if version.pdf is not None:
        return version.pdf, version.pdf_sha256
    if version.is_draft and version.snapshot:
        return render_pdf(version.snapshot), None
    return None


def _new_version(evaluation: Evaluation, *, actor: Any, now: datetime, is_draft: bool,
                 note: str | None) -> EvaluationVersion:
    number = 0 if is_draft else max((v.number for v in evaluation.frozen_versions), default=0) + 1
    if is_draft:
        for old in [v for v in evaluation.versions if v.is_draft]:
            evaluation.versions.remove(old)
        db.session.flush()
    data = snapshots.build(evaluation, now=now, version=number, is_draft=is_draft)
    version = EvaluationVersion(evaluation=evaluation, number=number, is_draft=is_draft, created_at=now,
                                created_by_id=_actor_id(actor), note=note, snapshot=data)
    if not is_draft:  # a draft's PDF is rendered on demand (report_pdf)
        version.attach_pdf(render_pdf(data))
    db.session.add(version)
    db.session.flush()
    return version


def open_preparation(evaluation: Evaluation, *, actor: Any, now: datetime) -> Evaluation:
    """scheduled → in preparation: partners are asked for their figures and contributions."""
    acting_as(db.session, actor)
    _move(evaluation, EvaluationStatus.IN_PREPARATION, actor=actor, now=now)
    logger.info("evaluation %s in preparation (by %s)", evaluation.id, _actor_id(actor))
    return evaluation


def prepare_draft(evaluation: Evaluation, *, actor: Any, now: datetime) -> EvaluationVersion:
    """Compute the working draft (its snapshot; its PDF marked « Projet » is rendered when downloaded, see
    report_pdf), replacing the previous draft."""
    acting_as(db.session, actor)
    if evaluation.status is EvaluationStatus.SCHEDULED:
        _move(evaluation, EvaluationStatus.IN_PREPARATION, actor=actor, now=now)
    if evaluation.status is not EvaluationStatus.IN_PREPARATION:
        raise DomainError(_("Le projet ne se prépare que pendant la préparation de l'évaluation."), field="status")
    version = _new_version(evaluation, actor=actor, now=now, is_draft=True, note=None)
    logger.info("evaluation %s draft prepared", evaluation.id)
    return version


def freeze(evaluation: Evaluation, *, actor: Any, now: datetime, note: str | None = None) -> EvaluationVersion:
    """Compute every figure once and store it as the next version; from a frozen, approved or published
    evaluation this is « regenerate after a correction »: a new version, the previous ones kept unchanged."""
    acting_as(db.session, actor)
    regenerating = evaluation.status in (EvaluationStatus.FROZEN, EvaluationStatus.APPROVED,
                                         EvaluationStatus.PUBLISHED)
    if local_today(now) <= evaluation.period_end:
        raise DomainError(_("La période évaluée n'est pas terminée : les chiffres se figent à partir du "
                            "%(day)s.", day=(evaluation.period_end + timedelta(days=1)).strftime("%d/%m/%Y")),
                          field="status")
    if regenerating and not (note or "").strip():
        raise DomainError(_("Indiquez la correction qui justifie une nouvelle version."), field="note")
    if evaluation.status is EvaluationStatus.SCHEDULED:
        _move(evaluation, EvaluationStatus.IN_PREPARATION, actor=actor, now=now)
    _move(evaluation, EvaluationStatus.FROZEN, actor=actor, now=now, note=note)
    evaluation.approved_on = None
    evaluation.approval_note = None
    version = _new_version(evaluation, actor=actor, now=now, is_draft=False, note=(note or "").strip() or None)
    for draft in [v for v in evaluation.versions if v.is_draft]:
        evaluation.versions.remove(draft)
    db.session.flush()
    logger.info("evaluation %s frozen as version %s by %s", evaluation.id, version.number, _actor_id(actor))
    return version


def approve(evaluation: Evaluation, *, approved_on: date, note: str | None, actor: Any,
            now: datetime) -> Evaluation:
    """frozen → approved by the steering committee (COPIL), on a date."""
    acting_as(db.session, actor)
    if approved_on > local_today(now):
        raise DomainError(_("La date de validation ne peut pas être dans le futur."), field="approved_on")
    if approved_on < evaluation.period_start:
        raise DomainError(_("La validation ne peut pas précéder la période évaluée."), field="approved_on")
    _move(evaluation, EvaluationStatus.APPROVED, actor=actor, now=now, note=note)
    evaluation.approved_on = approved_on
    evaluation.approval_note = (note or "").strip()[:500] or None
    db.session.flush()
    return evaluation


def publish(evaluation: Evaluation, *, actor: Any, now: datetime) -> EvaluationVersion:
    """approved → published: the current version's PDF is the published report."""
    acting_as(db.session, actor)
    version = evaluation.current_version
    if version is None:
        raise DomainError(_("Aucune version figée à publier."), field="status")
    _move(evaluation, EvaluationStatus.PUBLISHED, actor=actor, now=now)
    version.published_at = now
    evaluation.published_at = now
    db.session.flush()
    logger.info("evaluation %s version %s published by %s", evaluation.id, version.number, _actor_id(actor))
    return version


def _check_open(evaluation: Evaluation) -> None:
    if not evaluation.is_open:
        raise DomainError(_("Cette évaluation est figée : créez une nouvelle version pour la corriger."),
                          field="status")


def _text(value: str | None, *, field_name: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(_("Texte trop long (%(max)s caractères au plus).", max=TEXT_MAX), field=field_name)
    return text


def save_sections(evaluation: Evaluation, texts: dict[str, str | None], *, actor: Any, now: datetime) -> None:
    """The coordination's qualitative sections (only the keys of this kind of evaluation)."""
    from gup.evaluations.models import EvaluationSection

    acting_as(db.session, actor)
    _check_open(evaluation)
    allowed = section_keys(evaluation.kind)
    current = {s.key: s for s in evaluation.sections}
    for key, value in texts.items():
        if key not in allowed:
            raise DomainError(_("Section inconnue pour ce type d'évaluation."), field=key)
        text = _text(value, field_name=key)
        section = current.get(key)
        if section is None:
            evaluation.sections.append(EvaluationSection(key=key, text=text, updated_by_id=_actor_id(actor),
                                                         updated_at=now))
        elif section.text != text:
            section.text, section.updated_by_id, section.updated_at = text, _actor_id(actor), now
    db.session.flush()


def save_contribution(evaluation: Evaluation, *, organisation: Any, text: str, actor: Any,
                      now: datetime) -> PartnerContribution:
    """One partner's own section (written by its referent or the coordination)."""
    acting_as(db.session, actor)
    _check_open(evaluation)
    if organisation.id not in evaluation.agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field="organisation_id")
    body = _text(text, field_name="text")
    if not body:
        raise DomainError(_("La contribution est vide."), field="text")
    contribution = next((c for c in evaluation.contributions if c.organisation_id == organisation.id), None)
    if contribution is None:
        contribution = PartnerContribution(organisation=organisation, text=body, author_id=_actor_id(actor),
                                           submitted_at=now)
        evaluation.contributions.append(contribution)
    else:
        contribution.text, contribution.author_id, contribution.submitted_at = body, _actor_id(actor), now
    db.session.flush()
    return contribution


def _decimal(value: Any, *, field_name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Nombre invalide."), field=field_name) from exc
    if not number.is_finite() or abs(number) > INDICATOR_MAX:
        raise DomainError(_("Valeur hors limites."), field=field_name)
    return number.quantize(Decimal("0.01"))


def save_manual_value(evaluation: Evaluation, indicator: AgreementIndicator, *, value: Any,
                      comment: str | None, actor: Any, now: datetime) -> ManualIndicatorValue:
    acting_as(db.session, actor)
    _check_open(evaluation)
    if indicator.agreement_id != evaluation.agreement_id or indicator.source is not IndicatorSource.MANUAL:
        raise DomainError(_("Cet indicateur n'est pas un indicateur saisi de la convention."), field="indicator_id")
    number = _decimal(value, field_name="value")
    entry = next((v for v in evaluation.manual_values if v.indicator_id == indicator.id), None)
    note = _text(comment, field_name="comment") or None
    if entry is None:
        entry = ManualIndicatorValue(indicator=indicator, value=number, comment=note,
                                     entered_by_id=_actor_id(actor), entered_at=now)
        evaluation.manual_values.append(entry)
    else:
        entry.value, entry.comment, entry.entered_by_id, entry.entered_at = number, note, _actor_id(actor), now
    db.session.flush()
    return entry


def save_indicator_target(agreement: Agreement, *, code: str, baseline: Any, target: Any, actor: Any,
                          label: str | None = None, unit: Unit | None = None, direction: Direction | None = None,
                          organisation: Any = None, manual: bool = False) -> AgreementIndicator:
    """The baseline and target of an indicator for the agreement; with manual=True, defines (or edits) a manual
    indicator, whose label, unit and direction are required."""
    from gup.features import registry

    acting_as(db.session, actor)
    code = (code or "").strip()
    computed = registry().indicator_specs
    if manual:
        if not code or len(code) > 60 or not code.replace("_", "").isalnum() or code != code.lower():
            raise DomainError(_("Code invalide : lettres minuscules, chiffres et « _ »."), field="code")
        if code in computed:
            raise DomainError(_("Ce code est celui d'un indicateur calculé."), field="code")
        if not (label or "").strip():
            raise DomainError(_("Donnez un libellé à l'indicateur."), field="label")
        if unit is None or direction is None:
            raise DomainError(_("Précisez l'unité et le sens de l'indicateur."), field="unit")
    elif code not in computed:
        raise DomainError(_("Indicateur inconnu."), field="code")
    row = db.session.scalar(sa.select(AgreementIndicator).where(AgreementIndicator.agreement_id == agreement.id,
                                                                AgreementIndicator.code == code))
    if row is None:
        row = AgreementIndicator(agreement=agreement, code=code,
                                 source=IndicatorSource.MANUAL if manual else IndicatorSource.COMPUTED)
        db.session.add(row)
    elif (row.source is IndicatorSource.MANUAL) != manual:
        raise DomainError(_("Ce code est déjà utilisé par un autre indicateur."), field="code")
    row.baseline = _decimal(baseline, field_name="baseline")
    row.target = _decimal(target, field_name="target")
    if manual:
        row.label, row.unit, row.direction = label.strip()[:255], unit, direction  # type: ignore[union-attr]
        row.organisation_id = getattr(organisation, "id", None)
        if organisation is not None and organisation.id not in agreement.party_organisation_ids:
            raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field="organisation_id")
    db.session.flush()
    return row
