"""Login costs one Argon2 verification whatever the address: timing tells nothing about which accounts exist."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from gup.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def verifications(monkeypatch):
    """The list of hashes the password hasher verified (every PasswordHasher instance)."""
    calls: list[str] = []
    original = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash)
        return original(self, hash, password)
    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


@pytest.mark.parametrize(("email", "password", "status"), [
    ("unknown@example.org", "whatever-password", 401),
    ("off@example.org", PASSWORD, 401),
    ("off@example.org", "wrong-password!", 401),
    ("on@example.org", "wrong-password!", 401),
    ("on@example.org", PASSWORD, 302),
    ("invited@example.org", "whatever-password", 401),  # invited, no password chosen yet
    ("invited@example.org", "", 422),
])
def test_the_hasher_runs_exactly_once_per_login(client, f, verifications, email, password, status):
    f.make_user(email="on@example.org")
    f.make_user(email="off@example.org", is_active_account=False)
    f.make_user(email="invited@example.org").password_hash = None
    db.session.commit()
    verifications.clear()
    assert client.post("/login", data={"email": email, "password": password}).status_code == status
    if status == 422:  # an empty field never reaches the check, whatever the address
        assert verifications == []
        return
    assert len(verifications) == 1
    assert verifications[0].startswith("$argon2id$")
