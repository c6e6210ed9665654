"""The TFPB indicators evaluations compute and freeze (GUIDE §5), and the annex listing the period's actions.

A period covers every tax year it overlaps (TFPB figures are yearly): a period from March 2025 to February 2026
reads the years 2025 and 2026."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from gup.indicators import (
    NEIGHBOURHOOD,
    PARTNER,
    AnnexColumn,
    AnnexSpec,
    BreakdownRow,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
)
from gup.tfpb import queries

AXIS = "axis"


def period_years(period: Period) -> list[int]:
    return list(range(period.start.year, period.end.year + 1))


def _rows(agreement: Any, period: Period) -> tuple[list[Any], list[Any]]:
    return queries.period_rows(agreement, period_years(period))


def _euros(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _div(numerator: Decimal, denominator: Decimal | int, places: int) -> float | None:
    return round(float(Decimal(numerator) / Decimal(denominator)), places) if denominator else None


def _named_rows(totals: dict[Any, Decimal], names: dict[Any, tuple[str, Any]], *, counts: dict[Any, int]) -> list:
    """Breakdown rows by name (names: key → (label, sort key))."""
    return [BreakdownRow(key=str(key), label=names[key][0], value=_euros(totals[key]), count=counts.get(key))
            for key in sorted(totals, key=lambda k: names[k][1])]


def valued_amount(agreement: Any, period: Period) -> IndicatorValue:
    """Total valued by the providers' TFPB actions of the years of the period, by provider, axis and QPV."""
    actions, _abatements = _rows(agreement, period)
    if not actions:
        return IndicatorValue(value=None)
    total = sum((a.valued_amount for a in actions), Decimal(0))
    by_provider = queries.group_sum(actions, lambda a: a.provider_id, lambda a: a.valued_amount)
    by_axis = queries.group_sum(actions, lambda a: a.axis_code, lambda a: a.valued_amount)
    by_place = queries.group_sum(actions, lambda a: a.neighbourhood_id, lambda a: a.valued_amount)
    counts: dict[str, dict[Any, int]] = {"p": {}, "a": {}, "n": {}}
    for a in actions:
        counts["p"][a.provider_id] = counts["p"].get(a.provider_id, 0) + 1
        counts["a"][a.axis_code] = counts["a"].get(a.axis_code, 0) + 1
        counts["n"][a.neighbourhood_id] = counts["n"].get(a.neighbourhood_id, 0) + 1
    providers = {a.provider_id: (a.provider.name, a.provider.name) for a in actions}
    axes = {a.axis_code: (a.axis.label, a.axis.number) for a in actions}
    places = {a.neighbourhood_id: (a.neighbourhood.name, a.neighbourhood.name) for a in actions}
    return IndicatorValue(
        value=_euros(total),
        breakdowns={PARTNER: _named_rows(by_provider, providers, counts=counts["p"]),
                    AXIS: _named_rows(by_axis, axes, counts=counts["a"]),
                    NEIGHBOURHOOD: _named_rows(by_place, places, counts=counts["n"])},
        details={str(_l("Actions valorisées")): len(actions)})


def per_dwelling(agreement: Any, period: Period) -> IndicatorValue:
    """Valued amount per dwelling of the providers in the QPVs (dwellings counted each year), by provider."""
    actions, abatements = _rows(agreement, period)
    dwellings = sum(a.dwellings or 0 for a in abatements)
    if not actions or not dwellings:
        return IndicatorValue(value=None)
    valued = queries.group_sum(actions, lambda a: a.provider_id, lambda a: a.valued_amount)
    homes = queries.group_sum(abatements, lambda a: a.provider_id, lambda a: a.dwellings)
    names = {a.provider_id: a.provider.name for a in [*actions, *abatements]}
    rows = [BreakdownRow(key=str(pid), label=names[pid], value=_div(valued.get(pid, Decimal(0)), homes[pid], 2),
                         count=int(homes[pid]))
            for pid in sorted(homes, key=lambda p: names[p]) if homes[pid]]
    total = sum((a.valued_amount for a in actions), Decimal(0))
    return IndicatorValue(value=_div(total, dwellings, 2), breakdowns={PARTNER: rows},
                          details={str(_l("Logements")): dwellings})


