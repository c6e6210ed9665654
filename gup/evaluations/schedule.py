"""The evaluation calendar an agreement's dates imply (pure functions: no database).

- one annual review (*bilan annuel*) per calendar year the agreement covers, on the part of the year in force,
  due EVALUATION_ANNUAL_DUE_DAYS after the year ends (90 by default: the first-quarter COPIL);
- the mid-term evaluation on the agreement's mid-term date (set, or three years after the start), covering the
  agreement from its start to the day before;
- the final evaluation on the (effective, amended) end date, covering the whole agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gup.evaluations.models import EvaluationKind
from gup.indicators import Period


@dataclass(frozen=True)
class Planned:
    slot: str
    kind: EvaluationKind
    year: int | None
    period: Period
    due_on: date


def annual_slot(year: int) -> str:
    return f"annual-{year}"


def planned_evaluations(agreement: object, *, annual_due_days: int = 90) -> list[Planned]:
    """Every evaluation the agreement's current dates call for, in date order."""
    start: date = agreement.start_on  # type: ignore[attr-defined]
    end: date = agreement.effective_end_on  # type: ignore[attr-defined]
    items: list[Planned] = []
    for year in range(start.year, end.year + 1):
        period = Period(max(start, date(year, 1, 1)), min(end, date(year, 12, 31)))
        items.append(Planned(annual_slot(year), EvaluationKind.ANNUAL, year, period,
                             date(year, 12, 31) + timedelta(days=annual_due_days)))
    midterm: date = agreement.midterm_evaluation_on  # type: ignore[attr-defined]
    if start < midterm <= end:
        items.append(Planned("midterm", EvaluationKind.MIDTERM, None, Period(start, midterm - timedelta(days=1)),
                             midterm))
    items.append(Planned("final", EvaluationKind.FINAL, None, Period(start, end), end))
    return sorted(items, key=lambda p: (p.due_on, p.slot))


def previous_period(kind: EvaluationKind, period: Period, *, agreement_start: date,
                    midterm: Period | None = None) -> Period | None:
    """The period each figure is compared with: the year before for an annual review (within the agreement),
    the mid-term period for the final evaluation, none for the mid-term (nothing before the agreement)."""
    if kind is EvaluationKind.ANNUAL:
        year = period.start.year - 1
        if date(year, 12, 31) < agreement_start:
            return None
        return Period(max(agreement_start, date(year, 1, 1)), date(year, 12, 31))
    if kind is EvaluationKind.FINAL:
        return midterm
    return None
