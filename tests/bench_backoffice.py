"""Benchmark of the back-office pages on load data, beside a bare Flask page.

    make bench                                   # runs it with the other benchmarks
    .venv/bin/python -m tests.bench_backoffice [--scale 20] [--requests 40] [--clients 4] [--database-url URL]

1. A database: a temporary SQLite file migrated by `flask db upgrade` and loaded by `flask gup demo --scale N`
   (subprocesses, DATABASE_URL). The loaded file is cached in bench/cache/, keyed by scale, seed and Alembic
   head, and copied to a temporary file before each run (a re-run does not regenerate it). With
   `--database-url`, that (empty) database is used instead of SQLite; by default PostgreSQL is measured too when
   127.0.0.1:5432 answers, in a database `bench_bo` created and dropped here (`--no-postgres` to skip).
2. gup under gunicorn (2 sync workers, tests/bench_open311.py's Server and load generator): a coordinator
   (coordination@demo.gup.fr) and a partner referent of the largest synthetic agreement log in through /login
   (CSRF), then `--requests` GETs per page from `--clients` threads: dashboard, « Mes actions », the findings
   list filtered by status and theme, the report queue, the largest agreement's page, a public tracking page
   and the REST lists (bearer token). p50/p95 per page.
3. SQL queries per request of each page, in-process (create_app on the same database, test client, one request,
   SQLAlchemy before_cursor_execute).
4. The bare baseline (tests/bench_bare.py `GET /page`: one indexed query on 50,000 rows, a small Jinja
   template) under the same load; each page's p95 / bare p95 (target ≤ 3×).

The scheduler's benchmark is tests/bench_scheduler.py. Results are merged into bench/results.json under
"backoffice".
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from tests.bench_open311 import LAUNCHER, ROOT, Server, _summary, load, merge_results

CACHE = ROOT / "bench" / "cache"
COORDINATOR = "coordination@demo.gup.fr"
PASSWORD = "demo-gup-2026"  # gup.agreements.demo.DEMO_PASSWORD
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_bo"
TARGET_RATIO = 3.0


def _flask(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    proc = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return "-".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def sqlite_database(workdir: Path, scale: int, seed: int) -> tuple[str, dict]:
    """A copy of the cached loaded SQLite file (built first if missing): (url, how it was made)."""
    cached = CACHE / f"backoffice-scale{scale}-seed{seed}-{alembic_head()}.sqlite3"
    built = None
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        url = f"sqlite:///{partial}"
        _flask(url, "db", "upgrade")
        _flask(url, "gup", "demo", "--scale", str(scale), "--seed", str(seed))
        built = round(time.perf_counter() - started, 1)
        partial.rename(cached)
    target = workdir / "gup.sqlite3"
    shutil.copyfile(cached, target)
    return f"sqlite:///{target}", {"cache": str(cached.relative_to(ROOT)), "built_seconds": built}


def load_url(url: str, scale: int, seed: int) -> dict:
    started = time.perf_counter()
    _flask(url, "db", "upgrade")
    _flask(url, "gup", "demo", "--scale", str(scale), "--seed", str(seed))
    return {"cache": None, "built_seconds": round(time.perf_counter() - started, 1)}


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def postgres_database():
    """Our own database `bench_bo` (dropped first if a previous run left it, dropped at the end)."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS bench_bo WITH (FORCE)"))

    drop()
    with admin.connect() as conn:
        conn.execute(sa.text("CREATE DATABASE bench_bo"))
    try:
        yield PG_BENCH
    finally:
        drop()
        admin.dispose()


# --- what is measured --------------------------------------------------------------------------------

