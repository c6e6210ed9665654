"""« Mes actions »: relay mandates ending within 60 days, for the agreement's coordinators and the administrators
(audience « coordination », gup.inbox)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.relays.models import ResidentRelay
from gup.relays.queries import ending_soon_for
from gup.worklist import COORDINATION, WorkItem, WorkItemProvider, link


def _items(user: Any, today: date) -> list[WorkItem]:
    return [WorkItem(r, "relay_mandate", False, r.mandate_end_on, "relays/_inbox_row.html", 4, False,
                     type_label=_("Habitant·e relais"),
                     text=_("Fin de mandat : %(name)s (%(scope)s)", name=r.person_name, scope=r.scope_label),
                     link=link("relays.relay", relay_id=r.id))
            for r in ending_soon_for(user, today)]


PROVIDER = WorkItemProvider(kind="relay_mandate", model=ResidentRelay, items=_items, audience=COORDINATION,
                            title=_l("Mandats d'habitant·es relais qui se terminent"), order=50,
                            list_url=lambda: url_for("relays.home"))
