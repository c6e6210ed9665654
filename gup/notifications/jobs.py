"""Periodic job of the outbox (a plain function taking `now`; the scheduler runs it)."""

from __future__ import annotations

from datetime import datetime

from gup.notifications.sender import send_outbox


def send_mails(now: datetime) -> int:
    """Send the due mails of the outbox (it commits after each mail, see sender)."""
    return send_outbox(now=now)
