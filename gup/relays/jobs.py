"""Jobs of resident relays (plain functions of `now`, run by the scheduler, which commits)."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa

from gup.auth.links import mail_url
from gup.claims import insert_once
from gup.extensions import db
from gup.i18n import local_today
from gup.notifications.services import queue_notification
from gup.relays import queries, services
from gup.relays.models import MandateReminder

logger = logging.getLogger(__name__)


def erase_contact_data(now: datetime) -> int:
    """Erase relays' contact details RELAY_CONTACT_RETENTION_DAYS after their mandate ended."""
    count = services.erase_expired_contacts(now, local_today(now))
    logger.info("relays: contact details erased for %s relay(s)", count)
    return count


def _claim(relay_id: int, end_on, now: datetime) -> bool:
    if db.session.scalar(sa.select(MandateReminder.id).where(MandateReminder.relay_id == relay_id,
                                                             MandateReminder.mandate_end_on == end_on)):
        return False
    return insert_once(MandateReminder, relay_id=relay_id, mandate_end_on=end_on, sent_at=now) is not None


def mandates_ending(now: datetime) -> int:
    """One reminder per mandate ending within 60 days to the agreement's coordinators; returns mails queued."""
    today = local_today(now)
    sent = 0
    for relay in db.session.scalars(queries.ending_soon_stmt(today)).unique():
        coordinators = [u for u in relay.agreement.coordinators if u.email and u.is_active_account]
        if not coordinators or not _claim(relay.id, relay.mandate_end_on, now):
            continue
        for user in coordinators:
            queue_notification("relay_mandate_ending", to=user.email, cause_kind="relay_mandate", cause_id=relay.id,
                               context={"full_name": user.full_name, "relay": relay.person_name,
                                        "scope": relay.scope_label, "agreement": relay.agreement.reference,
                                        "end_on": relay.mandate_end_on.strftime("%d/%m/%Y"),
                                        "days_left": (relay.mandate_end_on - today).days,
                                        "url": mail_url("relays.relay", relay_id=relay.id)})
            sent += 1
    db.session.flush()
    logger.info("relays: %s mandate reminder(s) queued", sent)
    return sent
