"""REST API of walks (/api/v1)."""

from gup.apiauth import api_blueprint

walkthroughs_api = api_blueprint("walkthroughs", "/walkthroughs", "Diagnostics en marchant.")
