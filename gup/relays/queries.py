"""Reads of resident relays: lists, the perimeter's buildings and their coverage, mandates ending soon."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup.agreements.models import Agreement, agreement_coordinators
from gup.extensions import db
from gup.relays.models import RelayDraw, RelayPool, RelayStatus, ResidentRelay
from gup.territory.models import TerritoryKind
from gup.territory.queries import descendants, neighbourhood_of, territory_index

#: mandates ending within this many days appear in the inbox and get one reminder
ENDING_SOON_DAYS = 60


def agreement_or_404(agreement_id: int) -> Agreement:
    return db.session.get(Agreement, agreement_id) or abort(404)


def relay_or_404(relay_id: int) -> ResidentRelay:
    stmt = (sa.select(ResidentRelay).where(ResidentRelay.id == relay_id)
            .options(joinedload(ResidentRelay.agreement), joinedload(ResidentRelay.territory)))
    return db.session.scalar(stmt) or abort(404)


def pool_or_404(pool_id: int) -> RelayPool:
    stmt = (sa.select(RelayPool).where(RelayPool.id == pool_id)
            .options(joinedload(RelayPool.agreement), selectinload(RelayPool.members)))
    return db.session.scalar(stmt) or abort(404)


def draw_or_404(draw_id: int) -> RelayDraw:
    stmt = (sa.select(RelayDraw).where(RelayDraw.id == draw_id)
            .options(joinedload(RelayDraw.pool).joinedload(RelayPool.agreement)))
    return db.session.scalar(stmt) or abort(404)


def relays_of(agreement: Agreement) -> list[ResidentRelay]:
    stmt = (sa.select(ResidentRelay).where(ResidentRelay.agreement_id == agreement.id)
            .options(joinedload(ResidentRelay.territory), joinedload(ResidentRelay.theme),
                     joinedload(ResidentRelay.neighbourhood))
            .order_by(ResidentRelay.status, ResidentRelay.mandate_end_on.desc(), ResidentRelay.id))
    return list(db.session.scalars(stmt))


def pools_of(agreement: Agreement) -> list[RelayPool]:
    return list(db.session.scalars(sa.select(RelayPool).where(RelayPool.agreement_id == agreement.id)
                                   .options(selectinload(RelayPool.members), selectinload(RelayPool.draws))
                                   .order_by(RelayPool.name)))


def perimeter_buildings(agreement: Agreement, index: dict | None = None) -> list[Any]:
    """The buildings under the agreement's neighbourhoods (territory index nodes), in tree order."""
    index = index if index is not None else territory_index()
    return [node for node, _depth in descendants([t.id for t in agreement.territories], index)
            if node.kind is TerritoryKind.BUILDING]


def covering_building(territory_id: int | None, index: dict) -> int | None:
    """The building a mandate's place counts for (a stairwell counts for its building; a residence for none)."""
    node = index.get(territory_id) if territory_id is not None else None
    while node is not None:
        if node.kind is TerritoryKind.BUILDING:
            return node.id
        if node.kind in (TerritoryKind.RESIDENCE, TerritoryKind.NEIGHBOURHOOD):
            return None
        node = index.get(node.parent_id) if node.parent_id is not None else None
    return None


def active_on(relay: ResidentRelay | Any, start: date, end: date) -> bool:
    """A mandate was active at some day of [start, end]."""
    last = relay.ended_on or relay.mandate_end_on
    return relay.mandate_start_on <= end and last >= start


def coverage(agreement: Agreement, *, today: date) -> list[tuple[Any, list[ResidentRelay], str]]:
    """Each building of the perimeter with its active relays today and its neighbourhood's name."""
    index = territory_index()
    active: dict[int, list[ResidentRelay]] = {}
    for relay in relays_of(agreement):
        if relay.status is RelayStatus.ACTIVE and active_on(relay, today, today):
            building = covering_building(relay.territory_id, index)
            if building is not None:
                active.setdefault(building, []).append(relay)
    out = []
    for node in perimeter_buildings(agreement, index):
        nbh = neighbourhood_of(node.id, index)
        out.append((node, active.get(node.id, []), nbh.name if nbh else ""))
    return out


def ending_soon_stmt(today: date, days: int = ENDING_SOON_DAYS) -> sa.Select:
    return (sa.select(ResidentRelay)
            .where(ResidentRelay.status == RelayStatus.ACTIVE, ResidentRelay.mandate_end_on >= today,
                   ResidentRelay.mandate_end_on <= today + timedelta(days=days))
            .options(joinedload(ResidentRelay.agreement).selectinload(Agreement.coordinators),
                     joinedload(ResidentRelay.territory), joinedload(ResidentRelay.theme),
                     joinedload(ResidentRelay.neighbourhood))
            .order_by(ResidentRelay.mandate_end_on, ResidentRelay.id))


def ending_soon_for(user: Any, today: date) -> list[ResidentRelay]:
    """Mandates ending soon in the agreements the user coordinates (in every agreement for an administrator); two
    queries whatever their number (the agreements' coordinators are loaded in one more)."""
    stmt = ending_soon_stmt(today)
    if not user.is_admin:
        mine = sa.select(agreement_coordinators.c.agreement_id).where(agreement_coordinators.c.user_id == user.id)
        stmt = stmt.where(ResidentRelay.agreement_id.in_(mine))
    return list(db.session.scalars(stmt).unique())


def published_draws(limit: int = 100) -> list[RelayDraw]:
    return list(db.session.scalars(sa.select(RelayDraw).where(RelayDraw.published.is_(True))
                                   .options(joinedload(RelayDraw.pool))
                                   .order_by(RelayDraw.ran_at.desc()).limit(limit)))
