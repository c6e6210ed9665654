"""Evaluation indicators of participatory budgets: proposals, voters, paper votes, winners, delivery, spending."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gup.actions.models import ActionStatus
from gup.budget import services
from gup.budget.models import PBPhase
from gup.extensions import db
from gup.features import registry
from gup.indicators import Period, Section, Unit
from tests.budget.conftest import NOW, to_phase

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
CODES = ("budget_proposals_submitted", "budget_proposals_eligible", "budget_voters_online", "budget_paper_votes",
         "budget_projects_selected", "budget_projects_delivered", "budget_envelope_spent")


def _value(code, agreement, period=YEAR):
    return registry().indicator_specs[code].compute(agreement, period)


def test_the_indicators_are_declared_to_evaluations(app):
    specs = registry(app).indicator_specs
    assert all(specs[code].section is Section.PARTICIPATION and specs[code].description for code in CODES)
    assert specs["budget_envelope_spent"].unit is Unit.EUROS
    assert "pas les bulletins" in str(specs["budget_paper_votes"].description)


def test_a_campaign_from_proposals_to_delivery_in_figures(f, w, place, campaign):
    agreement = w["agreement"]
    to_phase(campaign, PBPhase.PROPOSALS)
    a = services.submit_proposal(campaign, title="Aire de jeux", description="Une aire", place=place["b1"],
                                 estimated_cost="5000", now=NOW)
    b = services.submit_proposal(campaign, title="Bancs", description="Des bancs", place=place["res2"],
                                 estimated_cost="2000", now=NOW)
    c = services.submit_proposal(campaign, title="Piscine", description="Une piscine", place=place["res"],
                                 estimated_cost="7000", now=NOW)
    d = services.submit_proposal(campaign, title="Bancs bis", description="Des bancs", place=place["res2"],
                                 now=NOW, source=services.ProjectSource.RELAY)
    services.review_project(a, eligible=True, actor=w["coordinator"], now=NOW, reviewed_cost="4500")
    services.review_project(b, eligible=True, actor=w["coordinator"], now=NOW)
    services.review_project(c, eligible=False, reason="Hors compétence", actor=w["coordinator"], now=NOW)
    services.merge_projects(d, b, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.VOTE)
    codes = services.generate_codes(campaign, 3, actor=w["coordinator"], now=NOW)
    voted_at = datetime(2026, 9, 10, 12, tzinfo=UTC)
    services.cast_vote(campaign, codes[0], [a.id, b.id], now=voted_at)
    services.cast_vote(campaign, codes[1], [a.id], now=voted_at)
    services.enter_paper_tally(a, polling_place="Marché", votes=7, actor=w["coordinator"], now=voted_at)
    services.enter_paper_tally(b, polling_place="Marché", votes=2, actor=w["coordinator"], now=voted_at)
    services.enter_paper_tally(b, polling_place="Mairie", votes=3, actor=w["coordinator"], now=voted_at)
    to_phase(campaign, PBPhase.RESULTS)
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    action = services.deliver_project(a, responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW)
    services.deliver_project(b, responsible_organisation=w["hp2"], actor=w["coordinator"], now=NOW)
    action.move_to(ActionStatus.DONE, on=date(2026, 11, 20))
    db.session.commit()

    submitted = _value("budget_proposals_submitted", agreement)
    assert submitted.value == 4
    assert {r.key: r.value for r in submitted.breakdowns["source"]} == {"public": 3, "relay": 1}
    assert {r.label: r.value for r in submitted.breakdowns["neighbourhood"]} == {"Bellevue": 2,
                                                                                "Les Dervallières": 2}
    eligible = _value("budget_proposals_eligible", agreement)
    assert eligible.value == 2 and eligible.details == {"Non recevables": 1, "Fusionnées": 1}
    assert _value("budget_voters_online", agreement).value == 2  # two of the three codes were used
    paper = _value("budget_paper_votes", agreement)
    assert paper.value == 12 and paper.details == {"Lieux de vote": 2}
    assert _value("budget_projects_selected", agreement).value == 2  # results on 1 Oct 2026
    assert _value("budget_projects_delivered", agreement).value == 1  # only a's action is done
    spent = _value("budget_envelope_spent", agreement)
    assert spent.value == 4500.0 and spent.details == {"Projets réalisés": 1}  # the reviewed cost, not 5 000

    before = Period(date(2025, 1, 1), date(2025, 12, 31))
    assert all(_value(code, agreement, before).value == 0 for code in CODES)
    other = f.make_agreement()
    assert all(_value(code, other).value == 0 for code in CODES)
