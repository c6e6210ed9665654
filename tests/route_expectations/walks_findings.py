"""Expected audience of the HTML routes of walks, findings, the routing table and photos."""

from __future__ import annotations

from typing import Any

from tests.route_expectations.roles import CONTRIBUTORS, COORD, LOGGED, OWNER, READERS

EXPECTED: dict[str, dict[str, set[str]]] = {
    "walks.index": {"GET": LOGGED},
    "walks.export": {"GET": LOGGED},
    "walks.create": {"GET": COORD, "POST": COORD},
    "walks.edit": {"GET": COORD, "POST": COORD},
    "walks.change_status": {"POST": COORD},
    "walks.detail": {"GET": READERS},
    "reports.walk_restitution": {"GET": READERS},
    "findings.create": {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
    "findings.create_for_agreement": {"GET": CONTRIBUTORS, "POST": CONTRIBUTORS},
    # the line « sera transmis à … » of the logging form, for those who log findings
    "findings.recipient_preview": {"GET": CONTRIBUTORS},
    "findings.index": {"GET": LOGGED},
    "findings.export": {"GET": LOGGED},
    "findings.detail": {"GET": READERS},
    "findings.edit": {"GET": COORD, "POST": COORD},
    "findings.route": {"POST": COORD},
    # the responsible organisation (hp1: referent1) and the coordination; referent2 gets 403
    "findings.change_status": {"POST": OWNER},
    "findings.add_photos": {"POST": OWNER},
    "findings.to_action": {"POST": OWNER},
    "findings.routing": {"GET": COORD, "POST": COORD},
    "findings.delete_rule": {"POST": COORD},
    "media.photo": {"GET": READERS},
    "media.thumbnail": {"GET": READERS},
}


def params(f, w) -> dict[str, Any]:
    """A walk, a finding sent to hp1 at its first stop, a photo of that finding and a routing rule."""
    from gup.extensions import db
    from gup.findings.models import LandOwnership, RoutingRule
    from gup.media.models import Photo

    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=walk.stops[0],
                             latitude=47.2101, longitude=-1.5502)
    photo = Photo(storage_key="matrix/absent.jpg", thumbnail_key="matrix/absent_thumb.jpg", width=64, height=48,
                  size_bytes=1000, finding=finding)
    rule = RoutingRule(agreement=w["agreement"], land_ownership=LandOwnership.HOUSING_PROVIDER,
                       organisation=w["hp1"])
    db.session.add_all([photo, rule])
    db.session.flush()
    return {"walkthrough_id": walk.id, "finding_id": finding.id, "photo_id": photo.id, "routing_rule_id": rule.id}
