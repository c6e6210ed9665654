"""Periodic jobs of evaluations (plain functions taking `now`; the scheduler runs them and commits).

Each is idempotent on its own data: the schedule compares dates, the draft moves a status once, and every
reminder inserts an `EvaluationReminder` row whose unique key is the lock — a second run, or a second
scheduler racing the first, finds the row (gup.claims.insert_once) and queues nothing.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from gup.agreements.models import Agreement, Partner
from gup.auth.models import Role, User
from gup.claims import insert_once
from gup.evaluations import services
from gup.evaluations import snapshot as snapshots
from gup.evaluations.models import Evaluation, EvaluationReminder, EvaluationStatus
from gup.extensions import db
from gup.i18n import local_today
from gup.notifications.services import mail_url, queue_notification
from gup.territory.queries import shared_territory_index

logger = logging.getLogger(__name__)

#: days before the due date at which the coordination is reminded
DUE_REMINDER_DAYS = (90, 30, 7)


def _coordinators(agreement: Agreement) -> list[User]:
    return [u for u in agreement.coordinators if u.is_active_account and u.email]


def _referents(organisation_ids: Iterable[int]) -> list[User]:
    ids = list(organisation_ids)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(User.role == Role.PARTNER_REFERENT,
                                                          User.organisation_id.in_(ids),
                                                          User.is_active_account.is_(True))
                                   .order_by(User.id)))


def _claim(evaluation: Evaluation, key: str, *, now: datetime, send: Callable[[], int]) -> bool:
    """Insert the reminder row, then queue its mails in the same transaction: False when it was already sent."""
    exists = db.session.scalar(sa.select(EvaluationReminder.id).where(
        EvaluationReminder.evaluation_id == evaluation.id, EvaluationReminder.key == key))
    if exists is not None:
        return False
    reminder_id = insert_once(EvaluationReminder, evaluation_id=evaluation.id, key=key, sent_at=now, recipients=0)
    if reminder_id is None:
        logger.info("reminder %s of evaluation %s already sent by another run", key, evaluation.id)
        return False
    db.session.get(EvaluationReminder, reminder_id).recipients = send()
    return True


def _context(evaluation: Evaluation, today: date, **extra: Any) -> dict[str, Any]:
    from gup.i18n import fmt_date

    return {"title": evaluation.title, "agreement": str(evaluation.agreement), "due_on": fmt_date(evaluation.due_on),
            "days_left": (evaluation.due_on - today).days, "status": str(evaluation.status.label),
            "url": mail_url("evaluations.detail", evaluation_id=str(evaluation.id)), **extra}


def schedule(now: datetime) -> int:
    """Create and move evaluations from every agreement's dates."""
    change = services.sync_all_schedules()
    logger.info("evaluation schedule: %s created, %s moved, %s removed", len(change.created), len(change.moved),
                len(change.removed))
    return len(change.created) + len(change.moved) + len(change.removed)


def remind_due(now: datetime) -> int:
    """Remind the agreement's coordinators 90, 30 and 7 days before an evaluation not frozen yet is due; a run
    that missed a threshold (scheduler stopped) sends the nearest one only and marks the earlier ones done."""
    today = local_today(now)
    sent = 0
    stmt = (sa.select(Evaluation).where(Evaluation.status.in_([EvaluationStatus.SCHEDULED,
                                                                 EvaluationStatus.IN_PREPARATION]),
                                          Evaluation.due_on >= today)
            .order_by(Evaluation.due_on, Evaluation.id))
    for evaluation in db.session.scalars(stmt):
        days_left = (evaluation.due_on - today).days
        reached = [d for d in DUE_REMINDER_DAYS if days_left <= d]
        if not reached:
            continue
        nearest = min(reached)

        def send(evaluation: Evaluation = evaluation, nearest: int = nearest) -> int:
            people = _coordinators(evaluation.agreement)
            for user in people:
                queue_notification("evaluation_due", to=user.email, locale="fr",
                                   context=_context(evaluation, today, full_name=user.full_name, threshold=nearest),
                                   cause_kind="evaluation", cause_id=evaluation.id)
            return len(people)

        if _claim(evaluation, f"due-{nearest}", now=now, send=send):
            sent += 1
        for earlier in (d for d in reached if d > nearest):
            _claim(evaluation, f"due-{earlier}", now=now, send=lambda: 0)
    logger.info("%s evaluation due reminder(s) sent", sent)
    return sent


