"""Evaluation indicators of resident reports (GUIDE §5) and the annex listing the reports of the period.

Reports count for the agreement they were attached to, received during the period; their outcome is their status
at the date of the calculation. The annex never shows the resident's contact details, and shows their own words
(description, address) only as the public-disclosure rule (gup.hotline.disclosure) publishes them.
"""

from __future__ import annotations

from collections import namedtuple
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.breakdowns import (
    Dim,
    Neighbourhoods,
    bounds,
    breakdowns,
    days_between,
    local_date,
    median,
    month_key,
    month_labels,
    organisation_labels,
    rate,
    theme_labels,
)
from gup.agreements.models import Theme
from gup.extensions import db
from gup.hotline import disclosure
from gup.hotline.models import CLOSED_REPORT_STATUSES, Channel, ReportCategory, ReportStatus, ResidentReport
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

CHANNEL = "channel"

Received = namedtuple("Received", "id channel theme_id org_id nbh_id month status created_at first_answer_at "
                                  "closed_at fixed_answer")


def finding_origins() -> sa.Select:
    """(finding_id, origin) of the findings opened from a resident report: « relay » for a resident relay's report,
    « hotline » for the others (reports opened from a walk's finding are not an origin). Provided to the findings'
    indicators (gup.findings.indicators.ORIGIN_SERVICE), which may not import the hotline."""
    origin = sa.case((ResidentReport.channel == Channel.RELAY, "relay"), else_="hotline")
    return (sa.select(ResidentReport.finding_id.label("finding_id"), sa.func.min(origin).label("origin"))
            .where(ResidentReport.finding_id.is_not(None), ResidentReport.channel != Channel.FINDING)
            .group_by(ResidentReport.finding_id))


def _received(agreement: Any, period: Period, *criteria: Any) -> tuple[list[Received], Neighbourhoods]:
    """The agreement's reports received during the period (one query)."""
    start, end = bounds(period)
    stmt = (sa.select(ResidentReport.id, ResidentReport.channel, ReportCategory.theme_id,
                      ResidentReport.responsible_organisation_id, ResidentReport.neighbourhood_id,
                      ResidentReport.territory_id, ResidentReport.status, ResidentReport.created_at,
                      ResidentReport.first_answer_at, ResidentReport.closed_at, ResidentReport.fixed_answer)
            .join(ReportCategory, ReportCategory.id == ResidentReport.category_id)
            .where(ResidentReport.agreement_id == agreement.id, ResidentReport.created_at >= start,
                   ResidentReport.created_at < end, *criteria))
    nbh = Neighbourhoods()
    records = [Received(r.id, r.channel, r.theme_id, r.responsible_organisation_id,
                        nbh.of(r.neighbourhood_id) or nbh.of(r.territory_id), month_key(local_date(r.created_at)),
                        r.status, r.created_at, r.first_answer_at, r.closed_at, r.fixed_answer)
               for r in db.session.execute(stmt)]
    return records, nbh


def _dims(records: list[Received], nbh: Neighbourhoods, period: Period | None = None) -> dict[str, Dim]:
    dims = {
        CHANNEL: Dim(lambda r: r.channel.value, {c.value: c.label for c in Channel}),
        THEME: Dim(lambda r: r.theme_id, theme_labels(r.theme_id for r in records)),
        PARTNER: Dim(lambda r: r.org_id, organisation_labels(r.org_id for r in records)),
        NEIGHBOURHOOD: Dim(lambda r: r.nbh_id, nbh.labels(r.nbh_id for r in records)),
    }
    if period is not None:
        dims[MONTH] = Dim(lambda r: r.month, month_labels(period), complete=True)
        dims[CHANNEL].complete = True  # every channel, even unused, in the volume's chart
    return dims


