"""Evaluation indicators of walk-through diagnostics (GUIDE §5): walks held, participants, restitutions.

A walk is held when it is « réalisée » or its restitution was sent, and its date falls within the period. Walks
record how many residents took part and which partner accounts walked; they do not record participants' gender,
so no share of women is computed (the women's exploratory walks are counted apart instead).
"""

from __future__ import annotations

from collections import namedtuple
from datetime import time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.breakdowns import (
    Dim,
    Neighbourhoods,
    breakdowns,
    month_key,
    month_labels,
    organisation_labels,
    rate,
)
from gup.extensions import db
from gup.indicators import (
    MONTH,
    NEIGHBOURHOOD,
    PARTNER,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
)
from gup.walks.models import WalkKind, WalkStatus, Walkthrough, walk_organisations, walk_users

KIND, TIME_OF_DAY = "kind", "time_of_day"
HELD = (WalkStatus.DONE, WalkStatus.RESTITUTION_SENT)
DAY, NIGHT = "day", "night"
TIME_LABELS = {DAY: _l("De jour"), NIGHT: _l("De nuit")}
#: a walk that starts at or after this hour (or before dawn) is a night walk, whatever its kind
NIGHT_FROM, NIGHT_UNTIL = time(19, 0), time(6, 0)

Walk = namedtuple("Walk", "id kind nbh_id month night residents accounts walked_on restitution_on orgs")


def _walks(agreement: Any, period: Period) -> tuple[list[Walk], Neighbourhoods]:
    """The agreement's walks held during the period, with the number of partner accounts that walked and the
    organisations that took part (two queries)."""
    accounts = (sa.select(walk_users.c.walkthrough_id, sa.func.count().label("n"))
                .group_by(walk_users.c.walkthrough_id).subquery())
    stmt = (sa.select(Walkthrough.id, Walkthrough.kind, Walkthrough.neighbourhood_id, Walkthrough.walked_on,
                      Walkthrough.starts_at, Walkthrough.residents_count, Walkthrough.restitution_on,
                      sa.func.coalesce(accounts.c.n, 0).label("accounts"))
            .outerjoin(accounts, accounts.c.walkthrough_id == Walkthrough.id)
            .where(Walkthrough.agreement_id == agreement.id, Walkthrough.status.in_(HELD),
                   Walkthrough.walked_on >= period.start, Walkthrough.walked_on <= period.end))
    organisations: dict[int, list[int]] = {}
    for link in db.session.execute(
            sa.select(walk_organisations.c.walkthrough_id, walk_organisations.c.organisation_id)
            .join(Walkthrough, Walkthrough.id == walk_organisations.c.walkthrough_id)
            .where(Walkthrough.agreement_id == agreement.id, Walkthrough.walked_on >= period.start,
                   Walkthrough.walked_on <= period.end)):
        organisations.setdefault(link.walkthrough_id, []).append(link.organisation_id)
    nbh = Neighbourhoods()
    records = []
    for r in db.session.execute(stmt):
        night = r.kind is WalkKind.NIGHT or (r.starts_at is not None
                                              and (r.starts_at >= NIGHT_FROM or r.starts_at < NIGHT_UNTIL))
        records.append(Walk(r.id, r.kind, nbh.of(r.neighbourhood_id), month_key(r.walked_on), night,
                            r.residents_count or 0, r.accounts, r.walked_on, r.restitution_on,
                            tuple(organisations.get(r.id, ()))))
    return records, nbh


def _dims(records: list[Walk], nbh: Neighbourhoods, period: Period | None = None) -> dict[str, Dim]:
    dims = {
        KIND: Dim(lambda r: r.kind.value, {k.value: k.label for k in WalkKind}),
        TIME_OF_DAY: Dim(lambda r: NIGHT if r.night else DAY, TIME_LABELS),
        NEIGHBOURHOOD: Dim(lambda r: r.nbh_id, nbh.labels(r.nbh_id for r in records)),
        PARTNER: Dim(lambda r: r.orgs, organisation_labels(o for r in records for o in r.orgs), multi=True),
    }
    if period is not None:
        dims[MONTH] = Dim(lambda r: r.month, month_labels(period), complete=True)
    return dims


