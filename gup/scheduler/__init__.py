"""Aggregator: the scheduler — runs the periodic jobs the features declared with `registry.job(...)`.

It runs in its own process (`flask gup scheduler run`) or from cron (`flask gup jobs run-due`); never inside a
web worker. See runner.py for how each occurrence runs exactly once."""

from __future__ import annotations

from typing import Any


def init_app(app: Any, registry: Any) -> None:
    """Plug the scheduler in: its commands (the jobs themselves come from each feature's init_app)."""
    from gup.scheduler.cli import register

    registry.cli(register)
