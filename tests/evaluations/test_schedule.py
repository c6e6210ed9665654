"""The evaluation calendar follows the agreement's dates, and moves when an amendment changes them."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from gup.agreements import services as agreements
from gup.agreements.models import AgreementStatus
from gup.evaluations import services
from gup.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from gup.evaluations.schedule import planned_evaluations
from gup.extensions import db
from gup.orm import now_utc


def _slots(agreement) -> dict[str, Evaluation]:
    return {e.slot: e for e in db.session.scalars(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id))}


def test_schedule_from_the_dates(f):
    agreement = f.make_agreement(start_on=date(2025, 1, 1), end_on=date(2030, 12, 31))
    plan = planned_evaluations(agreement)
    annual = [p for p in plan if p.kind is EvaluationKind.ANNUAL]
    assert [p.year for p in annual] == [2025, 2026, 2027, 2028, 2029, 2030]
    assert annual[0].period.start == date(2025, 1, 1) and annual[0].period.end == date(2025, 12, 31)
    assert annual[0].due_on == date(2026, 3, 31)  # 90 days after the year: the first-quarter COPIL
    midterm = next(p for p in plan if p.kind is EvaluationKind.MIDTERM)
    assert midterm.due_on == date(2028, 1, 1)  # three years after the start
    assert (midterm.period.start, midterm.period.end) == (date(2025, 1, 1), date(2027, 12, 31))
    final = next(p for p in plan if p.kind is EvaluationKind.FINAL)
    assert final.due_on == date(2030, 12, 31) and final.period.start == date(2025, 1, 1)


def test_a_partial_first_year_and_a_set_midterm_date(f):
    agreement = f.make_agreement(start_on=date(2024, 7, 1), end_on=date(2028, 6, 30), midterm_on=date(2026, 9, 1))
    plan = {p.slot: p for p in planned_evaluations(agreement)}
    assert plan["annual-2024"].period.start == date(2024, 7, 1)
    assert plan["annual-2028"].period.end == date(2028, 6, 30)
    assert plan["midterm"].due_on == date(2026, 9, 1)


def test_sync_creates_once_and_an_amendment_moves_the_schedule(f):
    w = f.world()
    agreement = w["agreement"]
    change = services.sync_schedule(agreement)
    assert len(change.created) == 8  # six annual reviews, the mid-term and the final evaluation
    assert not services.sync_schedule(agreement).changed  # idempotent
    frozen = _slots(agreement)["annual-2025"]
    frozen.status = EvaluationStatus.FROZEN
    db.session.flush()

    # an amendment extends the agreement: the final evaluation moves, a 2031 review appears, at once (signal)
    agreements.add_amendment(agreement, signed_on=date(2026, 6, 1), subject="Prolongation",
                             new_end_on=date(2031, 6, 30), actor=w["coordinator"])
    slots = _slots(agreement)
    assert slots["final"].due_on == date(2031, 6, 30)
    assert slots["final"].period_end == date(2031, 6, 30)
    assert slots["annual-2031"].period_end == date(2031, 6, 30)
    assert slots["annual-2025"].status is EvaluationStatus.FROZEN  # a frozen evaluation never moves

    # the agreement is shortened: the scheduled reviews it no longer covers go, the others stay
    agreements.update_agreement(agreement, actor=w["coordinator"], end_on=date(2027, 12, 31))
    db.session.delete(agreement.amendments[0])
    db.session.flush()
    db.session.expire(agreement)
    services.sync_schedule(agreement)
    slots = _slots(agreement)
    assert "annual-2029" not in slots and "annual-2031" not in slots
    assert slots["final"].due_on == date(2027, 12, 31)


def test_the_job_schedules_signed_agreements_only(app_ctx, f):
    from gup.evaluations.jobs import schedule

    draft = f.make_agreement(status=AgreementStatus.DRAFT)
    in_force = f.make_agreement()
    assert schedule(now_utc()) == 8
    assert _slots(draft) == {}
    assert len(_slots(in_force)) == 8
    assert schedule(now_utc()) == 0
