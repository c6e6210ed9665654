"""Serving photos: only to readers of what they belong to, as private JPEGs."""

from __future__ import annotations

import pytest

from gup.extensions import db
from gup.media import storage
from gup.media.services import store_photo
from gup.orm import now_utc


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def test_photo_and_thumbnail_are_served_to_readers_only(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    photo = store_photo(f.jpeg_bytes(800, 600, gps=True), finding=finding, actor=w["referent1"], now=now_utc())
    db.session.commit()
    login(w["referent2"])  # a partner of the agreement reads it, even for another organisation's finding
    with client.get(f"/photos/{photo.id}") as full:
        assert full.status_code == 200 and full.mimetype == "image/jpeg"
        assert full.headers["Cache-Control"].startswith("private")
        assert full.data == storage.read(photo.storage_key) and full.data.startswith(b"\xff\xd8")
    with client.get(f"/photos/{photo.id}/thumbnail") as thumb:
        assert thumb.status_code == 200 and thumb.data == storage.read(photo.thumbnail_key)
        assert len(thumb.data) < len(storage.read(photo.storage_key))
    login(w["outsider"])
    denied = client.get(f"/photos/{photo.id}")
    assert denied.status_code == 403 and "Accès refusé" in denied.get_data(as_text=True)
    assert client.get(f"/photos/{photo.id}/thumbnail").status_code == 403
    client.post("/logout")
    assert client.get(f"/photos/{photo.id}").headers["Location"].startswith("/login?next=")


def test_missing_photo_or_file_is_a_404(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"])
    photo = store_photo(f.jpeg_bytes(), finding=finding, actor=None, now=now_utc())
    db.session.commit()
    storage.delete(photo.thumbnail_key)
    login(w["coordinator"])
    assert client.get("/photos/999999").status_code == 404
    assert client.get(f"/photos/{photo.id}/thumbnail").status_code == 404