def reports_received(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _received(agreement, period)
    n = len(records)

    def count(status: ReportStatus) -> int:
        return sum(1 for r in records if r.status is status)

    return IndicatorValue(
        value=n, breakdowns=breakdowns(records, _dims(records, nbh, period)),
        details={_("Part réorientée, hors de nos compétences (%)"): rate(count(ReportStatus.NOT_OUR_REMIT), n),
                 _("Part rejetée (%)"): rate(count(ReportStatus.REJECTED), n),
                 _("Doublons"): count(ReportStatus.DUPLICATE)})


def reports_resolved_rate(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _received(agreement, period)
    # out of our remit, duplicates and rejected reports were answered otherwise: they are not to be resolved
    counted = [r for r in records if r.status not in (ReportStatus.NOT_OUR_REMIT, ReportStatus.DUPLICATE,
                                                      ReportStatus.REJECTED)]

    def share(group: list[Received]) -> tuple[float | None, int | None]:
        return rate(sum(1 for r in group if r.status is ReportStatus.RESOLVED), len(group)), len(group)

    value, _count = share(counted)
    first = [d for d in (days_between(r.created_at, r.first_answer_at) for r in records) if d is not None]
    closing = [d for d in (days_between(r.created_at, r.closed_at) for r in counted
                           if r.status is ReportStatus.RESOLVED) if d is not None]
    return IndicatorValue(
        value=value, breakdowns=breakdowns(counted, _dims(counted, nbh), share),
        details={_("Délai médian de première réponse (jours)"): median(first),
                 _("Délai médian de clôture des résolus (jours)"): median(closing),
                 _("Encore ouverts"): sum(1 for r in counted if r.status not in CLOSED_REPORT_STATUSES)},
        note=_("sur %(n)s signalements reçus pendant la période relevant des partenaires", n=len(counted)))


def _days_metric(field: str) -> Any:
    def compute(agreement: Any, period: Period) -> IndicatorValue:
        records, nbh = _received(agreement, period)
        if field == "closed_at":
            records = [r for r in records if r.status is ReportStatus.RESOLVED]
        timed = [r for r in records if getattr(r, field) is not None]

        def delay(group: list[Received]) -> tuple[float | None, int | None]:
            return median([days_between(r.created_at, getattr(r, field)) for r in group]), len(group)

        value, _count = delay(timed)
        return IndicatorValue(value=value, breakdowns=breakdowns(timed, _dims(timed, nbh), delay),
                              note=_("sur %(n)s signalements reçus pendant la période", n=len(timed)))
    return compute


def fixed_confirmed_rate(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _received(agreement, period, ResidentReport.fixed_answer.is_not(None))

    def share(group: list[Received]) -> tuple[float | None, int | None]:
        return rate(sum(1 for r in group if r.fixed_answer), len(group)), len(group)

    value, _count = share(records)
    return IndicatorValue(
        value=value, breakdowns=breakdowns(records, _dims(records, nbh), share),
        details={_("Réponses « oui »"): sum(1 for r in records if r.fixed_answer),
                 _("Réponses « non » (signalement rouvert)"): sum(1 for r in records if not r.fixed_answer)},
        note=_("sur %(n)s réponses à la question « est-ce réglé ? » (signalements reçus pendant la période)",
               n=len(records)))


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {CHANNEL: _l("canal")}

ALL: list[IndicatorSpec] = [
    IndicatorSpec(
        code="reports_received", label=_l("Signalements reçus"), unit=Unit.COUNT, direction=Direction.NEUTRAL,
        section=Section.RESIDENT_REPORTS, compute=reports_received, order=10,
        description=_l("Signalements d'habitants reçus pendant la période, par canal (formulaire en ligne, "
                       "téléphone, habitant relais, Open311, constat de diagnostic) et par mois ; part réorientée "
                       "hors de nos compétences"),
        dimension_labels=DIMENSIONS, dimensions=(CHANNEL, MONTH, THEME, PARTNER, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="reports_resolved_rate", label=_l("Signalements résolus"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.RESIDENT_REPORTS, compute=reports_resolved_rate, order=20,
        description=_l("Part des signalements reçus pendant la période (hors réorientés, doublons et rejetés) "
                       "clos avec le statut « Résolu » à la date du calcul"),
        dimension_labels=DIMENSIONS, dimensions=(CHANNEL, THEME, PARTNER, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="reports_first_answer_days_median", label=_l("Délai médian de première réponse"), unit=Unit.DAYS,
        direction=Direction.LOWER, section=Section.RESIDENT_REPORTS, compute=_days_metric("first_answer_at"),
        order=30,
        description=_l("Médiane du temps (en jours) entre la réception d'un signalement de la période et la "
                       "première réponse publique"),
        dimension_labels=DIMENSIONS, dimensions=(CHANNEL, THEME, PARTNER, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="reports_closure_days_median", label=_l("Délai médian de résolution des signalements"),
        unit=Unit.DAYS, direction=Direction.LOWER, section=Section.RESIDENT_REPORTS,
        compute=_days_metric("closed_at"), order=40,
        description=_l("Médiane du temps (en jours) entre la réception et la clôture « Résolu » des signalements "
                       "reçus pendant la période"),
        dimension_labels=DIMENSIONS, dimensions=(CHANNEL, THEME, PARTNER, NEIGHBOURHOOD)),
    IndicatorSpec(
        code="fixed_confirmed_rate", label=_l("Résolution confirmée"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.RESIDENT_REPORTS, compute=fixed_confirmed_rate, order=50,
        description=_l("Réponses « oui » à la question « est-ce réglé ? » envoyée aux habitants après la "
                       "résolution ÷ réponses reçues, pour les signalements reçus pendant la période"),
        dimension_labels=DIMENSIONS, dimensions=(CHANNEL, THEME, PARTNER, NEIGHBOURHOOD)),
]


# --- annex ----------------------------------------------------------------------------------------

def annex_rows(agreement: Any, period: Period) -> list[dict[str, Any]]:
    """Every report received during the period: reference, date, channel, category, theme, neighbourhood, status,
    days to close, and its description only as publicly disclosed; never the resident's contact details."""
    start, end = bounds(period)
    stmt = (sa.select(ResidentReport.id, ResidentReport.reference, ResidentReport.created_at,
                      ResidentReport.channel, ReportCategory.label.label("category"), Theme.label.label("theme"),
                      ResidentReport.neighbourhood_id, ResidentReport.territory_id, ResidentReport.status,
                      ResidentReport.closed_at, ResidentReport.disclosure, ResidentReport.public_description,
                      ResidentReport.public_address)
            .join(ReportCategory, ReportCategory.id == ResidentReport.category_id)
            .join(Theme, Theme.id == ReportCategory.theme_id)
            .where(ResidentReport.agreement_id == agreement.id, ResidentReport.created_at >= start,
                   ResidentReport.created_at < end)
            .order_by(ResidentReport.created_at, ResidentReport.id))
    nbh = Neighbourhoods()
    rows = []
    for r in db.session.execute(stmt):
        # the disclosure rule reads only what it publishes: the private words are not even fetched
        public = SimpleNamespace(disclosure=r.disclosure, public_description=r.public_description,
                                 public_address=r.public_address, description=None, address=None,
                                 open311_client_id=None)
        closed = days_between(r.created_at, r.closed_at)
        rows.append({
            "reference": r.reference or f"#{r.id}", "received_on": local_date(r.created_at).isoformat(),
            "channel": str(r.channel.label), "category": r.category, "theme": r.theme,
            "neighbourhood": nbh.name(nbh.of(r.neighbourhood_id) or nbh.of(r.territory_id)),
            "status": str(r.status.label), "days_to_close": round(closed, 1) if closed is not None else None,
            "description": disclosure.public_description(public) or "",
            "address": disclosure.public_address(public) or "",
        })
    return rows


ANNEXES: list[AnnexSpec] = [
    AnnexSpec(code="resident_reports", label=_l("Signalements de la période"), section=Section.RESIDENT_REPORTS,
              rows=annex_rows, order=30, columns=(
                  AnnexColumn("reference", _l("Référence"), 1.0),
                  AnnexColumn("received_on", _l("Reçu le"), 0.9, "date"),
                  AnnexColumn("channel", _l("Canal"), 1.1),
                  AnnexColumn("category", _l("Catégorie"), 1.2),
                  AnnexColumn("theme", _l("Thématique"), 1.2),
                  AnnexColumn("neighbourhood", _l("Quartier"), 1.1),
                  AnnexColumn("status", _l("Statut"), 1.1),
                  AnnexColumn("days_to_close", _l("Jours jusqu'à la clôture"), 0.8, "number"),
                  AnnexColumn("description", _l("Description publique"), 2.2),
                  AnnexColumn("address", _l("Adresse publique"), 1.4),
              )),
]
