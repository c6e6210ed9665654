"""Periodic job of agreements (a plain function taking `now`; the scheduler runs it and commits)."""

from __future__ import annotations

import logging
from datetime import datetime

from gup.agreements.services import put_agreements_in_force
from gup.i18n import local_today

logger = logging.getLogger(__name__)


def put_in_force(now: datetime) -> int:
    """Signed agreements whose start date has come (Paris date) go in force, ended ones end; idempotent."""
    changed = put_agreements_in_force(today=local_today(now))
    logger.info("%s agreement(s) changed status on %s", len(changed), local_today(now))
    return len(changed)
