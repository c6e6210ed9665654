"""Load against a real server process: 20 concurrent clients post 500 reports (half through Open311, half
through the public form with its CSRF token); every report is stored once, with its own reference.

The server is gunicorn (4 worker processes × 5 threads) on 127.0.0.1, on the test session's database (the
SQLite file or TEST_DATABASE_URL's PostgreSQL, already migrated by the `app` fixture); CSRF stays on, the rate
limit is switched off (RATELIMIT_ENABLED=False) since every client comes from 127.0.0.1. Only this test's rows
are counted, by a unique marker in their description.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.hotline.models import Channel, ResidentReport
from gup.open311.services import create_client
from gup.orm import now_utc

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOTAL, CLIENTS, DEADLINE_S = 500, 20, 120

LAUNCHER = """
import sys
sys.path.insert(0, {root!r})
import config
from gup import create_app

app = create_app(config.Config, SQLALCHEMY_DATABASE_URI={url!r}, RATELIMIT_ENABLED=False, UPLOAD_FOLDER={uploads!r},
                 SECRET_KEY="load-test-secret-key-not-for-production-0123456789")
"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _send(opener, url: str, data: dict | None = None) -> tuple[int, str, dict]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), dict(exc.headers)


def _start_server(url: str, tmp_path: Path) -> tuple[subprocess.Popen, str]:
    (tmp_path / "launch_gup.py").write_text(LAUNCHER.format(root=str(ROOT), url=url,
                                                            uploads=str(tmp_path / "uploads")))
    port = _free_port()
    with (tmp_path / "server.log").open("w") as log:  # a file, never a pipe: an undrained pipe blocks the server
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "4", "--threads", "5", "--bind", f"127.0.0.1:{port}",
             "--chdir", str(tmp_path), "--timeout", "60", "--log-level", "warning", "launch_gup:app"],
            stdout=log, stderr=subprocess.STDOUT, text=True)
    proc.log_path = tmp_path / "server.log"  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server stopped: {proc.log_path.read_text()}")
        try:
            if _send(opener, f"{base}/open311/v2/discovery.json")[0] == 200:
                return proc, base
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not start within 30 s")


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return proc.log_path.read_text()


def _client(base: str, worker: int, key: str, category: tuple[int, str], marker: str) -> list[tuple[str, int, str]]:
    """One resident's browser (cookies, CSRF token) and one partner application, posting in turn."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    status, html, _ = _send(opener, f"{base}/signaler")
    assert status == 200, html[:500]
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token in the form"
    csrf = token.group(1)
    results = []
    for i in range(worker, TOTAL, CLIENTS):
        description = f"{marker} n° {i}"
        if i % 2 == 0:
            status, body, _ = _send(opener, f"{base}/open311/v2/requests.json", {
                "api_key": key, "service_code": category[1], "lat": "48.8566", "long": "2.3522",
                "description": description, "email": f"resident{i}@example.org"})
            reference = json.loads(body)[0]["service_request_id"] if status == 200 else ""
            results.append(("open311", status, reference))
        else:
            status, body, headers = _send(opener, f"{base}/signaler", {
                "csrf_token": csrf, "category_id": str(category[0]), "description": description,
                "address": f"{i} rue de la Charge", "website": ""})
            results.append(("web", status, headers.get("Location", "") if status != 422 else body[:300]))
    return results


def test_500_concurrent_reports_are_all_stored_once(app, f, tmp_path):
    category = f.make_category(code=f"load-{uuid.uuid4().hex[:6]}", label="Charge")
    _client_app, key = create_client(name="Test de charge", actor=None, now=now_utc())
    db.session.commit()
    category_ids = (category.id, category.code)
    marker = f"LOAD-{uuid.uuid4().hex}"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()

    started = time.monotonic()
    proc, base = _start_server(url, tmp_path)
    try:
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            futures = [pool.submit(_client, base, w, key, category_ids, marker) for w in range(CLIENTS)]
            results = [r for fut in futures for r in fut.result(timeout=DEADLINE_S)]
    finally:
        log = _stop(proc)
    elapsed = time.monotonic() - started

    assert len(results) == TOTAL
    assert not [r for r in results if r[1] >= 500], log[-3000:]
    bad = [r for r in results if (r[0], r[1]) not in (("open311", 200), ("web", 302))]
    assert not bad, bad[:5]
    assert all(r[2].endswith("/signaler/merci") for r in results if r[0] == "web")
    assert elapsed < DEADLINE_S

    rows = db.session.execute(sa.select(ResidentReport.reference, ResidentReport.channel)
                              .where(ResidentReport.description.like(f"{marker} %"))).all()
    assert len(rows) == TOTAL, f"{TOTAL - len(rows)} reports lost"
    references = [r.reference for r in rows]
    assert None not in references and len(set(references)) == TOTAL
    assert sum(r.channel is Channel.OPEN311 for r in rows) == TOTAL // 2
    assert sum(r.channel is Channel.WEB for r in rows) == TOTAL // 2
    returned = {r[2] for r in results if r[0] == "open311"}
    assert returned == {r.reference for r in rows if r.channel is Channel.OPEN311}
