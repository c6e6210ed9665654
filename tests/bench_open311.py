"""Benchmark of Open311 intake and listing through a real server, beside a bare Flask app doing the least.

    make bench                                   # runs it with the other benchmarks
    .venv/bin/python -m tests.bench_open311 [--posts 400] [--gets 30] [--clients 8] [--rounds 2] [--seconds 15]

Two gunicorn servers (2 sync workers each, 127.0.0.1, free ports): gup on a temporary SQLite file (migrated,
seeded with one published category and one API key) and tests/bench_bare.py on its own SQLite file (one
endpoint inserting one row with plain SQL, one returning N rows as JSON). A load generator of `--clients`
threads (http.client, a new connection per request: sync workers close it) sends, in alternating rounds
(gup, bare, gup, bare…):

- POST /open311/v2/requests.json (a description, a point, an e-mail: the acknowledgement mail is queued) vs
  POST /reports; every report must be stored once — as many rows as answered 201/200, each reference answered
  exactly once, nothing lost, nothing duplicated;
- GET /open311/v2/requests.json answering 1,000 requests (of 1,210 stored) vs GET /reports?limit=1000.

Each measured round stops early after `--seconds` (15), so the whole run stays under 3 minutes on a slow or
busy machine. Reports throughput (requests per second), p50 and p95 latency (ms), and the ratio gup / bare of
the best rounds. Results are merged
into bench/results.json under the key "open311" (the other benchmarks' keys are kept).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
STORED = 1_210  # reports in the database when GET is measured (it answers the newest 1,000)
LISTED = 1_000

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
             headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        if form is None:
            conn.request(method, path, headers=headers or {})
        else:
            conn.request(method, path, body=urllib.parse.urlencode(form),
                         headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
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
    headers), fewer if `seconds` run out first (no request starts after); throughput, latencies, answers."""
    lock = threading.Lock()
    counter = iter(range(total))
    answers: list[tuple[int, int, bytes, float]] = []
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
                status, body = _request(port, method, path, form, *headers)
            except OSError as exc:
                status, body = 0, str(exc).encode()
            elapsed = time.perf_counter() - start
            with lock:
                answers.append((i, status, body, elapsed))

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
    return {"requests": sent, "seconds": round(wall, 3), "per_second": round(sent / wall, 1),
            "p50_ms": round(cuts[49] * 1000, 1), "p95_ms": round(cuts[94] * 1000, 1),
            "errors": sum(1 for a in answers if a[1] != 200), "answers": answers}


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


# --- gup ------------------------------------------------------------------------------------------

