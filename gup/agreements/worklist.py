"""The coordination's « À traiter » (gup.dashboard) and « Mes actions » (gup.inbox): commitments past their due
date in the agreements the user coordinates."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.agreements.models import Commitment
from gup.agreements.queries import commitments_stmt, coordinated
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link


def _overdue(user: Any, today: date) -> Any:
    return coordinated(user, commitments_stmt(user, today=today, overdue=True), Commitment.agreement_id)


def _items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(c, "commitment_overdue", True, c.due_on, "_macros/work_item_row.html", 5, False,
                     type_label=_("Engagement"), text=f"{c.reference} — {c.title}",
                     link=link("agreements.commitment", commitment_id=c.id))
            for c in first_rows(_overdue(user, today))]


OVERDUE_PROVIDER = WorkItemProvider(
    kind="commitment_overdue", model=Commitment, items=_items, audience=COORDINATION,
    title=_l("Engagements en retard"), order=60, count=lambda user, today: count_rows(_overdue(user, today)),
    list_url=lambda: url_for("agreements.commitments", overdue="1"))
