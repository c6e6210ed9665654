"""Import every model module of the application, for the mappers and Alembic: the audit log's and each
feature's `models` module (found from gup.FEATURES, so a new feature needs no line here)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable

#: model modules outside the feature list
CORE_MODELS = ("gup.audit.models",)


def import_all(features: Iterable[str]) -> list[str]:
    """Import the core model modules and each feature's `<feature>.models`, when it has one; returns them."""
    names = [*CORE_MODELS, *(f"{feature}.models" for feature in features)]
    found = [name for name in names if importlib.util.find_spec(name) is not None]
    for name in found:
        importlib.import_module(name)
    return found
