"""REST API of actions (/api/v1)."""

from gup.apiauth import api_blueprint

actions_api = api_blueprint("actions", "/actions", "Actions.")
