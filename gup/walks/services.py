"""Use cases of walk-throughs: plan, edit, route stops, status. Flush only."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from gup.agreements.models import Agreement
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError
from gup.extensions import db
from gup.i18n import local_today
from gup.territory.models import TerritoryKind
from gup.walks.models import RouteStop, Walkthrough, WalkStatus

logger = logging.getLogger(__name__)

WALK_FIELDS = frozenset({"title", "neighbourhood", "walked_on", "starts_at", "kind", "route_description",
                         "residents_count", "other_participants", "organisations", "users", "grid_themes",
                         "follow_up_of", "restitution_on"})


def _check(walk: Walkthrough) -> None:
    if walk.neighbourhood is None or walk.neighbourhood.kind is not TerritoryKind.NEIGHBOURHOOD:
        raise DomainError(_("Choisissez un quartier."), field="neighbourhood_id")
    if walk.neighbourhood not in walk.agreement.territories:
        raise DomainError(_("Ce quartier n'est pas dans le périmètre de la convention."), field="neighbourhood_id")
    if (walk.residents_count or 0) < 0:
        raise DomainError(_("Le nombre d'habitants ne peut pas être négatif."), field="residents_count")
    if walk.follow_up_of is not None and (walk.follow_up_of is walk or
                                          walk.follow_up_of.agreement_id != walk.agreement.id):
        raise DomainError(_("Choisissez un diagnostic de la même convention."), field="follow_up_of_id")


def _apply(walk: Walkthrough, fields: dict[str, Any]) -> None:
    unknown = set(fields) - WALK_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(walk, key, (value.strip() or None) if type(value) is str and key != "title" else value)


def create_walk(agreement: Agreement, *, actor: Any, now: datetime, stops: list[dict] | None = None,
                **fields: Any) -> Walkthrough:
    """Plan a walk of a neighbourhood of the agreement, with its ordered stops."""
    acting_as(db.session, actor)
    walk = Walkthrough(agreement=agreement, status=WalkStatus.PLANNED, residents_count=0)
    _apply(walk, fields)
    _check(walk)
    db.session.add(walk)
    if stops:
        set_stops(walk, stops, actor=actor)
    db.session.flush()
    record_status_change(walk, from_status=None, to_status=WalkStatus.PLANNED, actor=actor, at=now)
    logger.info("walk %s created by %s", walk.id, getattr(actor, "id", None))
    return walk


def update_walk(walk: Walkthrough, *, actor: Any, **fields: Any) -> Walkthrough:
    acting_as(db.session, actor)
    _apply(walk, fields)
    _check(walk)
    db.session.flush()
    logger.info("walk %s updated by %s", walk.id, getattr(actor, "id", None))
    return walk


def set_stops(walk: Walkthrough, stops: list[dict], *, actor: Any) -> list[RouteStop]:
    """Replace the route by these ordered stops (name, optional territory, latitude, longitude, notes);
    stops that findings point to are kept and renumbered."""
    acting_as(db.session, actor)
    existing = {s.id: s for s in walk.stops}
    kept: list[RouteStop] = []
    for position, data in enumerate(stops, start=1):
        name = (data.get("name") or "").strip()
        if not name:
            raise DomainError(_("Chaque halte doit avoir un nom."), field="stops")
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="stops")
        stop = existing.pop(data["id"], None) if data.get("id") else None
        stop = stop or RouteStop(walkthrough=walk)
        stop.name, stop.latitude, stop.longitude = name, lat, lon
        stop.territory, stop.notes = data.get("territory"), (data.get("notes") or "").strip() or None
        kept.append(stop)
    for orphan in existing.values():
        walk.stops.remove(orphan)
    # renumber in two passes so the (walk, position) uniqueness never clashes mid-flush
    for index, stop in enumerate(kept, start=1):
        stop.position = 1000 + index
    walk.stops = kept
    db.session.flush()
    for index, stop in enumerate(kept, start=1):
        stop.position = index
    db.session.flush()
    return kept


def change_walk_status(walk: Walkthrough, *, to: WalkStatus, actor: Any, now: datetime) -> Walkthrough:
    acting_as(db.session, actor)
    old = walk.status
    walk.move_to(to, on=local_today(now))
    record_status_change(walk, from_status=old, to_status=to, actor=actor, at=now)
    db.session.flush()
    logger.info("walk %s moved %s -> %s by %s", walk.id, old.value, to.value, getattr(actor, "id", None))
    return walk
