"""/api/v1/walkthroughs: walk-through diagnostics (diagnostics en marchant) and their route (the restitution PDF is
served by gup.reports).

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing that fits the agreement) are refused with a
422 naming the field.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import Agreement, Theme
from gup.auth.models import User
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    page_items,
    page_number,
    paginated,
    unprocessable,
)
from gup.territory.models import Territory, TerritoryKind
from gup.walks import queries, services
from gup.walks.models import WalkKind, WalkStatus, Walkthrough
from gup.walks.schemas import WalkthroughIn, WalkthroughOut, WalkthroughPatchIn, WalkthroughQueryArgs

walkthroughs_api = api_blueprint("walkthroughs", "/walkthroughs", "Diagnostics en marchant.")

#: what an API list row shows, loaded up front; any other relationship raises (a forgotten one fails a test)
_LOADED = (Walkthrough.agreement, Walkthrough.neighbourhood, Walkthrough.organisations, Walkthrough.users,
           Walkthrough.grid_themes, Walkthrough.stops, Walkthrough.findings)


def _walks_stmt(user: Any, *, agreement_id: int | None = None, neighbourhood_id: int | None = None,
                kind: WalkKind | None = None, status: WalkStatus | None = None) -> sa.Select:
    """Walks user may read, filtered, newest first (the order of the HTML list), with their API rows loaded."""
    stmt = (sa.select(Walkthrough)
            .options(joinedload(Walkthrough.agreement), joinedload(Walkthrough.neighbourhood),
                     selectinload(Walkthrough.organisations), selectinload(Walkthrough.users),
                     selectinload(Walkthrough.grid_themes), selectinload(Walkthrough.stops),
                     selectinload(Walkthrough.findings),
                     *queries.raise_others(Walkthrough, *_LOADED))
            .order_by(Walkthrough.walked_on.desc(), Walkthrough.id.desc()))
    if agreement_id is not None:
        stmt = stmt.where(Walkthrough.agreement_id == agreement_id)
    if neighbourhood_id is not None:
        stmt = stmt.where(Walkthrough.neighbourhood_id == neighbourhood_id)
    if kind is not None:
        stmt = stmt.where(Walkthrough.kind == kind)
    if status is not None:
        stmt = stmt.where(Walkthrough.status == status)
    return policy.visible(user, stmt, Walkthrough)


# --- references named in bodies ------------------------------------------------------------------

def _all_or_422(found: list[Any], wanted: list[int], field: str, what: str) -> list[Any]:
    missing = sorted(set(wanted) - {obj.id for obj in found})
    if missing:
        unprocessable(field, f"{what} introuvable(s) ou hors de la convention : {', '.join(map(str, missing))}.")
    return sorted(found, key=lambda obj: wanted.index(obj.id))


def _agreement_or_422(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        unprocessable("agreement_id", f"Convention introuvable : {agreement_id}.")
    return agreement


def _neighbourhood_or_422(agreement: Agreement, territory_id: int) -> Territory:
    node = db.session.get(Territory, territory_id)
    if node is None or node.kind is not TerritoryKind.NEIGHBOURHOOD:
        unprocessable("neighbourhood_id", f"Quartier introuvable : {territory_id}.")
    if node not in agreement.territories:
        unprocessable("neighbourhood_id", "Ce quartier n'est pas dans le périmètre de la convention.")
    return node


def _stop_error(index: int, field: str, message: str) -> None:
    """422 shaped like the validation errors of a list of nested objects: stops → index → field."""
    abort(422, message="Données invalides.", errors={"json": {"stops": {str(index): {field: [message]}}}})


def _stops(walk: Walkthrough | None, stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The body's stops as set_stops takes them: the territory as an object, ids of this walk's stops only."""
    existing = {s.id for s in walk.stops} if walk is not None else set()
    ids = [s["territory_id"] for s in stops if s.get("territory_id") is not None]
    territories = {t.id: t for t in queries.objects_by_ids(Territory, ids)}
    result = []
    for index, stop in enumerate(stops):
        data = dict(stop)
        if data.get("id") is not None and data["id"] not in existing:
            _stop_error(index, "id", f"La halte {data['id']} n'appartient pas au diagnostic.")
        territory_id = data.pop("territory_id", None)
        if territory_id is not None and territory_id not in territories:
            _stop_error(index, "territory_id", f"Territoire introuvable : {territory_id}.")
        data["territory"] = territories.get(territory_id)
        result.append(data)
    return result


