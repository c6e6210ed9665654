"""Benchmark of the back-office pages at scale (issue 13, part 3), beside a bare Flask page.

    make bench                                   # tests/bench_all.py runs it on SQLite and PostgreSQL
    .venv/bin/python -m tests.bench_backoffice [--backend sqlite|postgresql] [--database-url URL] [--scale 20]
                                               [--requests 24] [--rounds 2] [--clients 4] [--seconds 8]

1. A database loaded by `flask gup demo --scale N` (tests/bench_data.py): `--database-url` (the driver passes a
   copy of its dataset), else built here (SQLite: the cached file of bench/cache/, copied; PostgreSQL: built in
   `bench_scale<N>_seed<S>` and dropped at the end).
2. SQL queries per request of each page, in-process (create_app on the same database, test client, one request
   after a warm-up, SQLAlchemy before_cursor_execute).
3. gup under gunicorn (2 sync workers, tests/bench_open311.py's Server and load generator) and the bare baseline
   (tests/bench_bare.py `GET /page`: one indexed query on 50,000 rows, a small Jinja template) side by side. A
   coordinator (coordination@demo.gup.fr) and a partner referent of the largest synthetic agreement log in
   through /login (CSRF); then, for each round, each page gets `--requests` GETs from `--clients` threads, then
   the bare page the same load (alternating): dashboard, « Mes actions », the findings list filtered by status
   and theme, the report queue, the largest agreement's page, a public tracking page and the REST lists (bearer
   token). Best round's p50/p95 per page; each page's p95 / bare p95 (target ≤ 3×).

Results are merged into bench/results.json under "backoffice.<backend>".
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from tests.bench_bare import ITEMS, seed_items
from tests.bench_data import build_scale, database_copy, drop_database
from tests.bench_open311 import LAUNCHER, ROOT, Server, _summary, load, merge_results

COORDINATOR = "coordination@demo.gup.fr"
PASSWORD = "demo-gup-2026"  # gup.agreements.demo.DEMO_PASSWORD
TARGET_RATIO = 3.0


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


def measure(url: str, workdir: Path, bare_url: str, args: argparse.Namespace) -> dict:
    """gup and the bare page served side by side; for each round, each page under load, then the bare page."""
    t = targets(url)
    (workdir / "launch_gup.py").write_text(LAUNCHER.format(root=str(ROOT), url=url,
                                                           uploads=str(workdir / "uploads")))
    queries = count_queries(url, workdir, t)
    gup = Server("gup", "launch_gup:app", workdir, "/login")
    bare = bare_server(workdir, bare_url)
    rounds: dict[str, list[dict]] = {name: [] for name, _who, _path in pages(t)}
    bare_rounds: list[dict] = []
    try:
        gup.wait()
        bare.wait()
        headers = {"coordinator": {"Cookie": http_login(gup.port, COORDINATOR)},
                   "referent": {"Cookie": http_login(gup.port, t["referent"])},
                   "public": {}, "token": {"Authorization": f"Bearer {t['token']}"}}
        for n in range(1, args.rounds + 1):
            for name, who, path in pages(t):
                result = load(gup.port, args.requests, args.clients,
                              lambda _i, p=path, h=headers[who]: ("GET", p, None, h), args.seconds)
                rounds[name].append({**_summary(result), "round": n,
                                     "statuses": sorted({a[1] for a in result["answers"]})})
                result = load(bare.port, args.requests, args.clients,
                              lambda i: ("GET", f"/page?group={i % 100}", None), args.seconds)
                bare_rounds.append({**_summary(result), "round": n,
                                    "statuses": sorted({a[1] for a in result["answers"]})})
    finally:
        for server in (gup, bare):
            server.stop()
            log = server.log.read_text()
            if "Traceback" in log:
                print(f"--- {server.name} server log ---\n{log[-3000:]}")
    bare_p95 = min(r["p95_ms"] for r in bare_rounds)
    bare_p50 = min(r["p50_ms"] for r in bare_rounds)
    results = {}
    for name, who, path in pages(t):
        best = min(rounds[name], key=lambda r: r["p95_ms"])
        results[name] = {"path": path, "who": who, "p50_ms": min(r["p50_ms"] for r in rounds[name]),
                         "p95_ms": best["p95_ms"], "rounds": rounds[name],
                         "statuses": sorted({s for r in rounds[name] for s in r["statuses"]}),
                         "queries": queries[name]["queries"], "status_in_process": queries[name]["status"],
                         "ratio_p95": round(best["p95_ms"] / bare_p95, 2) if bare_p95 else None}
    bare_summary = {"path": "/page?group=G", "rows": ITEMS, "p50_ms": bare_p50, "p95_ms": bare_p95,
                    "rounds": bare_rounds}
    return {"targets": {k: v for k, v in t.items() if k != "token"}, "pages": results, "bare": bare_summary}


def bare_server(workdir: Path, bare_url: str) -> Server:
    """tests/bench_bare.py on its own database of 50,000 items (seeded here)."""
    seed_items(bare_url.removeprefix("sqlite:///"))
    return Server("bare", "tests.bench_bare:app", ROOT, "/page?group=0",
                  env={"BENCH_BARE_DB": bare_url.removeprefix("sqlite:///"), "PYTHONPATH": str(ROOT)},
                  logdir=workdir)


# --- report ------------------------------------------------------------------------------------------

def print_summary(report: dict) -> None:
    bare = report["bare"]
    print(f"Back office on {report['backend']} through gunicorn (2 sync workers, {report['clients']} clients, "
          f"{report['cores']} cores), --scale {report['scale']}, {report['requests']} requests per page and round, "
          f"{report['rounds']} rounds (best round shown)")
    print(f"bare Flask page (1 indexed query on {bare['rows']:,} rows + Jinja): p50 {bare['p50_ms']} ms, "
          f"p95 {bare['p95_ms']} ms")
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'p95/bare':>9}  status")
    for name, r in report["pages"].items():
        flag = "" if (r["ratio_p95"] or 0) <= TARGET_RATIO else f"  > {TARGET_RATIO:g}×"
        print(f"{name:<22} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['queries']:>8} "
              f"{r['ratio_p95']:>8.1f}×  {','.join(map(str, r['statuses']))}{flag}")


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="a database already loaded by `flask gup demo --scale N` (a copy: "
                                               "a bearer token is stored in it); built here when absent")
    parser.add_argument("--scale", type=int, default=20, help="synthetic agreements (flask gup demo --scale)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=24, help="GETs per page and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8, help="at most this long per page and round")
    args = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        made: dict = {"cache": None, "built_seconds": None}
        url = args.database_url
        if url is None:
            source, made = build_scale(args.backend, args.scale, args.seed)
            url = stack.enter_context(database_copy(source, "bench_backoffice", workdir))
            if args.backend != "sqlite":
                stack.callback(drop_database, source)
        run = measure(url, workdir, f"sqlite:///{workdir / 'bare.sqlite3'}", args)

    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "backend": args.backend,
              "scale": args.scale, "seed": args.seed, "requests": args.requests, "rounds": args.rounds,
              "clients": args.clients, "workers": 2, "cores": os.cpu_count(), "dataset": made,
              "target_ratio_p95": TARGET_RATIO, **run,
              "ratios": [{"name": f"{name} ({r['path']}) p95 gup/bare", "value": r["ratio_p95"],
                          "target": TARGET_RATIO, "op": "<=", "met": (r["ratio_p95"] or 0) <= TARGET_RATIO}
                         for name, r in run["pages"].items()],
              "all_ok": all(r["statuses"] == [200] and r["status_in_process"] == 200 for r in run["pages"].values()),
              "seconds": round(time.perf_counter() - began, 1)}
    print_summary(report)
    merge_results({f"backoffice.{args.backend}": report})
    if not report["all_ok"]:
        raise SystemExit("some pages did not answer 200")
    return report


if __name__ == "__main__":
    main()
