"""What the walk-throughs API receives, turned into what the services take: ids loaded and checked (a 422 naming the
field when one names nothing, or something outside the agreement)."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort

from gup.agreements.models import Agreement, Theme
from gup.auth.models import User
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.rest import (
    all_or_422,
    unprocessable,
)
from gup.territory.models import Territory, TerritoryKind
from gup.walks import queries
from gup.walks.models import Walkthrough


def neighbourhood_or_422(agreement: Agreement, territory_id: int) -> Territory:
    node = db.session.get(Territory, territory_id)
    if node is None or node.kind is not TerritoryKind.NEIGHBOURHOOD:
        unprocessable("neighbourhood_id", f"Quartier introuvable : {territory_id}.")
    if node not in agreement.territories:
        unprocessable("neighbourhood_id", "Ce quartier n'est pas dans le périmètre de la convention.")
    return node


def stop_error(index: int, field: str, message: str) -> None:
    """422 shaped like the validation errors of a list of nested objects: stops → index → field."""
    abort(422, message="Données invalides.", errors={"json": {"stops": {str(index): {field: [message]}}}})


def stop_rows(walk: Walkthrough | None, stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The body's stops as set_stops takes them: the territory as an object, ids of this walk's stops only."""
    existing = {s.id for s in walk.stops} if walk is not None else set()
    ids = [s["territory_id"] for s in stops if s.get("territory_id") is not None]
    territories = {t.id: t for t in queries.objects_by_ids(Territory, ids)}
    result = []
    for index, stop in enumerate(stops):
        data = dict(stop)
        if data.get("id") is not None and data["id"] not in existing:
            stop_error(index, "id", f"La halte {data['id']} n'appartient pas au diagnostic.")
        territory_id = data.pop("territory_id", None)
        if territory_id is not None and territory_id not in territories:
            stop_error(index, "territory_id", f"Territoire introuvable : {territory_id}.")
        data["territory"] = territories.get(territory_id)
        result.append(data)
    return result


def walk_fields(payload: dict[str, Any], agreement: Agreement, walk: Walkthrough | None) -> dict[str, Any]:
    """Turn the body's ids into the objects create_walk / update_walk take."""
    fields = dict(payload)
    if "neighbourhood_id" in fields:
        fields["neighbourhood"] = neighbourhood_or_422(agreement, fields.pop("neighbourhood_id"))
    if "organisation_ids" in fields:
        ids = fields.pop("organisation_ids")
        party = agreement.party_organisation_ids
        found = [o for o in queries.objects_by_ids(Organisation, ids) if o.id in party]
        fields["organisations"] = all_or_422(found, ids, "organisation_ids", "Organisme(s)")
    if "user_ids" in fields:
        ids = fields.pop("user_ids")
        allowed = {user_id for user_id, _label in queries.participant_user_choices(agreement)}
        found = [u for u in queries.objects_by_ids(User, ids) if u.id in allowed]
        fields["users"] = all_or_422(found, ids, "user_ids", "Compte(s)")
    if "grid_theme_ids" in fields:
        ids = fields.pop("grid_theme_ids")
        fields["grid_themes"] = all_or_422(queries.objects_by_ids(Theme, ids), ids, "grid_theme_ids",
                                            "Thématique(s)")
    if "follow_up_of_id" in fields:
        previous_id = fields.pop("follow_up_of_id")
        previous = db.session.get(Walkthrough, previous_id) if previous_id is not None else None
        if previous_id is not None and (previous is None or previous.agreement_id != agreement.id
                                        or previous is walk):
            unprocessable("follow_up_of_id", f"Diagnostic introuvable dans cette convention : {previous_id}.")
        fields["follow_up_of"] = previous
    return fields
