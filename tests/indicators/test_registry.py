"""Every declared indicator and annex: unique code, French label, unit, direction, section; each computes on an
empty agreement and on data, in a few queries whatever the number of rows, to JSON-ready values."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from gup.actions import indicators as actions
from gup.agreements import indicators as agreements
from gup.features import registry
from gup.findings import indicators as findings
from gup.hotline import indicators as hotline
from gup.indicators import AnnexSpec, Direction, IndicatorSpec, IndicatorValue, Section, Unit
from gup.walks import indicators as walks
from tests.indicators.conftest import YEAR, at

MODULES = (findings, walks, hotline, actions, agreements)
EXPECTED = {"findings_reported", "resolution_rate", "resolution_days_median", "resolution_days_p90",
            "resolved_in_time_rate", "recurring_findings", "walks_held", "walk_participants",
            "walks_restituted_rate", "reports_received", "reports_resolved_rate", "reports_first_answer_days_median",
            "reports_closure_days_median", "fixed_confirmed_rate", "actions_done_rate", "actions_late",
            "commitments_fulfilled_rate", "budget_execution_rate"}


def test_codes_are_unique_and_registered(app_ctx):
    codes = [spec.code for module in MODULES for spec in module.ALL]
    assert len(codes) == len(set(codes))
    assert set(codes) == EXPECTED
    assert EXPECTED <= set(registry().indicator_specs)
    annexes = [spec.code for module in MODULES for spec in module.ANNEXES]
    assert sorted(annexes) == ["actions", "findings", "resident_reports"]
    assert set(annexes) <= set(registry().annex_specs)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_indicator_is_fully_described(app_ctx, code):
    spec = registry().indicator_specs[code]
    assert isinstance(spec, IndicatorSpec)
    label = str(spec.label)
    assert label and label != code and label[0].isupper()
    assert str(spec.description)
    assert isinstance(spec.unit, Unit) and isinstance(spec.direction, Direction)
    assert isinstance(spec.section, Section)
    assert spec.dimensions


def _snapshot_ready(value: IndicatorValue) -> None:
    json.dumps(dataclasses.asdict(value))  # numbers, strings, None only
    assert value.value is None or isinstance(value.value, (int, float))


def test_every_indicator_and_annex_computes_on_an_empty_agreement(f):
    agreement = f.make_agreement()
    for spec in registry().indicator_specs.values():
        value = spec.compute(agreement, YEAR)
        _snapshot_ready(value)
        assert value.value in (None, 0), spec.code
    for annex in registry().annex_specs.values():
        assert isinstance(annex, AnnexSpec)
        assert list(annex.rows(agreement, YEAR)) == []


def test_a_few_queries_whatever_the_number_of_rows(f, count_queries):
    from gup.actions.models import ActionStatus
    from gup.findings.models import FindingStatus
    from gup.hotline.models import Channel

    w = f.world()
    agreement, hp1 = w["agreement"], w["hp1"]
    walk = f.make_walk(agreement, walked_on=date(2025, 5, 5))
    category = f.make_category()

    def populate(n: int) -> None:
        for i in range(n):
            f.make_finding(agreement, hp1, walkthrough=walk, status=FindingStatus.RESOLVED,
                           created_at=at(2025, 3, 1 + i % 20), resolved_on=date(2025, 4, 1))
            f.make_action(agreement, hp1, status=ActionStatus.DONE, due_on=date(2025, 6, 1), done_on=date(2025, 5, 1),
                          created_at=at(2025, 1, 2))
            report = f.make_report(category, channel=Channel.PHONE, now=at(2025, 2, 1 + i % 20))
            report.agreement = agreement

    def queries() -> dict[str, int]:
        counts = {}
        for spec in [*registry().indicator_specs.values(), *registry().annex_specs.values()]:
            with count_queries() as statements:
                result = spec.compute(agreement, YEAR) if isinstance(spec, IndicatorSpec) else list(
                    spec.rows(agreement, YEAR))
            assert result is not None
            counts[spec.code] = len(statements)
        return counts

    populate(3)
    few = queries()
    populate(30)
    many = queries()
    assert many == few
    assert max(many.values()) <= 6
    assert registry().indicator_specs["findings_reported"].compute(agreement, YEAR).value == 33


def test_every_breakdown_dimension_has_a_french_name(app):
    """Reports name each breakdown (« Signalements reçus par canal »): a feature names its own dimensions."""
    from gup.features import registry
    from gup.indicators import DIMENSION_LABELS

    for spec in registry(app).indicator_specs.values():
        for dimension in spec.dimensions:
            assert dimension in DIMENSION_LABELS or dimension in spec.dimension_labels, (spec.code, dimension)
