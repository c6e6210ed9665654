"""Use cases of the outbox: queue a mail (hand-written or rendered from a template), forget the pending mails
of a cause, give a failed mail another chance. Services flush, never commit; `sender.send_outbox` delivers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from jinja2 import TemplateNotFound

from gup.errors import DomainError
from gup.extensions import db
from gup.notifications.models import OutboundMail

logger = logging.getLogger(__name__)

#: languages a mail template may be written in; anything else falls back to the first (French)
MAIL_LOCALES = ("fr", "en")
TEMPLATE_FOLDER = "notifications/mail"

#: whether the missing PUBLIC_BASE_URL was already reported (once per process: a busy intake would flood the log)
_warned_relative = False


def mail_url(endpoint: str, **values: str) -> str:
    """An absolute link for a mail, built without a request (jobs mail links too): PUBLIC_BASE_URL + the route's
    path, never the request's Host header, which a client can forge (to steal a token, or phish)."""
    global _warned_relative
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    if not base and not _warned_relative:
        _warned_relative = True
        logger.warning("PUBLIC_BASE_URL is not set: mailed links are relative")
    return base + current_app.url_map.bind("localhost").build(endpoint, values)

def queue_mail(*, to: str, subject: str, body: str, html_body: str | None = None, locale: str = "fr",
               cause_kind: str | None = None, cause_id: int | None = None,
               template: str | None = None) -> OutboundMail:
    """Put one mail in the outbox (sent by the scheduler's outbox job once the transaction commits)."""
    mail = OutboundMail(to_address=to, subject=subject[:255], body=body, html_body=html_body, locale=locale,
                        cause_kind=cause_kind, cause_id=cause_id, template=template)
    db.session.add(mail)
    return mail


def mail_locale(locale: str | None) -> str:
    """The template language for a recipient's locale ("en", "en_GB" → en; unknown or none → fr)."""
    short = (str(locale or "").replace("-", "_").split("_")[0]).lower()
    return short if short in MAIL_LOCALES else MAIL_LOCALES[0]


def render(name: str, context: Mapping[str, Any], *, locale: str | None = None) -> tuple[str, str, str | None]:
    """(subject, plain text, HTML or None) of templates/notifications/mail/<name>.<locale>.txt|.html.

    The .txt template defines the blocks `subject` and `body`; the .html one (autoescaped) is optional."""
    env = current_app.jinja_env
    lang = mail_locale(locale)
    try:
        text = env.get_template(f"{TEMPLATE_FOLDER}/{name}.{lang}.txt")
    except TemplateNotFound:
        lang = MAIL_LOCALES[0]
        text = env.get_template(f"{TEMPLATE_FOLDER}/{name}.{lang}.txt")
    values = dict(context)
    subject = " ".join("".join(text.blocks["subject"](text.new_context(values))).split())
    body = "".join(text.blocks["body"](text.new_context(values))).strip()
    try:
        html = env.get_template(f"{TEMPLATE_FOLDER}/{name}.{lang}.html").render(values, subject=subject, lang=lang)
    except TemplateNotFound:
        html = None
    return subject, body, html


def queue_notification(name: str, *, to: str, context: Mapping[str, Any], locale: str | None = None,
                       cause_kind: str | None = None, cause_id: int | None = None) -> OutboundMail:
    """Render the mail template `name` in the recipient's language (French by default) and queue it."""
    lang = mail_locale(locale)
    subject, body, html = render(name, context, locale=lang)
    return queue_mail(to=to, subject=subject, body=body, html_body=html, locale=lang, cause_kind=cause_kind,
                      cause_id=cause_id, template=name)


def pending_of(cause_kind: str, cause_ids: Any) -> sa.ColumnElement[bool]:
    """WHERE clause of the not-yet-sent mails (pending or failed) caused by these records (ids or a subquery)."""
    return sa.and_(OutboundMail.sent_at.is_(None), OutboundMail.cause_kind == cause_kind,
                   OutboundMail.cause_id.in_(cause_ids))


def delete_unsent(*criteria: Any) -> int:
    """Delete the unsent mails matching criteria (e.g. `pending_of(...)`): personal data being erased must not
    leave in a mail afterwards. Sent mails stay as a record."""
    result = db.session.execute(sa.delete(OutboundMail).where(OutboundMail.sent_at.is_(None), *criteria)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def failed_mails() -> sa.Select:
    """Mails the sender gave up on, the latest first."""
    return (sa.select(OutboundMail).where(OutboundMail.failed_at.is_not(None), OutboundMail.sent_at.is_(None))
            .order_by(OutboundMail.failed_at.desc(), OutboundMail.id.desc()))


def resend(mail: OutboundMail, *, actor: Any, now: datetime) -> OutboundMail:
    """Give a failed mail a fresh set of attempts, starting at once."""
    if mail.failed_at is None or mail.sent_at is not None:
        raise DomainError(_("Ce courriel n'est pas en échec."), field="mail")
    mail.failed_at, mail.attempts, mail.next_attempt_at = None, 0, None  # due at once
    db.session.flush()
    logger.info("mail %s queued again by user %s", mail.id, getattr(actor, "id", None))
    return mail
