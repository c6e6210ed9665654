"""Expected audience of the governance routes (HTML and /api/v1/bodies, /api/v1/meetings), and API bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import LOGGED, READERS

#: the coordination runs the bodies: the agreement's coordinator and administrators
MANAGE = {"coordinator", "admin"}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "governance.bodies": {"GET": READERS},
    "governance.create_body": {"GET": MANAGE, "POST": MANAGE},
    "governance.body": {"GET": READERS},
    "governance.edit_body": {"GET": MANAGE, "POST": MANAGE},
    "governance.add_member": {"POST": MANAGE},
    "governance.remove_member": {"POST": MANAGE},
    "governance.create_meeting": {"GET": MANAGE, "POST": MANAGE},
    "governance.meeting": {"GET": READERS},
    "governance.edit_meeting": {"GET": MANAGE, "POST": MANAGE},
    "governance.change_status": {"POST": MANAGE},
    "governance.add_agenda_item": {"POST": MANAGE},
    "governance.remove_agenda_item": {"POST": MANAGE},
    "governance.attendance": {"POST": MANAGE},
    "governance.minutes": {"POST": MANAGE},
    "governance.minutes_file": {"GET": READERS},
    "governance.add_decision": {"POST": MANAGE},
    "governance.decision_action": {"POST": MANAGE},
    "governance.send_invitations": {"POST": MANAGE},
    "governance.send_minutes": {"POST": MANAGE},
    "api_bodies.index": {"GET": LOGGED},
    "api_bodies.detail": {"GET": READERS},
    "api_bodies.create": {"POST": MANAGE},
    "api_meetings.index": {"GET": LOGGED},
    "api_meetings.detail": {"GET": READERS},
    "api_meetings.create": {"POST": MANAGE},
    "api_meetings.edit": {"PATCH": MANAGE},
}

BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_bodies.create": lambda p, role: {"agreement_id": p["agreement_id"], "kind": "working_group",
                                          "name": f"Groupe de travail de {role}"},
    "api_meetings.create": lambda p, role: {"body_id": p["body_id"], "starts_at": "2027-01-12T09:30:00+01:00",
                                            "place": f"Salle de {role}"},
    "api_meetings.edit": lambda p, role: {"place": f"Salle modifiée par {role}"},
}


def params(f, w) -> dict[str, Any]:
    """A COTECH of the sample agreement with a member, a held meeting with minutes, an agenda item, a decision."""
    from gup.extensions import db
    from gup.governance import services
    from gup.governance.models import BodyKind, MeetingStatus
    from gup.orm import now_utc

    now = now_utc()
    coordinator = w["coordinator"]
    body = services.create_body(w["agreement"], kind=BodyKind.TECHNICAL_COMMITTEE, name="COTECH",
                                actor=coordinator)
    member = services.add_member(body, person_name="Awa Diallo", organisation=w["hp1"], email="awa@example.org",
                                 actor=coordinator)
    meeting = services.create_meeting(body, starts_at=now, actor=coordinator, now=now)
    item = services.add_agenda_item(meeting, title="Point divers", actor=coordinator)
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=coordinator, now=now)
    services.save_minutes(meeting, text="Compte rendu", file=("cr.pdf", b"%PDF-1.4 test"), actor=coordinator,
                          now=now)
    decision = services.add_decision(meeting, text="Décision", owner_organisation=w["hp1"], actor=coordinator)
    db.session.flush()
    return {"body_id": body.id, "member_id": member.id, "meeting_id": meeting.id, "item_id": item.id,
            "decision_id": decision.id}
