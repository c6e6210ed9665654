"""Jobs of participatory budgets (plain functions of `now`, run by the scheduler, which commits)."""

from __future__ import annotations

import logging
from datetime import datetime

from gup.budget import services

logger = logging.getLogger(__name__)


def advance_phases(now: datetime) -> int:
    """Move on each campaign whose next phase starts today or earlier; returns the moves made."""
    moves = services.advance_phases(now)
    logger.info("budget: %s campaign phase move(s)", moves)
    return moves


def erase_contacts(now: datetime) -> int:
    """Erase the proposal authors' contacts that have served their purpose; returns how many."""
    erased = services.erase_expired_contacts(now)
    logger.info("budget: %s author contact(s) erased", erased)
    return erased
