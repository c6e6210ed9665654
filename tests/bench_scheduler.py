"""Benchmark of the scheduler: `flask gup jobs run-due` over the demo and 200 small synthetic agreements.

    make bench                                   # runs it with the other benchmarks
    .venv/bin/python -m tests.bench_scheduler [--backend sqlite|postgresql] [--agreements 200] [--database-url URL]

1. A database holding the demo and `--agreements` (200) small synthetic agreements: gup/demo/scale.py with its
   per-agreement counts turned down (`SMALL`: 40 findings, 40 reports, 4 walks, 6 commitments, 3 relays), after
   `flask db upgrade` (subprocesses, DATABASE_URL). SQLite: the loaded file is cached in bench/cache/, keyed by
   agreements, seed and Alembic head, and copied to a temporary file before each run. PostgreSQL (127.0.0.1:5432,
   user postgres): our own database `--pg-database` (bench_scheduler), created, loaded and dropped at the end
   (also on error). `--database-url`: a database to use instead (migrated here, loaded when it holds no
   agreement; the jobs write to it).
2. `flask gup jobs run-due` (a subprocess, the real clock or `--now`), with a local SMTP sink
   (tests/smtp_server.py) so the outbox job sends for real: total seconds, and each job's own seconds from the
   `[… s]` the command prints after each outcome. A run is stopped after `--cap` (120) seconds: the jobs that
   finished are then read from the runner's log lines, and the job cut short is named.
3. A second `jobs run-due` right after: nothing new is due (every occurrence is taken), it must be quick.

The issue sets no target for the scheduler; 60 s for the first run-due is ours (one daily cron run, which must
not run into the next minute's `send_mails` for long). Results are merged into bench/results.json under
"scheduler.<backend>".
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tests.bench_data import build, copy_database, empty_postgres, scalar
from tests.bench_open311 import ROOT, merge_results

PART = "scheduler"
TARGET_SECONDS = 60.0
#: per-agreement counts of the small agreements (gup.demo.scale module constants)
SMALL = {"WALKS": 4, "FINDINGS": 40, "REPORTS": 40, "COMMITMENTS": 6, "RELAYS": 3}
#: a line of `flask gup jobs run-due`: job, occurrence (or —), status, (summary), [seconds]
OUTCOME = re.compile(r"^(?P<job>\S+)\s+(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d|—)\s+(?P<status>ok|failed|taken|not due)"
                     r"(?: \((?P<summary>.*?)\))?(?:\s+\[(?P<seconds>[\d.]+) s\])?\s*$")
#: the runner's log lines (gup.scheduler.runner.run_occurrence)
LOG_LINE = re.compile(r"gup\.scheduler\.runner: job (?P<job>\S+) at \S+ (?P<status>ok|failed) in (?P<seconds>[\d.]+) s")
STARTED = re.compile(r"gup\.scheduler\.runner: job (\S+) at \S+ starting")


def _env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "GUP_PUBLIC_BASE_URL": "https://gup.test",
            **extra}


def _flask(url: str, *args: str, **env: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=_env(url, **env),
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def parse_outcomes(output: str) -> list[dict]:
    """The outcome lines of `jobs run-due` as dicts (job, status, summary, seconds); other lines are skipped."""
    out = []
    for line in output.splitlines():
        m = OUTCOME.match(line.rstrip())
        if m:
            out.append({"job": m["job"], "status": m["status"], "summary": m["summary"],
                        "seconds": float(m["seconds"]) if m["seconds"] else None})
    return out


def ratio(seconds: float, agreements: int, *, capped: bool = False) -> dict:
    """The ratio entry of the first run-due; a run stopped at the cap took at least `seconds` (not met)."""
    return {"name": f"jobs run-due over {agreements} agreements (s)", "value": seconds, "target": TARGET_SECONDS,
            "op": "<=", "met": not capped and seconds <= TARGET_SECONDS, "capped": capped,
            "source": "ours: the issue sets no target"}


# --- the database ------------------------------------------------------------------------------------

def load(url: str, agreements: int, seed: int) -> None:
    """Migrate and load the demo and the small agreements (gup.demo.cli._load_scale with SMALL counts)."""
    _flask(url, "db", "upgrade")
    code = ("import gup.demo.scale as s, gup.demo.cli as c, config\n"
            "from gup import create_app\n"
            f"for k, v in {SMALL!r}.items(): setattr(s, k, v)\n"
            f"app = create_app(config.Config, SQLALCHEMY_DATABASE_URI={url!r})\n"
            f"with app.app_context(): c._load_scale({agreements}, {seed})\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(url), capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"loading the scheduler's agreements failed:\n{proc.stderr[-3000:]}")


def count_agreements(url: str) -> int:
    return int(scalar(url, "SELECT COUNT(*) FROM agreements"))


def dataset_name(agreements: int, seed: int) -> str:
    return f"scheduler{agreements}_seed{seed}"


def sqlite_database(workdir: Path, agreements: int, seed: int) -> tuple[str, dict]:
    """A copy of the cached loaded SQLite file (built first if missing, tests/bench_data.py): (url, how it was
    made)."""
    cached, made = build("sqlite", dataset_name(agreements, seed), lambda url: load(url, agreements, seed))
    return copy_database(cached, "scheduler", workdir), made


# --- what is measured --------------------------------------------------------------------------------

def parse_log(stderr: str) -> list[dict]:
    """The jobs that finished, from the runner's log lines (« job NAME at … ok in 1.23 s »): what a run cut at
    the cap still tells, since run-due prints its outcomes only at the end."""
    return [{"job": m["job"], "status": m["status"], "summary": None, "seconds": float(m["seconds"])}
            for m in LOG_LINE.finditer(stderr)]


def run_due(url: str, now: str | None, port: int, cap: float) -> dict:
    """One `flask gup jobs run-due`, stopped (SIGTERM) after `cap` seconds."""
    command = [sys.executable, "-m", "flask", "gup", "jobs", "run-due", *(["--now", now] if now else [])]
    env = _env(url, GUP_MAIL_SERVER="127.0.0.1", GUP_MAIL_PORT=str(port))
    started = time.perf_counter()
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        try:
            out, err = proc.communicate(timeout=cap)
            capped = False
        except subprocess.TimeoutExpired:
            proc.terminate()
            out, err = proc.communicate(timeout=30)
            capped = True
    seconds = round(time.perf_counter() - started, 2)
    outcomes = parse_log(err) if capped else parse_outcomes(out)
    if not capped and proc.returncode and not any(o["status"] == "failed" for o in outcomes):
        raise SystemExit(f"flask gup jobs run-due failed:\n{out[-2000:]}\n{err[-3000:]}")
    started_jobs = STARTED.findall(err)
    return {"seconds": seconds, "capped": capped,
            "cut": started_jobs[-1] if capped and started_jobs and started_jobs[-1] not in
            {o["job"] for o in outcomes} else None,
            "jobs": {o["job"]: {k: o[k] for k in ("status", "summary", "seconds")} for o in outcomes},
            "ran": sum(o["status"] in ("ok", "failed") for o in outcomes),
            "failed": [o["job"] for o in outcomes if o["status"] == "failed"]}


def measure(url: str, now: str | None, cap: float) -> dict:
    from tests.smtp_server import smtp_server

    with smtp_server() as (inbox, port):
        first = run_due(url, now, port, cap)
        second = run_due(url, now, port, cap)
        mails = len(inbox.messages)
    return {"first": first, "second": second, "mails_received": mails, "cap_seconds": cap}


# --- report ------------------------------------------------------------------------------------------

def print_summary(report: dict) -> None:
    first, second = report["first"], report["second"]
    built = f", data built in {report['built_seconds']} s" if report.get("built_seconds") else ""
    print(f"\n[{report['backend']}] flask gup jobs run-due over {report['agreements']} agreements{built}")
    print(f"{'job':34} {'status':8} {'seconds':>8}  summary")
    for job, o in first["jobs"].items():
        took = f"{o['seconds']:8.2f}" if o["seconds"] is not None else f"{'':8}"
        print(f"{job:34} {o['status']:8} {took}  {o['summary'] or ''}")
    cut = (f"; STOPPED at the {report['cap_seconds']:.0f} s cap during {first['cut'] or '?'}"
           if first["capped"] else "")
    print(f"first run-due: {first['seconds']} s ({first['ran']} jobs ran; target ≤ {TARGET_SECONDS:.0f} s, "
          f"ours{cut})")
    print(f"second run-due right after (nothing new due): {second['seconds']} s, {second['ran']} job(s) ran")
    print(f"mails received by the SMTP sink: {report['mails_received']}; module wall time {report['seconds']} s")


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default=f"bench_{PART}")
    parser.add_argument("--database-url", help="a database to use (migrated here, loaded when it has no agreement)")
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", help="run-due's --now (ISO 8601); the real clock by default")
    parser.add_argument("--cap", type=float, default=120.0, help="stop a run-due after this many seconds")
    parser.add_argument("--results", type=Path, default=None, help="JSON file to merge into (bench/results.json)")
    args = parser.parse_args()
    began = time.perf_counter()

    def prepared(url: str) -> dict:
        started = time.perf_counter()
        _flask(url, "db", "upgrade")
        if count_agreements(url):
            return {"cache": None, "built_seconds": None}
        load(url, args.agreements, args.seed)
        return {"cache": None, "built_seconds": round(time.perf_counter() - started, 1)}

    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            url = args.database_url
            made = prepared(url)
            figures = {**made, **measure(url, args.now, args.cap), "agreements": count_agreements(url)}
        elif args.backend == "sqlite":
            url, made = sqlite_database(Path(tmp), args.agreements, args.seed)
            figures = {**made, **measure(url, args.now, args.cap), "agreements": count_agreements(url)}
        else:
            with empty_postgres(args.pg_database) as (url,):
                made = prepared(url)
                figures = {**made, **measure(url, args.now, args.cap), "agreements": count_agreements(url)}

    backend = args.backend if not args.database_url else args.database_url.split(":", 1)[0].split("+", 1)[0]
    report = {"backend": backend, "run_at": datetime.now(UTC).isoformat(timespec="seconds"), "seed": args.seed,
              "cores": os.cpu_count(), **figures,
              "ratios": [ratio(figures["first"]["seconds"], figures["agreements"], capped=figures["first"]["capped"])],
              "seconds": round(time.perf_counter() - began, 1)}
    print_summary(report)
    merge_results({f"{PART}.{backend}": report}, *([args.results] if args.results else []))
    if report["first"]["failed"]:
        raise SystemExit(f"jobs failed: {', '.join(report['first']['failed'])}")
    return report


if __name__ == "__main__":
    main()
