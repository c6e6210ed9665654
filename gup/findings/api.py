"""REST API of findings (/api/v1)."""

from gup.apiauth import api_blueprint

findings_api = api_blueprint("findings", "/findings", "Constats.")
