"""Decompression bombs: a 143 KB PNG of 7000 × 7000 is refused from its header (no 370 MB decode), and the
pixels decoded by one request are bounded, whatever the number of photos (/signaler takes five)."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import time
import zlib
from struct import pack

import pytest
import sqlalchemy as sa
from flask import g

from gup.extensions import db
from gup.hotline.models import ResidentReport
from gup.media.services import DECODED_KEY, PhotoError, store_photo
from tests.factories import jpeg_bytes


def bomb_png(width: int = 7000, height: int = 7000) -> bytes:  # height: a multiple of 500
    """A valid, highly compressed RGB PNG (all black): about 143 KB for 7000 × 7000."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return pack(">I", len(body)) + kind + body + pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    row = b"\x00" + b"\x00" * (3 * width)
    packer = zlib.compressobj(6)
    raw = b"".join(packer.compress(row * 500) for _ in range(0, height, 500)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def bomb_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(bomb_png())
    return str(path)


@pytest.fixture(scope="module")
def bomb(bomb_file) -> bytes:
    with open(bomb_file, "rb") as file:
        return file.read()


def test_the_bomb_is_refused_from_its_header_quickly(app_ctx, bomb):
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with pytest.raises(PhotoError, match="7000 × 7000 pixels, 40 millions au plus"):
        store_photo(bomb, actor=None, now=None)
    assert time.perf_counter() - started < 0.5


MEASURE = """
import resource, sys
from gup import create_app
import config
from gup.media.services import PhotoError, store_photo
app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with app.test_request_context():
    for _ in range(5):
        try:
            store_photo(data, actor=None, now=None)
        except PhotoError:
            pass
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_peak_memory_of_five_bombs_stays_flat(bomb_file):
    """Measured in a fresh process (Pillow allocates outside tracemalloc's reach): ru_maxrss in KiB."""
    out = subprocess.run([sys.executable, "-c", MEASURE, bomb_file], capture_output=True, text=True, check=True,
                         cwd=str(__import__("gup").ROOT)).stdout.split()
    before, after = int(out[-2]), int(out[-1])
    assert after - before < 20_000, f"peak grew by {after - before} KiB"


def test_the_per_request_budget_refuses_the_photo_that_exceeds_it(app, app_ctx, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    monkeypatch.setitem(app.config, "PHOTO_MAX_PIXELS_PER_REQUEST", 2 * 640 * 480)
    photo = jpeg_bytes(640, 480)
    with app.test_request_context():
        store_photo(photo, actor=None, now=__import__("gup.orm", fromlist=["now_utc"]).now_utc())
        store_photo(photo, actor=None, now=__import__("gup.orm", fromlist=["now_utc"]).now_utc())
        with pytest.raises(PhotoError, match="trop grandes ensemble"):
            store_photo(photo, actor=None, now=None)
        assert g.get(DECODED_KEY) == 2 * 640 * 480
    db.session.rollback()


def test_jpeg_is_decoded_reduced(app, app_ctx, monkeypatch, tmp_path):
    """A 4000 × 3000 JPEG decodes at half size (draft) and is stored at PHOTO_MAX_SIDE."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    with app.test_request_context():
        photo = store_photo(jpeg_bytes(4000, 3000), actor=None,
                            now=__import__("gup.orm", fromlist=["now_utc"]).now_utc())
        assert g.get(DECODED_KEY) == 2000 * 1500
        assert (photo.width, photo.height) == (1600, 1200)
    db.session.rollback()


def test_signaler_with_a_bomb_keeps_the_form_and_says_why(client, f, app, monkeypatch, tmp_path, bomb):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    category = f.make_category(label="Éclairage", default_organisation=f.make_organisation(name="Bailleur"))
    db.session.commit()
    data = {"category_id": str(category.id), "description": "Lampadaire éteint", "address": "4 allée des Tilleuls",
            "website": "", "photos": [(io.BytesIO(bomb), "bomb.png")]}
    response = client.post("/signaler", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "La photo est trop grande" in page and "Lampadaire éteint" in page and "4 allée des Tilleuls" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentReport)) == 0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
