"""« Transformer en proposition »: the part participatory budgets add to a finding's and a resident report's
pages (through their page signals), offering the open campaigns of the same agreement to the coordination."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for

from gup.budget.backoffice_proposals import proposal_form
from gup.budget.models import PBProject
from gup.extensions import db
from gup.findings.signals import finding_page
from gup.hotline.signals import report_page
from gup.pages import Section
from gup.policy import can

TEMPLATE = "budget/_to_proposal.html"


def _section(agreement_id: int | None, user: Any, action: str, made_from: Any) -> Section | None:
    """The proposals already made from the record (those the user may read) and the form making another."""
    made = [p for p in db.session.scalars(sa.select(PBProject).where(made_from).order_by(PBProject.id))
            if can(user, "view", p)]
    form = proposal_form(agreement_id, user) if agreement_id is not None else None
    if form is None and not made:
        return None
    return Section(TEMPLATE, {"form": form, "action": action, "made": made}, order=50)


@finding_page.connect
def finding_section(finding: Any, *, user: Any) -> Section | None:
    return _section(finding.agreement_id, user, url_for("budget.from_finding", finding_id=finding.id),
                    PBProject.finding_id == finding.id)


@report_page.connect
def report_section(report: Any, *, user: Any) -> Section | None:
    return _section(report.agreement_id, user, url_for("budget.from_report", report_id=report.id),
                    PBProject.report_id == report.id)
