"""The resident-report part of a finding's page: the public report that follows it, or the form opening one."""

from __future__ import annotations

from typing import Any

from gup.findings.signals import finding_page
from gup.hotline.queries import report_for_finding
from gup.hotline.services import published_categories
from gup.pages import Section
from gup.policy import can


@finding_page.connect
def report_section(finding: Any, *, user: Any) -> Section:
    """The caller checked that user may view the finding; opening a report is the coordination's."""
    report = report_for_finding(finding.id)
    categories = published_categories() if report is None and can(user, "manage", finding) else []
    return Section("hotline/_finding_report.html", {"report": report, "categories": categories}, order=10)
