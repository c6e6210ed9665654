"""Feature package: resident reports (signalements) — public form, phone intake, triage, follow-up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("hotline", __name__)

#: the back office's endpoints (the public pages are named hotline.public_*): they light the menu entry
BACK_OFFICE_ENDPOINTS = ("hotline.index", "hotline.export", "hotline.detail", "hotline.qualify", "hotline.route",
                         "hotline.merge",
                         "hotline.change_status", "hotline.reopen", "hotline.convert", "hotline.attach",
                         "hotline.create", "hotline.edit_", "hotline.templates", "hotline.categories",
                         "hotline.add_category_route", "hotline.delete_category_route", "hotline.privacy",
                         "hotline.export_contact", "hotline.erase_contact")


def init_app(app: Any, registry: Any) -> None:
    """Plug hotline in: its routes, API, menu, periodic jobs, work items, demo and finding-page section."""
    import gup.hotline.finding_section  # noqa: F401  (its part of a finding's page)
    import gup.hotline.views  # noqa: F401  (routes attach to bp on import)
    from gup.hotline import demo, indicators, jobs
    from gup.hotline.api import resident_reports_api
    from gup.hotline.inbox import COORDINATION_PROVIDERS, PROVIDER
    from gup.hotline.services import map_centre

    app.jinja_env.globals["public_map_centre"] = map_centre  # where the public form's map opens

    registry.blueprints(bp)
    registry.api(resident_reports_api)
    registry.job("hotline.ask_if_fixed", jobs.ask_if_fixed, trigger="cron", hour=10, minute=0,
                 description="Ask reporters « is it fixed? » some weeks after resolution")
    registry.job("hotline.erase_contact_data", jobs.erase_contact_data, trigger="cron", hour=3, minute=30,
                 description="Erase reporters' contact details past the retention period")
    registry.menu("hotline.index", _l("Signalements"), current=BACK_OFFICE_ENDPOINTS, order=30)
    registry.public_menu("hotline.public_report", _l("Signaler un problème"), order=10)
    registry.public_menu("hotline.public_track_form", _l("Suivre un signalement"), current=("hotline.public_track",),
                         order=20)
    registry.work_items(PROVIDER)  # « Mes actions » (gup.inbox)
    registry.work_items(*COORDINATION_PROVIDERS)  # the coordination's « À traiter » (gup.dashboard)
    registry.demo(demo.load, name="hotline", order=30)
    registry.indicators(indicators.ALL)  # evaluations (gup.indicators)
    registry.annexes(indicators.ANNEXES)
    registry.provide("findings.report_origins", indicators.finding_origins)  # findings' source breakdown
