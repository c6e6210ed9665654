"""The pure parts of the Open311 benchmark (tests/bench_open311.py) and its bare baseline (tests/bench_bare.py):
how a browser's form submission is read back, how stored rows are checked, the ratios, the bare app. Not timed."""

from __future__ import annotations

import json

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests import bench_bare
from tests.bench_open311 import (
    TARGETS,
    _arguments,
    check_stored,
    cookies_of,
    csrf_token,
    form_reference,
    ratio,
    session_data,
)


def _cookie(data: dict) -> str:
    """A session cookie as Flask signs it (compressed when that is shorter)."""
    from flask.json.tag import TaggedJSONSerializer

    return URLSafeTimedSerializer("secret", salt="cookie-session", serializer=TaggedJSONSerializer(),
                                  signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"}).dumps(data)


@pytest.mark.parametrize("size", [1, 400])  # short: plain; long and repetitive: zlib-compressed (leading dot)
def test_the_reference_a_form_submission_leaves_in_the_session_is_read_back(size):
    cookie = _cookie({"csrf_token": "x" * size, "gup_last_report": {"reference": "GUP-2026-000042",
                                                                    "contact_dropped": False}})
    assert cookie.startswith(".") == (size == 400)
    assert session_data(cookie)["gup_last_report"]["reference"] == "GUP-2026-000042"
    headers = [("Location", "/signaler/merci"), ("Set-Cookie", f"session={cookie}; HttpOnly; Path=/")]
    assert cookies_of(headers) == {"session": cookie}
    assert form_reference((0, 302, b"", 0.1, headers)) == "GUP-2026-000042"
    assert form_reference((0, 422, b"", 0.1, headers)) is None  # the form refused: nothing stored


def test_csrf_token_is_read_from_the_form():
    html = '<form><input id="csrf_token" name="csrf_token" type="hidden" value="IjE2.abc-_"></form>'
    assert csrf_token(html) == "IjE2.abc-_"
    assert csrf_token("<form></form>") is None


def test_every_answer_stored_once_or_the_check_fails():
    answers = [(i, 200, json.dumps([{"id": i}]).encode(), 0.01, []) for i in range(3)]
    result = {"requests": 3, "errors": 0, "answers": answers}
    key = lambda a: json.loads(a[2])[0]["id"]  # noqa: E731
    assert check_stored(result, [0, 1, 2], key)["verified"]
    lost = check_stored(result, [0, 1], key)
    assert not lost["verified"] and lost["lost"] == 1
    twice = check_stored(result, [0, 1, 2, 2], key)
    assert not twice["verified"] and twice["duplicated"] == 1


def test_ratios_carry_their_target():
    met = ratio("requests", 30.0, 100.0)
    assert met == {"name": TARGETS["requests"][0], "value": 0.3, "target": 0.25, "op": ">=", "met": True}
    assert not ratio("open311_post", 10.0, 100.0)["met"]


def test_arguments_are_checked():
    args = _arguments(["--backend", "postgresql", "--parts", "feed"])
    assert args.parts == ["feed"] and args.pg_database == "bench_open311"
    with pytest.raises(SystemExit):
        _arguments(["--parts", "nothing"])
    with pytest.raises(SystemExit):
        _arguments(["--backend", "postgresql", "--database-url", "sqlite:///x.sqlite3"])


def test_the_bare_app_inserts_and_lists(tmp_path, monkeypatch):
    target = str(tmp_path / "bare.sqlite3")
    assert bench_bare.seed_reports(target, 5) == 5
    monkeypatch.setenv("BENCH_BARE_DB", target)
    monkeypatch.setattr(bench_bare, "_connection", None)
    client = bench_bare.app.test_client()
    (posted,) = client.post("/reports", data={"description": "Un canapé", "lat": "48.85", "long": "2.35"}).get_json()
    listed = client.get("/reports?limit=3").get_json()
    assert len(listed) == 3 and listed[0] == {**listed[0], "id": posted["id"], "description": "Un canapé"}
    assert len(client.get("/reports?limit=1000").get_json()) == 6
