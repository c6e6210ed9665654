"""Action model: every lifecycle move (allowed or refused), blocking reason, completion, overdue."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from gup.actions.models import ACTION_NEXT, CLOSED_ACTION_STATUSES, ActionStatus
from gup.errors import InvalidTransition
from tests import lifecycles
from tests.lifecycles import allowed

TODAY = date(2026, 11, 2)
PAIRS = [(a, b) for a, b in itertools.product(ActionStatus, ActionStatus) if a is not b]


@pytest.fixture
def make(f):
    def _make(status: ActionStatus = ActionStatus.PLANNED, **kw):
        org = f.make_organisation()
        return f.make_action(f.make_agreement(organisations=[org]), org, status=status, **kw)
    return _make


def test_every_status_has_its_moves():
    assert set(ACTION_NEXT) == set(ActionStatus)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition(make, source, target):
    action = make(source, blocked_reason="Attente" if source is ActionStatus.BLOCKED else None)
    if allowed(lifecycles.ACTION, source, target):
        action.move_to(target, on=TODAY, reason="Attente du fournisseur")
        assert action.status is target
    else:
        with pytest.raises(InvalidTransition):
            action.move_to(target, on=TODAY, reason="Attente du fournisseur")
        assert action.status is source


def test_blocking_needs_a_reason_and_unblocking_clears_it(make):
    action = make(ActionStatus.IN_PROGRESS)
    for reason in (None, "", "   "):
        with pytest.raises(InvalidTransition):
            action.move_to(ActionStatus.BLOCKED, on=TODAY, reason=reason)
        assert action.status is ActionStatus.IN_PROGRESS and action.blocked_reason is None
    action.move_to(ActionStatus.BLOCKED, on=TODAY, reason="  Livraison reportée ")
    assert action.blocked_reason == "Livraison reportée"
    action.move_to(ActionStatus.IN_PROGRESS, on=TODAY)
    assert action.blocked_reason is None


def test_done_sets_full_progress_and_date_and_reopening_clears_the_date(make):
    action = make(ActionStatus.IN_PROGRESS, progress=40)
    action.move_to(ActionStatus.DONE, on=TODAY)
    assert (action.progress, action.done_on, action.is_closed) == (100, TODAY, True)
    action.move_to(ActionStatus.IN_PROGRESS, on=date(2026, 12, 1))
    assert action.done_on is None and not action.is_closed


@pytest.mark.parametrize("status", list(ActionStatus), ids=lambda s: s.value)
def test_overdue_unless_done_or_cancelled(make, status):
    action = make(status, due_on=date(2026, 11, 1))
    expected = status not in CLOSED_ACTION_STATUSES
    assert action.is_overdue(TODAY) is expected
    assert action.is_overdue(date(2026, 11, 1)) is False
    action.due_on = None
    assert action.is_overdue(TODAY) is False
