"""Periodic job of actions: the overdue notice to the responsible organisation's referents (once per action)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.actions.models import CLOSED_ACTION_STATUSES, Action
from gup.extensions import db
from gup.i18n import local_today
from gup.notifications.partners import notify_once
from gup.notifications.services import mail_url


def overdue_notices(now: datetime) -> int:
    """Tell the referents of each action due yesterday and neither done nor cancelled that it is now overdue,
    once per action (a claim). Returns how many actions were notified; commits."""
    yesterday = local_today(now) - timedelta(days=1)
    actions = db.session.scalars(sa.select(Action).where(Action.due_on == yesterday,
                                                         Action.status.not_in(CLOSED_ACTION_STATUSES))
                                 .order_by(Action.id)).all()
    notified = 0
    for action in actions:
        if notify_once(f"overdue:action:{action.id}", action.responsible_organisation, now=now,
                       kind="action_overdue", obj=action, url=mail_url("actions.detail", action_id=action.id),
                       text=_("Action « %(title)s » (%(agreement)s) en retard : échéance du %(due)s dépassée",
                              title=action.title, agreement=action.agreement.reference,
                              due=action.due_on.strftime("%d/%m/%Y"))):
            notified += 1
    db.session.commit()
    return notified
