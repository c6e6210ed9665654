"""Feature package: uploaded photos (checked, re-encoded without metadata, stored, served with the policy)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("media", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug media in: its routes."""
    import gup.media.views  # noqa: F401  (routes attach to bp on import)

    registry.blueprints(bp)
