"""The selection rule (gup.budget.selection), property-based: never over any envelope, skips only what does not
fit when considered, and equals the documented greedy rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gup.budget.selection import Candidate, rank, select

AREAS = (1, 2, 3)
PROPERTY = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
T0 = datetime(2026, 3, 1, tzinfo=UTC)

money = st.integers(min_value=0, max_value=50_000).map(lambda cents: Decimal(cents) / 100 * 10)


@st.composite
def campaigns(draw):
    n = draw(st.integers(min_value=0, max_value=25))
    candidates = [Candidate(id=i + 1, votes=draw(st.integers(0, 40)),
                            cost=draw(st.one_of(st.none(), money)) if draw(st.booleans()) and i % 7 == 0
                            else draw(money),
                            neighbourhood_id=draw(st.sampled_from((None, *AREAS))),
                            submitted_at=T0 + timedelta(hours=draw(st.integers(0, 5))))
                  for i in range(n)]
    envelope = draw(money)
    areas = draw(st.dictionaries(st.sampled_from(AREAS), money, max_size=3))
    ids = [c.id for c in candidates]
    overrides = draw(st.dictionaries(st.sampled_from(ids), st.booleans(), max_size=4)) if ids else {}
    return candidates, envelope, areas, overrides


def _cost_of(candidates, ids):
    by_id = {c.id: c for c in candidates}
    return sum((by_id[i].cost for i in ids), Decimal(0))


@PROPERTY
@given(campaigns())
def test_the_selection_never_exceeds_the_envelope_or_any_neighbourhood_envelope(case):
    candidates, envelope, areas, overrides = case
    result = select(candidates, envelope, areas, overrides)
    assert _cost_of(candidates, result.selected) <= envelope
    assert result.remaining == envelope - _cost_of(candidates, result.selected) >= 0
    for area, amount in areas.items():
        in_area = [c.id for c in candidates if c.id in result.selected and c.neighbourhood_id == area]
        assert _cost_of(candidates, in_area) <= amount
    assert not set(result.selected) & {i for i, forced in overrides.items() if forced is False}
    assert len(set(result.selected)) == len(result.selected)


@PROPERTY
@given(campaigns())
def test_a_skipped_project_did_not_fit_when_it_was_considered(case):
    candidates, envelope, areas, overrides = case
    result = select(candidates, envelope, areas, overrides)
    by_id = {c.id: c for c in candidates}
    spent, spent_area = Decimal(0), dict.fromkeys(AREAS, Decimal(0))
    for project_id in result.order:
        c = by_id[project_id]
        fits = (c.cost is not None and spent + c.cost <= envelope
                and (c.neighbourhood_id not in areas or spent_area[c.neighbourhood_id] + c.cost
                     <= areas[c.neighbourhood_id]))
        assert (project_id in result.selected) == fits, (project_id, result)
        if fits:
            spent += c.cost
            if c.neighbourhood_id is not None:
                spent_area[c.neighbourhood_id] += c.cost
    # and, the remainders only shrinking, no project left out would fit in what is left at the end either
    for c in candidates:
        if c.id in result.selected or overrides.get(c.id) is False or c.cost is None:
            continue
        left_area = result.remaining_by_neighbourhood.get(c.neighbourhood_id)
        assert c.cost > result.remaining or (left_area is not None and c.cost > left_area)


def _documented_rule(candidates, envelope, areas, overrides):
    """GUIDE/RULE_TEXT, written out again independently: rank by votes desc, cost asc, submission, id; forced-in
    first, excluded never; take while the global and the neighbourhood envelope allow, else skip."""
    ranked = sorted(candidates, key=lambda c: (-c.votes, c.cost is None, c.cost or 0, c.submitted_at, c.id))
    queue = [c for c in ranked if overrides.get(c.id) is True] + [c for c in ranked if c.id not in overrides]
    left, left_area, chosen = envelope, dict(areas), []
    for c in queue:
        if c.cost is None or c.cost > left:
            continue
        if c.neighbourhood_id in left_area and c.cost > left_area[c.neighbourhood_id]:
            continue
        chosen.append(c.id)
        left -= c.cost
        if c.neighbourhood_id in left_area:
            left_area[c.neighbourhood_id] -= c.cost
    return chosen


@PROPERTY
@given(campaigns())
def test_the_selected_set_is_the_documented_greedy_rule(case):
    assert select(*case).selected == _documented_rule(*case)


def test_ties_go_to_the_cheaper_then_the_earlier_then_the_smaller_number():
    a = Candidate(1, 10, Decimal("500"), None, T0 + timedelta(hours=2))
    b = Candidate(2, 10, Decimal("300"), None, T0 + timedelta(hours=3))
    c = Candidate(3, 10, Decimal("300"), None, T0 + timedelta(hours=1))
    d = Candidate(4, 10, Decimal("300"), None, T0 + timedelta(hours=1))
    e = Candidate(5, 11, Decimal("900"), None, T0 + timedelta(hours=9))
    assert [x.id for x in rank([a, b, c, d, e])] == [5, 3, 4, 2, 1]


def test_a_project_that_no_longer_fits_is_skipped_and_the_next_one_considered():
    big = Candidate(1, 30, Decimal("8000"), 1, T0)
    too_big = Candidate(2, 20, Decimal("5000"), None, T0)
    small = Candidate(3, 10, Decimal("2000"), None, T0)
    area_full = Candidate(4, 5, Decimal("100"), 1, T0)
    result = select([big, too_big, small, area_full], Decimal("10100"), {1: Decimal("8000")})
    assert result.selected == [1, 3]
    assert result.skip_reason(2) == "global_envelope"
    assert result.skip_reason(4) == "neighbourhood_envelope"
    assert result.remaining == Decimal("100") and result.remaining_by_neighbourhood == {1: Decimal("0")}


def test_overrides_put_a_project_first_or_leave_it_out_but_never_over_the_envelope():
    top = Candidate(1, 30, Decimal("6000"), None, T0)
    low = Candidate(2, 1, Decimal("6000"), None, T0)
    result = select([top, low], Decimal("10000"), {}, {2: True})
    assert result.selected == [2] and result.skip_reason(1) == "global_envelope"
    result = select([top, low], Decimal("10000"), {}, {1: False})
    assert result.selected == [2] and result.skip_reason(1) == "excluded"
    result = select([top, low], Decimal("5000"), {}, {2: True})
    assert result.selected == []
