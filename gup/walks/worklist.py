"""The coordination's « À traiter » (gup.dashboard) and « Mes actions » (gup.inbox): walks held whose restitution
to the residents is still to be sent (due GUP_WALK_RESTITUTION_WEEKS after the walk)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.agreements.queries import coordinated
from gup.walks.models import WalkStatus, Walkthrough
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, count_rows, first_rows, link


def _stmt(user: Any) -> Any:
    stmt = (sa.select(Walkthrough).where(Walkthrough.status == WalkStatus.DONE)
            .options(joinedload(Walkthrough.agreement).raiseload("*"), raiseload("*"))
            .order_by(Walkthrough.walked_on, Walkthrough.id))
    return coordinated(user, policy.visible(user, stmt, Walkthrough), Walkthrough.agreement_id)


def _items(user: Any, today: date) -> list[WorkItem]:
    delay = timedelta(weeks=current_app.config["WALK_RESTITUTION_WEEKS"])
    return [WorkItem(w, "walk_restitution", w.walked_on + delay < today, w.walked_on + delay,
                     "_macros/work_item_row.html", 3, False, type_label=_("Diagnostic"), text=w.title,
                     link=link("walks.detail", walkthrough_id=w.id))
            for w in first_rows(_stmt(user))]


PROVIDER = WorkItemProvider(
    kind="walk_restitution", model=Walkthrough, items=_items, audience=COORDINATION,
    title=_l("Diagnostics en attente de restitution"), order=40, count=lambda user, today: count_rows(_stmt(user)),
    list_url=lambda: url_for("walks.index", status=WalkStatus.DONE.value))
