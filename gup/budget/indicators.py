"""Evaluation indicators of participatory budgets (« Participation des habitants », GUIDE §5).

Every figure counts the campaigns of the agreement, dated as follows:

- proposals submitted: submitted during the period (by origin and neighbourhood);
- proposals eligible: reviewed eligible during the period (those since selected or not selected included);
- online voters: voting codes used during the period (one code = one household's ballot);
- paper votes: the sum of the paper tallies entered (or last corrected) during the period. A tally records the
  votes each project received at a polling place, not the ballots: a paper ballot choosing three projects counts
  three times. gup does not record the number of paper ballots, so this figure is votes, not voters, and is not
  added to the online voters;
- projects selected: winners of the campaigns whose results date (the campaign's « Résultats le », else 31
  December of its year) falls in the period;
- projects delivered and envelope spent: winners whose action was done during the period, and the sum of their
  cost after review (the author's estimate when the review kept it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.actions.models import Action, ActionStatus
from gup.agreements.breakdowns import Dim, bounds, breakdowns
from gup.budget.models import (
    CANDIDATE_STATUSES,
    PaperTally,
    PBCampaign,
    PBProject,
    ProjectSource,
    ProjectStatus,
    VotingCode,
)
from gup.extensions import db
from gup.indicators import (
    NEIGHBOURHOOD,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
    as_number,
)
from gup.territory.queries import territory_index

SOURCE = "source"
DIMENSIONS = {SOURCE: _l("origine")}


def _of(agreement: Any) -> Any:
    return PBCampaign.agreement_id == agreement.id


def proposals_submitted(agreement: Any, period: Period) -> IndicatorValue:
    start, end = bounds(period)
    rows = db.session.execute(sa.select(PBProject.id, PBProject.source, PBProject.neighbourhood_id)
                              .join(PBCampaign, PBCampaign.id == PBProject.campaign_id)
                              .where(_of(agreement), PBProject.submitted_at >= start, PBProject.submitted_at < end)
                              ).all()
    index = territory_index() if rows else {}
    names = {nid: index[nid].name for nid in {r.neighbourhood_id for r in rows} if nid in index}
    return IndicatorValue(len(rows), breakdowns=breakdowns(rows, {
        SOURCE: Dim(lambda r: r.source.value, {m.value: m.label for m in ProjectSource}),
        NEIGHBOURHOOD: Dim(lambda r: r.neighbourhood_id, dict(sorted(names.items(), key=lambda i: i[1]))),
    }))


def proposals_eligible(agreement: Any, period: Period) -> IndicatorValue:
    start, end = bounds(period)
    statuses = db.session.scalars(sa.select(PBProject.status).join(PBCampaign, PBCampaign.id == PBProject.campaign_id)
                                  .where(_of(agreement), PBProject.reviewed_at >= start,
                                         PBProject.reviewed_at < end)).all()
    eligible = sum(1 for s in statuses if s in CANDIDATE_STATUSES)
    return IndicatorValue(eligible, details={
        _("Non recevables"): sum(1 for s in statuses if s is ProjectStatus.INELIGIBLE),
        _("Fusionnées"): sum(1 for s in statuses if s is ProjectStatus.MERGED)})


def voters_online(agreement: Any, period: Period) -> IndicatorValue:
    start, end = bounds(period)
    used = db.session.scalar(sa.select(sa.func.count(VotingCode.id))
                             .join(PBCampaign, PBCampaign.id == VotingCode.campaign_id)
                             .where(_of(agreement), VotingCode.used_at >= start, VotingCode.used_at < end))
    return IndicatorValue(int(used or 0), note=_("un code de vote utilisé par foyer"))


def paper_votes(agreement: Any, period: Period) -> IndicatorValue:
    start, end = bounds(period)
    total, places = db.session.execute(
        sa.select(sa.func.sum(PaperTally.votes), sa.func.count(sa.distinct(PaperTally.polling_place)))
        .join(PBCampaign, PBCampaign.id == PaperTally.campaign_id)
        .where(_of(agreement), PaperTally.entered_at >= start, PaperTally.entered_at < end)).one()
    return IndicatorValue(int(total or 0), details={_("Lieux de vote"): int(places or 0)},
                          note=_("des voix (un bulletin papier compte autant de voix que de projets choisis)"))


def _results_on(results_on: date | None, year: int) -> date:
    return results_on or date(year, 12, 31)


def projects_selected(agreement: Any, period: Period) -> IndicatorValue:
    rows = db.session.execute(sa.select(PBProject.id, PBCampaign.results_on, PBCampaign.year)
                              .join(PBCampaign, PBCampaign.id == PBProject.campaign_id)
                              .where(_of(agreement), PBProject.status == ProjectStatus.SELECTED)).all()
    return IndicatorValue(sum(1 for r in rows if period.contains(_results_on(r.results_on, r.year))))


def _delivered(agreement: Any, period: Period) -> list[Any]:
    return db.session.execute(
        sa.select(PBProject.id, PBProject.reviewed_cost, PBProject.estimated_cost)
        .join(PBCampaign, PBCampaign.id == PBProject.campaign_id).join(Action, Action.id == PBProject.action_id)
        .where(_of(agreement), Action.status == ActionStatus.DONE, Action.done_on >= period.start,
               Action.done_on <= period.end)).all()


def projects_delivered(agreement: Any, period: Period) -> IndicatorValue:
    return IndicatorValue(len(_delivered(agreement, period)))


def envelope_spent(agreement: Any, period: Period) -> IndicatorValue:
    rows = _delivered(agreement, period)
    costs = [r.reviewed_cost if r.reviewed_cost is not None else r.estimated_cost for r in rows]
    return IndicatorValue(as_number(sum((c for c in costs if c is not None), Decimal(0))),
                          details={_("Projets réalisés"): len(rows)})


def _spec(code: str, label: Any, compute: Any, order: int, description: Any, *, unit: Unit = Unit.COUNT,
          **kwargs: Any) -> IndicatorSpec:
    return IndicatorSpec(code=code, label=label, unit=unit, direction=Direction.HIGHER,
                         section=Section.PARTICIPATION, compute=compute, order=order, description=description,
                         **kwargs)


ALL = [
    _spec("budget_proposals_submitted", _l("Propositions de budget participatif déposées"), proposals_submitted, 40,
          _l("Propositions déposées dans la période (formulaire public, habitants relais, constats, signalements), "
             "par origine et par quartier."), dimensions=(SOURCE, NEIGHBOURHOOD), dimension_labels=DIMENSIONS),
    _spec("budget_proposals_eligible", _l("Propositions de budget participatif recevables"), proposals_eligible, 41,
          _l("Propositions déclarées recevables à l'étude dans la période (y compris celles depuis lauréates ou non "
             "retenues) ; à côté, les non recevables et les fusionnées.")),
    _spec("budget_voters_online", _l("Votants en ligne au budget participatif"), voters_online, 42,
          _l("Codes de vote utilisés dans la période : un code par foyer, qui choisit un ou plusieurs projets.")),
    _spec("budget_paper_votes", _l("Voix exprimées sur papier au budget participatif"), paper_votes, 43,
          _l("Somme des dépouillements papier saisis (ou corrigés en dernier) dans la période. Un dépouillement "
             "compte les voix de chaque projet par lieu de vote, pas les bulletins : c'est un nombre de voix, non "
             "de votants, qui ne s'ajoute pas aux votants en ligne.")),
    _spec("budget_projects_selected", _l("Projets lauréats du budget participatif"), projects_selected, 44,
          _l("Projets lauréats des campagnes dont la date des résultats (à défaut, le 31 décembre de l'année de la "
             "campagne) tombe dans la période.")),
    _spec("budget_projects_delivered", _l("Projets du budget participatif réalisés"), projects_delivered, 45,
          _l("Projets lauréats dont l'action de réalisation est terminée dans la période.")),
    _spec("budget_envelope_spent", _l("Montant des projets du budget participatif réalisés"), envelope_spent, 46,
          _l("Somme des coûts après étude (à défaut, estimés) des projets lauréats réalisés dans la période."),
          unit=Unit.EUROS),
]
