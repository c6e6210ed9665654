"""Read side of evaluations: loading with the policy, lists, the partners' work items."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import Partner
from gup.agreements.queries import coordinated
from gup.evaluations.models import (
    AgreementIndicator,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    EvaluationVersion,
    IndicatorSource,
    PartnerContribution,
)
from gup.extensions import db
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the views)
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link


def evaluation_or_404(evaluation_id: int) -> Evaluation:
    evaluation = db.session.scalar(
        sa.select(Evaluation).where(Evaluation.id == evaluation_id)
        .options(joinedload(Evaluation.agreement), selectinload(Evaluation.versions),
                 selectinload(Evaluation.sections), selectinload(Evaluation.contributions),
                 selectinload(Evaluation.manual_values)))
    if evaluation is None:
        abort(404)
    return evaluation


def version_or_404(evaluation: Evaluation, number: int) -> EvaluationVersion:
    version = next((v for v in evaluation.versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def evaluations_stmt(user: Any, *, agreement_id: int | None = None, kind: str | None = None,
                     status: str | None = None) -> sa.Select:
    stmt = sa.select(Evaluation).options(joinedload(Evaluation.agreement), selectinload(Evaluation.versions))
    if agreement_id is not None:
        stmt = stmt.where(Evaluation.agreement_id == agreement_id)
    if kind:
        stmt = stmt.where(Evaluation.kind == EvaluationKind(kind))
    if status:
        stmt = stmt.where(Evaluation.status == EvaluationStatus(status))
    return policy.visible(user, stmt, Evaluation).order_by(Evaluation.due_on, Evaluation.id)


def of_agreement(agreement_id: int) -> list[Evaluation]:
    return list(db.session.scalars(sa.select(Evaluation).where(Evaluation.agreement_id == agreement_id)
                                   .options(selectinload(Evaluation.versions))
                                   .order_by(Evaluation.due_on, Evaluation.id)))


def agreement_indicators(agreement_id: int) -> list[AgreementIndicator]:
    return list(db.session.scalars(sa.select(AgreementIndicator)
                                   .where(AgreementIndicator.agreement_id == agreement_id)
                                   .options(joinedload(AgreementIndicator.organisation))
                                   .order_by(AgreementIndicator.source, AgreementIndicator.code)))


def manual_indicators(agreement_id: int) -> list[AgreementIndicator]:
    return [i for i in agreement_indicators(agreement_id) if i.source is IndicatorSource.MANUAL]


def published(limit: int = 100) -> list[Evaluation]:
    """Published evaluations, newest first (their reports carry no personal data: public)."""
    return list(db.session.scalars(sa.select(Evaluation).where(Evaluation.published_at.is_not(None))
                                   .options(joinedload(Evaluation.agreement), selectinload(Evaluation.versions))
                                   .order_by(Evaluation.published_at.desc()).limit(limit)))


# --- « Mes actions »: contributions a partner still owes -----------------------------------------------

def _contribution_items(user: Any, today: date) -> list[WorkItem]:
    contributed = sa.select(PartnerContribution.evaluation_id).where(
        PartnerContribution.organisation_id == user.organisation_id)
    stmt = (sa.select(Evaluation)
            .join(Partner, sa.and_(Partner.agreement_id == Evaluation.agreement_id,
                                   Partner.organisation_id == user.organisation_id))
            .where(Evaluation.status == EvaluationStatus.IN_PREPARATION, Evaluation.id.not_in(contributed))
            .options(joinedload(Evaluation.agreement)))
    return [WorkItem(e, "evaluation", e.due_on < today, e.due_on, "evaluations/_inbox_row.html", 3, False)
            for e in db.session.scalars(policy.visible(user, stmt, Evaluation)).unique()]


work_items = WorkItemProvider(kind="evaluation", model=Evaluation, items=_contribution_items)


# --- the coordination's « À traiter » (gup.dashboard): evaluations due within DUE_SOON_DAYS or late ----------

DONE_STATUSES = (EvaluationStatus.APPROVED, EvaluationStatus.PUBLISHED)


def _due_stmt(user: Any, today: date) -> Any:
    horizon = today + timedelta(days=current_app.config["DUE_SOON_DAYS"])
    stmt = (sa.select(Evaluation).where(Evaluation.status.not_in(DONE_STATUSES), Evaluation.due_on <= horizon)
            .options(joinedload(Evaluation.agreement)).order_by(Evaluation.due_on, Evaluation.id))
    return coordinated(user, policy.visible(user, stmt, Evaluation), Evaluation.agreement_id)


def _due_items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(e, "evaluation_due", e.due_on < today, e.due_on, "_macros/work_item_row.html", 3, False,
                     type_label=_("Évaluation"), text=str(e.title),
                     link=link("evaluations.detail", evaluation_id=e.id))
            for e in first_rows(_due_stmt(user, today))]


due_items = WorkItemProvider(
    kind="evaluation_due", model=Evaluation, items=_due_items, audience=COORDINATION,
    title=_l("Évaluations à préparer"), order=80, count=lambda user, today: count_rows(_due_stmt(user, today)),
    list_url=lambda: url_for("evaluations.index"))
