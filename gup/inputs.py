"""Bad input stopped at the edge, once for every route: control characters, out-of-range ids and pages,
deeply nested JSON.

- `clean_text` is THE text filter: C0 controls but tab and newline, DEL and lone surrogates are dropped, CR
  and CRLF become a newline. The request class below applies it to every query-string and form value (HTML
  forms, Open311's form-encoded POST, filters), `before_request` to every JSON body (API), and the ORM guard
  (`clean_text_columns`, a before_flush listener) to every string column whatever wrote it (CLI imports,
  services, demo). So no NUL reaches PostgreSQL and no character XML 1.0 forbids reaches the Open311 XML.
- `<int:…>` in every route refuses an id no row can have (404, where PostgreSQL would overflow an integer).
- A JSON body nested deeper than JSON_MAX_DEPTH is a 400 before any parser recurses into it.

No import from gup: every layer may use it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import accumulate
from typing import Any

from flask import Flask, request
from flask.wrappers import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter

#: largest id a client may send (the id columns are 32-bit integers on PostgreSQL)
MAX_ID = 2**31 - 1
#: pages beyond this one are empty anyway; the cap keeps OFFSET inside the database's integer range
MAX_PAGE = 1_000_000
#: dates outside this range are typing mistakes, and would overflow date arithmetic (mid-term, add_years, ±90 days)
DATE_MIN, DATE_MAX = date(1950, 1, 1), date(2200, 12, 31)
#: longest free text (description, notes…), the same in the forms and the API
TEXT_MAX = 20_000
#: largest amount a Numeric(12, 2) column holds
AMOUNT_MAX = Decimal("9999999999.99")
INDICATOR_MAX = Decimal("999999999999.99")  # Numeric(14, 2): indicator values
#: deepest JSON nesting a body may have (gup's bodies have two or three levels)
JSON_MAX_DEPTH = 32

# C0 controls except tab (09) and newline (0A), DEL, and UTF-16 surrogates (only lone ones survive decoding)
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CR = re.compile("\r\n?")


def clean_text(value: str) -> str:
    """Text any database stores and any XML 1.0 document carries: newlines normalised, controls dropped."""
    if "\r" in value:
        value = _CR.sub("\n", value)
    return _UNWANTED.sub("", value)


def clean_any(value: Any, clean: Callable[[str], str] = clean_text) -> Any:
    """`clean` (clean_text by default) applied to every string (dict keys too) of a decoded JSON document."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_any(v, clean) for v in value]
    if isinstance(value, dict):
        return {clean_any(k, clean): clean_any(v, clean) for k, v in value.items()}
    return value


def id_or_none(value: Any) -> int | None:
    """An id typed in a query string or a select: None unless it is an integer some row can have."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None


def page_number(value: Any) -> int:
    """A ?page= value: 1 when absent or invalid, MAX_PAGE at most."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return 1
    return min(max(1, number), MAX_PAGE)


def _clean_multidict(data: MultiDict) -> MultiDict:
    if not any(_UNWANTED.search(k) or _UNWANTED.search(v) or "\r" in v for k, v in data.items(multi=True)
               if isinstance(v, str)):
        return data
    return ImmutableMultiDict([(clean_text(k), clean_text(v) if isinstance(v, str) else v)
                               for k, v in data.items(multi=True)])


class CleanRequest(Request):
    """Query-string and form values pass through clean_text before any view, form or parser reads them."""

    @property
    def args(self) -> MultiDict:  # type: ignore[override]
        if "_clean_args" not in self.__dict__:
            self.__dict__["_clean_args"] = _clean_multidict(super().args)
        return self.__dict__["_clean_args"]

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _clean_multidict(self.__dict__["form"])


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` for the whole app: an id above MAX_ID is a 404, as no row can have it.

    NotFound rather than werkzeug's ValidationError: the latter makes a PATCH on `/x/<int:id>` a 405 when a
    GET rule shares the path."""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > MAX_ID:
            raise NotFound()
        return number


_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes) -> int:
    """The nesting depth of a JSON text, counted without parsing it (strings removed first)."""
    brackets = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets))


def _is_json(req: Request) -> bool:
    mimetype = req.mimetype or ""
    return mimetype == "application/json" or mimetype.endswith("+json")


def guard_json_body() -> None:
    """Refuse a too deeply nested JSON body (400), then give every reader of the body its cleaned text."""
    if not _is_json(request):
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    if json_depth(raw) > JSON_MAX_DEPTH:
        message = f"Corps JSON trop imbriqué ({JSON_MAX_DEPTH} niveaux au plus)."
        refusal = BadRequest(description=message)
        refusal.data = {"message": message}  # what flask-smorest's JSON error shows
        raise refusal
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return  # the route's own parser answers its usual 400
    cleaned = clean_any(document)
    if cleaned != document:
        # what webargs (flask-smorest) and request.get_json() will read: Werkzeug's cache of the body
        request._cached_data = json.dumps(cleaned, ensure_ascii=False).encode()


@functools.cache
def _string_attributes(mapper: Any) -> tuple[str, ...]:
    """The attribute keys of a mapper's string columns (read once per mapped class, not at every flush)."""
    import sqlalchemy as sa

    return tuple(mapper.get_property_by_column(column).key for column in mapper.columns
                 if isinstance(column.type, sa.String))


def clean_text_columns(session: Any, _context: Any, _instances: Any) -> None:
    """before_flush: every string attribute of a new or changed row goes through clean_text."""
    import sqlalchemy as sa

    for obj in (*session.new, *session.dirty):
        values = obj.__dict__
        for key in _string_attributes(sa.inspect(obj).mapper):
            value = values.get(key)
            if isinstance(value, str):
                cleaned = clean_text(value)
                if cleaned != value:
                    setattr(obj, key, cleaned)


def init_app(app: Flask) -> None:
    """Install the request class, the id converter and the JSON guard (before any route is registered)."""
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(guard_json_body)
