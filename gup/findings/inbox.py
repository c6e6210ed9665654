"""The findings' work items for « Mes actions »: open findings assigned to the user's organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.agreements.queries import by_ids_for_policy
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.findings.services import change_finding_status
from gup.worklist import WorkItem, WorkItemProvider

MY_FINDING_STATUSES = (FindingStatus.SENT, FindingStatus.ACCEPTED, FindingStatus.PLANNED, FindingStatus.IN_PROGRESS)


def _items(user: Any, today: date) -> list[WorkItem]:
    stmt = (sa.select(Finding).where(Finding.responsible_organisation_id == user.organisation_id,
                                     Finding.status.in_(MY_FINDING_STATUSES), Finding.problem_clause())
            .options(joinedload(Finding.agreement).raiseload("*"), joinedload(Finding.theme), raiseload("*")))
    return [WorkItem(f, "finding", f.is_overdue(today), f.due_on, "findings/_inbox_row.html", 0, True)
            for f in db.session.scalars(policy.visible(user, stmt, Finding))]


def _move(finding: Finding, target: FindingStatus, *, note: str, actor: Any, now: Any) -> None:
    change_finding_status(finding, to=target, actor=actor, now=now, note=note)


PROVIDER = WorkItemProvider(
    kind="finding", model=Finding, items=_items, load=lambda ids: by_ids_for_policy(Finding, ids),
    label=lambda finding: _("Constat n° %(id)s", id=finding.id),
    target=FindingStatus, allowed=lambda finding: finding.next_statuses() | {finding.status},
    may=lambda user, finding, target: policy.can(user, "move", finding, target=target),
    move=_move, refused_targets=frozenset({FindingStatus.SENT}))
