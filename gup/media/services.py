"""Photo intake: decode with Pillow, refuse anything else, re-encode as JPEG without metadata, thumbnail."""

from __future__ import annotations

import io
import logging
import warnings
from datetime import datetime
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from gup.errors import DomainError
from gup.extensions import db
from gup.media import storage
from gup.media.models import Photo

logger = logging.getLogger(__name__)

#: g key: pixels decoded so far by the current request or command (PHOTO_MAX_PIXELS_PER_REQUEST bounds it)
DECODED_KEY = "gup_media_decoded_pixels"
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


def _charge(pixels: int) -> None:
    """Count the pixels about to be decoded against the budget of this request (five photos of /signaler,
    each one within the per-photo limit, must not add up to gigabytes)."""
    budget = current_app.config["PHOTO_MAX_PIXELS_PER_REQUEST"]
    spent = g.get(DECODED_KEY, 0) + pixels
    if spent > budget:
        raise PhotoError(_("Ces photos sont trop grandes ensemble (%(limit)s millions de pixels au plus par envoi) : "
                           "envoyez-les en plusieurs fois ou en plus petit.", limit=budget // 1_000_000))
    g.setdefault(DECODED_KEY, 0)
    setattr(g, DECODED_KEY, spent)


def _decode(data: bytes) -> Image.Image:
    """Open, check the size from the header (before any pixel is decoded), then decode reduced when the format
    allows it (JPEG: Image.draft decodes at 1/2, 1/4 or 1/8 scale, still above PHOTO_MAX_SIDE)."""
    cfg = current_app.config
    limit = cfg["MAX_PHOTO_BYTES"]
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
            max_pixels = cfg["PHOTO_MAX_PIXELS"]
            if image.width * image.height > max_pixels:
                raise PhotoError(_("La photo est trop grande : %(width)s × %(height)s pixels, %(limit)s millions "
                                   "au plus. Réduisez-la avant de l'envoyer.", width=image.width,
                                   height=image.height, limit=max_pixels // 1_000_000))
            if image.format in ("JPEG", "MPO"):
                ratio = cfg["PHOTO_MAX_SIDE"] / max(image.size)  # the stored size, which draft must not undercut
                image.draft(None, (max(1, int(image.width * ratio)), max(1, int(image.height * ratio))))
            _charge(image.width * image.height)
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(_("Le fichier n'est pas une image lisible.")) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(_("L'image est endommagée ou incomplète.")) from None
    return _reduced(image, cfg["PHOTO_MAX_SIDE"])


def _reduced(image: Image.Image, max_side: int) -> Image.Image:
    """A large decoded image shrunk at once by an integer factor (fast box filter), still above max_side, so
    the orientation, colour conversion and the two re-encodings work on a small copy."""
    factor = max(image.size) // max_side
    if factor < 2 or getattr(image, "n_frames", 1) > 1:
        return image
    try:
        smaller = image.reduce(factor)
    except (ValueError, OSError):  # modes reduce() does not know (P, I;16…): the thumbnail step copes
        return image
    smaller.info = dict(image.info)
    exif = image.getexif()
    if exif:
        smaller.info["exif"] = exif.tobytes()
    return smaller


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
