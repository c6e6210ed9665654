"""Evaluation indicators of findings (GUIDE §5) and the annex listing the findings of the period.

A finding's status at the end of the period is read from its status history (the last move before the end);
a finding without any history (imported data) keeps its current status, and counts as open when it was resolved
after the end. Resolution figures count issues (« dysfonctionnements »): strengths and proposals are not resolved.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.breakdowns import (
    Dim,
    Neighbourhoods,
    bounds,
    breakdowns,
    local_date,
    median,
    month_key,
    month_labels,
    organisation_labels,
    percentile,
    rate,
    theme_labels,
)
from gup.agreements.models import Theme
from gup.audit.models import StatusChange
from gup.extensions import db
from gup.features import registry
from gup.findings.models import OPEN_FINDING_STATUSES, Finding, FindingKind, FindingStatus
from gup.indicators import (
    MONTH,
    NEIGHBOURHOOD,
    PARTNER,
    THEME,
    AnnexColumn,
    AnnexSpec,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
)
from gup.organisations.models import Organisation
from gup.walks.models import RouteStop, Walkthrough

SOURCE = "source"
#: where a finding comes from: a walk, a resident report (hotline) or a resident relay's report, else the staff
WALK, HOTLINE, RELAY, STAFF = "walk", "hotline", "relay", "staff"
SOURCE_LABELS = {WALK: _l("Diagnostic en marchant"), HOTLINE: _l("Signalement d'habitant"),
                 RELAY: _l("Habitant relais"), STAFF: _l("Agents et partenaires")}
#: the service the hotline provides (gup.hotline.indicators.finding_origins): a SELECT of (finding_id, origin)
ORIGIN_SERVICE = "findings.report_origins"
RESOLVED_STATUSES = frozenset({FindingStatus.RESOLVED, FindingStatus.CHECKED})


def _origins() -> Any:
    """The findings opened from a resident report, as a subquery (None when no feature provides them)."""
    try:
        provider = registry().service(ORIGIN_SERVICE)
    except KeyError:
        return None
    return provider().subquery("finding_origins")


def _source(walkthrough_id: int | None, origin: str | None) -> str:
    if walkthrough_id is not None:
        return WALK
    return origin or STAFF


def _dims(records: list[Any], nbh: Neighbourhoods) -> dict[str, Dim]:
    return {
        THEME: Dim(lambda r: r.theme_id, theme_labels(r.theme_id for r in records)),
        PARTNER: Dim(lambda r: r.org_id, organisation_labels(r.org_id for r in records)),
        NEIGHBOURHOOD: Dim(lambda r: r.nbh_id, nbh.labels(r.nbh_id for r in records)),
    }


# --- findings logged ------------------------------------------------------------------------------

Logged = namedtuple("Logged", "id theme_id org_id nbh_id kind source month recurring")


def _logged(agreement: Any, period: Period) -> tuple[list[Logged], Neighbourhoods]:
    """The agreement's findings created during the period, one narrow tuple each (one query)."""
    start, end = bounds(period)
    origins = _origins()
    origin_col = origins.c.origin if origins is not None else sa.null()
    stmt = (sa.select(Finding.id, Finding.theme_id, Finding.responsible_organisation_id, Finding.territory_id,
                      Finding.walkthrough_id, Walkthrough.neighbourhood_id, Finding.kind, Finding.created_at,
                      Finding.is_recurring, origin_col.label("origin"))
            .outerjoin(Walkthrough, Walkthrough.id == Finding.walkthrough_id)
            .where(Finding.agreement_id == agreement.id, Finding.created_at >= start, Finding.created_at < end))
    if origins is not None:
        stmt = stmt.outerjoin(origins, origins.c.finding_id == Finding.id)
    nbh = Neighbourhoods()
    records = [Logged(r.id, r.theme_id, r.responsible_organisation_id, nbh.of(r.territory_id, r.neighbourhood_id),
                      r.kind, _source(r.walkthrough_id, r.origin), month_key(local_date(r.created_at)),
                      r.is_recurring)
               for r in db.session.execute(stmt)]
    return records, nbh


