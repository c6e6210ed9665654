"""A deeply nested JSON body is a 400 JSON error on every write route of the API (and Open311: see
tests/open311/test_bad_input.py), refused before any parser recurses into it."""

from __future__ import annotations

import pytest

from gup.inputs import JSON_MAX_DEPTH
from tests.test_route_matrix import _world

DEEP = ["[" * 5000 + "]" * 5000, '{"a":' * 3000 + "1" + "}" * 3000, '{"x": ' + "[" * 100 + "]" * 100 + "}"]


@pytest.mark.parametrize("body", DEEP)
def test_every_api_write_refuses_a_deep_body(app, f, body, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    w, params, tokens = _world(f)
    failures, seen = [], 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        url = rule.build({k: params[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"POST", "PATCH", "PUT"}):
            with app.test_client() as c:
                response = c.open(url, method=method, data=body, content_type="application/json",
                                  headers={"Authorization": f"Bearer {tokens['coordinator']}"})
            seen += 1
            if response.status_code != 400 or not response.is_json or "imbriqué" not in response.json["message"]:
                failures.append(f"{method} {url}: {response.status_code} {response.get_data(as_text=True)[:80]}")
    assert seen >= 15
    assert not failures, "\n".join(failures)


def test_a_body_at_the_depth_limit_is_read_normally(api, w):
    body = '{"title": "x", "extra": ' + "[" * (JSON_MAX_DEPTH - 1) + "]" * (JSON_MAX_DEPTH - 1) + "}"
    response = api("coordinator", "PATCH", f"/api/v1/agreements/{w['agreement'].id}", data=body,
                   content_type="application/json")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    assert "imbriqué" not in response.get_data(as_text=True)
