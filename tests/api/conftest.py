"""Fixtures of the REST API tests: a world with a bearer token per role, and a client that sends them."""

from __future__ import annotations

from typing import Any

import pytest

from gup.extensions import db

ROLES = ("coordinator", "other_coordinator", "referent1", "referent2", "outsider", "observer", "admin")


@pytest.fixture
def w(f) -> dict[str, Any]:
    """tests.factories.world() plus w["tokens"][role], committed."""
    world = f.world()
    world["tokens"] = {role: f.make_token(world[role]) for role in ROLES}
    db.session.commit()
    return world


@pytest.fixture
def api(client, w):
    """api(role, method, url, json=...) sends the request with that role's bearer token (role None: no token)."""
    def _call(role: str | None, method: str, url: str, **kwargs: Any):
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers["Authorization"] = f"Bearer {w['tokens'][role]}"
        return client.open(url, method=method, headers=headers, **kwargs)
    return _call
