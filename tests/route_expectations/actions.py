"""Expected audience of the actions' HTML routes (list, CSV, page, create, edit, progress); « Mes actions » is in
inbox.py."""

from tests.route_expectations.roles import CONTRIBUTORS, LOGGED, OWNER, READERS

EXPECTED: dict[str, dict[str, set[str]]] = {
    "actions.index": {"GET": LOGGED},
    "actions.export": {"GET": LOGGED},
    "actions.detail": {"GET": READERS},
    "actions.create": {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
    "actions.edit": {"GET": OWNER, "POST": OWNER},
    "actions.add_update": {"POST": OWNER},
}


def params(f, w) -> dict:
    """An action of hp1 in the sample agreement, answering a finding sent to hp1."""
    finding = f.make_finding(w["agreement"], w["hp1"])
    action = f.make_action(w["agreement"], w["hp1"], commitment=w["c1"])
    action.findings = [finding]
    return {"action_id": action.id}
