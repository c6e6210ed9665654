"""Photo intake: decode with Pillow, refuse anything else, re-encode as JPEG without metadata, thumbnail."""

from __future__ import annotations

import io
import logging
import warnings
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from gup.errors import DomainError
from gup.extensions import db
from gup.media import storage
from gup.media.models import Photo

logger = logging.getLogger(__name__)

MAX_PIXELS = 50_000_000  # decompression-bomb guard (a 50-megapixel phone photo is the upper bound)
#: session.info key of the files written during the current transaction
WRITTEN_KEY = "gup_media_written"


def _remember_written(*keys: str) -> None:
    """Files written in this transaction: removed again if it does not commit (see _drop_unsaved_files)."""
    db.session.info.setdefault(WRITTEN_KEY, []).extend(keys)


@event.listens_for(Session, "after_commit")
def _keep_saved_files(session: Session) -> None:
    session.info.pop(WRITTEN_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _drop_unsaved_files(session: Session, transaction: SessionTransaction) -> None:
    """The one clean-up of uploads: a transaction that ends without committing (rolled back, or closed at the
    end of a failed request) leaves no file without its row, wherever the photo was stored."""
    if transaction.parent is not None:
        return
    written = session.info.pop(WRITTEN_KEY, None)
    for key in written or ():
        storage.delete(key)
        logger.info("file %s removed: its transaction did not commit", key)


class PhotoError(DomainError):
    """The uploaded file is not an acceptable photo."""

    status_code = 422

    def __init__(self, message: Any) -> None:
        super().__init__(message, field="photo")


def _size_label(limit: int) -> str:
    """A size limit in French units: « 10 Mo », « 1,5 Mo », « 200 Ko »."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",") + " Mo"
    return f"{max(limit // 1024, 1)} Ko"


def _decode(data: bytes) -> Image.Image:
    limit = current_app.config["MAX_PHOTO_BYTES"]
    if not data:
        raise PhotoError(_("Le fichier est vide."))
    if len(data) > limit:
        raise PhotoError(_("La photo dépasse la taille maximale autorisée (%(size)s).", size=_size_label(limit)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ("JPEG", "PNG", "WEBP", "HEIF", "GIF", "MPO"):
                raise PhotoError(_("Format non accepté : envoyez une photo JPEG, PNG ou WebP."))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("La photo est trop grande (trop de pixels)."))
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("Le fichier n'est pas une image lisible.")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(_("L'image est endommagée ou incomplète.")) from None
    return image


def _jpeg(image: Image.Image, max_side: int, quality: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # no exif=/icc_profile= argument, and an empty info dict: Pillow would otherwise copy a JPEG comment over
    copy.info = {}
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue(), copy.width, copy.height


def _upright_rgb(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation, then flatten to RGB (transparency on white)."""
    try:
        image = ImageOps.exif_transpose(image)  # keep the orientation the phone meant; EXIF is dropped later
    except Exception:  # a broken EXIF block must not refuse an otherwise good picture
        logger.warning("photo with an unreadable EXIF orientation kept as is")
    try:
        if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    except (OSError, ValueError):
        raise PhotoError(_("Format d'image non pris en charge : envoyez une photo JPEG, PNG ou WebP.")) from None


def store_photo(data: bytes, *, actor: Any, now: datetime, finding: Any = None,
                is_resolution: bool = False) -> Photo:
    """Check, clean and store an uploaded photo; returns the Photo row (flushed)."""
    image = _upright_rgb(_decode(data))
    cfg = current_app.config
    full, width, height = _jpeg(image, cfg["PHOTO_MAX_SIDE"], 85)
    thumb, _w, _h = _jpeg(image, cfg["PHOTO_THUMB_SIDE"], 80)
    key, thumb_key = storage.new_key(now, ".jpg"), storage.new_key(now, "_thumb.jpg")
    _remember_written(key, thumb_key)
    storage.put(key, full)
    storage.put(thumb_key, thumb)
    photo = Photo(storage_key=key, thumbnail_key=thumb_key, width=width, height=height, size_bytes=len(full),
                  finding=finding, is_resolution=is_resolution, uploaded_by_id=getattr(actor, "id", None),
                  created_at=now)
    db.session.add(photo)
    db.session.flush()
    logger.info("photo %s stored (%sx%s) by %s", photo.id, width, height, getattr(actor, "id", None))
    return photo