def coverage_ratio(agreement: Any, period: Period) -> IndicatorValue:
    """Valued amount ÷ abatement received, over the years of the period, by provider and QPV."""
    actions, abatements = _rows(agreement, period)
    abatement = sum((a.abatement_amount for a in abatements), Decimal(0))
    if not abatement:
        return IndicatorValue(value=None)
    valued = sum((a.valued_amount for a in actions), Decimal(0))
    breakdowns: dict[str, list[BreakdownRow]] = {}
    for dimension, key in ((PARTNER, "provider"), (NEIGHBOURHOOD, "neighbourhood")):
        got = queries.group_sum(abatements, lambda a, k=key: getattr(a, f"{k}_id"), lambda a: a.abatement_amount)
        spent = queries.group_sum(actions, lambda a, k=key: getattr(a, f"{k}_id"), lambda a: a.valued_amount)
        names = {getattr(a, f"{key}_id"): getattr(a, key).name for a in [*actions, *abatements]}
        breakdowns[dimension] = [
            BreakdownRow(key=str(k), label=names[k], value=_div(spent.get(k, Decimal(0)), got[k], 2))
            for k in sorted(got, key=lambda k: names[k]) if got[k]]
    return IndicatorValue(value=_div(valued, abatement, 2), breakdowns=breakdowns,
                          details={str(_l("Montant valorisé (€)")): _euros(valued),
                                   str(_l("Abattement reçu (€)")): _euros(abatement)})


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {AXIS: _l("axe")}

ALL = (
    IndicatorSpec(code="tfpb_valued_amount", label=_l("Montant TFPB valorisé"),
                  unit=Unit.EUROS, direction=Direction.HIGHER, section=Section.TFPB, compute=valued_amount,
                  description=_l("Somme des montants valorisés des actions TFPB des bailleurs, pour les années "
                                 "couvertes par la période, par bailleur, axe et quartier"),
                  order=10, dimension_labels=DIMENSIONS, dimensions=(PARTNER, AXIS, NEIGHBOURHOOD)),
    IndicatorSpec(code="tfpb_per_dwelling", label=_l("Montant valorisé par logement"), unit=Unit.EUROS,
                  direction=Direction.HIGHER, section=Section.TFPB, compute=per_dwelling,
                  description=_l("Montant valorisé divisé par le nombre de logements des bailleurs dans les QPV "
                                 "(compté chaque année de la période)"), order=20,
                                 dimension_labels=DIMENSIONS, dimensions=(PARTNER,)),
    IndicatorSpec(code="tfpb_coverage_ratio", label=_l("Ratio valorisé / abattement"),
                  unit=Unit.RATIO, direction=Direction.HIGHER, section=Section.TFPB, compute=coverage_ratio,
                  description=_l("Montant valorisé divisé par l'abattement reçu, pour les années couvertes par la "
                                 "période"), order=30,
                                 dimension_labels=DIMENSIONS, dimensions=(PARTNER, NEIGHBOURHOOD)),
)


def annex_rows(agreement: Any, period: Period) -> list[dict[str, Any]]:
    actions, _abatements = _rows(agreement, period)
    return [{"provider": a.provider.name, "axis": a.axis.label, "neighbourhood": a.neighbourhood.name,
             "qpv_code": a.neighbourhood.qpv_code, "year": a.year, "title": a.title,
             "amount": _euros(a.valued_amount)} for a in actions]


ANNEXES = (
    AnnexSpec(code="tfpb_actions", label=_l("Actions valorisées au titre de l'abattement de TFPB"),
              section=Section.TFPB, rows=annex_rows, order=10, columns=(
                  AnnexColumn("provider", _l("Bailleur"), 1.4),
                  AnnexColumn("axis", _l("Axe TFPB"), 1.6),
                  AnnexColumn("neighbourhood", _l("Quartier (QPV)"), 1.2),
                  AnnexColumn("year", _l("Année"), 0.6, "number"),
                  AnnexColumn("title", _l("Intitulé"), 2.2),
                  AnnexColumn("amount", _l("Montant valorisé"), 1.0, "euros"),
              )),
)
