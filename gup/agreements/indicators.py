"""Evaluation indicators of commitments (GUIDE §5): commitments fulfilled and budget execution."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.breakdowns import Dim, breakdowns, organisation_labels, rate, theme_labels
from gup.agreements.models import Commitment, CommitmentStatus, CommitmentUpdate, FundingSource, Partner
from gup.extensions import db
from gup.i18n import fmt_date
from gup.indicators import PARTNER, THEME, Direction, IndicatorSpec, IndicatorValue, Period, Section, Unit

#: commitments the partners agreed to (the proposed and withdrawn ones are not promises)
AGREED = frozenset(set(CommitmentStatus) - {CommitmentStatus.PROPOSED, CommitmentStatus.WITHDRAWN})
KEPT = frozenset({CommitmentStatus.FULFILLED, CommitmentStatus.PARTLY_FULFILLED})
FUNDING = "funding_source"


def _commitments(agreement: Any, period: Period) -> list[Any]:
    """The agreement's agreed commitments (status as of today): they cover the agreement's whole duration, so
    every period counts them all, whenever they were typed in."""
    stmt = (sa.select(Commitment.id, Commitment.theme_id, Partner.organisation_id.label("org_id"),
                      Commitment.funding_source, Commitment.status, Commitment.planned_investment_amount,
                      Commitment.planned_operating_amount)
            .join(Partner, Partner.id == Commitment.partner_id)
            .where(Commitment.agreement_id == agreement.id, Commitment.status.in_(list(AGREED))))
    return list(db.session.execute(stmt))


def _dims(records: list[Any]) -> dict[str, Dim]:
    return {
        THEME: Dim(lambda r: r.theme_id, theme_labels(r.theme_id for r in records)),
        PARTNER: Dim(lambda r: r.org_id, organisation_labels(r.org_id for r in records)),
        FUNDING: Dim(lambda r: r.funding_source.value, {s.value: s.label for s in FundingSource}),
    }


def commitments_fulfilled(agreement: Any, period: Period) -> IndicatorValue:
    records = _commitments(agreement, period)

    def share(group: list[Any]) -> tuple[float | None, int | None]:
        return rate(sum(1 for r in group if r.status in KEPT), len(group)), len(group)

    value, _count = share(records)
    by_status = {s: sum(1 for r in records if r.status is s) for s in AGREED}
    return IndicatorValue(
        value=value, breakdowns=breakdowns(records, _dims(records), share),
        details={str(s.label): by_status[s] for s in (CommitmentStatus.FULFILLED, CommitmentStatus.PARTLY_FULFILLED,
                                                      CommitmentStatus.NOT_FULFILLED, CommitmentStatus.IN_PROGRESS,
                                                      CommitmentStatus.AGREED)},
        note=_("sur %(n)s engagements validés", n=len(records)))


def _spending_at(agreement: Any, day: date) -> dict[int, tuple[Decimal, Decimal]]:
    """commitment id → (investment, operating) spent to date, from its latest update dated by `day`."""
    ranked = (sa.select(CommitmentUpdate.commitment_id, CommitmentUpdate.investment_spent,
                        CommitmentUpdate.operating_spent,
                        sa.func.row_number().over(
                            partition_by=CommitmentUpdate.commitment_id,
                            order_by=(CommitmentUpdate.spent_on.desc(), CommitmentUpdate.created_at.desc(),
                                      CommitmentUpdate.id.desc())).label("rank"))
              .join(Commitment, Commitment.id == CommitmentUpdate.commitment_id)
              .where(Commitment.agreement_id == agreement.id, CommitmentUpdate.spent_on.is_not(None),
                     CommitmentUpdate.spent_on <= day)
              .subquery())
    rows = db.session.execute(sa.select(ranked.c.commitment_id, ranked.c.investment_spent, ranked.c.operating_spent)
                              .where(ranked.c.rank == 1))
    return {r.commitment_id: (r.investment_spent or Decimal(0), r.operating_spent or Decimal(0)) for r in rows}


def budget_execution(agreement: Any, period: Period) -> IndicatorValue:
    records = _commitments(agreement, period)
    spent = _spending_at(agreement, period.end)
    zero = (Decimal(0), Decimal(0))

    def planned(group: list[Any]) -> Decimal:
        return sum(((r.planned_investment_amount or Decimal(0)) + (r.planned_operating_amount or Decimal(0))
                    for r in group), Decimal(0))

    def used(group: list[Any]) -> Decimal:
        return sum((sum(spent.get(r.id, zero)) for r in group), Decimal(0))

    def execution(group: list[Any]) -> tuple[float | None, int | None]:
        return rate(float(used(group)), float(planned(group))), len(group)

    value, _count = execution(records)
    investment_planned = sum((r.planned_investment_amount or Decimal(0) for r in records), Decimal(0))
    operating_planned = sum((r.planned_operating_amount or Decimal(0) for r in records), Decimal(0))
    investment_spent = sum((spent.get(r.id, zero)[0] for r in records), Decimal(0))
    operating_spent = sum((spent.get(r.id, zero)[1] for r in records), Decimal(0))
    return IndicatorValue(
        value=value, breakdowns=breakdowns(records, _dims(records), execution),
        details={_("Prévu (€)"): float(planned(records)), _("Dépensé (€)"): float(used(records)),
                 _("Investissement prévu (€)"): float(investment_planned),
                 _("Investissement dépensé (€)"): float(investment_spent),
                 _("Fonctionnement prévu (€)"): float(operating_planned),
                 _("Fonctionnement dépensé (€)"): float(operating_spent)},
        note=_("dépenses déclarées au %(day)s dans les points d'avancement, sur %(n)s engagements",
               day=fmt_date(period.end), n=len(records)))


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {FUNDING: _l("source de financement")}

ALL: list[IndicatorSpec] = [
    IndicatorSpec(
        code="commitments_fulfilled_rate", label=_l("Engagements tenus"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.COMMITMENTS, compute=commitments_fulfilled, order=10,
        description=_l("Engagements tenus ou partiellement tenus ÷ engagements validés (hors proposés et retirés) "
                       "de la convention, selon leur statut à la date du calcul"),
        dimension_labels=DIMENSIONS, dimensions=(THEME, PARTNER, FUNDING)),
    IndicatorSpec(
        code="budget_execution_rate", label=_l("Taux d'exécution budgétaire"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.COMMITMENTS, compute=budget_execution, order=20,
        description=_l("Montants dépensés (investissement et fonctionnement, d'après le dernier point d'avancement "
                       "daté au plus tard de la fin de la période) ÷ montants prévus des engagements validés"),
        dimension_labels=DIMENSIONS, dimensions=(FUNDING, PARTNER, THEME)),
]

ANNEXES: list[Any] = []