def findings_reported(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _logged(agreement, period)
    dims = _dims(records, nbh)
    dims[SOURCE] = Dim(lambda r: r.source, SOURCE_LABELS)
    dims[MONTH] = Dim(lambda r: r.month, month_labels(period), complete=True)
    return IndicatorValue(value=len(records), breakdowns=breakdowns(records, dims),
                          details={str(k.label): sum(1 for r in records if r.kind is k) for k in FindingKind})


def recurring_findings(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _logged(agreement, period)
    issues = [r for r in records if r.kind is FindingKind.ISSUE]
    recurring = [r for r in issues if r.recurring]
    return IndicatorValue(
        value=len(recurring), breakdowns=breakdowns(recurring, _dims(recurring, nbh)),
        details={_("Part des dysfonctionnements de la période (%)"): rate(len(recurring), len(issues))},
        note=_("sur %(n)s dysfonctionnements constatés pendant la période", n=len(issues)))


# --- resolution -----------------------------------------------------------------------------------

State = namedtuple("State", "id theme_id org_id nbh_id status created_on resolved_on due_on")


def _states(agreement: Any, period: Period) -> tuple[list[State], dict[str, int], Neighbourhoods]:
    """Every issue of the agreement created by the end of the period with its status and resolution date at
    the end (two queries: the findings, their status history), and the findings refused, redirected and
    reopened during the period."""
    start, end = bounds(period)
    where = (Finding.agreement_id == agreement.id, Finding.kind == FindingKind.ISSUE, Finding.created_at < end)
    stmt = (sa.select(Finding.id, Finding.theme_id, Finding.responsible_organisation_id, Finding.territory_id,
                      Walkthrough.neighbourhood_id, Finding.status, Finding.created_at, Finding.resolved_on,
                      Finding.due_on)
            .outerjoin(Walkthrough, Walkthrough.id == Finding.walkthrough_id).where(*where))
    history = (sa.select(StatusChange.entity_id, StatusChange.from_status, StatusChange.to_status, StatusChange.at)
               .where(StatusChange.entity_type == Finding.__name__, StatusChange.at < end,
                      StatusChange.entity_id.in_(sa.select(Finding.id).where(*where)))
               .order_by(StatusChange.entity_id, StatusChange.at, StatusChange.id))
    last: dict[int, str] = {}
    resolved_at: dict[int, Any] = {}
    events: dict[str, set[int]] = {"refused": set(), "out_of_scope": set(), "reopened": set()}
    for change in db.session.execute(history):
        last[change.entity_id] = change.to_status
        if change.to_status == FindingStatus.RESOLVED.value:
            resolved_at[change.entity_id] = change.at
        if change.at >= start:
            if change.to_status in (FindingStatus.REFUSED.value, FindingStatus.OUT_OF_SCOPE.value):
                events[change.to_status].add(change.entity_id)
            elif (change.to_status == FindingStatus.IN_PROGRESS.value
                  and change.from_status in {s.value for s in RESOLVED_STATUSES}):
                events["reopened"].add(change.entity_id)
    nbh = Neighbourhoods()
    records = []
    for r in db.session.execute(stmt):
        if r.id in last:
            status = FindingStatus(last[r.id])
            resolved_on = local_date(resolved_at[r.id]) if r.id in resolved_at else r.resolved_on
        else:  # no history: the current status, unless it was reached after the end
            status, resolved_on = r.status, r.resolved_on
            if status in RESOLVED_STATUSES and (resolved_on is None or resolved_on > period.end):
                status, resolved_on = FindingStatus.IN_PROGRESS, None
        if status not in RESOLVED_STATUSES:
            resolved_on = None
        records.append(State(r.id, r.theme_id, r.responsible_organisation_id, nbh.of(r.territory_id,
                             r.neighbourhood_id), status, local_date(r.created_at), resolved_on, r.due_on))
    return records, {key: len(ids) for key, ids in events.items()}, nbh


def _resolved_in(records: list[State], period: Period) -> list[State]:
    return [r for r in records if r.resolved_on is not None and period.contains(r.resolved_on)]


def _days(record: State) -> int:
    return max((record.resolved_on - record.created_on).days, 0)


def resolution_rate(agreement: Any, period: Period) -> IndicatorValue:
    records, events, nbh = _states(agreement, period)
    counted = [r for r in records if r.status in OPEN_FINDING_STATUSES
               or (r.resolved_on is not None and period.contains(r.resolved_on))]

    def share(group: list[State]) -> tuple[float | None, int | None]:
        resolved = sum(1 for r in group if r.resolved_on is not None)
        return rate(resolved, len(group)), len(group)

    value, _count = share(counted)
    resolved = sum(1 for r in counted if r.resolved_on is not None)
    return IndicatorValue(
        value=value, breakdowns=breakdowns(counted, _dims(counted, nbh), share),
        details={_("Résolus pendant la période"): resolved,
                 _("Ouverts en fin de période"): len(counted) - resolved,
                 _("Refusés"): events["refused"], _("Réorientés (hors champ)"): events["out_of_scope"],
                 _("Rouverts"): events["reopened"]},
        note=_("%(resolved)s résolus sur %(n)s dysfonctionnements résolus ou encore ouverts", resolved=resolved,
               n=len(counted)))


def _delay(p: float) -> Any:
    def compute(agreement: Any, period: Period) -> IndicatorValue:
        records, _events, nbh = _states(agreement, period)
        resolved = _resolved_in(records, period)

        def delay(group: list[State]) -> tuple[float | None, int | None]:
            return percentile([_days(r) for r in group], p), len(group)

        value, _count = delay(resolved)
        return IndicatorValue(value=value, breakdowns=breakdowns(resolved, _dims(resolved, nbh), delay),
                              note=_("sur %(n)s dysfonctionnements résolus pendant la période", n=len(resolved)))
    return compute


def resolved_in_time_rate(agreement: Any, period: Period) -> IndicatorValue:
    records, _events, nbh = _states(agreement, period)
    resolved = [r for r in _resolved_in(records, period) if r.due_on is not None]

    def share(group: list[State]) -> tuple[float | None, int | None]:
        return rate(sum(1 for r in group if r.resolved_on <= r.due_on), len(group)), len(group)

    value, _count = share(resolved)
    return IndicatorValue(value=value, breakdowns=breakdowns(resolved, _dims(resolved, nbh), share),
                          details={_("Délai médian (jours)"): median([_days(r) for r in resolved])},
                          note=_("sur %(n)s dysfonctionnements résolus pendant la période avec une échéance",
                                 n=len(resolved)))


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {SOURCE: _l("origine")}

ALL: list[IndicatorSpec] = [
    IndicatorSpec(
        code="findings_reported", label=_l("Constats enregistrés"), unit=Unit.COUNT, direction=Direction.NEUTRAL,
        section=Section.FINDINGS, compute=findings_reported, order=10,
        description=_l("Constats créés pendant la période (dysfonctionnements, points positifs, propositions), par "
                       "origine : diagnostic en marchant, signalement d'habitant, habitant relais, agents et "
                       "partenaires"),
        dimension_labels=DIMENSIONS, dimensions=(SOURCE, THEME, PARTNER, NEIGHBOURHOOD, MONTH)),
    IndicatorSpec(
        code="resolution_rate", label=_l("Taux de résolution"), unit=Unit.PERCENT, direction=Direction.HIGHER,
        section=Section.FINDINGS, compute=resolution_rate, order=20,
        description=_l("Dysfonctionnements résolus pendant la période ÷ (résolus pendant la période + encore "
                       "ouverts à la fin de la période, refusés compris), d'après l'historique des statuts ; "
                       "refus, réorientations et réouvertures de la période indiqués à côté"),
        dimension_labels=DIMENSIONS, dimensions=(THEME, PARTNER, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="resolution_days_median", label=_l("Délai médian de résolution"), unit=Unit.DAYS,
        direction=Direction.LOWER, section=Section.FINDINGS, compute=_delay(50), order=30,
        description=_l("Médiane du nombre de jours entre l'enregistrement et la résolution, pour les "
                       "dysfonctionnements résolus pendant la période"),
        dimension_labels=DIMENSIONS, dimensions=(PARTNER, THEME, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="resolution_days_p90", label=_l("Délai de résolution (90ᵉ centile)"), unit=Unit.DAYS,
        direction=Direction.LOWER, section=Section.FINDINGS, compute=_delay(90), order=40,
        description=_l("90ᵉ centile (interpolation linéaire) du même délai : 9 résolutions sur 10 ont pris au "
                       "plus ce nombre de jours"),
        dimension_labels=DIMENSIONS, dimensions=(PARTNER, THEME, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="resolved_in_time_rate", label=_l("Part résolue dans le délai"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.FINDINGS, compute=resolved_in_time_rate, order=50,
        description=_l("Part des dysfonctionnements résolus pendant la période (avec une échéance) qui l'ont été "
                       "au plus tard à leur échéance"),
        dimension_labels=DIMENSIONS, dimensions=(PARTNER, THEME, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="recurring_findings", label=_l("Constats récurrents"), unit=Unit.COUNT, direction=Direction.LOWER,
        section=Section.FINDINGS, compute=recurring_findings, order=60,
        description=_l("Dysfonctionnements créés pendant la période et signalés comme problème structurel : même "
                       "thématique au même bâtiment ou à moins de 50 m, trois fois en douze mois (réglages "
                       "RECURRENCE_COUNT, RECURRENCE_RADIUS_M, RECURRENCE_WINDOW_DAYS)"),
        dimension_labels=DIMENSIONS, dimensions=(THEME, PARTNER, NEIGHBOURHOOD)),
]


# --- annex ----------------------------------------------------------------------------------------

def annex_rows(agreement: Any, period: Period) -> list[dict[str, Any]]:
    """Every finding created or resolved during the period, oldest first; never its description (a resident's
    words may be in it) nor the address copied from a resident report."""
    start, end = bounds(period)
    origins = _origins()
    origin_col = origins.c.origin if origins is not None else sa.null()
    stmt = (sa.select(Finding.id, Finding.created_at, Theme.label.label("theme"), Finding.kind,
                      Finding.territory_id, Finding.address, Finding.walkthrough_id,
                      Walkthrough.neighbourhood_id, RouteStop.name.label("stop"),
                      Organisation.name.label("organisation"), Finding.status, Finding.due_on, Finding.resolved_on,
                      origin_col.label("origin"))
            .join(Theme, Theme.id == Finding.theme_id)
            .outerjoin(Walkthrough, Walkthrough.id == Finding.walkthrough_id)
            .outerjoin(RouteStop, RouteStop.id == Finding.stop_id)
            .outerjoin(Organisation, Organisation.id == Finding.responsible_organisation_id)
            .where(Finding.agreement_id == agreement.id, Finding.created_at < end,
                   sa.or_(Finding.created_at >= start,
                          sa.and_(Finding.resolved_on >= period.start, Finding.resolved_on <= period.end)))
            .order_by(Finding.created_at, Finding.id))
    if origins is not None:
        stmt = stmt.outerjoin(origins, origins.c.finding_id == Finding.id)
    nbh = Neighbourhoods()
    rows = []
    for r in db.session.execute(stmt):
        place = nbh.place(r.territory_id) or r.stop or (r.address if r.origin is None else None) or ""
        rows.append({
            "reference": f"C-{r.id}", "opened_on": _iso(local_date(r.created_at)), "kind": str(r.kind.label),
            "theme": r.theme, "place": place,
            "neighbourhood": nbh.name(nbh.of(r.territory_id, r.neighbourhood_id)),
            "organisation": r.organisation or "", "status": str(r.status.label), "due_on": _iso(r.due_on),
            "resolved_on": _iso(r.resolved_on),
        })
    return rows


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


ANNEXES: list[AnnexSpec] = [
    AnnexSpec(code="findings", label=_l("Constats de la période"), section=Section.FINDINGS, rows=annex_rows,
              order=10, columns=(
                  AnnexColumn("reference", _l("N°"), 0.7),
                  AnnexColumn("opened_on", _l("Date"), 0.9, "date"),
                  AnnexColumn("kind", _l("Type"), 1.0),
                  AnnexColumn("theme", _l("Thématique"), 1.4),
                  AnnexColumn("place", _l("Lieu"), 1.6),
                  AnnexColumn("neighbourhood", _l("Quartier"), 1.1),
                  AnnexColumn("organisation", _l("Organisme responsable"), 1.4),
                  AnnexColumn("status", _l("Statut"), 1.1),
                  AnnexColumn("due_on", _l("Échéance"), 0.9, "date"),
                  AnnexColumn("resolved_on", _l("Résolu le"), 0.9, "date"),
              )),
]
