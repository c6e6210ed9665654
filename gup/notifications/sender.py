"""Outbox sender: delivers the OutboundMail rows through SMTP (a scheduler job, every minute).

Each mail is claimed by a conditional UPDATE (sent_at set where it is still empty and the mail is due) and
committed before the SMTP conversation, so two senders running at once never send the same mail. A failure
gives the claim back (sent_at emptied), counts the attempt, records the error and sets the next attempt after an
exponential backoff (MAIL_RETRY_SECONDS × 2^(attempts−1), at most MAIL_RETRY_MAX_SECONDS); after
MAIL_MAX_ATTEMPTS the mail is marked failed and waits for an administrator (« Courriels en échec »). It commits
once per mail, so a crash after a few mails never sends them again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app

from gup.extensions import db
from gup.notifications.models import OutboundMail

logger = logging.getLogger(__name__)


def retry_delay(attempts: int, *, base: float, cap: float) -> timedelta:
    """Wait before the next try after `attempts` failed ones: base, 2×base, 4×base… never more than cap."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def _message(mail: OutboundMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body, charset="utf-8")
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html", charset="utf-8")
    message["Content-Language"] = mail.locale or "fr"  # after the content, which resets Content-* headers
    return message


def _connect(cfg: Any) -> smtplib.SMTP:
    """An SMTP connection as configured: implicit TLS (MAIL_USE_SSL) or STARTTLS, then login if a user is set."""
    timeout = cfg.get("MAIL_TIMEOUT", 20)
    if cfg.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=timeout)
    try:
        if cfg.get("MAIL_USE_STARTTLS") and not cfg.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(OutboundMail.sent_at.is_(None), OutboundMail.failed_at.is_(None),
                   sa.or_(OutboundMail.next_attempt_at.is_(None), OutboundMail.next_attempt_at <= now))


def _claim(mail_id: int, now: datetime) -> bool:
    result = db.session.execute(sa.update(OutboundMail).where(OutboundMail.id == mail_id, _due(now))
                                .values(sent_at=now, attempts=OutboundMail.attempts + 1)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def send_outbox(*, now: datetime, limit: int = 100) -> int:
    """Send up to `limit` due mails; returns how many were sent. One bad mail never stops the others."""
    cfg = current_app.config
    max_attempts = cfg.get("MAIL_MAX_ATTEMPTS", 5)
    base, cap = cfg.get("MAIL_RETRY_SECONDS", 300), cfg.get("MAIL_RETRY_MAX_SECONDS", 6 * 3600)
    ids = list(db.session.scalars(sa.select(OutboundMail.id).where(_due(now)).order_by(OutboundMail.id)
                                  .limit(limit)))
    db.session.commit()  # end the read transaction: each claim below is its own short transaction
    sent = 0
    for mail_id in ids:
        if not _claim(mail_id, now):
            continue  # another sender has it
        mail = db.session.get(OutboundMail, mail_id, populate_existing=True)
        if mail is None:  # deleted meanwhile (contact data erased)
            continue
        try:
            with _connect(cfg) as smtp:
                smtp.send_message(_message(mail, cfg["MAIL_SENDER"]))
        except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
            mail.sent_at = None
            mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if mail.attempts >= max_attempts:
                mail.failed_at, mail.next_attempt_at = now, None
                logger.warning("mail %s failed for good after %s attempts: %s", mail.id, mail.attempts,
                               type(exc).__name__)
            else:
                mail.next_attempt_at = now + retry_delay(mail.attempts, base=base, cap=cap)
                logger.warning("mail %s not sent (attempt %s, next at %s): %s", mail.id, mail.attempts,
                               mail.next_attempt_at.isoformat(), type(exc).__name__)
        else:
            mail.last_error, mail.next_attempt_at = None, None
            sent += 1
            logger.info("mail %s sent", mail.id)
        db.session.commit()
    return sent
