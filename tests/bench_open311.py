"""Benchmark of Open311 and the public form through a real server, beside a bare Flask app doing the least.

    make bench                                   # the driver (tests/bench_all.py) runs it on both backends
    .venv/bin/python -m tests.bench_open311 [--backend sqlite|postgresql] [--database-url URL] [--parts intake,feed]
        [--posts 300] [--forms 150] [--gets 30] [--clients 8] [--rounds 2] [--seconds 4] [--reports 50000]

Two gunicorn servers (2 sync workers each, 127.0.0.1, free ports): gup, and tests/bench_bare.py on its own
database of the same backend (one endpoint inserting one row with plain SQL, one returning the N newest rows as
JSON). gup's database is `--database-url` (a prebuilt, migrated database: the driver passes the scale-20 data,
52,000 reports) or, without it, a new one migrated here and filled with `--reports` (50,000) reports by Core
executemany (2022 → yesterday, one public update each and a second for one in three). Either way the module
adds its own published category (no extra question) and API key. On PostgreSQL (127.0.0.1:5432, user postgres)
the module creates `--pg-database` (bench_open311) for the bare table and, without `--database-url`,
`<pg-database>_gup` for gup; both are dropped at the end, also on error.

A load generator of `--clients` threads (http.client, a new connection per request: sync workers close it)
sends, in alternating rounds (gup, bare, gup, bare…), each round stopping after `--seconds` at most:

- part `intake`: POST /open311/v2/requests.json (a description, a point, an e-mail: the acknowledgement mail is
  queued) and the public form POST /signaler (a browser's submission: the form is first fetched by GET for its
  CSRF token and session cookie — those GETs run before the round and are not timed, only the POSTs are; the
  honeypot is left empty, the rate limit is off in the launcher), vs POST /reports. Every report must be stored
  once: as many rows as answered requests, each reference answered exactly once (Open311: the answered
  service_request_id; the form: the reference its 302 puts in the signed session cookie), nothing lost, nothing
  duplicated.
- part `feed`: GET /open311/v2/requests.json and GET /open311/v2/servicerequestupdates.json without arguments
  (GeoReport v2's default window: the last 90 days, at most 1,000 items; the updates oldest first) vs
  GET /reports?limit=N, N the number of items gup answered, on a bare table holding as many rows as gup's
  resident_reports. Items per second.

Figures: throughput (requests per second), p50 and p95 latency (ms), items per second; ratios gup / bare of the
best rounds, with their targets (issue 13). Results merged into bench/results.json under "open311.<backend>"
(its "ratios", then "intake" and "feed" with their rounds; the other keys are kept).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bench_data import empty_postgres

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
CATEGORY = "bench-o311"
#: issue 13's targets: (part, ratio name, target, comparison)
TARGETS = {
    "open311_post": ("POST requests.json throughput gup/bare", 0.40, ">="),
    "form_post": ("public form POST /signaler throughput gup/bare", 0.40, ">="),
    "requests": ("GET requests.json items/s gup/bare", 0.25, ">="),
    "updates": ("GET servicerequestupdates.json items/s gup/bare", 0.25, ">="),
}

LAUNCHER = """
import logging
import sys
sys.path.insert(0, {root!r})
import config
from gup import create_app

