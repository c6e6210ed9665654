"""Reactions of evaluations to other features' signals."""

from __future__ import annotations

from typing import Any

from gup.agreements.signals import agreement_dates_changed
from gup.evaluations import services


@agreement_dates_changed.connect
def move_schedule(agreement: Any, *, actor: Any = None) -> None:
    """An amendment or an edit moved the agreement's dates: move its evaluations not frozen yet, at once."""
    if agreement.status in services.SCHEDULED_AGREEMENTS:
        services.sync_schedule(agreement, actor=actor)
