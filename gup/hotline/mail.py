"""Outbox sender: delivers the OutboundMail rows written by the services, through SMTP.

Each mail is claimed by a conditional UPDATE (sent_at set where it is still empty) and committed before the
SMTP conversation, so two senders running at once never send the same mail; a failure gives the claim back
(sent_at emptied), counts the attempt and records the error. This is a job: it commits, once per mail, so a
crash after a few mails never sends them again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app

from gup.extensions import db
from gup.hotline.models import OutboundMail

logger = logging.getLogger(__name__)

#: a mail that failed this many times is left for a person to look at (last_error says why)
MAX_ATTEMPTS = 5


def _message(mail: OutboundMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body, charset="utf-8")
    return message


def _claim(mail_id: int, now: datetime) -> bool:
    result = db.session.execute(sa.update(OutboundMail)
                                .where(OutboundMail.id == mail_id, OutboundMail.sent_at.is_(None))
                                .values(sent_at=now, attempts=OutboundMail.attempts + 1)
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def send_outbox(*, now: datetime, limit: int = 100) -> int:
    """Send up to `limit` unsent mails; returns how many were sent. One bad mail never stops the others."""
    cfg = current_app.config
    ids = list(db.session.scalars(sa.select(OutboundMail.id)
                                  .where(OutboundMail.sent_at.is_(None), OutboundMail.attempts < MAX_ATTEMPTS)
                                  .order_by(OutboundMail.id).limit(limit)))
    db.session.commit()  # end the read transaction: each claim below is its own short transaction
    sent = 0
    for mail_id in ids:
        if not _claim(mail_id, now):
            continue  # another sender has it
        mail = db.session.get(OutboundMail, mail_id, populate_existing=True)
        if mail is None:  # deleted meanwhile (contact data erased)
            continue
        try:
            with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg.get("MAIL_TIMEOUT", 20)) as smtp:
                smtp.send_message(_message(mail, cfg["MAIL_SENDER"]))
        except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as exc:
            mail.sent_at = None
            mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
            logger.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, type(exc).__name__)
        else:
            mail.last_error = None
            sent += 1
            logger.info("mail %s sent", mail.id)
        db.session.commit()
    return sent
