"""Marshmallow schemas of photos (shown by every feature whose records they illustrate)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


class PhotoPath(ma.fields.Str):
    """Address of a photo (or of its thumbnail) on the site, readable by whoever may read what it illustrates."""

    def __init__(self, suffix: str = "", **kwargs: Any) -> None:
        self.suffix = suffix
        super().__init__(dump_only=True, **kwargs)

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> str:
        return f"/photos/{obj.id}{self.suffix}"


class PhotoOut(ma.Schema):
    """Photo : un JPEG réencodé, sans métadonnées (ni position GPS), et sa vignette."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la photo."})
    url = PhotoPath(metadata={"description": "Adresse de la photo sur le site (/photos/<id>), avec la même "
                                             "authentification."})
    thumbnail_url = PhotoPath("/thumbnail", metadata={"description": "Adresse de la vignette "
                                                                     "(/photos/<id>/thumbnail)."})
    width = ma.fields.Int(metadata={"description": "Largeur en pixels."})
    height = ma.fields.Int(metadata={"description": "Hauteur en pixels."})
    is_resolution = ma.fields.Bool(metadata={"description": "Vrai pour une photo de la résolution (après "
                                                            "intervention)."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date d'envoi (ISO 8601, UTC)."})
