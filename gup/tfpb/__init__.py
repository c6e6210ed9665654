"""Feature package: the TFPB abatement (actions valued by axis and QPV, abatement received, annual review)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

bp = Blueprint("tfpb", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the TFPB abatement in: routes, API, menu, indicators, annex, review data and demo."""
