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
