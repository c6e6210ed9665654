"""Expected audience of the /api/v1 routes of walks, findings and actions, and a valid body for each write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import CONTRIBUTORS, COORD, LOGGED, OWNER, READERS

EXPECTED: dict[str, dict[str, set[str]]] = {
    "api_walkthroughs.index": {"GET": LOGGED},
    "api_walkthroughs.detail": {"GET": READERS},
    "api_walkthroughs.create": {"POST": COORD},
    "api_walkthroughs.edit": {"PATCH": COORD},
    "api_reports.walk_restitution": {"GET": READERS},
    "api_findings.index": {"GET": LOGGED},
    "api_findings.detail": {"GET": READERS},
    "api_findings.create": {"POST": CONTRIBUTORS},
    "api_findings.edit": {"PATCH": OWNER},
    "api_findings.add_photo": {"POST": OWNER},
    "api_actions.index": {"GET": LOGGED},
    "api_actions.detail": {"GET": READERS},
    "api_actions.create": {"POST": CONTRIBUTORS},
    "api_actions.edit": {"PATCH": OWNER},
    "api_actions.updates": {"GET": READERS},
    "api_actions.add_update": {"POST": OWNER},
}


def _photo(p: dict[str, Any], role: str) -> dict[str, Any]:
    """A multipart body (see tests/test_route_matrix.py: "__files__" maps a field to (filename, bytes))."""
    from tests.factories import jpeg_bytes

    return {"__files__": {"photo": (f"photo-{role}.jpg", jpeg_bytes(gps=True))}}


#: endpoint -> function(params, role) giving a valid body, so that only the policy can refuse it
BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_walkthroughs.create": lambda p, role: {
        "agreement_id": p["agreement_id"], "neighbourhood_id": p["api_walk_neighbourhood_id"],
        "title": f"Diagnostic de {role}", "walked_on": "2026-11-05", "kind": "night",
        "stops": [{"name": "Parvis de l'école", "latitude": 47.21, "longitude": -1.55}]},
    "api_walkthroughs.edit": lambda p, role: {"title": f"Diagnostic modifié par {role}", "residents_count": 8},
    "api_findings.create": lambda p, role: {"agreement_id": p["agreement_id"], "theme_id": p["theme_id"],
                                            "description": f"Éclairage en panne, constat de {role}"},
    # a partner's answer, allowed to the responsible organisation and to the coordination alike
    "api_findings.edit": lambda p, role: {"status": "accepted", "note": f"Pris en charge par {role}"},
    "api_findings.add_photo": _photo,
    "api_actions.create": lambda p, role: {
        "agreement_id": p["agreement_id"], "title": f"Action de {role}",
        "responsible_organisation_id": p["api_hp2_id"] if role == "referent2" else p["organisation_id"]},
    "api_actions.edit": lambda p, role: {"title": f"Action modifiée par {role}", "cost": "150.00"},
    "api_actions.add_update": lambda p, role: {"note": f"Point d'avancement de {role}", "progress": 20},
}


def params(f, w) -> dict[str, Any]:
    """A walk of the sample agreement, a finding sent to hp1 during it and an action of hp1 answering it.

    Other expectation modules may provide walkthrough_id, finding_id or action_id too (the last module wins):
    the bodies above fit any hp1-owned sample. The extra keys start with api_ so that nothing overrides them.
    """
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=walk.stops[0])
    action = f.make_action(w["agreement"], w["hp1"], findings=[finding])
    return {"walkthrough_id": walk.id, "finding_id": finding.id, "action_id": action.id,
            "api_walk_neighbourhood_id": walk.neighbourhood_id, "api_hp2_id": w["hp2"].id}