def targets(url: str) -> dict:
    """Ids the pages need, read from the database; and a bearer token for the coordinator (stored here)."""
    import secrets

    import sqlalchemy as sa

    from gup.auth.models import hash_token

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        one = lambda sql, **kw: conn.execute(sa.text(sql), kw).first()  # noqa: E731
        coordinator = one("SELECT id FROM users WHERE email = :e", e=COORDINATOR)[0]
        agreement = one("SELECT agreement_id FROM findings GROUP BY agreement_id ORDER BY COUNT(*) DESC, "
                        "agreement_id LIMIT 1")[0]
        referent = one("SELECT u.email FROM users u JOIN partners p ON p.organisation_id = u.organisation_id "
                       "WHERE p.agreement_id = :a AND u.role = 'partner_referent' AND u.email LIKE 'bailleur1.%' "
                       "ORDER BY u.id LIMIT 1", a=agreement)
        if referent is None:
            referent = one("SELECT u.email FROM users u JOIN partners p ON p.organisation_id = u.organisation_id "
                           "WHERE p.agreement_id = :a AND u.role = 'partner_referent' ORDER BY u.id LIMIT 1",
                           a=agreement)
        theme = one("SELECT theme_id FROM findings WHERE agreement_id = :a GROUP BY theme_id "
                    "ORDER BY COUNT(*) DESC, theme_id LIMIT 1", a=agreement)[0]
        report = one("SELECT reference FROM resident_reports ORDER BY id DESC LIMIT 1")[0]
        raw = f"gup_bench_{secrets.token_hex(16)}"
        conn.execute(sa.text("INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, updated_at) "
                             "VALUES (:u, 'bench', :h, :p, :t, :t)"),
                     {"u": coordinator, "h": hash_token(raw), "p": raw[:10], "t": datetime.now(UTC)})
    engine.dispose()
    return {"agreement": agreement, "referent": referent[0], "theme": theme, "report": report, "token": raw}


def pages(t: dict) -> list[tuple[str, str, str]]:
    """(name, who: coordinator / referent / public / token, path)."""
    return [
        ("dashboard", "coordinator", "/"),
        ("my_actions", "referent", "/mes-actions"),
        ("findings_filtered", "coordinator", f"/findings?status=new&theme_id={t['theme']}"),
        ("report_queue", "coordinator", "/signalements"),
        ("agreement", "coordinator", f"/agreements/{t['agreement']}"),
        ("public_tracking", "public", f"/suivi/{urllib.parse.quote(t['report'])}"),
        ("api_findings", "token", "/api/v1/findings"),
        ("api_actions", "token", "/api/v1/actions"),
        ("api_resident_reports", "token", "/api/v1/resident-reports"),
    ]


def _cookies(response: http.client.HTTPResponse, jar: dict) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def http_login(port: int, email: str, password: str = PASSWORD) -> str:
    """Log in through the real /login form (CSRF token from the page): the Cookie header of the session."""
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    conn.close()
    _cookies(response, jar)
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/login", body=urllib.parse.urlencode(
        {"csrf_token": token.group(1), "email": email, "password": password}),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 302:
        raise SystemExit(f"login of {email} answered {response.status}")
    _cookies(response, jar)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def count_queries(url: str, workdir: Path, t: dict) -> dict[str, dict]:
    """One request per page through the test client, on the same database: SQL statements and status."""
    import sqlalchemy as sa

    import config
    from gup import create_app
    from gup.extensions import db

    app = create_app(config.Config, SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, WTF_CSRF_ENABLED=False,
                     UPLOAD_FOLDER=str(workdir / "uploads"), SECRET_KEY="bench-secret-key-not-for-production-0123")
    counted: list[str] = []
    clients = {}
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: counted.append(a[2]))
        for who, email in (("coordinator", COORDINATOR), ("referent", t["referent"])):
            client = app.test_client()
            answer = client.post("/login", data={"email": email, "password": PASSWORD})
            if answer.status_code != 302:
                raise SystemExit(f"in-process login of {email} answered {answer.status_code}")
            clients[who] = client
        clients["public"] = app.test_client()
        clients["token"] = app.test_client()
        out = {}
        for name, who, path in pages(t):
            headers = {"Authorization": f"Bearer {t['token']}"} if who == "token" else {}
            clients[who].get(path, headers=headers)  # warm: caches, first connection
            counted.clear()
            answer = clients[who].get(path, headers=headers)
            out[name] = {"queries": len(counted), "status": answer.status_code}
        db.session.remove()
        db.engine.dispose()
    return out


