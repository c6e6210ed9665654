"""Expected audience of the hotline back office (queue, report page and actions, phone intake, settings, erasure)
and of /api/v1/resident-reports, with a valid body for each API write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import ADMIN, COORD, LOGGED, OWNER

#: who reads a report sent to hp1 in the sample agreement: readers of everything, its coordinator, hp1's referent
REPORT_READERS = {"admin", "observer", "coordinator", "referent1"}
#: every coordinator acts as a phone operator and reads the hotline settings
COORDINATORS = {"coordinator", "other_coordinator"}
SETTINGS_READERS = {"admin"} | COORDINATORS

EXPECTED: dict[str, dict[str, set[str]]] = {
    "hotline.index": {"GET": LOGGED},
    "hotline.export": {"GET": LOGGED},
    "hotline.detail": {"GET": REPORT_READERS},
    "hotline.qualify": {"POST": COORD},
    "hotline.create_from_finding": {"POST": COORD},
    "hotline.route": {"POST": COORD},
    "hotline.merge": {"POST": COORD},
    #: answering belongs to the organisation in charge too (the target decides: see tests/hotline)
    "hotline.change_status": {"POST": OWNER},
    "hotline.reopen": {"POST": COORD},
    "hotline.convert": {"POST": COORD},
    "hotline.disclose": {"POST": COORD},
    "hotline.withdraw_disclosure": {"POST": COORD},
    "hotline.attach": {"POST": COORD},
    "hotline.create": {"GET": COORDINATORS, "POST": COORDINATORS},
    "hotline.created": {"GET": REPORT_READERS},
    "hotline.templates": {"GET": SETTINGS_READERS},
    "hotline.create_template": {"GET": ADMIN, "POST": ADMIN},
    "hotline.edit_template": {"GET": ADMIN, "POST": ADMIN},
    "hotline.categories": {"GET": SETTINGS_READERS},
    "hotline.create_category": {"GET": ADMIN, "POST": ADMIN},
    "hotline.edit_category": {"GET": ADMIN, "POST": ADMIN},
    "hotline.add_category_route": {"POST": ADMIN},
    "hotline.delete_category_route": {"POST": ADMIN},
    "hotline.privacy": {"GET": ADMIN},
    "hotline.export_contact": {"GET": ADMIN},
    "hotline.erase_contact": {"POST": ADMIN},
    "api_resident_reports.index": {"GET": LOGGED},
    "api_resident_reports.detail": {"GET": REPORT_READERS},
    "api_resident_reports.status": {"POST": OWNER},
    "api_resident_reports.merge": {"POST": COORD},
    "api_resident_reports.reroute": {"POST": COORD},
    "api_resident_reports.disclosure": {"PUT": COORD},
    "api_resident_reports.withdraw_disclosure": {"DELETE": COORD},
}

BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_resident_reports.status": lambda p, role: {"status": "in_progress",
                                                    "public_text": f"Intervention prévue ({role})."},
    "api_resident_reports.merge": lambda p, role: {"into_id": p["bo_into_report_id"]},
    "api_resident_reports.reroute": lambda p, role: {"organisation_id": p["organisation_id"]},
    "api_resident_reports.disclosure": lambda p, role: {"public_description": "Dépôt sauvage devant l'entrée B.",
                                                        "public_address": "Rue des Lilas"},
}


def params(f, w) -> dict[str, Any]:
    """A report of the sample agreement sent to hp1, another one to merge it into, a category with a
    neighbourhood route and a response template."""
    from gup.extensions import db
    from gup.hotline.models import CategoryRoute, ReportStatus, ResponseTemplate
    from gup.hotline.services import route_report
    from gup.territory.models import TerritoryKind

    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(hood)
    category = f.make_category()
    report = f.make_report(category, neighbourhood=hood, contact_email="habitant@example.org",
                           contact_consent=True)
    route_report(report, to=w["hp1"], actor=w["coordinator"], now=w["now"])
    into = f.make_report(category, neighbourhood=hood)
    route = CategoryRoute(category=category, neighbourhood=hood, organisation=w["hp1"])
    template = ResponseTemplate(category=category, status=ReportStatus.RESOLVED, text="Réglé.")
    db.session.add_all([route, template])
    db.session.flush()
    return {"report_id": report.id, "bo_into_report_id": into.id, "category_id": category.id,
            "category_route_id": route.id, "template_id": template.id}
