"""The one storage module: files under instance/uploads by default (a setting), addressed by opaque keys."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_key(now: datetime, suffix: str) -> str:
    """An unguessable key grouped by month, e.g. 2026/11/Xy…_thumb.jpg."""
    return f"{now:%Y/%m}/{secrets.token_urlsafe(18)}{suffix}"


def path_for(key: str) -> Path:
    """Absolute path of a stored key; refuses anything that would leave the storage root."""
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("invalid storage key")
    return path


def put(key: str, data: bytes) -> None:
    """Write bytes atomically under key."""
    path = path_for(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read(key: str) -> bytes:
    return path_for(key).read_bytes()


def delete(key: str) -> None:
    path_for(key).unlink(missing_ok=True)
