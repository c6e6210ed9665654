"""Expected audience of the foundation's /api/v1 routes, and a valid body for each write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import LOGGED, READERS

EXPECTED: dict[str, dict[str, set[str]]] = {
    "api_me.me": {"GET": LOGGED},
    "api_organisations.index": {"GET": LOGGED},
    "api_organisations.detail": {"GET": LOGGED},
    "api_neighbourhoods.index": {"GET": LOGGED},
    "api_neighbourhoods.detail": {"GET": LOGGED},
    "api_agreements.index": {"GET": LOGGED},
    "api_agreements.detail": {"GET": READERS},
    "api_agreements.create": {"POST": {"coordinator", "other_coordinator"}},
    "api_agreements.edit": {"PATCH": {"coordinator"}},
    "api_commitments.index": {"GET": LOGGED},
    "api_commitments.detail": {"GET": READERS},
    "api_commitments.create": {"POST": {"coordinator", "referent1"}},
    "api_commitments.edit": {"PATCH": {"coordinator", "referent1"}},
    "api_commitments.updates": {"GET": READERS},
    "api_commitments.add_update": {"POST": {"coordinator", "referent1"}},
}

#: endpoint -> function(params, role) giving a valid JSON body, so that only the policy can refuse it
BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_agreements.create": lambda p, role: {"reference": f"API-{role}", "title": "Convention créée par l'API",
                                              "kind": "site", "start_on": "2026-01-01", "end_on": "2031-12-31"},
    "api_agreements.edit": lambda p, role: {"title": f"Titre modifié par {role}"},
    "api_commitments.create": lambda p, role: {"agreement_id": p["agreement_id"],
                                               "organisation_id": p["organisation_id"],
                                               "theme_id": p["theme_id"], "title": f"Engagement de {role}"},
    "api_commitments.edit": lambda p, role: {"title": f"Modifié par {role}"},
    "api_commitments.add_update": lambda p, role: {"note": f"Point d'avancement de {role}", "progress": 10},
}