def _walk_fields(payload: dict[str, Any], agreement: Agreement, walk: Walkthrough | None) -> dict[str, Any]:
    """Turn the body's ids into the objects create_walk / update_walk take."""
    fields = dict(payload)
    if "neighbourhood_id" in fields:
        fields["neighbourhood"] = _neighbourhood_or_422(agreement, fields.pop("neighbourhood_id"))
    if "organisation_ids" in fields:
        ids = fields.pop("organisation_ids")
        party = agreement.party_organisation_ids
        found = [o for o in queries.objects_by_ids(Organisation, ids) if o.id in party]
        fields["organisations"] = _all_or_422(found, ids, "organisation_ids", "Organisme(s)")
    if "user_ids" in fields:
        ids = fields.pop("user_ids")
        allowed = {user_id for user_id, _label in queries.participant_user_choices(agreement)}
        found = [u for u in queries.objects_by_ids(User, ids) if u.id in allowed]
        fields["users"] = _all_or_422(found, ids, "user_ids", "Compte(s)")
    if "grid_theme_ids" in fields:
        ids = fields.pop("grid_theme_ids")
        fields["grid_themes"] = _all_or_422(queries.objects_by_ids(Theme, ids), ids, "grid_theme_ids",
                                            "Thématique(s)")
    if "follow_up_of_id" in fields:
        previous_id = fields.pop("follow_up_of_id")
        previous = db.session.get(Walkthrough, previous_id) if previous_id is not None else None
        if previous_id is not None and (previous is None or previous.agreement_id != agreement.id
                                        or previous is walk):
            unprocessable("follow_up_of_id", f"Diagnostic introuvable dans cette convention : {previous_id}.")
        fields["follow_up_of"] = previous
    return fields


# --- routes --------------------------------------------------------------------------------------

@walkthroughs_api.route("", endpoint="index")
@walkthroughs_api.arguments(WalkthroughQueryArgs, location="query")
@walkthroughs_api.response(200, WalkthroughOut(many=True))
@paginated(walkthroughs_api)
@documents_errors(walkthroughs_api)
def list_walkthroughs(args: dict, pagination_parameters):
    """List the walks the user may read, newest first, filtered by agreement, neighbourhood, kind or status."""
    stmt = _walks_stmt(api_user(), **args)
    page = queries.paginate(stmt, page=page_number(pagination_parameters), per_page=pagination_parameters.page_size)
    return page_items(page, pagination_parameters)


@walkthroughs_api.route("/<int:walkthrough_id>", endpoint="detail")
@walkthroughs_api.response(200, WalkthroughOut)
@documents_errors(walkthroughs_api, 403, 404)
def get_walkthrough(walkthrough_id: int):
    """Return one walk with its participants, observation grid and ordered stops."""
    walk = queries.walk_or_404(walkthrough_id)
    policy.authorize(api_user(), "view", walk)
    return walk


@walkthroughs_api.route("", methods=["POST"], endpoint="create")
@walkthroughs_api.arguments(WalkthroughIn)
@walkthroughs_api.response(201, WalkthroughOut)
@documents_errors(walkthroughs_api, 400, 403)
def create_walkthrough(payload: dict):
    """Plan a walk (status `planned`) in a neighbourhood of the agreement's perimeter (its coordinators).

    `stops` is the ordered route: each stop has a name and optionally a point (latitude and longitude
    together), notes and a territory node.
    """
    user = api_user()
    agreement = _agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "view", agreement)
    policy.authorize(user, "manage", agreement)
    stops = _stops(None, payload.pop("stops", None) or [])
    fields = _walk_fields(payload, agreement, None)
    with committing():
        walk = services.create_walk(agreement, actor=user, now=now_utc(), stops=stops, **fields)
    return queries.walk_or_404(walk.id)


@walkthroughs_api.route("/<int:walkthrough_id>", methods=["PATCH"], endpoint="edit")
@authorized("update", load=queries.walk_or_404, arg="walkthrough_id", into="walk")
@walkthroughs_api.arguments(WalkthroughPatchIn)
@walkthroughs_api.response(200, WalkthroughOut)
@documents_errors(walkthroughs_api, 400, 403, 404, 409)
def edit_walkthrough(payload: dict, walk: Walkthrough):
    """Change some fields of a walk (its agreement's coordinators).

    `stops` replaces the route (send `id` to keep an existing stop and the findings attached to it);
    `status` follows the lifecycle (planned → done → restitution_sent, and back one step), else 409.
    """
    user = api_user()
    status = payload.pop("status", None)
    stops = _stops(walk, payload.pop("stops")) if "stops" in payload else None
    fields = _walk_fields(payload, walk.agreement, walk)
    with committing():
        if fields:
            services.update_walk(walk, actor=user, **fields)
        if stops is not None:
            services.set_stops(walk, stops, actor=user)
        if status is not None and status is not walk.status:
            services.change_walk_status(walk, to=status, actor=user, now=now_utc())
    return queries.walk_or_404(walk.id)
