"""Helpers of the Open311 conformance tests: one reading of both formats (XML through ElementTree)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from gup.orm import now_utc

BASE = "/open311/v2"
ROOTS = {"services": "service", "service_requests": "request", "errors": "error",
         "service_request_updates": "request_update"}
LISTS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def text_field(value: Any) -> Any:
    """JSON values as XML would carry them (strings), nested structures kept."""
    if isinstance(value, dict):
        return {k: text_field(v) for k, v in value.items()}
    if isinstance(value, list):
        return [text_field(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _element(el: ET.Element) -> Any:
    if el.tag in LISTS:
        assert all(child.tag == LISTS[el.tag] for child in el), el.tag
        return [_element(child) for child in el]
    if len(el):
        return {child.tag: _element(child) for child in el}
    return el.text or ""


def parse(response, fmt: str, root: str | None = None) -> Any:
    """The body as strings, whatever the format; checks content type, UTF-8 and the XML root and items."""
    if fmt == "xml":
        assert response.content_type == "text/xml; charset=utf-8"
        body = response.get_data()
        assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        el = ET.fromstring(body)
        if root:
            assert el.tag == root
        if el.tag in ROOTS:
            assert all(child.tag == ROOTS[el.tag] for child in el), [c.tag for c in el]
            return [_element(child) for child in el]
        return {child.tag: _element(child) for child in el}
    assert response.content_type == "application/json; charset=utf-8"
    return text_field(json.loads(response.get_data(as_text=True)))


@pytest.fixture
def o311(app, client, f):
    """A published category with two extra questions, an API key, and a call helper."""
    from gup.extensions import db
    from gup.open311.services import create_client

    category = f.make_category(code="encombrants", label="Encombrants", description="Objets abandonnés",
                               attributes=[
                                   {"code": "kind", "datatype": "singlevaluelist", "required": True, "order": 1,
                                    "description": "Type d'objet",
                                    "values": [{"key": "meuble", "name": "Meuble"}, {"key": "electro",
                                                                                     "name": "Électroménager"}]},
                                   {"code": "count", "datatype": "number", "required": False, "order": 2,
                                    "description": "Combien ?"},
                               ])
    plain = f.make_category(code="tags", label="Tags")
    # an application that tells its users their reports are public (the disclosure rule publishes them as written)
    client_app, key = create_client(name="Appli mobile", actor=None, now=now_utc(), public_intake=True)
    db.session.commit()

    class O311:
        pass

    o = O311()
    o.category, o.plain, o.client, o.key = category, plain, client_app, key

    def get(path: str, fmt: str = "json", **query):
        return client.get(f"{BASE}/{path}.{fmt}", query_string=query)

    def post(fmt: str = "json", **form):
        data = {"api_key": key, "service_code": "encombrants", "lat": "48.8566", "long": "2.3522",
                "attribute[kind]": "meuble", "description": "Un canapé sur le trottoir"}
        data.update(form)
        return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})

    o.get, o.post = get, post
    return o
