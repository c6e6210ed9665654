"""HTML routes of photos: served only to those who may read what they belong to."""

from __future__ import annotations

from flask import abort, send_file
from flask_login import current_user, login_required

from gup.extensions import db
from gup.media import bp, storage
from gup.media.models import Photo
from gup.policy import authorize


def _photo_or_404(photo_id: int) -> Photo:
    """A photo (the policy loads what it reads of the record the photo illustrates)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    return photo


def _send(key: str):
    try:
        path = storage.path_for(key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    item = _photo_or_404(photo_id)
    authorize(current_user, "view", item)
    return _send(item.storage_key)


@bp.route("/photos/<int:photo_id>/thumbnail")
@login_required
def thumbnail(photo_id: int):
    item = _photo_or_404(photo_id)
    authorize(current_user, "view", item)
    return _send(item.thumbnail_key)
