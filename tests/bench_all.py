"""`make bench`: every benchmark of gup on SQLite and on PostgreSQL, beside its bare baseline, then one summary.

    make bench                                   # installs what it needs, then runs this
    .venv/bin/python -m tests.bench_all [--backends sqlite postgresql] [--parts backoffice open311 …] [--scale 20]

1. Datasets: `flask gup demo --scale 20` (52,000 findings, 52,000 resident reports, 15,600 actions) is built once
   per backend, SQLite and PostgreSQL in parallel (tests/bench_data.py; the SQLite file is cached in bench/cache/
   for the next run). PostgreSQL is skipped, and said so, when 127.0.0.1:5432 does not answer.
2. Benchmarks, one after the other (nothing else runs while one measures), each in its own process with a time
   limit, each on its own copy of the dataset when it writes to it:
   `backoffice` (part 3: pages at scale), `open311` (parts 1 and 2: intake, Open311 feed), `reports` (part 4:
   annual report PDF vs plain ReportLab), `scheduler` (part 5: jobs run-due over 200 agreements), and on SQLite
   `micro` (tests/bench.py: the agreement list's queries, the walk restitution PDF's growth).
   Each merges `<part>.<backend>` keys into bench/results.json, with its figures and its `ratios`.
3. Summary: bench/summary.md (and the terminal): the machine, the commit, every ratio with its target and whether
   it is met, then each benchmark's own table. The exit status is 1 when a benchmark failed (not when a target is
   missed: missed targets are figures to read, listed in the summary).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from tests.bench_data import (
    PG_ADMIN,
    ROOT,
    build,
    build_scale,
    database_copy,
    drop_database,
    postgres_reachable,
    scalar,
)

RESULTS = ROOT / "bench" / "results.json"
SUMMARY = ROOT / "bench" / "summary.md"
BACKENDS = ("sqlite", "postgresql")
#: part → (module, the dataset it is given a copy of with --database-url, time limit in seconds, backends, options)
PARTS = {
    "backoffice": ("tests.bench_backoffice", "scale", 240, BACKENDS, []),
    "open311": ("tests.bench_open311", "scale", 240, BACKENDS, []),
    "reports": ("tests.bench_reports", None, 240, BACKENDS, []),
    "scheduler": ("tests.bench_scheduler", "scheduler", 150, BACKENDS, ["--cap", "60"]),
    # earlier issues' in-process micro-benchmarks: agreement list queries, walk restitution PDF growth
    "micro": ("tests.bench", None, 180, ("sqlite",), []),
}
SCHEDULER_AGREEMENTS = 200


def build_dataset(kind: str, backend: str, scale: int, seed: int) -> tuple[str, dict]:
    if kind == "scale":
        return build_scale(backend, scale, seed)
    from tests import bench_scheduler

    return build(backend, bench_scheduler.dataset_name(SCHEDULER_AGREEMENTS, seed),
                 lambda url: bench_scheduler.load(url, SCHEDULER_AGREEMENTS, seed))


def _machine() -> dict:
    info = {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            info["memory_gib"] = round(int(meminfo.readline().split()[1]) / 1024 ** 2, 1)
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
                               None)
    except OSError:
        pass
    return info


def run_part(part: str, backend: str, dataset: str | None) -> dict:
    """One benchmark in its own process; its output is kept for the summary."""
    module, _dataset, limit, _backends, options = PARTS[part]
    started = time.perf_counter()
    command = [sys.executable, "-m", module, "--backend", backend, *options]

    def run(extra: list[str]) -> subprocess.CompletedProcess | None:
        print(f"\n==> {part} on {backend}: {' '.join(command[1:] + extra)}", flush=True)
        try:
            return subprocess.run(command + extra, cwd=ROOT, capture_output=True, text=True, timeout=limit,
                                  check=False)
        except subprocess.TimeoutExpired:
            return None

    if dataset:
        with database_copy(dataset, f"bench_{part}_{backend}".replace("postgresql", "pg")) as copy:
            proc = run(["--database-url", copy])
    else:
        proc = run([])
    seconds = round(time.perf_counter() - started, 1)
    if proc is None:
        print(f"<== {part} on {backend}: stopped after {limit} s", flush=True)
        return {"part": part, "backend": backend, "ok": False, "seconds": seconds, "output": "",
                "error": f"stopped after its time limit ({limit} s)"}
    print(proc.stdout[-6000:], end="", flush=True)
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr, flush=True)
    print(f"<== {part} on {backend}: {seconds} s, exit {proc.returncode}", flush=True)
    return {"part": part, "backend": backend, "ok": proc.returncode == 0, "seconds": seconds,
            "output": proc.stdout.strip(), "error": proc.stderr.strip()[-1500:] if proc.returncode else None}


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ")
    return str(value)


def summary(machine: dict, datasets: dict, runs: list[dict], seconds: float) -> str:
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    lines = ["# gup benchmarks — summary", "",
             f"Run {machine['run_at']} on commit {machine.get('commit')}, `make bench` "
             f"(`python -m tests.bench_all`), {seconds:.0f} s in all.", "",
             f"Machine: {machine['cores']} cores ({machine.get('cpu')}), {machine.get('memory_gib')} GiB, "
             f"{machine['platform']}, Python {machine['python']}, SQLite {machine['sqlite']}, "
             f"PostgreSQL {machine.get('postgresql') or 'not reachable'}; load average at the start "
             f"{' / '.join(map(str, machine['load_average']))}.", "",
             f"Datasets (scale: `flask gup demo --scale {machine['scale']}`; scheduler: the demo and "
             f"{SCHEDULER_AGREEMENTS} small agreements): "
             + "; ".join(f"{b}: built in {d['built_seconds']} s" if d.get("built_seconds") is not None
                         else f"{b}: cached ({d.get('cache')})" for b, d in datasets.items()), "",
             "## Ratios and targets", "",
             "| part | backend | measure | value | target | met |", "|---|---|---|---|---|---|"]
    for run in runs:
        if not run["ok"]:
            error = (run.get("error") or "no result").strip().splitlines()[-1].replace("|", "/")
            lines.append(f"| {run['part']} | {run['backend']} | benchmark FAILED: {error} | | | |")
            continue
        report = results.get(f"{run['part']}.{run['backend']}")
        if report is None:  # an in-process micro-benchmark: its table below, no target of its own
            lines.append(f"| {run['part']} | {run['backend']} | no target (figures below) | | | |")
            continue
        for ratio in report.get("ratios", []):
            met = "yes" if ratio.get("met") else "**no**"
            lines.append(f"| {run['part']} | {run['backend']} | {ratio['name']} | {_value(ratio['value'])} "
                         f"| {ratio.get('op', '')} {_value(ratio.get('target'))} | {met} |")
    lines += ["", "## Each benchmark's figures", ""]
    for run in runs:
        lines += [f"### {run['part']} — {run['backend']} ({run['seconds']} s)", "", "```",
                  run["output"] or run.get("error") or "(no output)", "```", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--parts", nargs="+", choices=list(PARTS), default=list(PARTS))
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.perf_counter()
    machine = {**_machine(), "run_at": datetime.now(UTC).isoformat(timespec="seconds"), "scale": args.scale}
    backends = list(args.backends)
    if "postgresql" in backends:
        if postgres_reachable():
            machine["postgresql"] = scalar(PG_ADMIN, "SHOW server_version")
        else:
            print("PostgreSQL does not answer on 127.0.0.1:5432: SQLite only.")
            backends.remove("postgresql")

    kinds = sorted({PARTS[p][1] for p in args.parts if PARTS[p][1]})
    datasets: dict[tuple[str, str], dict] = {}
    if kinds:
        # built side by side before anything is measured (PostgreSQL first: the longest)
        wanted = [(k, b) for b in sorted(backends, reverse=True) for k in kinds]
        print(f"building the datasets {', '.join(f'{k} ({b})' for k, b in wanted)}…", flush=True)
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = {w: pool.submit(build_dataset, *w, args.scale, args.seed) for w in wanted}
            for (kind, backend), future in futures.items():
                url, made = future.result()
                datasets[(kind, backend)] = {"url": url, **made}
                print(f"  {kind} on {backend}: {made}", flush=True)

    runs = []
    try:
        for backend in backends:
            for part in (p for p in args.parts if backend in PARTS[p][3]):
                runs.append(run_part(part, backend, datasets.get((PARTS[part][1], backend), {}).get("url")))
    finally:
        for (_kind, backend), made in datasets.items():
            if backend != "sqlite":  # the SQLite file stays cached; the PostgreSQL one is rebuilt each run
                drop_database(made["url"])

    seconds = time.perf_counter() - began
    text = summary(machine, {f"{k} on {b}": {n: v for n, v in d.items() if n != "url"}
                             for (k, b), d in datasets.items()}, runs, seconds)
    SUMMARY.parent.mkdir(exist_ok=True)
    SUMMARY.write_text(text, encoding="utf-8")
    table = text.split("## Each benchmark's figures")[0]
    print("\n" + table + f"written to {SUMMARY.relative_to(ROOT)} and {RESULTS.relative_to(ROOT)}")
    if not all(run["ok"] for run in runs):
        raise SystemExit("some benchmarks failed: see above")


if __name__ == "__main__":
    main()
