"""GET /api/v1/neighbourhoods: neighbourhoods (QPV or not) and their residences, buildings and stairwells."""

from gup import policy
from gup.rest import api_blueprint, api_user, documents_errors, list_page, paginated
from gup.territory import queries
from gup.territory.models import Territory
from gup.territory.schemas import NeighbourhoodOut, NeighbourhoodQueryArgs, NeighbourhoodTreeOut

neighbourhoods_api = api_blueprint("neighbourhoods", "/neighbourhoods", "Quartiers et territoire.")


@neighbourhoods_api.route("", endpoint="index")
@neighbourhoods_api.arguments(NeighbourhoodQueryArgs, location="query")
@neighbourhoods_api.response(200, NeighbourhoodOut(many=True))
@paginated(neighbourhoods_api)
@documents_errors(neighbourhoods_api)
def list_neighbourhoods(args: dict, pagination_parameters):
    """List neighbourhoods, optionally only QPVs (`qpv=true`) or matching a search (`q`)."""
    policy.authorize(api_user(), "view", Territory)
    stmt = queries.neighbourhoods_stmt(qpv=args.get("qpv"), search=args.get("q"))
    return list_page(stmt, pagination_parameters)


@neighbourhoods_api.route("/<int:territory_id>", endpoint="detail")
@neighbourhoods_api.response(200, NeighbourhoodTreeOut)
@documents_errors(neighbourhoods_api, 403, 404)
def get_neighbourhood(territory_id: int):
    """Return a neighbourhood with the tree of its residences, buildings and stairwells."""
    neighbourhood = queries.neighbourhood_tree_or_404(territory_id)
    policy.authorize(api_user(), "view", neighbourhood)
    return neighbourhood
