"""What the findings API receives, turned into what the services take: ids loaded and checked (a 422 naming the field
when one names nothing, or something outside the agreement)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_smorest import abort

from gup.agreements.models import Agreement
from gup.agreements.payloads import theme_or_422
from gup.extensions import db
from gup.findings import queries
from gup.findings.models import Finding
from gup.organisations.models import Organisation
from gup.rest import (
    unprocessable,
)
from gup.territory.models import Territory
from gup.walks.models import RouteStop, Walkthrough


def walk_or_422(agreement: Agreement | None, walkthrough_id: int | None) -> Walkthrough | None:
    if walkthrough_id is None:
        return None
    walk = db.session.get(Walkthrough, walkthrough_id)
    if walk is None or (agreement is not None and walk.agreement_id != agreement.id):
        unprocessable("walkthrough_id", f"Diagnostic introuvable dans cette convention : {walkthrough_id}.")
    return walk


def stop_or_422(walk: Walkthrough | None, stop_id: int | None) -> RouteStop | None:
    if stop_id is None:
        return None
    stop = db.session.get(RouteStop, stop_id)
    if stop is None or walk is None or stop.walkthrough_id != walk.id:
        unprocessable("stop_id", f"Halte introuvable dans ce diagnostic : {stop_id}.")
    return stop


def territory_or_422(agreement: Agreement, territory_id: int | None) -> Territory | None:
    """A place of the agreement's perimeter (a neighbourhood of it, or a node under one)."""
    if territory_id is None:
        return None
    roots = [t.id for t in agreement.territories]
    inside = {node.id for node, _depth in queries.descendants(roots, queries.territory_index())}
    if territory_id not in inside:
        unprocessable("territory_id", f"Lieu introuvable dans le périmètre de la convention : {territory_id}.")
    return db.session.get(Territory, territory_id)


def organisation_or_422(agreement: Agreement, organisation_id: int | None) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation is None or organisation.id not in agreement.party_organisation_ids:
        unprocessable("responsible_organisation_id",
                      f"L'organisme {organisation_id} n'est pas partenaire de la convention.")
    return organisation


def finding_fields(payload: dict[str, Any], agreement: Agreement, finding: Finding | None) -> dict[str, Any]:
    """Turn the body's ids into the objects create_finding / update_finding take."""
    fields = dict(payload)
    walk = finding.walkthrough if finding is not None else None
    if "walkthrough_id" in fields:
        walk = fields["walkthrough"] = walk_or_422(agreement, fields.pop("walkthrough_id"))
    if "stop_id" in fields:
        fields["stop"] = stop_or_422(walk, fields.pop("stop_id"))
    if "theme_id" in fields:
        fields["theme"] = theme_or_422(fields.pop("theme_id"))
    if "territory_id" in fields:
        fields["territory"] = territory_or_422(agreement, fields.pop("territory_id"))
    if finding is not None and ("latitude" in fields) != ("longitude" in fields):
        point = {"latitude": fields.get("latitude", finding.latitude),
                 "longitude": fields.get("longitude", finding.longitude)}
        if (point["latitude"] is None) != (point["longitude"] is None):
            missing = "longitude" if point["longitude"] is None else "latitude"
            unprocessable(missing, "Indiquez la latitude et la longitude, ou aucune des deux.")
    return fields


def within_upload_limit(func: Callable) -> Callable:
    """Refuse a body larger than the site accepts (413, with a French message) before reading any of it."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            size = f"{limit // (1024 * 1024)} Mo" if limit >= 1024 * 1024 else f"{max(limit // 1024, 1)} Ko"
            abort(413, message=f"Envoi trop volumineux : {size} au plus.")
        return func(*args, **kwargs)
    return wrapper
