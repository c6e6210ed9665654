"""« Mes actions »: relay mandates ending within 60 days, for the agreement's coordinators and the administrators
(audience « coordination », gup.inbox)."""

from __future__ import annotations

from datetime import date
from typing import Any

from gup.relays.models import ResidentRelay
from gup.relays.queries import ending_soon_for
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider


def _items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(r, "relay_mandate", False, r.mandate_end_on, "relays/_inbox_row.html", 4, False)
            for r in ending_soon_for(user, today)]


PROVIDER = WorkItemProvider(kind="relay_mandate", model=ResidentRelay, items=_items, audience=COORDINATION)
