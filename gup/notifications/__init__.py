"""Core package: notifications — the shared e-mail outbox, its templates, its sender job and the failed-mail page.

Core layer: it imports no feature. Features queue mail through `gup.notifications.services` and name the cause
generically (`cause_kind`, `cause_id`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("notifications", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug notifications in: the failed-mail page (administrators) and the outbox sender job."""
    import gup.notifications.views  # noqa: F401  (routes attach to bp on import)
    from gup.notifications import jobs, partners

    registry.blueprints(bp)
    registry.menu("notifications.failed_mails", _l("Courriels en échec"), current=("notifications.",),
                  visible=_sees_failed_mails, order=96)
    registry.job("notifications.daily_digest", partners.daily_digest, trigger="cron", hour=7, minute=30,
                 description="Mail each partner referent who chose the daily digest the day's notices, once")
    registry.job("notifications.send_mails", jobs.send_mails, trigger="interval", minutes=1, last=True,
                 description="Send the due e-mails of the outbox (retries with backoff)")


def _sees_failed_mails(user: Any) -> bool:
    from gup.notifications.models import OutboundMail
    from gup.policy import can

    return can(user, "list_failed", OutboundMail)