def setup_gup(workdir: Path) -> tuple[str, str, str]:
    """Migrated SQLite file, one published category, one API key (public intake): (url, service code, key)."""
    from flask_migrate import upgrade

    import config
    from gup import create_app
    from gup.extensions import db
    from gup.open311.services import create_client
    from gup.orm import now_utc
    from tests import factories as f

    url = f"sqlite:///{workdir / 'gup.sqlite3'}"
    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(workdir / "uploads"))
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' log (alembic's fileConfig sets its own levels)
        upgrade()
        logging.disable(logging.NOTSET)
        f.make_category(code="encombrants", label="Encombrants", description="Objets abandonnés")
        _client, key = create_client(name="Banc d'essai", actor=None, now=now_utc(), public_intake=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    (workdir / "launch_gup.py").write_text(LAUNCHER.format(root=str(ROOT), url=url,
                                                           uploads=str(workdir / "uploads")))
    return url, "encombrants", key


def gup_rows(url: str, marker: str) -> list[str]:
    """References of the stored reports whose description carries the marker."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        refs = [r for (r,) in conn.execute(sa.text("SELECT reference FROM resident_reports WHERE description LIKE :m"),
                                           {"m": f"{marker} %"})]
    engine.dispose()
    return refs


def bare_rows(path: Path, marker: str) -> list[int]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return [i for (i,) in conn.execute("SELECT id FROM reports WHERE description LIKE ?", (f"{marker} %",))]


def check_stored(result: dict, stored: list, answered_key: Callable[[bytes], object]) -> dict:
    """Every answered request stored once, nothing stored that was not answered."""
    answered = [answered_key(a[2]) for a in result["answers"] if a[1] == 200]
    ok = (result["errors"] == 0 and len(stored) == len(set(stored)) == result["requests"]
          and sorted(answered, key=str) == sorted(stored, key=str))
    return {"stored": len(stored), "distinct": len(set(stored)), "lost": result["requests"] - len(set(stored)),
            "duplicated": len(stored) - len(set(stored)), "verified": ok}


def main() -> None:  # noqa: C901  (one linear script: rounds, checks, summary)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=400, help="POSTs per round and server")
    parser.add_argument("--gets", type=int, default=30, help="GETs of 1,000 requests per round (bare: ×5)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=15,
                        help="at most this long per measured round (a slow machine sends fewer requests)")
    args = parser.parse_args()
    began = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url, code, key = setup_gup(workdir)
        bare_db = workdir / "bare.sqlite3"
        from tests.bench_bare import connect

        connect(str(bare_db)).close()
        gup = Server("gup", "launch_gup:app", workdir, "/open311/v2/discovery.json")
        bare = Server("bare", "tests.bench_bare:app", ROOT, "/reports?limit=1",
                      env={"BENCH_BARE_DB": str(bare_db), "PYTHONPATH": str(ROOT)}, logdir=workdir)
        try:
            gup.wait()
            bare.wait()
            run_id = uuid.uuid4().hex[:10]
            point = {"lat": "48.8566", "long": "2.3522"}

            def gup_post(marker: str) -> Callable[[int], tuple[str, str, dict]]:
                return lambda i: ("POST", "/open311/v2/requests.json", {
                    "api_key": key, "service_code": code, **point, "description": f"{marker} n° {i}",
                    "email": f"habitant{i}@example.org"})

            def bare_post(marker: str) -> Callable[[int], tuple[str, str, dict]]:
                return lambda i: ("POST", "/reports", {**point, "description": f"{marker} n° {i}"})

            posts: dict[str, list[dict]] = {"gup": [], "bare": []}
            for n in range(1, args.rounds + 1):
                for name, server, make, rows, key_of in (
                        ("gup", gup, gup_post, lambda m: gup_rows(url, m),
                         lambda b: json.loads(b)[0]["service_request_id"]),
                        ("bare", bare, bare_post, lambda m: bare_rows(bare_db, m), lambda b: json.loads(b)[0]["id"])):
                    marker = f"BENCH-{run_id}-{name}-{n}"
                    result = load(server.port, args.posts, args.clients, make(marker), args.seconds)
                    summary = {**_summary(result), **check_stored(result, rows(marker), key_of), "round": n}
                    posts[name].append(summary)

            # the database holds 1,210 reports when GET is measured (the POST rounds plus unmeasured ones)
            for name, server, make in (("gup", gup, gup_post), ("bare", bare, bare_post)):
                missing = STORED - sum(r["requests"] for r in posts[name])
                if missing > 0:
                    seeded = load(server.port, missing, args.clients, make(f"SEED-{run_id}-{name}"))
                    if seeded["errors"]:
                        raise SystemExit(f"seeding {name} failed: {seeded['answers'][0][2][:300]!r}")

            gets: dict[str, list[dict]] = {"gup": [], "bare": []}
            for n in range(1, args.rounds + 1):
                for name, server, path, count in (("gup", gup, "/open311/v2/requests.json", args.gets),
                                                  ("bare", bare, f"/reports?limit={LISTED}", args.gets * 5)):
                    result = load(server.port, count, args.clients, lambda _i, p=path: ("GET", p, None),
                                  args.seconds)
                    sizes = {len(json.loads(a[2])) for a in result["answers"] if a[1] == 200}
                    gets[name].append({**_summary(result), "items": sorted(sizes), "round": n,
                                       "verified": result["errors"] == 0 and sizes == {LISTED}})
        finally:
            gup.stop()
            bare.stop()
            for server in (gup, bare):
                log = server.log.read_text()
                if "Traceback" in log:
                    print(f"--- {server.name} server log ---\n{log[-3000:]}")

    def best(rounds: list[dict]) -> dict:
        return max(rounds, key=lambda r: r["per_second"])

    report = {"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "clients": args.clients,
              "workers": 2, "cores": os.cpu_count(), "posts": posts, "gets": gets,
              "post_ratio": round(best(posts["gup"])["per_second"] / best(posts["bare"])["per_second"], 3),
              "get_ratio": round(best(gets["gup"])["per_second"] / best(gets["bare"])["per_second"], 3),
              "verified": all(r["verified"] for rounds in (*posts.values(), *gets.values()) for r in rounds),
              "seconds": round(time.perf_counter() - began, 1)}

    print()
    print(f"Open311 through gunicorn (2 sync workers, {args.clients} clients, {os.cpu_count()} cores), "
          "beside a bare Flask app on SQLite")
    print(f"{'what':<34} {'round':>5} {'req':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  check")
    for title, table in (("POST requests.json", posts), (f"GET requests.json ({LISTED} of {STORED})", gets)):
        for name in ("gup", "bare"):
            label = f"{title} — {name}" if name == "gup" else f"{'':<{len(title)}} — bare"
            for r in table[name]:
                check = "ok" if r["verified"] else "FAILED"
                if "stored" in r:
                    check += f" (stored {r['stored']}, lost {r['lost']}, duplicated {r['duplicated']})"
                print(f"{label:<34} {r['round']:>5} {r['requests']:>5} {r['per_second']:>8.1f} {r['p50_ms']:>8.1f} "
                      f"{r['p95_ms']:>8.1f}  {check}")
    print(f"gup / bare, best rounds: POST {report['post_ratio']:.0%} (target ≥ 40 %), "
          f"GET {report['get_ratio']:.0%} (target ≥ 25 %); {report['seconds']} s")

    merge_results({"open311": report})
    if not report["verified"]:
        raise SystemExit("some requests failed or were not stored exactly once")


if __name__ == "__main__":
    main()
