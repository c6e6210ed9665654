"""Marshmallow schema of POST /open311/v2/requests, read by webargs from the form body.

Every rule reports the spec's French message; when several fail, the first one in ERROR_ORDER (the order of
the GeoReport v2 parameters) is answered, with its status (an unknown service is a 404).
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import gettext as _
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validates_schema

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: (error key, status): which refusal is answered first
ERROR_ORDER = (("service_code", 400), ("unknown_service", 404), ("together", 400), ("lat", 400), ("long", 400),
               ("address_string", 400), ("address_id", 400), ("location", 400), ("email", 400), ("phone", 400),
               ("first_name", 400), ("last_name", 400), ("media_url", 400), ("description", 400))


def _limited(name: str, limit: int) -> fields.String:
    def check(value: str) -> None:
        if len(value) > limit:
            raise ValidationError(_("%(name)s : %(limit)s caractères au plus.", name=name, limit=limit))
    return fields.String(load_default=None, validate=check)


class Coordinate(fields.Field):
    """A WGS84 decimal degree between two bounds."""

    def __init__(self, name: str, low: float, high: float, **kwargs: Any) -> None:
        super().__init__(load_default=None, **kwargs)
        self.label, self.low, self.high = name, low, high

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(_("%(name)s : nombre décimal attendu (WGS84).", name=self.label)) from None
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise ValidationError(_("%(name)s : hors des limites (%(low)s à %(high)s).", name=self.label,
                                    low=self.low, high=self.high))
        return number


def _email(value: str) -> None:
    if len(value) > 254:
        raise ValidationError(_("%(name)s : %(limit)s caractères au plus.", name="email", limit=254))
    if not EMAIL.match(value):
        raise ValidationError(_("email : adresse invalide."))


def _media_url(value: str) -> None:
    if len(value) > 500:
        raise ValidationError(_("%(name)s : %(limit)s caractères au plus.", name="media_url", limit=500))
    if not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_("media_url : adresse http(s) attendue."))


class ServiceRequestIn(Schema):
    """A new service request; `find_category(code)` (context) gives the published category of a code."""

    class Meta:
        unknown = EXCLUDE

    service_code = fields.String(load_default=None)
    lat = Coordinate("lat", -90, 90)
    long = Coordinate("long", -180, 180)
    address_string = _limited("address_string", 255)
    address_id = _limited("address_id", 100)
    email = fields.String(load_default=None, validate=_email)
    phone = _limited("phone", 40)
    first_name = _limited("first_name", 60)
    last_name = _limited("last_name", 60)
    media_url = fields.String(load_default=None, validate=_media_url)
    description = _limited("description", 4000)

    def __init__(self, *, find_category: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.find_category = find_category

    @pre_load
    def _present(self, data: Any, **_kwargs: Any) -> dict[str, str]:
        """Values stripped; an empty optional parameter counts as absent."""
        out = {}
        for name in self.fields:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                out[name] = value.strip()
        return out

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _rules(self, data: dict, original: dict, **_kwargs: Any) -> None:
        errors: dict[str, str] = {}
        original = self._present(original)
        code = original.get("service_code")
        if code is None:
            errors["service_code"] = _("service_code est obligatoire.")
        elif self.find_category(code) is None:
            errors["unknown_service"] = _("service_code inconnu : %(code)s.", code=code)
        if ("lat" in original) != ("long" in original):
            errors["together"] = _("lat et long doivent être envoyées ensemble.")
        if data.get("lat") is None and data.get("address_string") is None and data.get("address_id") is None:
            errors["location"] = _("Un lieu est obligatoire : lat et long, address_string ou address_id.")
        if errors:
            raise ValidationError({key: [message] for key, message in errors.items()})

    @post_load
    def _submission(self, data: dict, **_kwargs: Any) -> dict[str, Any]:
        """The category and the keyword arguments of hotline.submit_report."""
        category = self.find_category(data["service_code"])
        email, phone = data["email"], data["phone"]
        return {"category": category, "fields": {
            "description": data["description"] or category.label, "address": data["address_string"],
            "address_id": data["address_id"], "latitude": data["lat"], "longitude": data["long"],
            "contact_name": " ".join(n for n in (data["first_name"], data["last_name"]) if n) or None,
            "contact_email": email, "contact_phone": phone,
            # consent: the resident gave an e-mail or a phone number to the application to be kept informed
            "contact_consent": bool(email or phone), "media_url": data["media_url"]}}


def first_error(messages: dict[str, Any]) -> tuple[str, int]:
    """The refusal answered (message, status), in the order of ERROR_ORDER."""
    for key, status in ERROR_ORDER:
        if key in messages:
            value = messages[key]
            return (value[0] if isinstance(value, list) else str(value)), status
    key, value = next(iter(messages.items()))
    return (value[0] if isinstance(value, list) else str(value)), 400
