"""The snapshot of an evaluation: every figure, text and table its reports show, computed once.

Built from the indicators and annexes the features declared (gup.indicators), the agreement's commitments and
the TFPB review the TFPB feature provides; a plain JSON document (schema 1), stored with each version and the
only input of the PDF reports and CSV exports, so a frozen evaluation never changes when live data does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup.agreements.models import Agreement, Commitment, Partner, TfpbAxisRef
from gup.evaluations.models import (
    AgreementIndicator,
    Evaluation,
    EvaluationKind,
    IndicatorSource,
    ManualIndicatorValue,
)
from gup.evaluations.outline import section_keys
from gup.evaluations.schedule import previous_period
from gup.extensions import db
from gup.features import registry
from gup.i18n import fmt_date
from gup.indicators import IndicatorSpec, IndicatorValue, Period, Section, as_number
from gup.territory.queries import shared_territory_index

logger = logging.getLogger(__name__)

SCHEMA = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _num(value: Decimal | float | int | None) -> float | None:
    return as_number(value)


def period_dict(period: Period | None) -> dict[str, str] | None:
    if period is None:
        return None
    if period.start.month == 1 and period.start.day == 1 and period.end == date(period.start.year, 12, 31):
        label = f"année {period.start.year}"
    else:
        label = f"du {fmt_date(period.start)} au {fmt_date(period.end)}"
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": label}


def evaluation_period(evaluation: Evaluation) -> Period:
    return Period(evaluation.period_start, evaluation.period_end)


def comparison_period(evaluation: Evaluation) -> Period | None:
    midterm = None
    if evaluation.kind is EvaluationKind.FINAL:
        other = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == evaluation.agreement_id,
                                                               Evaluation.slot == "midterm"))
        midterm = Period(other.period_start, other.period_end) if other else None
    return previous_period(evaluation.kind, evaluation_period(evaluation),
                           agreement_start=evaluation.agreement.start_on, midterm=midterm)


def agreement_dict(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id, "reference": agreement.reference, "title": agreement.title,
        "kind_label": str(agreement.kind.label), "start_on": _iso(agreement.start_on),
        "end_on": _iso(agreement.effective_end_on), "midterm_on": _iso(agreement.midterm_evaluation_on),
        "status_label": str(agreement.status.label), "city_contract": agreement.city_contract,
        "renewal_agreement": agreement.renewal_agreement,
        "territories": [{"name": t.name, "kind_label": str(t.kind.label), "qpv_code": getattr(t, "qpv_code", None)}
                        for t in agreement.territories],
        "signatories": [{"organisation": s.organisation.name, "role_label": str(s.role.label),
                         "signer_name": s.signer_name, "signer_title": s.signer_title,
                         "signed_on": _iso(s.signed_on)} for s in agreement.signatories],
        "partners": [{"id": p.id, "organisation": p.organisation.name,
                      "kind_label": str(p.organisation.kind.label), "referent": p.referent}
                     for p in sorted(agreement.partners, key=lambda p: p.organisation.name)],
        "amendments": [{"number": a.number, "signed_on": _iso(a.signed_on), "subject": a.subject,
                        "new_end_on": _iso(a.new_end_on)} for a in agreement.amendments],
        "themes": [t.label for t in agreement.themes],
    }


#: the indicator values computed in the current `shared_indicator_values()` block, by (code, agreement, period)
_values: ContextVar[dict[tuple, IndicatorValue] | None] = ContextVar("shared_indicator_values", default=None)


@contextmanager
def shared_indicator_values() -> Iterator[None]:
    """Compute each indicator at most once per agreement and period in this block, for a batch of snapshots of
    the same data (the draft job: an annual review compares with the year before, the previous review's own
    period). Only for a block that changes none of the data the indicators read."""
    if _values.get() is not None:
        yield
        return
    token = _values.set({})
    try:
        yield
    finally:
        _values.reset(token)


def _value(spec: IndicatorSpec, agreement: Agreement, period: Period) -> IndicatorValue:
    shared = _values.get()
    if shared is None:
        return spec.compute(agreement, period)
    key = (spec.code, agreement.id, period.start, period.end)
    if key not in shared:
        shared[key] = spec.compute(agreement, period)
    return shared[key]


def _gap(value: float | None, other: float | None) -> float | None:
    return None if value is None or other is None else round(value - other, 4)


def _computed(spec: IndicatorSpec, agreement: Agreement, period: Period, previous: Period | None,
              targets: dict[str, AgreementIndicator]) -> dict[str, Any]:
    result = _value(spec, agreement, period)
    before = _value(spec, agreement, previous).value if previous is not None else None
    target = targets.get(spec.code)
    baseline_value = _num(target.baseline) if target else None
    target_value = _num(target.target) if target else None
    value = _num(result.value)
    return {
        "code": spec.code, "label": str(spec.label), "unit": str(spec.unit), "direction": str(spec.direction),
        "section": str(spec.section), "source": "computed", "order": spec.order,
        "description": str(spec.description or ""),
        "value": value, "previous": _num(before), "baseline": baseline_value, "target": target_value,
        "gap_target": _gap(value, target_value), "gap_previous": _gap(value, _num(before)),
        "note": result.note, "details": {str(k): _num(v) for k, v in result.details.items()},
        "breakdowns": {str(dim): [{"key": str(r.key), "label": str(r.label), "value": _num(r.value),
                                   "count": r.count} for r in rows]
                       for dim, rows in result.breakdowns.items()},
        "dimension_labels": {str(dim): spec.dimension_label(dim) for dim in result.breakdowns},
    }


def _manual(evaluation: Evaluation, indicators: list[AgreementIndicator],
            previous_evaluation: Evaluation | None) -> list[dict[str, Any]]:
    values = {v.indicator_id: v for v in evaluation.manual_values}
    before: dict[int, ManualIndicatorValue] = {}
    if previous_evaluation is not None:
        before = {v.indicator_id: v for v in previous_evaluation.manual_values}
    out = []
    for i, indicator in enumerate(indicators):
        entry = values.get(indicator.id)
        value = _num(entry.value) if entry else None
        prev = _num(before[indicator.id].value) if indicator.id in before else None
        target = _num(indicator.target)
        out.append({
            "code": indicator.code, "label": indicator.label or indicator.code,
            "unit": str(indicator.unit or "count"), "direction": str(indicator.direction or "neutral"),
            "section": str(Section.OTHER), "source": "manual", "order": 1000 + i,
            "description": (f"Saisi par {indicator.organisation.name}" if indicator.organisation
                            else "Saisi par la coordination"),
            "value": value, "previous": prev, "baseline": _num(indicator.baseline), "target": target,
            "gap_target": _gap(value, target), "gap_previous": _gap(value, prev),
            "note": entry.comment if entry else None, "details": {}, "breakdowns": {}, "dimension_labels": {},
        })
    return out


def _previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    if evaluation.kind is EvaluationKind.ANNUAL and evaluation.year:
        slot = f"annual-{evaluation.year - 1}"
    elif evaluation.kind is EvaluationKind.FINAL:
        slot = "midterm"
    else:
        return None
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == evaluation.agreement_id,
                                                          Evaluation.slot == slot))


def commitments(agreement: Agreement, cut_off: date) -> list[dict[str, Any]]:
    rows = []
    axes = {a.code: a for a in db.session.scalars(sa.select(TfpbAxisRef))}
    stmt = (sa.select(Commitment).where(Commitment.agreement_id == agreement.id).order_by(Commitment.reference)
            .options(selectinload(Commitment.updates), joinedload(Commitment.theme),
                     joinedload(Commitment.partner).joinedload(Partner.organisation)))
    for c in db.session.scalars(stmt):
        spending = c.latest_spending(on=cut_off)
        measure = c.latest_measure(on=cut_off)
        rows.append({
            "reference": c.reference, "title": c.title, "partner": c.partner.organisation.name,
            "theme": c.theme.label, "funding_source": str(c.funding_source),
            "funding_source_label": str(c.funding_source.label),
            "tfpb_axis_label": axes[c.tfpb_axis.value].label if c.tfpb_axis is not None and
            c.tfpb_axis.value in axes else None,
            "status": str(c.status), "status_label": str(c.status.label), "progress": c.progress,
            "due_on": _iso(c.due_on),
            "planned_investment": _num(c.planned_investment_amount),
            "planned_operating": _num(c.planned_operating_amount),
            "investment_spent": _num(spending.investment_spent) if spending else None,
            "operating_spent": _num(spending.operating_spent) if spending else None,
            "indicator_label": c.indicator_label, "indicator_unit": c.indicator_unit,
            "indicator_baseline": _num(c.indicator_baseline), "indicator_target": _num(c.indicator_target),
            "indicator_value": _num(measure.indicator_value) if measure else None,
        })
    return rows


def _annex(spec: Any, agreement: Agreement, period: Period) -> dict[str, Any]:
    return {"code": spec.code, "label": str(spec.label), "section": str(spec.section),
            "columns": [{"key": c.key, "label": str(c.label), "width": c.width, "kind": c.kind}
                        for c in spec.columns],
            "rows": [dict(row) for row in spec.rows(agreement, period)]}


def build(evaluation: Evaluation, *, now: datetime, version: int, is_draft: bool) -> dict[str, Any]:
    """The snapshot of evaluation as of now (see /work/prompts/snapshot.md for the schema); the indicators
    share one read of the territory tree."""
    with shared_territory_index():
        return _build(evaluation, now=now, version=version, is_draft=is_draft)


def _build(evaluation: Evaluation, *, now: datetime, version: int, is_draft: bool) -> dict[str, Any]:
    agreement = evaluation.agreement
    reg = registry()
    period = evaluation_period(evaluation)
    previous = comparison_period(evaluation)
    targets = {t.code: t for t in db.session.scalars(
        sa.select(AgreementIndicator).where(AgreementIndicator.agreement_id == agreement.id))}
    specs = sorted(reg.indicator_specs.values(), key=lambda s: (str(s.section), s.order, s.code))
    indicators = [_computed(spec, agreement, period, previous, targets) for spec in specs]
    manual = sorted((t for t in targets.values() if t.source is IndicatorSource.MANUAL), key=lambda t: t.code)
    indicators += _manual(evaluation, manual, _previous_evaluation(evaluation))
    tfpb_review = reg.services.get("tfpb.review_data")
    status = "draft" if is_draft else "frozen"
    snapshot = {
        "schema": SCHEMA,
        "generated_at": now.isoformat(),
        "cut_off": period.end.isoformat(),
        "evaluation": {"id": evaluation.id, "kind": str(evaluation.kind), "kind_label": str(evaluation.kind.label),
                       "title": evaluation.title, "year": evaluation.year, "due_on": _iso(evaluation.due_on),
                       "version": version, "status": status,
                       "status_label": "Projet" if is_draft else str(evaluation.status.label)},
        "period": period_dict(period),
        "previous_period": period_dict(previous),
        "agreement": agreement_dict(agreement),
        "indicators": indicators,
        "sections": {key: evaluation.section_text(key) for key in section_keys(evaluation.kind)},
        "contributions": [{"organisation": c.organisation.name, "kind_label": str(c.organisation.kind.label),
                           "text": c.text, "submitted_at": _iso(c.submitted_at)}
                          for c in sorted(evaluation.contributions, key=lambda c: c.organisation.name)],
        "commitments": commitments(agreement, period.end),
        "tfpb": list(tfpb_review(agreement, period.start, period.end)) if tfpb_review else [],
        "annexes": [_annex(spec, agreement, period)
                    for spec in sorted(reg.annex_specs.values(), key=lambda s: (s.order, s.code))],
    }
    logger.info("evaluation %s snapshot built: %s indicators, %s annex rows", evaluation.id, len(indicators),
                sum(len(a["rows"]) for a in snapshot["annexes"]))
    return snapshot
