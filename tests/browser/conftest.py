"""Browser tests: Playwright drives Debian's Chromium against a live gup server with CSRF on and the demo data.

Run them with `make test-browser` (`pytest -m browser tests/browser`); the default run leaves them out. The
browser is /usr/bin/chromium (GUP_CHROMIUM to change it), never a `playwright install` download. Without it the
tests fail (they are never skipped). These tests must not request the `app` fixture of
tests/conftest.py (its autouse cleaner would empty the tables of that other database); they use `live_app`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

import config
from gup import create_app
from gup.extensions import db

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = ("serious", "critical")
DEMO_PASSWORD = "demo-gup-2026"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.hookimpl(tryfirst=True)  # before the -m filter of pytest's mark plugin deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


# --- live server -------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Its own application: CSRF on, a temporary SQLite file migrated by Alembic, the demo data loaded."""
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'gup-browser.sqlite3'}"
    uploads = tmp_path_factory.mktemp("browser-uploads")
    application = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=True,
                             UPLOAD_FOLDER=str(uploads))
    with application.app_context():
        upgrade()
        db.session.remove()
    result = application.test_cli_runner().invoke(args=["gup", "demo"])
    assert result.exit_code == 0, f"flask gup demo failed ({result.exit_code}):\n{result.output}\n{result.exception!r}"
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The live application served by werkzeug in a daemon thread; yields its root URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="gup-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


# --- pytest-playwright overrides -----------------------------------------------------------------------------

def _chromium_path() -> str:
    return os.environ.get("GUP_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (keeps --headed and --slowmo); a missing browser fails the run, never skips it."""
    path = _chromium_path()
    if not os.access(path, os.X_OK):
        pytest.fail(f"Chromium not found at {path} (apt-get install chromium, or set GUP_CHROMIUM)", pytrace=False)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Relative URLs (`page.goto("/login")`) go to the live server."""
    return live_server


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


# --- Content-Security-Policy violations ------------------------------------------------------------------------

#: runs in every page before its own scripts (DevTools protocol, outside the page's CSP): reports each violation
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at "
                + e.documentURI + (e.lineNumber ? ":" + e.lineNumber : "") + " " + (e.sample || ""));
});
"""


class CspViolations(list):
    """The CSP violations seen in every browser context of one test (the `page` fixture's and those a test
    opens with browser.new_context)."""

    def watch(self, context) -> None:
        context.add_init_script(script=CSP_LISTENER)
        context.on("console", self._on_console)

    def _on_console(self, message) -> None:
        text = message.text
        if text.startswith("CSP violation: ") or "Content Security Policy" in text:
            self.append(text)


@pytest.fixture(autouse=True)
def csp_violations(browser, monkeypatch: pytest.MonkeyPatch) -> Iterator[CspViolations]:
    """Every browser test fails when a page of gup breaks its own Content-Security-Policy."""
    seen = CspViolations()
    original = browser.new_context

    def new_context(*args: Any, **kwargs: Any):
        context = original(*args, **kwargs)
        seen.watch(context)
        return context

    monkeypatch.setattr(browser, "new_context", new_context)
    yield seen
    assert not seen, "Content-Security-Policy violations:\n" + "\n".join(seen)


# --- helpers -------------------------------------------------------------------------------------------------

class Axe:
    """Run axe-core on the current page; keep the serious and critical WCAG 2.1 A/AA violations."""

    def __init__(self, page) -> None:
        self.page = page

    def __call__(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # evaluated through the DevTools protocol: an injected <script> (add_script_tag) would be an inline
            # script, which gup's Content-Security-Policy refuses
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
        violations = self.page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
            AXE_TAGS)
        return [v for v in violations if v.get("impact") in AXE_IMPACTS]

    @staticmethod
    def format(violations: list[dict[str, Any]]) -> str:
        """One paragraph per rule: id, impact, help, URL, then each offending element and what to fix."""
        lines = [f"{len(violations)} axe violation(s):"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
            for node in v.get("nodes", [])[:10]:
                target = " ".join(str(t) for t in node.get("target", []))
                summary = " ".join((node.get("failureSummary") or "").split())
                lines.append(f"    {target}: {node.get('html', '')[:160]}")
                if summary:
                    lines.append(f"      {summary[:300]}")
            if len(v.get("nodes", [])) > 10:
                lines.append(f"    … and {len(v['nodes']) - 10} more element(s)")
        return "\n".join(lines)


@pytest.fixture
def axe(page) -> Axe:
    """`violations = axe(); assert not violations, axe.format(violations)`."""
    return Axe(page)


@pytest.fixture
def login_as(page) -> Callable[..., Any]:
    """Log in through the real form (CSRF on); returns the page once the form's response has loaded."""
    def _login(email: str, password: str = DEMO_PASSWORD):
        page.goto("/login")
        page.get_by_label("Adresse e-mail", exact=True).fill(email)
        page.get_by_label("Mot de passe", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Se connecter", exact=True).click()
        return page
    return _login
