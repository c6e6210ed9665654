"""Security headers (gup.security_headers) on every route, the markup gup serves under its strict CSP, and user
markup in the map data (issue 8: stored script through the findings map).

The browser side (tooltips, popups, CSP violations during the journeys) is tests/browser/test_security.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import config
from gup import ROOT, create_app
from gup.extensions import db
from gup.security_headers import OTHER_POLICY, PERMISSIONS_POLICY, html_policy, tile_origin
from tests.conftest import login_client
from tests.test_route_matrix import _world

MARKUP = """<img src=x onerror="window.__xss=1"> <b>gras</b> l'entrée "A" & <script>alert(1)</script>"""
HTML_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                   "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'")
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
          "Permissions-Policy": PERMISSIONS_POLICY}


class InlineCode(HTMLParser):
    """Collects what a `script-src 'self'; style-src 'self'` policy would refuse in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.problems


def _check_headers(response, where: str) -> str:
    """Assert the headers every response carries, and the policy its type calls for; return the kind."""
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, f"{where}: {name} = {response.headers.get(name)!r}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, f"{where}: {csp!r}"
    assert "Content-Security-Policy-Report-Only" not in response.headers
    if response.mimetype == "text/html":
        for directive in HTML_DIRECTIVES:
            assert directive in csp, f"{where}: {directive} missing from {csp!r}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{where}: {csp!r}"
        problems = inline_code(response.get_data(as_text=True))
        assert not problems, f"{where}: {problems}"
        return "html"
    if response.mimetype == "application/pdf":
        return "pdf"
    assert csp == OTHER_POLICY, f"{where} ({response.mimetype}): {csp!r}"
    return "other"


def _get_urls(app, params) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {k: params[k] for k in rule.arguments if k in params}
        if rule.endpoint == "static":
            values = {"filename": "css/gup.css"}
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.endpoint}: no sample value for {missing}"
        urls.append((rule.endpoint, rule.build(values, append_unknown=False)[1]))
    return urls


@pytest.mark.parametrize("role", ["coordinator", "anonymous"])
def test_every_get_route_sends_the_security_headers_and_no_inline_code(app, f, role, tmp_path, monkeypatch):
    """Every GET route of the app (the route matrix's sample world), as the coordinator and as a visitor:
    the HTML pages carry the full CSP and contain nothing it refuses; the rest carry nosniff and no framing."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    w, params, tokens = _world(f)
    kinds: dict[str, int] = {}
    urls = _get_urls(app, params)
    assert len(urls) > 80
    for endpoint, url in urls:
        with app.test_client() as c:
            headers = {}
            if role != "anonymous":
                if url.startswith("/api/"):
                    headers["Authorization"] = f"Bearer {tokens[role]}"
                else:
                    login_client(c, w[role])
            response = c.get(url, headers=headers)
        try:
            assert response.status_code < 500, f"{endpoint} {url}: {response.status_code}"
            kind = _check_headers(response, f"{endpoint} {url} as {role} ({response.status_code})")
        finally:
            response.close()  # static files and photos are streamed from open files
        kinds[kind] = kinds.get(kind, 0) + 1
    if role == "coordinator":
        assert kinds.get("html", 0) > 50 and kinds.get("other", 0) > 20, kinds
    else:
        assert kinds.get("html", 0) > 50, kinds  # redirects to the login page and the public pages


def test_error_pages_and_the_api_docs_carry_the_headers(app, client):
    for url, status in (("/no-such-page", 404), ("/api/v1/no-such-thing", 404), ("/api/v1/docs", 200),
                        ("/api/v1/openapi.json", 200), ("/static/js/map.js", 200)):
        response = client.get(url)
        assert response.status_code == status, url
        _check_headers(response, url)
        response.close()
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "js/swagger-ui-init.js" in docs and "data-spec-url=\"/api/v1/openapi.json\"" in docs
    assert client.post("/login", data={}).headers["X-Frame-Options"] == "DENY"  # a 400 (no CSRF token) too


def _bare_app(**overrides):
    """An app of its own for settings read once at start-up (no database work: only headers are checked)."""
    return create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)


