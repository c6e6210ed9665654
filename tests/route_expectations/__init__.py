"""Expected audiences of every route, one module per feature, merged by tests/test_route_matrix.py.

Each module may define:
- EXPECTED: {endpoint: {method: set of roles allowed}} (roles in roles.py);
- BODIES: {endpoint: function(params, role) -> JSON body} for API writes, valid so that only the policy refuses;
- params(f, w) -> dict: URL parameters it needs (e.g. {"walkthrough_id": ...}), building sample records owned by
  referent1's organisation (w["hp1"]) in w["agreement"] with the factories module f.
"""

import importlib
import pkgutil


def load() -> list:
    """Every expectation module of this package."""
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
            if m.name != "roles"]
