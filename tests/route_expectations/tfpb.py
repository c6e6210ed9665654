"""Expected audience of the TFPB routes (actions valued, abatements, annual review, its PDF and sending; API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import CONTRIBUTORS, LOGGED, OWNER, READERS

#: a TFPB record of hp1: the agreement's coordination, observers and administrators read it, and hp1's referent;
#: hp2's referent (another housing provider) and the coordinator of other agreements do not
TFPB_READERS = {"admin", "observer", "coordinator", "referent1"}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "tfpb.index": {"GET": LOGGED},
    "tfpb.export": {"GET": LOGGED},
    "tfpb.detail": {"GET": TFPB_READERS},
    # the agreement's coordination and the referents of its housing providers record TFPB data
    "tfpb.create": {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
    "tfpb.edit": {"GET": OWNER, "POST": OWNER},
    "tfpb.abatements": {"GET": READERS, "POST": CONTRIBUTORS},
    "tfpb.review": {"GET": TFPB_READERS},
    "tfpb.send_review": {"POST": OWNER},
    "reports.tfpb_review": {"GET": TFPB_READERS},
    "api_tfpb_actions.index": {"GET": LOGGED},
    "api_tfpb_actions.detail": {"GET": TFPB_READERS},
    "api_tfpb_actions.create": {"POST": OWNER},
    "api_tfpb_actions.edit": {"PATCH": OWNER},
    "api_tfpb_axes.index": {"GET": LOGGED},
}


def params(f, w) -> dict:
    """A TFPB action of hp1 in a QPV of the sample agreement, and the year of hp1's review."""
    from tests.tfpb.helpers import action, qpv

    place = qpv(f, w["agreement"], "Quartier TFPB", "QN99901M")
    record = action(w["agreement"], w["hp1"], place, year=2025)
    return {"tfpb_action_id": record.id, "year": 2025, "tfpb_neighbourhood_id": place.id}


#: endpoint -> function(params, role) giving a valid body, so that only the policy can refuse it
BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_tfpb_actions.create": lambda p, role: {
        "agreement_id": p["agreement_id"], "provider_id": p["organisation_id"],
        "neighbourhood_id": p["tfpb_neighbourhood_id"], "axis_code": "staff_presence", "year": 2025,
        "title": f"Action TFPB de {role}", "valued_amount": "1200.00"},
    "api_tfpb_actions.edit": lambda p, role: {"title": f"Action TFPB modifiée par {role}"},
}
