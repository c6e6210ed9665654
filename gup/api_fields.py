"""Marshmallow fields and limits shared by every API schema."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from marshmallow import validate

from gup.inputs import AMOUNT_MAX, DATE_MAX, DATE_MIN, INDICATOR_MAX, MAX_ID, TEXT_MAX, clean_text

__all__ = ["AMOUNT_MAX", "INDICATOR_MAX", "MAX_ID", "TEXT_MAX"]  # re-exported: shared with the forms through gup.inputs

class CleanStr(ma.fields.Str):
    """A string the database can store and XML can carry: gup.inputs.clean_text drops the control characters
    (NUL, which PostgreSQL refuses, included) and lone UTF-16 surrogates (JSON can spell one, UTF-8 cannot
    encode it). The request layer already cleaned every JSON body; this covers schemas loaded elsewhere."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return clean_text(super()._deserialize(value, attr, data, **kwargs))


#: dates outside this range are typing mistakes, and would overflow date arithmetic (mid-term, add_years)
DATE_RANGE = validate.Range(min=DATE_MIN, max=DATE_MAX,
                            error="La date doit être comprise entre {min} et {max}.")
ID_RANGE = validate.Range(min=1, max=MAX_ID, error="Identifiant invalide.")


def not_blank(value: str) -> None:
    """Refuse a string made only of spaces."""
    if not value.strip():
        raise ma.ValidationError("Ce champ ne peut pas être vide.")


def text_field(max_length: int, description: str, *, required: bool = False, nullable: bool = True,
               pattern: str | None = None, pattern_error: Any = None) -> ma.fields.Str:
    """A text in a body; `pattern` (with its message) as the web form's Regexp, from the same constant."""
    validators: list[Any] = [validate.Length(max=max_length)]
    if required:
        validators = [validate.Length(min=1, max=max_length), not_blank]
    if pattern is not None:
        validators.append(validate.Regexp(pattern, error=str(pattern_error or "Format invalide.")))
    return CleanStr(required=required, allow_none=nullable and not required, validate=validators,
                         metadata={"description": description})


def id_field(description: str, *, strict: bool = True, **kwargs: Any) -> ma.fields.Int:
    """An id in a JSON body (strict: 5, not "5") or, with strict=False, in the query string."""
    return ma.fields.Int(strict=strict, validate=ID_RANGE, metadata={"description": description}, **kwargs)


def ids_field(description: str) -> ma.fields.List:
    return ma.fields.List(ma.fields.Int(strict=True, validate=ID_RANGE), validate=validate.Length(max=500),
                          metadata={"description": description})


def date_field(description: str, **kwargs: Any) -> ma.fields.Date:
    return ma.fields.Date(validate=DATE_RANGE, metadata={"description": f"{description} (AAAA-MM-JJ)."}, **kwargs)


class between:  # noqa: N801  (reads as the validator it is: validate=between(low, high))
    """Range check kept out of the OpenAPI document, where decimals are strings and bounds cannot be numbers
    (apispec reads any validator's `min`/`max`, hence `low`/`high`, kept for the form/API rule comparison)."""

    def __init__(self, low: Decimal, high: Decimal) -> None:
        self.low, self.high = low, high

    def __call__(self, value: Decimal) -> None:
        if not self.low <= value <= self.high:
            raise ma.ValidationError(f"La valeur doit être comprise entre {self.low} et {self.high}.")


#: decimals travel as strings ("12500.00"), so that no client rounds money through a float
DECIMAL_DOC = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d{1,2})?$", "example": "12500.00"}


def decimal_in(description: str, *, low: Decimal = Decimal(0), high: Decimal = AMOUNT_MAX) -> ma.fields.Decimal:
    return ma.fields.Decimal(places=2, as_string=True, allow_none=True, validate=between(low, high),
                             metadata={**DECIMAL_DOC, "description": f"{description} Décimal en chaîne, deux "
                                                                     "chiffres après le point (un nombre JSON est "
                                                                     "aussi accepté)."})


def decimal_out(description: str, **kwargs: Any) -> ma.fields.Decimal:
    return ma.fields.Decimal(as_string=True, metadata={**DECIMAL_DOC, "description": description}, **kwargs)


class PartialByDefault:
    """Mixin for PATCH bodies: every field becomes optional (and the OpenAPI schema lists none as required)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


def latitude(description: str = "Latitude (WGS 84, degrés décimaux), ou null.", **kwargs: Any) -> ma.fields.Float:
    """A latitude in a body: a number between -90 and 90."""
    return ma.fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90),
                           metadata={"description": description}, **kwargs)


def longitude(description: str = "Longitude (WGS 84, degrés décimaux), ou null.", **kwargs: Any) -> ma.fields.Float:
    """A longitude in a body: a number between -180 and 180."""
    return ma.fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180),
                           metadata={"description": description}, **kwargs)


def check_point(data: dict[str, Any], *, partial: bool) -> None:
    """Latitude and longitude go together (both or neither); in a partial body only when both are sent."""
    if partial and not ("latitude" in data and "longitude" in data):
        return
    if (data.get("latitude") is None) != (data.get("longitude") is None):
        missing = "longitude" if data.get("longitude") is None else "latitude"
        raise ma.ValidationError("Indiquez la latitude et la longitude, ou aucune des deux.", field_name=missing)


class IdRef(ma.Schema):
    """Identifiant seul (listes d'identifiants)."""

    id = ma.fields.Int(metadata={"description": "Identifiant."})


class UserRef(ma.Schema):
    """Personne (compte utilisateur)."""

    id = ma.fields.Int(metadata={"description": "Identifiant du compte."})
    full_name = ma.fields.Str(metadata={"description": "Nom complet."})
