"""Expected audience of every /api/v1 route (used by tests/test_route_matrix.py)."""

API_EXPECTED: dict[str, dict[str, set[str]]] = {}