def walks_held(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _walks(agreement, period)
    return IndicatorValue(
        value=len(records), breakdowns=breakdowns(records, _dims(records, nbh, period)),
        details={_("De jour"): sum(1 for r in records if not r.night),
                 _("De nuit"): sum(1 for r in records if r.night),
                 _("Marches exploratoires de femmes"): sum(1 for r in records
                                                           if r.kind is WalkKind.EXPLORATORY_WOMEN)})


def walk_participants(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _walks(agreement, period)

    def total(group: list[Walk]) -> tuple[float | None, int | None]:
        return sum(r.residents + r.accounts for r in group), len(group)

    residents = sum(r.residents for r in records)
    everyone = residents + sum(r.accounts for r in records)
    women_walks = sum(r.residents for r in records if r.kind is WalkKind.EXPLORATORY_WOMEN)
    return IndicatorValue(
        value=everyone, breakdowns=breakdowns(records, _dims(records, nbh, period), total),
        details={_("Habitants"): residents, _("Agents et partenaires (comptes)"): everyone - residents,
                 _("Part des habitants (%)"): rate(residents, everyone),
                 _("Habitantes aux marches exploratoires de femmes"): women_walks},
        note=_("Le genre des participants n'est pas enregistré : la part des femmes n'est pas calculée."))


def walks_restituted(agreement: Any, period: Period) -> IndicatorValue:
    records, nbh = _walks(agreement, period)
    weeks = current_app.config.get("WALK_RESTITUTION_WEEKS", 6)
    limit = timedelta(weeks=weeks)

    def share(group: list[Walk]) -> tuple[float | None, int | None]:
        done = sum(1 for r in group if r.restitution_on is not None and r.restitution_on - r.walked_on <= limit)
        return rate(done, len(group)), len(group)

    value, _count = share(records)
    return IndicatorValue(
        value=value, breakdowns=breakdowns(records, _dims(records, nbh), share),
        details={_("Restitués (toute date)"): sum(1 for r in records if r.restitution_on is not None)},
        note=_("restitution envoyée dans les %(weeks)s semaines, sur %(n)s diagnostics réalisés", weeks=weeks,
               n=len(records)))


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {KIND: _l("type de marche"), TIME_OF_DAY: _l("moment de la journée")}

ALL: list[IndicatorSpec] = [
    IndicatorSpec(
        code="walks_held", label=_l("Diagnostics réalisés"), unit=Unit.COUNT, direction=Direction.HIGHER,
        section=Section.WALKS, compute=walks_held, order=10,
        description=_l("Diagnostics en marchant réalisés pendant la période, par type, de jour ou de nuit (type "
                       "« marche de nuit » ou départ entre 19 h et 6 h), par quartier, par organisme participant et "
                       "par mois"),
        dimension_labels=DIMENSIONS, dimensions=(KIND, TIME_OF_DAY, NEIGHBOURHOOD, PARTNER, MONTH)),
    IndicatorSpec(
        code="walk_participants", label=_l("Participants aux diagnostics"), unit=Unit.COUNT,
        direction=Direction.HIGHER, section=Section.WALKS, compute=walk_participants, order=20,
        description=_l("Habitants déclarés et comptes d'agents ou de partenaires inscrits aux diagnostics réalisés "
                       "pendant la période ; part des habitants ; le genre n'est pas enregistré"),
        dimension_labels=DIMENSIONS, dimensions=(KIND, TIME_OF_DAY, NEIGHBOURHOOD, PARTNER, MONTH)),
    IndicatorSpec(
        code="walks_restituted_rate", label=_l("Diagnostics restitués"), unit=Unit.PERCENT,
        direction=Direction.HIGHER, section=Section.WALKS, compute=walks_restituted, order=30,
        description=_l("Part des diagnostics réalisés pendant la période dont la restitution a été envoyée dans "
                       "les N semaines suivant la marche (réglage WALK_RESTITUTION_WEEKS, 6 par défaut)"),
        dimension_labels=DIMENSIONS, dimensions=(KIND, TIME_OF_DAY, NEIGHBOURHOOD, PARTNER)),
]

ANNEXES: list[Any] = []
