"""Each lifecycle table in the code equals the literal pairs of tests/lifecycles.py (the model and service tests
then check every pair, allowed or not, against those literals)."""

import pytest

from gup.actions.models import ACTION_NEXT
from gup.agreements.models import AGREEMENT_NEXT, COMMITMENT_NEXT
from gup.findings.models import FINDING_NEXT
from gup.hotline.models import REPORT_NEXT
from gup.walks.models import WALK_NEXT
from tests import lifecycles


def _pairs(table) -> set[tuple[str, str]]:
    return {(source.value, target.value) for source, targets in table.items() for target in targets}


@pytest.mark.parametrize(("table", "expected"), [
    (AGREEMENT_NEXT, lifecycles.AGREEMENT), (COMMITMENT_NEXT, lifecycles.COMMITMENT),
    (ACTION_NEXT, lifecycles.ACTION), (WALK_NEXT, lifecycles.WALK), (FINDING_NEXT, lifecycles.FINDING),
    (REPORT_NEXT, lifecycles.RESIDENT_REPORT),
], ids=["agreement", "commitment", "action", "walk", "finding", "resident_report"])
def test_lifecycle_table_is_the_expected_one(table, expected):
    assert _pairs(table) == expected
