"""Feature package: resident reports (signalements) — public form, phone intake, triage, follow-up."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("hotline", __name__)

#: the back office's endpoints (the public pages are named hotline.public_*): they light the menu entry
BACK_OFFICE_ENDPOINTS = ("hotline.index", "hotline.detail", "hotline.qualify", "hotline.route", "hotline.merge",
                         "hotline.change_status", "hotline.reopen", "hotline.convert", "hotline.attach",
                         "hotline.create", "hotline.edit_", "hotline.templates", "hotline.categories",
                         "hotline.add_category_route", "hotline.delete_category_route", "hotline.privacy",
                         "hotline.export_contact", "hotline.erase_contact")


def init_app(app: Any, registry: Any) -> None:
    """Plug hotline in: its routes, API, commands and menu."""
    import gup.hotline.views  # noqa: F401  (routes attach to bp on import)
    from gup.hotline.api import resident_reports_api
    from gup.hotline.cli import register as cli

    registry.blueprints(bp)
    registry.api(resident_reports_api)
    registry.cli(cli)
    registry.menu("hotline.index", _l("Signalements"), current=BACK_OFFICE_ENDPOINTS, order=30)
