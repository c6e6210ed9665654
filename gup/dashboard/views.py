"""The dashboard page, and the follow-up section it contributes to each agreement's page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from gup.agreements.signals import agreement_page
from gup.dashboard import bp, queries
from gup.features import registry
from gup.i18n import local_today
from gup.pages import Section
from gup.reports import followup_charts

#: how many located findings the agreement page's map shows
AGREEMENT_MAP_LIMIT = 100


@bp.route("/")
@login_required
def index():
    home = registry().home_for(current_user)
    if home is not None:  # e.g. a relay's phone page
        return redirect(url_for(home))
    days = current_app.config["DUE_SOON_DAYS"]
    today = local_today()
    data = queries.dashboard_data(current_user, today=today, due_days=days)
    stats = queries.followup_stats(current_user, today=today)
    return render_template("dashboard/index.html", days=days, today=today, **data,
                           todo=queries.todo_groups(current_user, today),
                           charts=followup_charts(stats, prefix="tableau"))


@agreement_page.connect
def followup_section(agreement: Any, *, user: Any, today: date) -> Section:
    """Findings and actions of the agreement: charts, structural problems and map (the caller checked that user
    may view the agreement)."""
    stats = queries.followup_stats(user, today=today, agreement_id=agreement.id)
    link = lambda finding_id: url_for("findings.detail", finding_id=finding_id)  # noqa: E731
    return Section("dashboard/_agreement_followup.html", {
        "charts": followup_charts(stats, prefix="convention"),
        "recurring": queries.recurring_findings(agreement.id),
        "map_points": queries.finding_map_points(agreement_id=agreement.id, link=link, limit=AGREEMENT_MAP_LIMIT),
        "map_limit": AGREEMENT_MAP_LIMIT,
    }, order=10)