logging.getLogger().setLevel(logging.WARNING)
app = create_app(config.Config, SQLALCHEMY_DATABASE_URI={url!r}, RATELIMIT_ENABLED=False, UPLOAD_FOLDER={uploads!r},
                 SECRET_KEY="bench-secret-key-not-for-production-0123456789", PUBLIC_BASE_URL="http://gup.test")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, form: dict | None = None,
             headers: dict | None = None) -> tuple[int, bytes, list[tuple[str, str]]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if form is None:
            conn.request(method, path, headers=headers or {})
        else:
            conn.request(method, path, body=urllib.parse.urlencode(form),
                         headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        conn.close()


class Server:
    """gunicorn, 2 sync workers on 127.0.0.1; its log goes to a file (an undrained pipe would block it)."""

    def __init__(self, name: str, app: str, workdir: Path, probe: str, env: dict | None = None,
                 logdir: Path | None = None) -> None:
        self.name, self.port, self.probe = name, _free_port(), probe
        self.log = (logdir or workdir) / f"{name}.log"
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
                 "--bind", f"127.0.0.1:{self.port}", "--chdir", str(workdir), "--timeout", "60",
                 "--log-level", "warning", app],
                stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})

    def wait(self) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} server stopped: {self.log.read_text()}")
            try:
                if _request(self.port, "GET", self.probe)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name} server did not start within 40 s: {self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def load(port: int, total: int, clients: int, make: Callable[[int], tuple],
         seconds: float | None = None) -> dict:
    """`total` requests from `clients` threads (request i is make(i): method, path, form and optionally request
    headers), fewer if `seconds` run out first (no request starts after); throughput, latencies, answers
    (i, status, body, seconds, response headers)."""
    lock = threading.Lock()
    counter = iter(range(total))
    answers: list[tuple[int, int, bytes, float, list]] = []
    deadline = time.perf_counter() + seconds if seconds else None

    def run() -> None:
        while True:
            with lock:
                i = None if deadline and time.perf_counter() > deadline else next(counter, None)
            if i is None:
                return
            method, path, form, *headers = make(i)
            start = time.perf_counter()
            try:
                status, body, received = _request(port, method, path, form, *headers)
            except OSError as exc:
                status, body, received = 0, str(exc).encode(), []
            elapsed = time.perf_counter() - start
            with lock:
                answers.append((i, status, body, elapsed, received))

    threads = [threading.Thread(target=run) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies = sorted(a[3] for a in answers)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    sent = len(answers)
    return {"requests": sent, "seconds": round(wall, 3), "per_second": round(sent / wall, 1) if wall else 0.0,
            "p50_ms": round(cuts[49] * 1000, 1) if cuts else None,
            "p95_ms": round(cuts[94] * 1000, 1) if cuts else None,
            "errors": sum(1 for a in answers if a[1] not in (200, 302)), "answers": answers}


def merge_results(entries: dict, path: Path = RESULTS) -> None:
    """Write these keys into bench/results.json, keeping the other benchmarks' keys."""
    path.parent.mkdir(exist_ok=True)
    try:
        merged = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        merged = {}
    merged.update(entries)
    path.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"written to {shown} (key{'s' if len(entries) > 1 else ''} {', '.join(entries)})")


def _summary(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "answers"}


def ratio(key: str, gup: float, bare: float) -> dict:
    """One ratio of the report, named and compared with its target (TARGETS)."""
    name, target, op = TARGETS[key]
    value = round(gup / bare, 3) if bare else 0.0
    return {"name": name, "value": value, "target": target, "op": op,
            "met": value >= target if op == ">=" else value <= target}


# --- browser-like helpers (the public form) ----------------------------------------------------------

_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def cookies_of(headers: list[tuple[str, str]]) -> dict[str, str]:
    """name → value of the Set-Cookie headers of a response."""
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]
    return jar


def csrf_token(html: str) -> str | None:
    found = _CSRF.search(html)
    return found.group(1) if found else None


