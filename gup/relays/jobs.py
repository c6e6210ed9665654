"""Jobs of resident relays (plain functions of `now`, run by the scheduler, which commits)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date

from gup.auth.links import mail_url
from gup.claims import insert_once
from gup.extensions import db
from gup.i18n import local_today
from gup.notifications.services import queue_notification
from gup.relays import digest, queries, services
from gup.relays.models import DIGEST_CAUSE, MandateReminder, RelayDigest, RelayStatus, ResidentRelay
from gup.territory.queries import territory_index

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


def _claim_digest(relay_id: int, month, count: int, now: datetime) -> bool:
    """Insert the (relay, month) row; False when a run (this one or another) sent that month's digest already."""
    if db.session.scalar(sa.select(RelayDigest.id).where(RelayDigest.relay_id == relay_id,
                                                         RelayDigest.month == month)):
        return False
    return insert_once(RelayDigest, relay_id=relay_id, month=month, items=count, sent_at=now) is not None


def monthly_digest(now: datetime) -> int:
    """On the 1st: each active relay who may be mailed gets last month's digest of their scope, once; nothing is
    sent to a relay with nothing to list. Returns the mails queued."""
    month = digest.previous_month(local_today(now))
    last_day = digest.next_month(month) - timedelta(days=1)
    index = territory_index()
    sent = 0
    relays = db.session.scalars(sa.select(ResidentRelay).where(ResidentRelay.status == RelayStatus.ACTIVE)
                                .order_by(ResidentRelay.id))
    for relay in relays:
        address = relay.mail_address()
        if address is None or not queries.active_on(relay, month, last_day):
            continue
        content = digest.build(relay, month, index)
        if not content.count or not _claim_digest(relay.id, month, content.count, now):
            continue
        queue_notification("relay_digest", to=address, cause_kind=DIGEST_CAUSE, cause_id=relay.id,
                           context={"digest": content, "scope": relay.scope_label,
                                    "month": format_date(month, "MMMM y", locale="fr"),
                                    "month_en": format_date(month, "MMMM y", locale="en")})
        sent += 1
    db.session.flush()
    logger.info("relays: %s monthly digest(s) queued for %s", sent, month)
    return sent
