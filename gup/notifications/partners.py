"""Partner notifications: when a finding or report is routed to an organisation, an action assigned to it, or a
deadline passes, the organisation's referents hear of it — at once, in a daily digest, or not at all, as each
chose on their account page (`NotificationPreference`, immediate by default).

Core layer: features call `notify_organisation` from their services with a text and a link; the recipients come
from the « notification_recipients » service that auth provides (notifications may not import auth). Only the
active referents of the organisation with an e-mail address are told, never the person who did it. Services flush,
never commit; `daily_digest` is a job (it commits)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gup.claims import insert_once
from gup.extensions import db
from gup.features import registry
from gup.i18n import local_today
from gup.notifications.models import DigestLine, NotificationClaim, NotificationPreference
from gup.notifications.services import queue_notification

logger = logging.getLogger(__name__)

IMMEDIATE_TEMPLATE = "partner_notice"
DIGEST_TEMPLATE = "partner_daily_digest"
DIGEST_CAUSE = "partner_daily_digest"

#: the events partners hear of, with the subject's wording
KINDS: dict[str, Any] = {
    "finding_sent": _l("Constat transmis"),
    "report_sent": _l("Signalement transmis"),
    "action_assigned": _l("Action confiée"),
    "finding_overdue": _l("Constat en retard"),
    "action_overdue": _l("Action en retard"),
}


@dataclass(frozen=True)
class Recipient:
    """A referent who may be told: their account id, address, language and preference."""

    user_id: int
    email: str
    preference: NotificationPreference
    locale: str = "fr"


def _recipients(organisation_id: int) -> list[Recipient]:
    return list(registry().service("notification_recipients")(organisation_id))


def notify_organisation(organisation: Any, *, kind: str, obj: Any, text: str, url: str, now: datetime,
                        actor: Any = None) -> int:
    """Tell the referents of `organisation` that `obj` (kind `kind`, e.g. "finding_sent") concerns them: one mail
    now (immediate), a line of tomorrow's digest (digest), or nothing (none). Returns how many were told."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if organisation is None:
        return 0
    actor_id = getattr(actor, "id", None)
    cause_kind, cause_id = type(obj).__tablename__, getattr(obj, "id", None)
    told = 0
    for person in _recipients(organisation.id):
        if person.user_id == actor_id or not person.email:
            continue
        if person.preference is NotificationPreference.IMMEDIATE:
            queue_notification(IMMEDIATE_TEMPLATE, to=person.email, locale=person.locale, cause_kind=cause_kind,
                               cause_id=cause_id, context={"title": KINDS[kind], "text": text, "url": url,
                                                           "organisation": organisation.name})
        elif person.preference is NotificationPreference.DIGEST:
            db.session.add(DigestLine(user_id=person.user_id, kind=kind, text=text[:500], url=url[:500],
                                      created_at=now))
        else:
            continue
        told += 1
    db.session.flush()
    logger.info("%s %s/%s: %s referent(s) of organisation %s told", kind, cause_kind, cause_id, told,
                organisation.id)
    return told


def notify_once(key: str, organisation: Any, *, now: datetime, **event: Any) -> bool:
    """`notify_organisation` unless `key` was already notified (an item's overdue notice): once, even when two
    job runs race. True when this call notified."""
    if insert_once(NotificationClaim, key=key[:200], claimed_at=now) is None:
        return False
    notify_organisation(organisation, now=now, **event)
    return True


def daily_digest(now: datetime) -> int:
    """Mail each user with pending digest lines one digest of them, once a day (claimed), and mark them sent.
    A user who has since chosen « none » or lost their address has their lines dropped unsent. Commits."""
    day = local_today(now)
    pending: dict[int, list[DigestLine]] = defaultdict(list)
    for line in db.session.scalars(sa.select(DigestLine).where(DigestLine.sent_at.is_(None),
                                                               DigestLine.created_at <= now)
                                   .order_by(DigestLine.user_id, DigestLine.created_at, DigestLine.id)):
        pending[line.user_id].append(line)
    who = registry().service("notification_recipient")
    sent = 0
    for user_id, lines in pending.items():
        if insert_once(NotificationClaim, key=f"digest:{user_id}:{day.isoformat()}", claimed_at=now) is None:
            continue  # today's digest already went (or another process is sending it)
        person = who(user_id)
        if person is not None and person.email and person.preference is not NotificationPreference.NONE:
            queue_notification(DIGEST_TEMPLATE, to=person.email, locale=person.locale, cause_kind=DIGEST_CAUSE,
                               cause_id=user_id, context={"day": day, "lines": [
                                   {"title": KINDS.get(line.kind, line.kind), "text": line.text, "url": line.url}
                                   for line in lines]})
            sent += 1
        for line in lines:
            line.sent_at = now
        db.session.commit()
    db.session.commit()
    logger.info("partner digests: %s mailed", sent)
    return sent
