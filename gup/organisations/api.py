"""GET /api/v1/organisations: the organisations (organismes) known to gup."""

from gup import policy
from gup.extensions import db
from gup.organisations import queries
from gup.organisations.models import Organisation
from gup.organisations.schemas import OrganisationOut, OrganisationQueryArgs
from gup.rest import api_blueprint, api_user, documents_errors, list_page, paginated

organisations_api = api_blueprint("organisations", "/organisations", "Organismes.")


@organisations_api.route("", endpoint="index")
@organisations_api.arguments(OrganisationQueryArgs, location="query")
@organisations_api.response(200, OrganisationOut(many=True))
@paginated(organisations_api)
@documents_errors(organisations_api)
def list_organisations(args: dict, pagination_parameters):
    """List organisations, optionally of one kind (`kind`) or matching a search (`q`)."""
    policy.authorize(api_user(), "view", Organisation)
    stmt = queries.organisations_stmt(kind=args.get("kind"), search=args.get("q"))
    return list_page(stmt, pagination_parameters)


@organisations_api.route("/<int:organisation_id>", endpoint="detail")
@organisations_api.response(200, OrganisationOut)
@documents_errors(organisations_api, 403, 404)
def get_organisation(organisation_id: int):
    """Return one organisation."""
    organisation = db.get_or_404(Organisation, organisation_id)
    policy.authorize(api_user(), "view", organisation)
    return organisation
