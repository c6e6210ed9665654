"""Photo intake through gup.media.services.store_photo: checks, re-encoding without metadata, sizes, storage."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from PIL import Image

from gup.extensions import db
from gup.media import storage
from gup.media.models import Photo
from gup.media.services import PhotoError, store_photo

NOW = datetime(2026, 10, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def uploads(app_ctx, tmp_path, monkeypatch):
    """Store into a temporary folder (the setting is restored after the test)."""
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def _encode(image: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


def _stored(photo: Photo) -> tuple[Image.Image, Image.Image, bytes, bytes]:
    full, thumb = storage.read(photo.storage_key), storage.read(photo.thumbnail_key)
    return Image.open(io.BytesIO(full)), Image.open(io.BytesIO(thumb)), full, thumb


def _files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _refused(data: bytes, uploads) -> str:
    with pytest.raises(PhotoError) as caught:
        store_photo(data, actor=None, now=NOW)
    assert caught.value.field == "photo" and caught.value.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 0
    assert _files(uploads) == []  # nothing written
    return caught.value.message


def test_a_photo_is_stored_with_its_thumbnail(f, uploads):
    finding = f.make_finding(f.make_agreement())
    user = f.make_user()
    photo = store_photo(f.jpeg_bytes(), actor=user, now=NOW, finding=finding)
    assert (photo.width, photo.height, photo.finding, photo.uploaded_by_id, photo.created_at) == (
        64, 48, finding, user.id, NOW)
    assert photo.storage_key.startswith("2026/10/") and photo.storage_key != photo.thumbnail_key
    full, thumb, full_bytes, _thumb_bytes = _stored(photo)
    assert full.format == thumb.format == "JPEG" and full.mode == "RGB"
    assert photo.size_bytes == len(full_bytes)
    assert sorted(p.relative_to(uploads).as_posix() for p in _files(uploads)) == sorted(
        [photo.storage_key, photo.thumbnail_key])
    assert finding.photos == [photo]


def test_not_an_image(uploads):
    assert "pas une image" in _refused(b"hello", uploads)


def test_empty_file(uploads):
    assert "vide" in _refused(b"", uploads)


def test_corrupted_jpeg(f, uploads):
    assert "endommagée" in _refused(f.jpeg_bytes()[:200], uploads)


def test_format_not_accepted(uploads):
    assert "Format non accepté" in _refused(_encode(Image.new("RGB", (10, 10)), "BMP"), uploads)


def test_too_many_pixels(uploads):
    huge = _encode(Image.new("1", (8000, 8000)), "PNG")  # small file, 64 megapixels once decoded
    assert len(huge) < 1024 * 1024
    assert "La photo est trop grande" in _refused(huge, uploads)


def test_oversized_file(f, app_ctx, uploads, monkeypatch):
    original = app_ctx.config["MAX_PHOTO_BYTES"]
    data = f.jpeg_bytes(400, 300)
    monkeypatch.setitem(app_ctx.config, "MAX_PHOTO_BYTES", len(data) - 1)
    message = _refused(data, uploads)
    assert "taille maximale" in message and "Ko" in message
    monkeypatch.setitem(app_ctx.config, "MAX_PHOTO_BYTES", 3 * 1024 * 1024 // 2)
    big = _encode(Image.effect_noise((1500, 1500), 120).convert("RGB"), "PNG")
    assert len(big) > 3 * 1024 * 1024 // 2
    assert "(1,5 Mo)" in _refused(big, uploads)
    monkeypatch.undo()
    assert app_ctx.config["MAX_PHOTO_BYTES"] == original


def test_gps_exif_is_removed_from_both_files(f, uploads):
    data = f.jpeg_bytes(gps=True)
    assert 0x8825 in Image.open(io.BytesIO(data)).getexif()  # the upload does carry a GPS block
    photo = store_photo(data, actor=None, now=NOW)
    full, thumb, full_bytes, thumb_bytes = _stored(photo)
    for image, raw in ((full, full_bytes), (thumb, thumb_bytes)):
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and b"Exif" not in raw and b"PhoneMaker" not in raw


def test_comment_and_colour_profile_are_not_copied(uploads):
    data = _encode(Image.new("RGB", (40, 30), "green"), "JPEG", comment=b"Chez Mme Durand, 3e gauche",
                   icc_profile=b"\0" * 128)
    photo = store_photo(data, actor=None, now=NOW)
    full, thumb, full_bytes, thumb_bytes = _stored(photo)
    for image, raw in ((full, full_bytes), (thumb, thumb_bytes)):
        assert "comment" not in image.info and "icc_profile" not in image.info and b"Durand" not in raw


def test_rotated_photo_comes_out_upright(uploads):
    image = Image.new("RGB", (80, 40), "blue")
    image.paste((255, 0, 0), (0, 0, 40, 40))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    photo = store_photo(_encode(image, "JPEG", exif=exif), actor=None, now=NOW)
    assert (photo.width, photo.height) == (40, 80)
    full, thumb, _f, _t = _stored(photo)
    assert full.size == thumb.size == (40, 80)
    top, bottom = full.getpixel((20, 10)), full.getpixel((20, 70))
    assert top[0] > 200 and top[2] < 60  # the left edge is now the top: red above, blue below
    assert bottom[2] > 200 and bottom[0] < 60
    assert dict(full.getexif()) == {}


def test_png_with_transparency_is_flattened_on_white(uploads):
    image = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (10, 10, 40, 40))
    photo = store_photo(_encode(image, "PNG"), actor=None, now=NOW)
    full, _thumb, _f, _t = _stored(photo)
    assert full.mode == "RGB"
    assert all(channel > 245 for channel in full.getpixel((2, 2)))  # transparent became white, not black
    red = full.getpixel((25, 25))
    assert red[0] > 180 and red[1] < 40


def test_palette_and_grey_images_are_accepted(uploads):
    palette = Image.new("P", (30, 30), 3)
    palette.info["transparency"] = 3
    for data in (_encode(palette, "PNG"), _encode(Image.new("LA", (30, 30), (90, 255)), "PNG"),
                 _encode(Image.new("CMYK", (30, 30)), "JPEG"), _encode(Image.new("RGB", (30, 30)), "WEBP"),
                 _encode(Image.new("P", (30, 30)), "GIF")):
        photo = store_photo(data, actor=None, now=NOW)
        full, _thumb, _f, _t = _stored(photo)
        assert full.format == "JPEG" and full.mode in ("RGB", "L")


@pytest.mark.parametrize(("size", "full", "thumb"), [
    ((4000, 3000), (1600, 1200), (320, 240)),
    ((1200, 2400), (800, 1600), (160, 320)),
    ((64, 48), (64, 48), (64, 48)),  # never enlarged
])
def test_size_limits(f, app_ctx, uploads, size, full, thumb):
    assert (app_ctx.config["PHOTO_MAX_SIDE"], app_ctx.config["PHOTO_THUMB_SIDE"]) == (1600, 320)
    photo = store_photo(f.jpeg_bytes(*size), actor=None, now=NOW)
    full_image, thumb_image, _f, _t = _stored(photo)
    assert (photo.width, photo.height) == full_image.size == full
    assert thumb_image.size == thumb


@pytest.mark.parametrize("key", ["../x", "../../etc/passwd", "/etc/passwd", "2026/../../x", "", ".", "a/\0b"])
def test_storage_keys_cannot_escape_the_root(uploads, key):
    with pytest.raises(ValueError):  # noqa: PT011  (path_for raises nothing else)
        storage.path_for(key)


def test_storage_round_trip(uploads):
    key = storage.new_key(NOW, ".jpg")
    assert key.startswith("2026/10/") and key.endswith(".jpg") and storage.new_key(NOW, ".jpg") != key
    storage.put(key, b"data")
    assert storage.read(key) == b"data" and storage.path_for(key).is_relative_to(uploads.resolve())
    assert not list(uploads.rglob("*.part"))
    storage.delete(key)
    storage.delete(key)  # deleting twice is harmless
    assert not storage.path_for(key).exists()
