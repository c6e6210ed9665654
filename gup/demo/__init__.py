"""Aggregator: `flask gup demo`, which runs the demo loaders the features registered, in order, in one
transaction (idempotent: a second run changes nothing)."""

from __future__ import annotations

from typing import Any


def init_app(app: Any, registry: Any) -> None:
    """Plug the demo in: its command."""
    from gup.demo.cli import register

    registry.cli(register)
