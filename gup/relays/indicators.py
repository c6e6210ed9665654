"""Evaluation indicators of resident relays (« Participation des habitants », GUIDE §5).

A mandate counts as active in the period when it started on or before the period's last day and ended (or is due
to end) on or after its first day. Coverage is computed at the period's end: buildings of the agreement's
perimeter with at least one active relay (a stairwell's relay covers its building) ÷ all its buildings. Age and
gender distributions count only what relays declared (never required: the rest is « Non renseigné »).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.breakdowns import Dim, breakdowns, rate
from gup.extensions import db
from gup.indicators import NEIGHBOURHOOD, Direction, IndicatorSpec, IndicatorValue, Period, Section, Unit
from gup.relays.models import AgeBracket, EndReason, Gender, ResidentRelay
from gup.relays.queries import active_on, covering_building, perimeter_buildings
from gup.territory.queries import neighbourhood_of, territory_index

AGE, GENDER, REASON = "age_bracket", "gender", "end_reason"
DIMENSIONS = {AGE: _l("tranche d'âge déclarée"), GENDER: _l("genre déclaré"), REASON: _l("motif de fin")}


def _relays(agreement: Any) -> list[ResidentRelay]:
    return list(db.session.scalars(sa.select(ResidentRelay).where(ResidentRelay.agreement_id == agreement.id)
                                   .order_by(ResidentRelay.id)))


def _nbh(relay: ResidentRelay, index: dict) -> int | None:
    node = neighbourhood_of(relay.territory_id or relay.neighbourhood_id, index)
    return node.id if node else None


def _coverage(agreement: Any, period: Period, index: dict) -> tuple[int, int]:
    buildings = {n.id for n in perimeter_buildings(agreement, index)}
    covered = {covering_building(r.territory_id, index) for r in _relays(agreement)
               if active_on(r, period.end, period.end)} & buildings
    return len(covered), len(buildings)


def _value(e: Any) -> Any:
    return e.value if e is not None else None


def relays_active(agreement: Any, period: Period) -> IndicatorValue:
    index = territory_index()
    active = [r for r in _relays(agreement) if active_on(r, period.start, period.end)]
    labels = {nid: index[nid].name for nid in {_nbh(r, index) for r in active} if nid in index}
    rows = breakdowns(active, {
        NEIGHBOURHOOD: Dim(lambda r: _nbh(r, index), dict(sorted(labels.items(), key=lambda i: i[1]))),
        AGE: Dim(lambda r: _value(r.age_bracket), {m.value: m.label for m in AgeBracket}),
        GENDER: Dim(lambda r: _value(r.gender), {m.value: m.label for m in Gender}),
    })
    covered, buildings = _coverage(agreement, period, index)
    return IndicatorValue(len(active), breakdowns=rows,
                          details={_("Bâtiments couverts"): covered, _("Bâtiments du périmètre"): buildings,
                                   _("Taux de couverture (%)"): rate(covered, buildings)})


def relays_coverage_rate(agreement: Any, period: Period) -> IndicatorValue:
    covered, buildings = _coverage(agreement, period, territory_index())
    return IndicatorValue(rate(covered, buildings),
                          details={_("Bâtiments couverts"): covered, _("Bâtiments du périmètre"): buildings},
                          note=_("à la fin de la période"))


def relays_turnover(agreement: Any, period: Period) -> IndicatorValue:
    ended = [r for r in _relays(agreement) if r.ended_on is not None and period.contains(r.ended_on)]
    rows = breakdowns(ended, {REASON: Dim(lambda r: _value(r.end_reason), {m.value: m.label for m in EndReason})})
    return IndicatorValue(len(ended), breakdowns=rows)


ALL = [
    IndicatorSpec(code="relays_active", label=_l("Habitants relais actifs"), unit=Unit.COUNT,
                  direction=Direction.HIGHER, section=Section.PARTICIPATION, compute=relays_active, order=10,
                  dimensions=(NEIGHBOURHOOD, AGE, GENDER), dimension_labels=DIMENSIONS,
                  description=_l("Mandats d'habitants relais en cours à un moment de la période, par quartier, "
                                 "tranche d'âge et genre déclarés ; part des bâtiments couverts.")),
    IndicatorSpec(code="relays_coverage_rate", label=_l("Bâtiments couverts par un habitant relais"),
                  unit=Unit.PERCENT, direction=Direction.HIGHER, section=Section.PARTICIPATION,
                  compute=relays_coverage_rate, order=20,
                  description=_l("Bâtiments du périmètre ayant au moins un habitant relais en mandat à la fin de "
                                 "la période ÷ tous les bâtiments du périmètre.")),
    IndicatorSpec(code="relays_turnover", label=_l("Mandats d'habitants relais terminés"), unit=Unit.COUNT,
                  direction=Direction.NEUTRAL, section=Section.PARTICIPATION, compute=relays_turnover, order=30,
                  dimensions=(REASON,), dimension_labels=DIMENSIONS,
                  description=_l("Mandats terminés dans la période (fin de mandat, démission, révocation, "
                                 "déménagement) : la rotation des habitants relais.")),
]
