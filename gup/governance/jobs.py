"""The weekly partner digest (a plain function of `now`, run by the scheduler, which commits).

Each active partner referent receives one mail listing their organisation's overdue and due-soon actions and
findings (queries.partner_items, the query of the COTECH's draft agenda). Idempotent on its own data: a
(user, week) row is claimed before the mail is queued, so a second run, or a second scheduler at the same time,
sends nothing twice; nobody gets a mail when there is nothing to list.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from gup.auth.links import mail_url
from gup.auth.models import Role, User
from gup.claims import insert_once
from gup.extensions import db
from gup.governance import queries
from gup.governance.models import DigestSent
from gup.i18n import local_today
from gup.notifications.services import queue_notification

logger = logging.getLogger(__name__)


def week_of(day: date) -> date:
    """The Monday of day's week."""
    return day - timedelta(days=day.weekday())


def referents() -> list[User]:
    stmt = (sa.select(User).where(User.role == Role.PARTNER_REFERENT, User.is_active_account.is_(True),
                                  User.organisation_id.is_not(None))
            .options(joinedload(User.organisation)).order_by(User.id))
    return list(db.session.scalars(stmt))


def _claim(user: User, week: date, count: int, now: datetime) -> bool:
    """Insert the (user, week) row; False when a run (this one or another) sent that week's digest already."""
    if db.session.scalar(sa.select(DigestSent.id).where(DigestSent.user_id == user.id, DigestSent.week == week)):
        return False
    return insert_once(DigestSent, user_id=user.id, week=week, items=count, sent_at=now) is not None


def weekly_digest(now: datetime) -> int:
    """Queue this week's digest to each partner referent with something to list; returns how many mails."""
    today = local_today(now)
    week = week_of(today)
    sent = 0
    users = referents()
    of = queries.partner_items_by_organisation({u.organisation_id: u.organisation for u in users}.values(),
                                               today=today, due_soon_days=queries.DUE_SOON_DAYS)
    for user in users:
        items = of[user.organisation_id]
        if not items.count:
            continue
        if not _claim(user, week, items.count, now):
            continue
        queue_notification("partner_digest", to=user.email, cause_kind="partner_digest", cause_id=user.id,
                           context={"user": user, "items": items, "today": today, "week": week,
                                    "horizon": queries.DUE_SOON_DAYS,
                                    "action_url": lambda a: mail_url("actions.detail", action_id=a.id),
                                    "finding_url": lambda f: mail_url("findings.detail", finding_id=f.id),
                                    "inbox_url": mail_url("inbox.index")})
        sent += 1
    db.session.flush()
    logger.info("weekly partner digest: %s mail(s) queued for the week of %s", sent, week)
    return sent
