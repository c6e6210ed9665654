"""The findings' work items for « Mes actions »: open findings assigned to the user's organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.agreements.queries import by_ids_for_policy, coordinated
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.findings.services import change_finding_status
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link

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


# --- the coordination's « À traiter » (gup.dashboard): refused findings to re-route, resolved ones to check ----

def _status_stmt(user: Any, status: FindingStatus) -> Any:
    stmt = (sa.select(Finding).where(Finding.status == status, Finding.problem_clause())
            .options(joinedload(Finding.agreement).raiseload("*"), joinedload(Finding.theme), raiseload("*"))
            .order_by(Finding.resolved_on.is_(None), Finding.resolved_on, Finding.updated_at, Finding.id))
    return coordinated(user, policy.visible(user, stmt, Finding), Finding.agreement_id)


def _coordination_provider(kind: str, status: FindingStatus, title: Any, order: int) -> WorkItemProvider:
    def items(user: Any, today: date) -> list[WorkItem]:
        # no due date: what matters is the status (refused, resolved), not the finding's original due date
        return [WorkItem(f, kind, False, None, "_macros/work_item_row.html", 0, False, type_label=_("Constat"),
                         text=f"{_('Constat n° %(id)s', id=f.id)} — {f.theme.label} : {f.description or ''}",
                         link=link("findings.detail", finding_id=f.id))
                for f in first_rows(_status_stmt(user, status))]

    return WorkItemProvider(kind=kind, model=Finding, items=items, audience=COORDINATION, title=title, order=order,
                            count=lambda user, today: count_rows(_status_stmt(user, status)),
                            list_url=lambda: url_for("findings.index", status=status.value))


COORDINATION_PROVIDERS = (
    _coordination_provider("finding_refused", FindingStatus.REFUSED, _l("Constats refusés à réorienter"), 20),
    _coordination_provider("finding_resolved", FindingStatus.RESOLVED, _l("Constats résolus à vérifier sur place"),
                           30),
)