def test_report_only_switch_reports_the_policy_and_still_forbids_framing():
    app = _bare_app(CSP_REPORT_ONLY=True, CSP_REPORT_URI="/csp-reports")
    response = app.test_client().get("/nothing-here")
    assert response.mimetype == "text/html"
    trial = response.headers["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in trial and trial.endswith("report-uri /csp-reports")
    assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"  # not reportable: enforced
    assert response.headers["X-Frame-Options"] == "DENY"


def test_hsts_is_off_by_default_and_sent_when_configured(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert config.DevelopmentConfig.HSTS_SECONDS == 0 and config.TestingConfig.HSTS_SECONDS == 0
    response = _bare_app(HSTS_SECONDS=31536000).test_client().get("/nothing-here")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    response = _bare_app(HSTS_SECONDS=600, HSTS_INCLUDE_SUBDOMAINS=True).test_client().get("/api/v1/x")
    assert response.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"


def test_production_sends_hsts_when_its_cookies_are_secure(monkeypatch):
    import importlib

    monkeypatch.delenv("GUP_HSTS_SECONDS", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    try:
        assert importlib.reload(config).ProductionConfig.HSTS_SECONDS == 31536000
        monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")  # served over plain HTTP: HSTS would do nothing
        assert importlib.reload(config).ProductionConfig.HSTS_SECONDS == 0
    finally:
        monkeypatch.undo()
        importlib.reload(config)


@pytest.mark.parametrize(("template", "expected"), [
    ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
    ("https://tiles.ville.fr:8443/osm/{z}/{x}/{y}.png", "https://tiles.ville.fr:8443"),
    ("", None), ("/tiles/{z}/{x}/{y}.png", None), ("javascript:alert(1)", None),
    ("https://{s}-{r}.example.org/{z}.png", None), ("https://a.org; script-src *", None),
])
def test_tile_origin(template, expected):
    assert tile_origin(template) == expected


def test_the_tile_server_is_the_only_other_image_source():
    policy = html_policy({"MAP_TILE_URL": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"})
    assert "img-src 'self' data: https://*.tile.openstreetmap.org;" in policy
    assert "img-src 'self' data:;" in html_policy({})


def test_templates_hold_no_inline_script_style_or_handler():
    """Every template, whichever branch a test reaches: no inline <script>, <style>, style= or on…= (mail
    templates excepted: mail clients need inline styles and no browser renders them under gup's CSP)."""
    offenders = []
    for path in sorted(Path(ROOT / "templates").rglob("*.html")):
        if "notifications/mail" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+\s*=",
                        r"\|\s*safe\b", r"autoescape\s+false", r"javascript:",
                        r'="\{\{[^}]*\|\s*tojson'):  # tojson leaves " as is: only inside single quotes
            for match in re.finditer(pattern, text, flags=re.I):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)!r}")
    assert not offenders, offenders


def test_javascript_writes_no_html_from_data():
    """gup's own scripts build elements with textContent; the one innerHTML read escapes text (map.js)."""
    for path in sorted(Path(ROOT / "gup" / "static" / "js").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        for sink in ("insertAdjacentHTML", "outerHTML", "document.write", "eval(", "new Function", "setTimeout(\"",
                     ".innerHTML ="):
            assert sink not in text, f"{path.name}: {sink}"
        assert "bindTooltip(p." not in text and "bindPopup(p." not in text, path.name


def _data_points(html: str) -> list[dict]:
    match = re.search(r"data-points='([^']*)'", html)
    assert match, "no map on the page"
    import html as html_lib
    return json.loads(html_lib.unescape(match.group(1)))


def test_markup_in_a_finding_stays_text_in_the_map_data_html_and_api(client, f, login, api, w):
    """The description reaches the map as JSON in a single-quoted attribute (tojson escapes < > & '), and the
    page shows it escaped; the API returns it as JSON data with nosniff."""
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, description=MARKUP,
                             latitude=47.21, longitude=-1.55, address='<i>3</i> rue "des" Lilas')
    db.session.commit()
    login(w["coordinator"])
    for url in (f"/agreements/{w['agreement'].id}", f"/walks/{walk.id}"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and not inline_code(html), url
        assert "<img src=x" not in html and "<b>gras</b>" not in html and "<script>alert" not in html, url
        [point] = [p for p in _data_points(html) if p["lat"] == 47.21]
        assert '<img src=x onerror="window.__xss=1"> <b>gras</b>' in point["label"], url
        assert point["address"] == '<i>3</i> rue "des" Lilas', url
        raw = re.search(r"data-points='([^']*)'", html).group(1)
        assert "<" not in raw and ">" not in raw and "'" not in raw, url
    response = api("coordinator", "GET", f"/api/v1/findings/{finding.id}")
    assert response.status_code == 200 and response.json["description"] == MARKUP
    assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == OTHER_POLICY