def measure(url: str, workdir: Path, requests: int, clients: int, bare_p95: float) -> dict:
    t = targets(url)
    (workdir / "launch_gup.py").write_text(LAUNCHER.format(root=str(ROOT), url=url,
                                                           uploads=str(workdir / "uploads")))
    queries = count_queries(url, workdir, t)
    gup = Server("gup", "launch_gup:app", workdir, "/login")
    try:
        gup.wait()
        headers = {"coordinator": {"Cookie": http_login(gup.port, COORDINATOR)},
                   "referent": {"Cookie": http_login(gup.port, t["referent"])},
                   "public": {}, "token": {"Authorization": f"Bearer {t['token']}"}}
        results = {}
        for name, who, path in pages(t):
            result = load(gup.port, requests, clients, lambda _i, p=path, h=headers[who]: ("GET", p, None, h))
            statuses = sorted({a[1] for a in result["answers"]})
            results[name] = {"path": path, "who": who, **_summary(result), "statuses": statuses,
                             **{k: queries[name][k] for k in ("queries",)},
                             "status_in_process": queries[name]["status"],
                             "ratio_p95": round(result["p95_ms"] / bare_p95, 2) if bare_p95 else None}
    finally:
        gup.stop()
        log = gup.log.read_text()
        if "Traceback" in log:
            print(f"--- gup server log ---\n{log[-3000:]}")
    return {"targets": {k: v for k, v in t.items() if k != "token"}, "pages": results}


def bare_baseline(workdir: Path, requests: int, clients: int) -> dict:
    from tests.bench_bare import ITEMS, seed_items

    bare_db = workdir / "bare.sqlite3"
    seed_items(str(bare_db))
    bare = Server("bare", "tests.bench_bare:app", ROOT, "/page?group=0",
                  env={"BENCH_BARE_DB": str(bare_db), "PYTHONPATH": str(ROOT)}, logdir=workdir)
    try:
        bare.wait()
        result = load(bare.port, requests, clients, lambda i: ("GET", f"/page?group={i % 100}", None))
    finally:
        bare.stop()
    return {"path": "/page?group=G", "rows": ITEMS, **_summary(result),
            "statuses": sorted({a[1] for a in result["answers"]})}


# --- report ------------------------------------------------------------------------------------------

def print_summary(report: dict) -> None:
    bare = report["bare"]
    print()
    print(f"Back office through gunicorn (2 sync workers, {report['clients']} clients, {report['cores']} cores), "
          f"--scale {report['scale']}, {report['requests']} requests per page")
    print(f"bare Flask page (1 indexed query on {bare['rows']:,} rows + Jinja): p50 {bare['p50_ms']} ms, "
          f"p95 {bare['p95_ms']} ms")
    for backend, run in report["databases"].items():
        print(f"\n[{backend}]")
        print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95/bare':>9}  status")
        for name, r in run["pages"].items():
            flag = "" if (r["ratio_p95"] or 0) <= TARGET_RATIO else "  > 3×"
            print(f"{name:<22} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['queries']:>8} "
                  f"{r['ratio_p95']:>8.1f}×  {','.join(map(str, r['statuses']))}{flag}")


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20, help="synthetic agreements (flask gup demo --scale)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=40, help="GETs per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", help="an empty database to migrate and load instead of SQLite "
                                               "(PostgreSQL is then not run separately)")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL even when 127.0.0.1:5432 answers")
    parser.add_argument("--results", type=Path, default=None, help="JSON file to merge into (bench/results.json)")
    args = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bare = bare_baseline(workdir, args.requests * 2, args.clients)
        databases: dict[str, dict] = {}
        if args.database_url:
            backend = args.database_url.split(":", 1)[0].split("+", 1)[0]
            made = load_url(args.database_url, args.scale, args.seed)
            databases[backend] = {**made, **measure(args.database_url, workdir, args.requests, args.clients,
                                                    bare["p95_ms"])}
        else:
            url, made = sqlite_database(workdir, args.scale, args.seed)
            databases["sqlite"] = {**made, **measure(url, workdir, args.requests, args.clients, bare["p95_ms"])}
            if not args.no_postgres and postgres_reachable():
                with postgres_database() as pg:
                    made = load_url(pg, args.scale, args.seed)
                    databases["postgresql"] = {**made, **measure(pg, workdir, args.requests, args.clients,
                                                                 bare["p95_ms"])}

    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "scale": args.scale, "seed": args.seed,
              "requests": args.requests, "clients": args.clients, "workers": 2, "cores": os.cpu_count(),
              "target_ratio_p95": TARGET_RATIO, "bare": bare, "databases": databases,
              "all_ok": all(r["statuses"] == [200] and r["status_in_process"] == 200
                            for run in databases.values() for r in run["pages"].values()),
              "seconds": round(time.perf_counter() - began, 1)}
    print_summary(report)
    merge_results({"backoffice": report}, *([args.results] if args.results else []))
    if not report["all_ok"]:
        raise SystemExit("some pages did not answer 200")
    return report


if __name__ == "__main__":
    main()
