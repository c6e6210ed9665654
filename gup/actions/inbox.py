"""The actions' work items for « Mes actions »: open actions of the user's organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.actions.models import ACTION_NEXT, Action, ActionStatus
from gup.actions.queries import overdue_clause
from gup.actions.services import add_action_update
from gup.agreements.queries import by_ids_for_policy, coordinated
from gup.extensions import db
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link

MY_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)


def _items(user: Any, today: date) -> list[WorkItem]:
    stmt = (sa.select(Action).where(Action.responsible_organisation_id == user.organisation_id,
                                    Action.status.in_(MY_ACTION_STATUSES))
            .options(joinedload(Action.agreement).raiseload("*"), raiseload("*")))
    return [WorkItem(a, "action", a.is_overdue(today), a.due_on, "actions/_inbox_row.html", 2, True)
            for a in db.session.scalars(policy.visible(user, stmt, Action))]


def _move(action: Action, target: ActionStatus, *, note: str, actor: Any, now: Any) -> None:
    add_action_update(action, note=note, status=target, actor=actor, now=now)


PROVIDER = WorkItemProvider(
    kind="action", model=Action, items=_items, load=lambda ids: by_ids_for_policy(Action, ids),
    label=lambda action: _("Action n° %(id)s", id=action.id),
    target=ActionStatus, allowed=lambda action: ACTION_NEXT[action.status] | {action.status},
    may=lambda user, action, target: policy.can(user, "update", action), move=_move)


# --- the coordination's « À traiter » (gup.dashboard): actions past their due date --------------------------

def _overdue_stmt(user: Any, today: date) -> Any:
    stmt = (sa.select(Action).where(overdue_clause(today))
            .options(joinedload(Action.agreement).raiseload("*"),
                     joinedload(Action.responsible_organisation).raiseload("*"), raiseload("*"))
            .order_by(Action.due_on, Action.id))
    return coordinated(user, policy.visible(user, stmt, Action), Action.agreement_id)


def _overdue_items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(a, "action_overdue", True, a.due_on, "_macros/work_item_row.html", 2, False,
                     type_label=_("Action"), text=f"{a.title} — {a.responsible_organisation.name}",
                     link=link("actions.detail", action_id=a.id))
            for a in first_rows(_overdue_stmt(user, today))]


OVERDUE_PROVIDER = WorkItemProvider(
    kind="action_overdue", model=Action, items=_overdue_items, audience=COORDINATION,
    title=_l("Actions en retard"), order=70, count=lambda user, today: count_rows(_overdue_stmt(user, today)),
    list_url=lambda: url_for("actions.index", overdue="1"))
