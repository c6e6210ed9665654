"""GET /api/v1/me."""

from gup.auth.schemas import MeOut
from gup.rest import api_blueprint, api_user, documents_errors

me_api = api_blueprint("me", "/me", "Le compte authentifié par le jeton.")


@me_api.route("")
@me_api.response(200, MeOut)
@documents_errors(me_api)
def me():
    """Return the account that owns the bearer token."""
    return api_user()
