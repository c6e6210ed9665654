"""/api/v1/walkthroughs: walk-through diagnostics (diagnostics en marchant) and their route (the restitution PDF is
served by gup.reports).

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing that fits the agreement) are refused with a
422 naming the field.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.payloads import agreement_or_422
from gup.orm import now_utc
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    list_page,
    paginated,
)
from gup.walks import queries, services
from gup.walks.models import Walkthrough
from gup.walks.payloads import stop_rows, walk_fields
from gup.walks.schemas import WalkthroughIn, WalkthroughOut, WalkthroughPatchIn, WalkthroughQueryArgs

walkthroughs_api = api_blueprint("walkthroughs", "/walkthroughs", "Diagnostics en marchant.")

#: what an API list row shows, loaded up front; any other relationship raises (a forgotten one fails a test)
_LOADED = (Walkthrough.agreement, Walkthrough.neighbourhood, Walkthrough.organisations, Walkthrough.users,
           Walkthrough.grid_themes, Walkthrough.stops, Walkthrough.findings)


#: what an API list row shows, loaded up front (the filters are the HTML list's: queries.walks_stmt)
_ROW_LOADING = (joinedload(Walkthrough.agreement), joinedload(Walkthrough.neighbourhood),
                selectinload(Walkthrough.organisations), selectinload(Walkthrough.users),
                selectinload(Walkthrough.grid_themes), selectinload(Walkthrough.stops),
                selectinload(Walkthrough.findings))


# --- references named in bodies ------------------------------------------------------------------


# --- routes --------------------------------------------------------------------------------------

@walkthroughs_api.route("", endpoint="index")
@walkthroughs_api.arguments(WalkthroughQueryArgs, location="query")
@walkthroughs_api.response(200, WalkthroughOut(many=True))
@paginated(walkthroughs_api)
@documents_errors(walkthroughs_api)
def list_walkthroughs(args: dict, pagination_parameters):
    """List the walks the user may read, newest first, filtered by agreement, neighbourhood, kind or status."""
    loading = (*_ROW_LOADING, *queries.raise_others(Walkthrough, *_LOADED))
    stmt = queries.walks_stmt(api_user(), loading=loading, **args)
    return list_page(stmt, pagination_parameters)


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
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "view", agreement)
    policy.authorize(user, "manage", agreement)
    stops = stop_rows(None, payload.pop("stops", None) or [])
    fields = walk_fields(payload, agreement, None)
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
    stops = stop_rows(walk, payload.pop("stops")) if "stops" in payload else None
    fields = walk_fields(payload, walk.agreement, walk)
    with committing():
        if fields:
            services.update_walk(walk, actor=user, **fields)
        if stops is not None:
            services.set_stops(walk, stops, actor=user)
        if status is not None and status is not walk.status:
            services.change_walk_status(walk, to=status, actor=user, now=now_utc())
    return queries.walk_or_404(walk.id)