def session_data(cookie: str) -> dict:
    """The payload of a Flask session cookie (itsdangerous: base64 JSON, zlib-compressed when it starts with a
    dot), read without checking its signature: the benchmark only reads the reference gup put there."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".", 1)[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def form_reference(answer: tuple) -> str | None:
    """The reference a successful /signaler POST (302 to /signaler/merci) left in the session."""
    if answer[1] != 302:
        return None
    session = cookies_of(answer[4]).get("session")
    last = session_data(session).get("gup_last_report") if session else None
    return last.get("reference") if isinstance(last, dict) else None


# --- databases ---------------------------------------------------------------------------------------

def backend_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def _app(url: str, workdir: Path):
    import config
    from gup import create_app

    return create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(workdir / "uploads"))


def fill_reports(count: int, category_id: int, now: datetime) -> int:
    """`count` resident reports by Core executemany, from 2022 to yesterday (the last 90 days hold about 1,000
    per 17,000), each with its public acknowledgement and one in three with a second update; inside the app."""
    import sqlalchemy as sa

    from gup.extensions import db
    from gup.hotline.models import ReportUpdate, ResidentReport

    first = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(ResidentReport.id), 0))) + 1
    since = datetime(2022, 1, 1, tzinfo=UTC)
    step = (now - timedelta(days=1) - since) / count
    statuses = ("received", "qualified", "sent", "in_progress", "resolved")
    reports, updates = [], []
    for n in range(count):
        at = since + step * n
        rid = first + n
        status = statuses[n % len(statuses)]
        reports.append({"id": rid, "reference": f"GUP-{at.year}-{rid:06d}",
                        "channel": ("web", "open311", "phone")[n % 3],
                        "category_id": category_id, "description": f"Dépôt sauvage n° {n}, rue des Lilas",
                        "address": f"{n % 200} rue des Lilas", "latitude": 48.85 + n % 100 / 1e4,
                        "longitude": 2.35 + n % 97 / 1e4, "attribute_values": {}, "status": status,
                        "contact_consent": False, "created_at": at, "updated_at": at,
                        "closed_at": at + timedelta(days=3) if status == "resolved" else None,
                        "disclosure": ("resident", "private")[n % 2],
                        "public_description": None, "public_address": None})
        updates.append({"report_id": rid, "status": "received", "at": at,
                        "public_text": f"Votre signalement GUP-{at.year}-{rid:06d} a bien été reçu."})
        if n % 3 == 0:
            updates.append({"report_id": rid, "status": status, "at": at + timedelta(hours=5),
                            "public_text": "Le problème est pris en charge."})
    db.session.execute(sa.insert(ResidentReport.__table__), reports)
    db.session.execute(sa.insert(ReportUpdate.__table__), updates)
    if db.engine.dialect.name == "postgresql":  # the ids were given: the sequence goes on after them
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('resident_reports', 'id'), "
                                   "(SELECT MAX(id) FROM resident_reports))"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))  # the planner's statistics, as a database filled over time has them
    return count


def setup_gup(url: str, workdir: Path, *, migrate: bool, reports: int) -> dict:
    """gup's database ready: migrated, filled when `migrate` (a new database), then our published category
    (no extra question) and API key (public intake). Writes the gunicorn launcher; the service code, category id,
    key and the number of stored reports."""
    import sqlalchemy as sa

    from gup.extensions import db
    from gup.hotline.models import ReportCategory, ResidentReport
    from gup.open311.services import create_client
    from gup.orm import now_utc
    from tests import factories as f

    app = _app(url, workdir)
    with app.app_context():
        # a new database is migrated; a prebuilt one is at the head already (or, built before the last indexes,
        # gets them)
        from flask_migrate import upgrade

        logging.disable(logging.INFO)  # the migrations' log (alembic's fileConfig sets its own levels)
        upgrade()
        logging.disable(logging.NOTSET)
        category = db.session.scalar(sa.select(ReportCategory).where(ReportCategory.code == CATEGORY))
        if category is None:
            category = f.make_category(code=CATEGORY, label="Encombrants (banc d'essai)",
                                       description="Objets abandonnés")
        _client, key = create_client(name=f"Banc d'essai {uuid.uuid4().hex[:6]}", actor=None, now=now_utc(),
                                     public_intake=True)
        db.session.commit()
        built = None
        if migrate and reports:
            started = time.perf_counter()
            fill_reports(reports, category.id, now_utc())
            built = round(time.perf_counter() - started, 1)
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(ResidentReport))
        category_id = category.id
        db.session.remove()
        db.engine.dispose()
    (workdir / "launch_gup.py").write_text(LAUNCHER.format(root=str(ROOT), url=url,
                                                           uploads=str(workdir / "uploads")))
    return {"code": CATEGORY, "category_id": category_id, "key": key, "stored": stored, "filled_seconds": built}


def _scalars(url: str, sql: str, **params: object) -> list:
    import sqlalchemy as sa

    if not url.startswith(("sqlite", "postgresql")):  # a bare SQLite path
        url = f"sqlite:///{url}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).scalars())
    finally:
        engine.dispose()


def gup_rows(url: str, marker: str) -> list[str]:
    """References of the stored reports whose description carries the marker."""
    return _scalars(url, "SELECT reference FROM resident_reports WHERE description LIKE :m", m=f"{marker} %")


def bare_rows(target: str, marker: str) -> list[int]:
    return _scalars(target, "SELECT id FROM reports WHERE description LIKE :m", m=f"{marker} %")


def check_stored(result: dict, stored: list, answered_key: Callable[[tuple], object]) -> dict:
    """Every answered request stored once, nothing stored that was not answered."""
    answered = [answered_key(a) for a in result["answers"] if a[1] in (200, 302)]
    ok = (result["errors"] == 0 and len(stored) == len(set(stored)) == result["requests"]
          and None not in answered and sorted(answered, key=str) == sorted(stored, key=str))
    return {"stored": len(stored), "distinct": len(set(stored)), "lost": result["requests"] - len(set(stored)),
            "duplicated": len(stored) - len(set(stored)), "verified": ok}


# --- the parts ---------------------------------------------------------------------------------------

POINT = {"lat": "48.8566", "long": "2.3522"}


def _open311_post(key: str, code: str, marker: str) -> Callable[[int], tuple]:
    return lambda i: ("POST", "/open311/v2/requests.json", {
        "api_key": key, "service_code": code, **POINT, "description": f"{marker} n° {i}",
        "email": f"habitant{i}@example.org"})


def _bare_post(marker: str) -> Callable[[int], tuple]:
    return lambda i: ("POST", "/reports", {**POINT, "description": f"{marker} n° {i}"})


def _browser_forms(port: int, count: int, clients: int) -> list[tuple[str, str]]:
    """`count` fetches of GET /signaler as a browser does it: (CSRF token, Cookie header) each. Not timed."""
    fetched = load(port, count, clients, lambda _i: ("GET", "/signaler", None))
    forms = []
    for answer in fetched["answers"]:
        token = csrf_token(answer[2].decode())
        session = cookies_of(answer[4]).get("session")
        if answer[1] != 200 or token is None or session is None:
            raise SystemExit(f"GET /signaler answered {answer[1]} without a CSRF token or a session cookie")
        forms.append((token, f"session={session}"))
    return forms


def _form_post(forms: list[tuple[str, str]], category_id: int, marker: str) -> Callable[[int], tuple]:
    def make(i: int) -> tuple:
        token, cookie = forms[i]
        return ("POST", "/signaler", {
            "csrf_token": token, "category_id": str(category_id), "description": f"{marker} n° {i}",
            "address": f"{i % 200} rue des Lilas", "latitude": "48,8566", "longitude": "2,3522",
            "contact_email": f"habitant{i}@example.org", "contact_consent": "y", "website": ""},
            {"Cookie": cookie})
    return make


def run_intake(gup: Server, bare: Server, gup_url: str, bare_target: str, setup: dict, args, run_id: str) -> dict:
    rounds: dict[str, list[dict]] = {"open311_post": [], "form_post": [], "bare_post": []}
    for n in range(1, args.rounds + 1):
        marker = f"BENCH-{run_id}-o311-{n}"
        result = load(gup.port, args.posts, args.clients, _open311_post(setup["key"], setup["code"], marker),
                      args.seconds)
        rounds["open311_post"].append({**_summary(result), "round": n, **check_stored(
            result, gup_rows(gup_url, marker), lambda a: json.loads(a[2])[0]["service_request_id"])})

        marker = f"BENCH-{run_id}-bare-{n}"
        result = load(bare.port, args.posts * 5, args.clients, _bare_post(marker), args.seconds)
        rounds["bare_post"].append({**_summary(result), "round": n, **check_stored(
            result, bare_rows(bare_target, marker), lambda a: json.loads(a[2])[0]["id"])})

        marker = f"BENCH-{run_id}-form-{n}"
        forms = _browser_forms(gup.port, args.forms, args.clients)
        result = load(gup.port, args.forms, args.clients, _form_post(forms, setup["category_id"], marker),
                      args.seconds)
        rounds["form_post"].append({**_summary(result), "round": n,
                                    "statuses": sorted({a[1] for a in result["answers"]}),
                                    **check_stored(result, gup_rows(gup_url, marker), form_reference)})

    def best(name: str) -> float:
        return max(r["per_second"] for r in rounds[name])

    return {"rounds": rounds, "timed": "POST only (the form's GET for its CSRF token runs before the round)",
            "ratios": [ratio("open311_post", best("open311_post"), best("bare_post")),
                       ratio("form_post", best("form_post"), best("bare_post"))],
            "verified": all(r["verified"] for rs in rounds.values() for r in rs)}


def _items(answer: tuple) -> int:
    return len(json.loads(answer[2])) if answer[1] == 200 else -1


def run_feed(gup: Server, bare: Server, gup_url: str, bare_target: str, args) -> dict:
    from tests.bench_bare import seed_reports

    stored = _scalars(gup_url, "SELECT COUNT(*) FROM resident_reports")[0]
    bare_rows_held = seed_reports(bare_target, stored)
    paths = {"requests": "/open311/v2/requests.json", "updates": "/open311/v2/servicerequestupdates.json"}
    counts = {}
    for name, path in paths.items():  # what the default window answers (also warms both workers' caches)
        counts[name] = {_items(a) for a in load(gup.port, 4, 2, lambda _i, p=path: ("GET", p, None))["answers"]}
        if len(counts[name]) != 1 or min(counts[name]) <= 0:
            raise SystemExit(f"GET {path} answered {sorted(counts[name])} items")
        counts[name] = counts[name].pop()
    rounds: dict[str, list[dict]] = {f"{who}_{name}": [] for name in paths for who in ("gup", "bare")}
    for n in range(1, args.rounds + 1):
        for name, path in paths.items():
            items = counts[name]
            for who, server, target, total in (("gup", gup, path, args.gets),
                                               ("bare", bare, f"/reports?limit={items}", args.gets * 5)):
                result = load(server.port, total, args.clients, lambda _i, p=target: ("GET", p, None), args.seconds)
                sizes = sorted({_items(a) for a in result["answers"]})
                rounds[f"{who}_{name}"].append({
                    **_summary(result), "round": n, "path": target, "items": sizes,
                    "items_per_second": round(result["per_second"] * items, 1),
                    "verified": result["errors"] == 0 and sizes == [items]})

    def best(name: str) -> float:
        return max(r["items_per_second"] for r in rounds[name])

    return {"stored_reports": stored, "bare_rows": bare_rows_held, "items": counts,
            "window": "no argument: the last 90 days, at most 1,000 (requests newest first, updates oldest first)",
            "rounds": rounds,
            "ratios": [ratio(name, best(f"gup_{name}"), best(f"bare_{name}")) for name in paths],
            "verified": all(r["verified"] for rs in rounds.values() for r in rs)}


# --- report ------------------------------------------------------------------------------------------

def print_table(backend: str, reports: dict, clients: int) -> None:
    print()
    print(f"Open311 and /signaler through gunicorn (2 sync workers, {clients} clients, {os.cpu_count()} cores) on "
          f"{backend}, beside a bare Flask app on the same backend")
    print(f"{'what':<40} {'round':>5} {'req':>5} {'req/s':>8} {'items/s':>9} {'p50 ms':>8} {'p95 ms':>8}  check")
    for part, report in reports.items():
        for name, rounds in report["rounds"].items():
            for r in rounds:
                check = "ok" if r["verified"] else "FAILED"
                if "stored" in r:
                    check += f" (stored {r['stored']}, lost {r['lost']}, duplicated {r['duplicated']})"
                items = f"{r['items_per_second']:>9.0f}" if "items_per_second" in r else f"{'':>9}"
                print(f"{part + ' ' + name:<40} {r['round']:>5} {r['requests']:>5} {r['per_second']:>8.1f} {items} "
                      f"{r['p50_ms'] or 0:>8.1f} {r['p95_ms'] or 0:>8.1f}  {check}")
    for part, report in reports.items():
        if part == "feed":
            print(f"feed: {report['stored_reports']:,} reports stored; the default window answers "
                  f"{report['items']['requests']} requests and {report['items']['updates']} updates")
        for r in report["ratios"]:
            print(f"{r['name']}: {r['value']:.0%} (target {r['op']} {r['target']:.0%}) "
                  f"{'met' if r['met'] else 'NOT met'}")


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="a prebuilt, migrated database to use (scale-20 data); without it, "
                                               "a new one is built with --reports reports")
    parser.add_argument("--pg-database", default="bench_open311", help="PostgreSQL database created and dropped here")
    parser.add_argument("--parts", default="intake,feed", help="comma-separated: intake, feed")
    parser.add_argument("--reports", type=int, default=50_000, help="reports stored when building the database")
    parser.add_argument("--posts", type=int, default=300, help="Open311 POSTs per round (bare: ×5)")
    parser.add_argument("--forms", type=int, default=150, help="public form POSTs per round")
    parser.add_argument("--gets", type=int, default=30, help="GETs per round and feed (bare: ×5)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4,
                        help="at most this long per measured round (a slow machine sends fewer requests)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file to merge into")
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    if set(args.parts) - {"intake", "feed"} or not args.parts:
        parser.error("--parts: intake, feed")
    if args.database_url and backend_of(args.database_url) != args.backend:
        parser.error(f"--database-url is not a {args.backend} database")
    return args


def run(args: argparse.Namespace) -> dict:
    began = time.perf_counter()
    backend = args.backend
    names = [args.pg_database, *([] if args.database_url else [f"{args.pg_database}_gup"])]
    with tempfile.TemporaryDirectory() as tmp, nullcontext() if backend == "sqlite" else empty_postgres(*names) as pg:
        workdir = Path(tmp)
        if backend == "sqlite":
            bare_target = str(workdir / "bare.sqlite3")
            gup_url = args.database_url or f"sqlite:///{workdir / 'gup.sqlite3'}"
        else:
            bare_target = pg[0]
            gup_url = args.database_url or pg[1]
        setup = setup_gup(gup_url, workdir, migrate=not args.database_url, reports=args.reports)
        from tests.bench_bare import connect

        connect(bare_target).close()
        gup = Server("gup", "launch_gup:app", workdir, "/open311/v2/discovery.json")
        bare = Server("bare", "tests.bench_bare:app", ROOT, "/reports?limit=1",
                      env={"BENCH_BARE_DB": bare_target, "PYTHONPATH": str(ROOT)}, logdir=workdir)
        reports = {}
        try:
            gup.wait()
            bare.wait()
            run_id = uuid.uuid4().hex[:10]
            ready = round(time.perf_counter() - began, 1)
            for part in args.parts:
                started = time.perf_counter()
                out = (run_intake(gup, bare, gup_url, bare_target, setup, args, run_id) if part == "intake"
                       else run_feed(gup, bare, gup_url, bare_target, args))
                reports[part] = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "backend": backend,
                                 "database": "prebuilt (--database-url)" if args.database_url
                                 else f"built here ({args.reports:,} reports)",
                                 "clients": args.clients, "workers": 2, "cores": os.cpu_count(), **out,
                                 "part_seconds": round(time.perf_counter() - started, 1), "setup_seconds": ready}
        finally:
            gup.stop()
            bare.stop()
            for server in (gup, bare):
                log = server.log.read_text()
                if "Traceback" in log:
                    print(f"--- {server.name} server log ---\n{log[-3000:]}")
    seconds = round(time.perf_counter() - began, 1)
    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "backend": backend, "seconds": seconds,
              "parts": list(reports), "ratios": [r for part in reports.values() for r in part["ratios"]],
              "verified": all(part["verified"] for part in reports.values()), **reports}
    print_table(backend, reports, args.clients)
    print(f"{seconds} s")
    merge_results({f"open311.{backend}": report}, args.results)
    return report


def main(argv: list[str] | None = None) -> None:
    report = run(_arguments(argv))
    if not report["verified"]:
        raise SystemExit("some requests failed or were not stored exactly once")


if __name__ == "__main__":
    main()