def prepare_drafts(now: datetime) -> int:
    """When an evaluation's period is over (the annual review's in January for the past year, the mid-term on
    its date), open its preparation, compute the draft (its snapshot; the PDF « Projet » is rendered when
    downloaded) and tell the partners. Every agreement's evaluations come due together in January: the drafts
    share one read of the territory tree and compute each indicator once per agreement and period (a review
    compares with the year before, which a backlog prepares too); each costs a constant number of queries. A run
    stops taking new drafts after EVALUATION_DRAFTS_SECONDS (it always prepares one); the next hourly run goes on
    with the rest, oldest due first."""
    today = local_today(now)
    stmt = (sa.select(Evaluation).where(Evaluation.status == EvaluationStatus.SCHEDULED,
                                          Evaluation.period_end < today)
            .order_by(Evaluation.due_on, Evaluation.id))
    with shared_territory_index(), snapshots.shared_indicator_values():
        done = _prepare(db.session.scalars(stmt).all(), now, today)
    logger.info("%s evaluation draft(s) prepared", done)
    return done


def _prepare(evaluations: list[Evaluation], now: datetime, today: date) -> int:
    budget = current_app.config.get("EVALUATION_DRAFTS_SECONDS") or 0
    started = time.monotonic()
    done = 0
    for evaluation in evaluations:
        if budget and done and time.monotonic() - started > budget:
            logger.info("%s evaluation draft(s) left for the next run (%s s per run)", len(evaluations) - done,
                        budget)
            break
        services.prepare_draft(evaluation, actor=None, now=now)

        def send(evaluation: Evaluation = evaluation) -> int:
            people = _coordinators(evaluation.agreement) + _referents(
                p.organisation_id for p in evaluation.agreement.partners)
            for user in people:
                queue_notification("evaluation_preparation", to=user.email, locale="fr",
                                   context=_context(evaluation, today, full_name=user.full_name),
                                   cause_kind="evaluation", cause_id=evaluation.id)
            return len(people)

        _claim(evaluation, "preparation", now=now, send=send)
        done += 1
    return done


def remind_contributions(now: datetime) -> int:
    """Once a week during preparation, remind the referents of each partner that has not contributed yet."""
    today = local_today(now)
    year, week, _ = today.isocalendar()
    sent = 0
    stmt = (sa.select(Evaluation).where(Evaluation.status == EvaluationStatus.IN_PREPARATION)
            .options(selectinload(Evaluation.contributions),
                     joinedload(Evaluation.agreement).selectinload(Agreement.partners)
                     .joinedload(Partner.organisation))
            .order_by(Evaluation.due_on, Evaluation.id))
    evaluations = db.session.scalars(stmt).unique().all()
    referents: dict[int, list[User]] = defaultdict(list)  # every partner's referents, in one query
    for user in _referents({p.organisation_id for e in evaluations for p in e.agreement.partners}):
        referents[user.organisation_id].append(user)
    for evaluation in evaluations:
        contributed = {c.organisation_id for c in evaluation.contributions}
        for partner in evaluation.agreement.partners:
            if partner.organisation_id in contributed:
                continue
            people = referents[partner.organisation_id]
            if not people:
                continue

            def send(evaluation: Evaluation = evaluation, people: list[User] = people,
                     organisation: str = partner.organisation.name) -> int:
                for user in people:
                    queue_notification("evaluation_contribution", to=user.email, locale="fr",
                                       context=_context(evaluation, today, full_name=user.full_name,
                                                        organisation=organisation),
                                       cause_kind="evaluation", cause_id=evaluation.id)
                return len(people)

            if _claim(evaluation, f"contribution:{partner.organisation_id}:{year}-W{week:02d}", now=now, send=send):
                sent += 1
    logger.info("%s contribution reminder(s) sent", sent)
    return sent
