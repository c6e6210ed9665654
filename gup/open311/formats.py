"""One Python structure, two renderings: JSON and XML as GeoReport v2 writes them.

A response is a list of dicts (one XML element per item under a root element: `<services><service>…`) or a
single dict (discovery, service definition). Nested lists are named by their key and hold elements named by
LIST_ITEMS (`attributes` → `<attribute>`). None becomes JSON null and an empty XML element; booleans are
`true`/`false`. Text is escaped by ElementTree, after dropping what no XML 1.0 document may contain (xml_safe), so
the output is well-formed whatever was stored; JSON strings get the same filter.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app

from gup.inputs import clean_any

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
#: what XML 1.0 cannot carry, even escaped (controls but tab and newlines, surrogates, U+FFFE and U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """An error answered as GeoReport v2 errors: a list of {code, description} with the HTTP status."""

    def __init__(self, status: int, description: str, code: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.code = status, description, code or status


def w3c(value: datetime | None) -> str | None:
    """W3C datetime with its offset, in the application's time zone (e.g. 2026-03-02T14:05:00+01:00)."""
    if value is None:
        return None
    tz = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return value.astimezone(tz).isoformat(timespec="seconds")


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 forbids (data stored before the input filter, or by any means)."""
    return _NOT_XML.sub("", text)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else xml_safe(str(value))


def _json_safe(value: Any) -> Any:
    """Strings without control characters or lone surrogates (which UTF-8 cannot even encode)."""
    return clean_any(value, xml_safe)


#: how json.dumps writes the control characters XML refuses, and the two non-characters it leaves as they are
#: with ensure_ascii=False (lone surrogates stay too, and cannot be encoded in UTF-8)
_SUSPECT = ("\\u00", "\\b", "\\f", "\ufffe", "\uffff")


def to_json(data: Any) -> bytes:
    """UTF-8 JSON of data with the strings cleaned as xml_safe does. Most answers (a list of 1,000 requests) have
    nothing to clean: the encoded text is checked once, and data is walked string by string only when the text
    shows a character to drop (or an escape that may be one)."""
    text = json.dumps(data, ensure_ascii=False)
    if not any(suspect in text for suspect in _SUSPECT):
        try:
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate
            pass
    return json.dumps(_json_safe(data), ensure_ascii=False).encode()


def _fill(element: ET.Element, value: Any, name: str) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child, key)
    elif isinstance(value, list):
        item = LIST_ITEMS.get(name, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child, item)
    else:
        element.text = _text(value)


def to_xml(data: Any, root: str, item: str | None = None) -> bytes:
    element = ET.Element(root)
    if isinstance(data, list):
        for child in data:
            _fill(ET.SubElement(element, item or "item"), child, item or "item")
    else:
        _fill(element, data, root)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")).encode()


def render(data: Any, fmt: str, *, root: str, item: str | None = None, status: int = 200) -> Response:
    """The response in the requested format (the extension of the URL)."""
    if fmt == "xml":
        body = to_xml(data, root, item)
    else:
        body = to_json(data)
    return Response(body, status=status, content_type=FORMATS.get(fmt, FORMATS["json"]))


def render_errors(errors: list[tuple[int, str]], fmt: str, status: int) -> Response:
    """GeoReport v2 errors: `<errors><error><code/><description/></error></errors>` or a JSON array."""
    data = [{"code": code, "description": description} for code, description in errors]
    return render(data, fmt if fmt in FORMATS else "json", root="errors", item="error", status=status)
