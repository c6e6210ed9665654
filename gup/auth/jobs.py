"""Periodic job of accounts (a plain function taking `now`; the scheduler runs it and commits)."""

from __future__ import annotations

from datetime import datetime

from gup.auth import services


def send_password_links(now: datetime) -> int:
    """Queue the password link mails asked for on the login page (the outbox job sends them)."""
    return services.send_requested_links(now=now)
