"""Finding model: every lifecycle move (allowed or refused), resolution date, open and overdue."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from gup.errors import InvalidTransition
from gup.findings.models import FINDING_NEXT, OPEN_FINDING_STATUSES, FindingStatus
from tests import lifecycles
from tests.lifecycles import allowed

TODAY = date(2026, 11, 2)
PAIRS = [(a, b) for a, b in itertools.product(FindingStatus, FindingStatus) if a is not b]


def test_every_status_has_its_moves():
    assert set(FINDING_NEXT) == set(FindingStatus)
    assert OPEN_FINDING_STATUSES == set(FindingStatus) - {FindingStatus.RESOLVED, FindingStatus.CHECKED,
                                                          FindingStatus.OUT_OF_SCOPE}


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition(f, source, target):
    finding = f.make_finding(f.make_agreement(), status=source)
    if allowed(lifecycles.FINDING, source, target):
        finding.move_to(target, on=TODAY)
        assert finding.status is target
    else:
        with pytest.raises(InvalidTransition):
            finding.move_to(target, on=TODAY)
        assert finding.status is source


def test_same_status_is_a_no_op(f):
    finding = f.make_finding(f.make_agreement(), status=FindingStatus.ACCEPTED)
    finding.move_to(FindingStatus.ACCEPTED, on=TODAY)
    assert finding.status is FindingStatus.ACCEPTED


def test_resolution_date_follows_the_status(f):
    finding = f.make_finding(f.make_agreement(), status=FindingStatus.IN_PROGRESS)
    finding.move_to(FindingStatus.RESOLVED, on=TODAY)
    assert finding.resolved_on == TODAY
    finding.move_to(FindingStatus.CHECKED, on=date(2026, 11, 20))
    assert finding.resolved_on == TODAY  # checking on site keeps the day it was resolved
    finding.move_to(FindingStatus.IN_PROGRESS, on=date(2026, 12, 1))
    assert finding.resolved_on is None  # reopened


@pytest.mark.parametrize("status", list(FindingStatus), ids=lambda s: s.value)
def test_overdue_only_while_open(f, status):
    finding = f.make_finding(f.make_agreement(), status=status, due_on=date(2026, 11, 1))
    expected = status in OPEN_FINDING_STATUSES
    assert finding.is_open is expected
    assert finding.is_overdue(TODAY) is expected
    assert finding.is_overdue(date(2026, 11, 1)) is False  # due today is not late yet
    finding.due_on = None
    assert finding.is_overdue(TODAY) is False
