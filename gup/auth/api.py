"""GET /api/v1/me."""

from gup.apiauth import api_blueprint, api_user
from gup.auth.schemas import MeOut

me_api = api_blueprint("me", "/me", "Le compte authentifié par le jeton.")


@me_api.route("")
@me_api.response(200, MeOut)
def me():
    """Return the account that owns the bearer token."""
    return api_user()
