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
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough

logger = logging.getLogger(__name__)

WALK_FIELDS = frozenset({"title", "neighbourhood", "walked_on", "starts_at", "kind", "route_description",
                         "residents_count", "other_participants", "organisations", "users", "grid_themes",
                         "follow_up_of", "restitution_on"})


def _check(walk: Walkthrough) -> None:
    """Title, date, a neighbourhood of the agreement, a sensible headcount, an earlier walk of the agreement."""
    if not (walk.title or "").strip():
        raise DomainError(_("Donnez un titre au diagnostic."), field="title")
    if walk.walked_on is None:
        raise DomainError(_("Indiquez la date du diagnostic."), field="walked_on")
    if walk.neighbourhood is None or walk.neighbourhood.kind is not TerritoryKind.NEIGHBOURHOOD:
        raise DomainError(_("Choisissez un quartier."), field="neighbourhood_id")
    if walk.neighbourhood not in walk.agreement.territories:
        raise DomainError(_("Ce quartier n'est pas dans le périmètre de la convention."), field="neighbourhood_id")
    if (walk.residents_count or 0) < 0:
        raise DomainError(_("Le nombre d'habitants ne peut pas être négatif."), field="residents_count")
    _check_follow_up(walk, walk.follow_up_of)


def _check_follow_up(walk: Walkthrough, earlier: Walkthrough | None) -> None:
    """An earlier walk of the same agreement, and no loop (a walk following up on itself)."""
    seen: set[int] = set()
    while earlier is not None:
        if earlier is walk or id(earlier) in seen or earlier.agreement_id != walk.agreement.id:
            raise DomainError(_("Choisissez un diagnostic de la même convention."), field="follow_up_of_id")
        seen.add(id(earlier))
        earlier = earlier.follow_up_of


def _apply(walk: Walkthrough, fields: dict[str, Any]) -> None:
    unknown = set(fields) - WALK_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if "follow_up_of" in fields:  # before it is set: a loop could not even be flushed back out
        _check_follow_up(walk, fields["follow_up_of"])
    for key, value in fields.items():
        if type(value) is str:
            value = value.strip() if key == "title" else (value.strip() or None)
        setattr(walk, key, value)
    walk.kind = walk.kind or WalkKind.DAY
    walk.residents_count = walk.residents_count or 0


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
    """Edit a walk's date, route text, participants or grid (its status moves through change_walk_status)."""
    acting_as(db.session, actor)
    _apply(walk, fields)
    _check(walk)
    db.session.flush()
    logger.info("walk %s updated by %s", walk.id, getattr(actor, "id", None))
    return walk


def set_stops(walk: Walkthrough, stops: list[dict], *, actor: Any) -> list[RouteStop]:
    """Replace the route by these ordered stops (dicts: id of an existing stop or None, name, latitude,
    longitude, notes, optional territory); stops left out that findings point to are kept at the end, and
    every stop is renumbered from 1."""
    acting_as(db.session, actor)
    for data in stops:  # every row is checked before anything changes
        if not (data.get("name") or "").strip():
            raise DomainError(_("Chaque halte doit avoir un nom."), field="stops")
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="stops")
        if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DomainError(_("Coordonnées invalides."), field="stops")
    existing = {s.id: s for s in walk.stops}
    kept: list[RouteStop] = []
    for data in stops:
        stop = existing.pop(data["id"], None) if data.get("id") else None
        stop = stop or RouteStop(walkthrough=walk)
        stop.name, stop.latitude, stop.longitude = data["name"].strip(), data.get("latitude"), data.get("longitude")
        stop.notes = (data.get("notes") or "").strip() or None
        if "territory" in data:  # a form without the place keeps the one already set
            stop.territory = data["territory"]
        kept.append(stop)
    if existing:
        # a stop that findings were logged at stays on the route (at its end), so they keep their place
        with db.session.no_autoflush:  # new stops have no position yet
            used = {finding.stop_id for finding in walk.findings}
        for stop_id, orphan in sorted(existing.items(), key=lambda item: item[1].position):
            if stop_id in used:
                kept.append(orphan)
            else:
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
    """Mark a walk done, its restitution sent (dated), or step back; the same status writes nothing."""
    acting_as(db.session, actor)
    to = WalkStatus(to)
    if to is walk.status:
        return walk
    old = walk.status
    walk.move_to(to, on=local_today(now))
    record_status_change(walk, from_status=old, to_status=to, actor=actor, at=now)
    db.session.flush()
    logger.info("walk %s moved %s -> %s by %s", walk.id, old.value, to.value, getattr(actor, "id", None))
    return walk
