"""Report tests store their photos in a temporary folder, never in instance/."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
