"""Evaluations: annual reviews, mid-term and final evaluations, computed from what every feature declares.

An aggregator (GUIDE §3.11): it reads the features through the indicators and annexes they register
(gup.indicators), freezes the figures in versioned snapshots and builds the PDF reports from them. No feature
imports it; it contributes its timeline to the agreement page through the page signal.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("evaluations", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug evaluations in: routes, API, report commands, jobs, menu, demo, inbox and agreement-page section."""
    import gup.evaluations.receivers  # noqa: F401  (signal receivers connect on import)
    import gup.evaluations.views  # noqa: F401  (routes and the page section attach on import)
    from gup.evaluations import demo, jobs, queries
    from gup.evaluations.api import evaluations_api
    from gup.evaluations.cli import register as cli

    app.config.setdefault("EVALUATION_ANNUAL_DUE_DAYS", 90)
    registry.blueprints(bp)
    registry.api(evaluations_api)
    registry.cli(cli)
    registry.menu("evaluations.index", _l("Évaluations"), current=("evaluations.",), order=45)
    registry.job("evaluations.schedule", jobs.schedule, trigger="cron", hour=5, minute=10,
                 description="Create and move evaluations from the agreements' dates")
    registry.job("evaluations.prepare_drafts", jobs.prepare_drafts, trigger="cron", minute=20,
                 description="Open the preparation of evaluations whose period is over, with a draft report "
                             "(hourly, at most GUP_EVALUATION_DRAFTS_SECONDS per run)")
    registry.job("evaluations.remind_due", jobs.remind_due, trigger="cron", hour=7, minute=15,
                 description="Remind coordinators 90, 30 and 7 days before an evaluation is due")
    registry.job("evaluations.remind_contributions", jobs.remind_contributions, trigger="cron", day_of_week="mon",
                 hour=8, minute=0, description="Remind partners whose contribution to an evaluation is missing")
    registry.work_items(queries.work_items, queries.due_items)
    registry.demo(demo.load, name="evaluations", order=90)
