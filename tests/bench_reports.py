"""Benchmark of the annual review PDF (issue 13, part `reports`): time and peak memory of the report of an
agreement with 1,000 and 10,000 findings (and 2,000 actions), beside plain ReportLab rendering the same tables,
and the growth from the small to the large size.

    make bench                                   # tests/bench_all.py runs it on SQLite and on PostgreSQL
    .venv/bin/python -m tests.bench_reports [--backend sqlite|postgresql] [--pg-database bench_reports]
        [--sizes 1000 10000] [--actions 2000] [--reports 500] [--rounds 2] [--no-memory]

1. From synthetic snapshots (tests/evaluations_pdf/sample.py), SQLite run only (the PDF is built from the
   snapshot dict alone, so it does not depend on the backend): for each size the gup annual review
   (gup.evaluations.pdf.build_report) and "plain ReportLab" laying out the same tables, in `--rounds`
   alternating rounds (gup, plain, gup, plain: the best of each is kept, no tracing), then peak memory of one
   more build under tracemalloc (Python allocations), pages, size.
2. The whole path on the backend's database (`--backend`: a temporary SQLite file, or a PostgreSQL database
   `--pg-database` created here and dropped at the end, also on error), migrated by Alembic: an agreement with
   that many findings and actions inserted in bulk, its snapshot computed from the data
   (gup.evaluations.snapshot.build: every declared indicator and annex), then the PDF.

"plain ReportLab" is what ReportLab itself costs for the same tables: the same strings as the report prints
(annex cells and indicator figures formatted by gup.evaluations.pdf.fmt, prepared before the clock starts),
the same column count and relative column widths (as the snapshot declares them), A4 with the same 2 cm
margins, DejaVu Sans 7.5 pt with the same leading and padding, text wrapped where it would overflow its column
(stringWidth, simpleSplit: no Paragraph per cell), 100-row Tables with the header repeated, one
SimpleDocTemplate.build pass, no colours or rules. The gup report adds the
cover, the table of contents, charts with their figures, the indicator, commitment and TFPB tables, the
styling and the French formatting of every cell.

Ratios (bench/results.json, key "reports.<backend>", through tests/bench_open311.py's merge_results):
- "annual report PDF time gup / plain ReportLab, 10,000 findings" (and 1,000): target ≤ 1.5;
- growth: seconds per 1,000 annex rows at the large size / at the small size, for the report from a snapshot
  and for the whole path from the database: linear means about 1, target ≤ 1.5.
Budget: under 60 s per backend on a quiet 2-core machine (`--no-memory` halves the snapshot part).
"""

from __future__ import annotations

import argparse
import io
import logging
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from tests.bench_data import empty_postgres
from tests.bench_open311 import merge_results

PART = "reports"
TARGET_RATIO = 1.5
TARGET_GROWTH = 1.5
ROWS_PER_TABLE = 100  # as gup's annex tables (gup.evaluations.pdf.document.ANNEX_ROWS_PER_TABLE)

Tables = list[tuple[list[str], list[list[str]], list[float]]]  # header, rows, relative column widths


# --- plain ReportLab ----------------------------------------------------------------------------------

def displayed_tables(snap: dict) -> Tables:
    """The indicator table and every annex table as the report prints them: (header, rows of strings, the
    columns' relative widths as the snapshot declares them)."""
    from gup.evaluations.pdf import fmt as F

    tables: Tables = [(["Indicateur", "Valeur", "Période précédente", "Référence", "Cible"],
                       [[i.get("label") or "", F.value(i.get("value"), i.get("unit")),
                         F.value(i.get("previous"), i.get("unit")), F.value(i.get("baseline"), i.get("unit")),
                         F.value(i.get("target"), i.get("unit"))] for i in snap.get("indicators") or []],
                       [3, 1, 1, 1, 1])]
    for annex in snap.get("annexes") or []:
        columns = annex.get("columns") or []
        tables.append(([c.get("label") or "" for c in columns],
                       [[F.cell_value(r.get(c.get("key")), c.get("kind") or "text") for c in columns]
                        for r in annex.get("rows") or []],
                       [c.get("width") or 1.0 for c in columns]))
    return tables


def plain_reportlab(tables: Tables) -> bytes:
    """The same tables with bare ReportLab, one pass: strings wrapped where wider than their column."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import SimpleDocTemplate, Table

    from gup.reports.base import FONT, register_fonts

    size, padding = 7.5, 2.5
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm)
    style = [("FONT", (0, 0), (-1, -1), FONT, size, size + 1.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
             ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding)]
    story = []
    for header, rows, relative in tables:
        widths = [(doc.width - 12) * w / sum(relative) for w in relative]
        limits = [w - 2 * padding for w in widths]

        def fit(text: str, limit: float) -> str:
            if stringWidth(text, FONT, size) <= limit:
                return text
            return "\n".join(simpleSplit(text, FONT, size, limit))

        head = [fit(h, limit) for h, limit in zip(header, limits, strict=True)]
        for start in range(0, len(rows), ROWS_PER_TABLE):
            chunk = [[fit(c, limit) for c, limit in zip(row, limits, strict=True)]
                     for row in rows[start:start + ROWS_PER_TABLE]]
            story.append(Table([head, *chunk], colWidths=widths, repeatRows=1, style=style, hAlign="LEFT"))
    doc.build(story)
    return buffer.getvalue()


# --- measuring ------------------------------------------------------------------------------------

def measure(build: Callable[[Any], bytes], arg: Any, memory: bool) -> dict:
    """Seconds of one build; peak tracemalloc memory of a second one (when `memory`); pages and KiB."""
    from pypdf import PdfReader

    start = time.perf_counter()
    pdf = build(arg)
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        tracemalloc.start()
        try:
            build(arg)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return {"seconds": round(seconds, 3), "peak_mib": None if peak is None else round(peak / 2**20, 1),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages), "kib": round(len(pdf) / 1024)}


def per_thousand(seconds: float, rows: int) -> float:
    return seconds * 1000 / rows if rows else 0.0


def ratio(name: str, value: float, target: float, op: str = "<=") -> dict:
    met = value <= target if op == "<=" else value >= target
    return {"name": name, "value": round(value, 3), "target": target, "op": op, "met": met}


# --- 1. from snapshots ----------------------------------------------------------------------------

def from_snapshots(sizes: list[int], actions: int, reports: int, memory: bool, rounds: int = 1) -> list[dict]:
    from gup.evaluations.pdf import build_report
    from tests.evaluations_pdf.sample import sample_snapshot

    small = sample_snapshot("annual")  # warm-up: imports, fonts, the French locale, before any clock starts
    build_report(small)
    plain_reportlab(displayed_tables(small))
    out = []
    print()
    print(f"Annual review PDF from a snapshot ({actions} actions, {reports} resident reports), beside plain "
          "ReportLab rendering the same tables")
    print(f"{'findings':>8} {'rows':>6} {'renderer':<16} {'seconds':>8} {'s/1000 rows':>11} {'peak MiB':>8} "
          f"{'pages':>6} {'KiB':>6}")
    for size in sizes:
        snap = sample_snapshot("annual", findings=size, actions=actions, reports=reports)
        rows = sum(len(a["rows"]) for a in snap["annexes"])
        tables = displayed_tables(snap)
        renderers = (("gup report", build_report, snap), ("plain ReportLab", plain_reportlab, tables))
        times: dict[str, list[float]] = {name: [] for name, _b, _a in renderers}
        for _round in range(rounds - 1):  # alternating rounds (gup, plain, gup, plain…): the best of each is kept
            for name, build, arg in renderers:
                start = time.perf_counter()
                build(arg)
                times[name].append(time.perf_counter() - start)
        for name, build, arg in renderers:
            r = measure(build, arg, memory)
            r["rounds"] = [round(t, 3) for t in times[name]] + [r["seconds"]]
            r["seconds"] = min(r["rounds"])
            r.update(findings=size, actions=actions, reports=reports, rows=rows, renderer=name,
                     seconds_per_1000_rows=round(per_thousand(r["seconds"], rows), 3))
            out.append(r)
            peak = "—" if r["peak_mib"] is None else f"{r['peak_mib']:.1f}"
            print(f"{size:>8} {rows:>6} {name:<16} {r['seconds']:>8.2f} {r['seconds_per_1000_rows']:>11.3f} "
                  f"{peak:>8} {r['pages']:>6} {r['kib']:>6}")
    return out


# --- 2. from the database ---------------------------------------------------------------------------

def seed(findings: int, actions: int) -> Any:
    """An agreement with `findings` findings (half resolved, dated over 2025) and `actions` actions, inserted in
    bulk (plain INSERTs: what is measured is the snapshot and the report, not the seeding); its annual review."""
    from datetime import date, timedelta

    import sqlalchemy as sa

    from gup.actions.models import Action, ActionStatus
    from gup.evaluations import services
    from gup.evaluations.models import Evaluation
    from gup.extensions import db
    from gup.findings.models import Finding, FindingStatus
    from tests import factories as f

    w = f.world()
    agreement, orgs = w["agreement"], [w["town"], w["hp1"], w["hp2"]]
    themes = [f.theme(code) for code in ("cleanliness", "waste", "green_spaces", "public_lighting")]
    territory = f.make_territory()
    agreement.territories.append(territory)
    start = datetime(2025, 1, 1, 8, tzinfo=UTC)
    rows = []
    for n in range(findings):
        created = start + timedelta(minutes=int(n * 525_600 * 0.9 / findings))
        resolved = n % 2 == 0
        rows.append({"agreement_id": agreement.id, "theme_id": themes[n % 4].id, "territory_id": territory.id,
                     "description": f"Constat {n}", "responsible_organisation_id": orgs[n % 3].id,
                     "due_on": (created + timedelta(days=30)).date(), "created_at": created, "updated_at": created,
                     "status": FindingStatus.RESOLVED if resolved else FindingStatus.SENT,
                     "resolved_on": (created + timedelta(days=3 + n % 40)).date() if resolved else None})
    db.session.execute(sa.insert(Finding), rows)
    db.session.execute(sa.insert(Action), [
        {"agreement_id": agreement.id, "title": f"Action {n}", "responsible_organisation_id": orgs[n % 3].id,
         "due_on": date(2025, 1, 1) + timedelta(days=n % 365), "progress": 100 if n % 3 == 0 else 20,
         "status": ActionStatus.DONE if n % 3 == 0 else ActionStatus.IN_PROGRESS,
         "done_on": date(2025, 6, 1) if n % 3 == 0 else None, "created_at": start, "updated_at": start}
        for n in range(actions)])
    services.sync_schedule(agreement)
    db.session.commit()
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                          Evaluation.slot == "annual-2025"))


@contextmanager
def database(backend: str, pg_database: str) -> Iterator[str]:
    """An empty database for one size: a temporary SQLite file, or our own PostgreSQL database (dropped first if
    a previous run left it, dropped at the end, also on error)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    with empty_postgres(pg_database) as (url,):
        yield url


def from_database(backend: str, pg_database: str, sizes: list[int], actions: int, memory: bool) -> list[dict]:
    """The whole path on the backend: snapshot computed from the data, then the PDF."""
    from flask_migrate import upgrade

    import config
    from gup import create_app
    from gup.evaluations import snapshot
    from gup.evaluations.pdf import build_report
    from gup.extensions import db

    out = []
    print()
    print(f"Annual review from the database ({backend}, {actions} actions): snapshot computed from the data, "
          "then the PDF")
    print(f"{'findings':>8} {'rows':>6} {'snapshot s':>10} {'PDF s':>8} {'s/1000 rows':>11} {'snapshot peak MiB':>17} "
          f"{'pages':>6}")
    for size in sizes:
        with database(backend, pg_database) as url:
            app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=url)
            with app.app_context():
                try:
                    logging.disable(logging.INFO)  # Alembic's env.py configures its own INFO logging
                    try:
                        upgrade()  # the real schema and its reference data (themes, TFPB axes)
                    finally:
                        logging.disable(logging.NOTSET)
                    evaluation = seed(size, actions)
                    now = datetime(2026, 2, 1, tzinfo=UTC)
                    start = time.perf_counter()
                    snap = snapshot.build(evaluation, now=now, version=1, is_draft=False)
                    seconds = time.perf_counter() - start
                    r = measure(build_report, snap, memory=False)  # its memory: part 1, same renderer
                    if memory:
                        db.session.expire_all()
                        tracemalloc.start()
                        try:
                            snapshot.build(evaluation, now=now, version=1, is_draft=False)
                            r["snapshot_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
                        finally:
                            tracemalloc.stop()
                    rows = sum(len(a["rows"]) for a in snap["annexes"])
                    r.update(findings=size, actions=actions, rows=rows, renderer="from database",
                             snapshot_seconds=round(seconds, 3),
                             seconds_per_1000_rows=round(per_thousand(seconds + r["seconds"], rows), 3))
                finally:
                    db.session.remove()
                    db.engine.dispose()
            out.append(r)
            peak = "—" if r.get("snapshot_peak_mib") is None else f"{r['snapshot_peak_mib']:.1f}"
            print(f"{size:>8} {rows:>6} {seconds:>10.2f} {r['seconds']:>8.2f} {r['seconds_per_1000_rows']:>11.3f} "
                  f"{peak:>17} {r['pages']:>6}")
    return out


# --- the report -------------------------------------------------------------------------------------

def ratios(snapshots: list[dict], databases: list[dict]) -> list[dict]:
    """gup / plain ReportLab at each size (snapshot part), and the growth of the time per 1,000 rows."""
    out = []
    by = {(r["renderer"], r["findings"]): r for r in snapshots}
    for size in sorted({r["findings"] for r in snapshots}, reverse=True):
        gup, plain = by.get(("gup report", size)), by.get(("plain ReportLab", size))
        if gup and plain and plain["seconds"]:
            out.append(ratio(f"annual report PDF time gup / plain ReportLab, {size:,} findings",
                             gup["seconds"] / plain["seconds"], TARGET_RATIO))
    for label, rows in (("annual report PDF from a snapshot", [r for r in snapshots if r["renderer"] == "gup report"]),
                        ("snapshot + PDF from the database", databases)):
        if len(rows) >= 2 and rows[0]["seconds_per_1000_rows"]:
            small, large = min(rows, key=lambda r: r["findings"]), max(rows, key=lambda r: r["findings"])
            out.append(ratio(f"growth, {label}: time per 1,000 rows at {large['findings']:,} / at "
                             f"{small['findings']:,} findings",
                             large["seconds_per_1000_rows"] / small["seconds_per_1000_rows"], TARGET_GROWTH))
    return out


def peak_memory(snapshots: list[dict], databases: list[dict]) -> dict:
    """Peak tracemalloc MiB by renderer and size (None with --no-memory)."""
    out: dict[str, dict[str, float | None]] = {}
    for r in snapshots:
        out.setdefault(r["renderer"], {})[str(r["findings"])] = r["peak_mib"]
    for r in databases:
        out.setdefault("snapshot from the database", {})[str(r["findings"])] = r.get("snapshot_peak_mib")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-database", default=f"bench_{PART}", help="PostgreSQL database created and dropped")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], help="findings")
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--reports", type=int, default=500, help="resident reports (snapshot part)")
    parser.add_argument("--rounds", type=int, default=2, help="timed builds of each renderer (snapshot part)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc builds")
    args = parser.parse_args()
    started = time.perf_counter()
    memory = not args.no_memory

    import config
    from gup import create_app

    snapshots: list[dict] = []
    if args.backend == "sqlite":  # the PDF from a snapshot does not depend on the backend: measured once
        app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
        with app.app_context():
            snapshots = from_snapshots(args.sizes, args.actions, args.reports, memory, max(1, args.rounds))
    databases = from_database(args.backend, args.pg_database, args.sizes, args.actions, memory)
    report = {
        "backend": args.backend, "sizes": args.sizes, "actions": args.actions, "reports": args.reports,
        "snapshot_part": "measured in the sqlite run only (the PDF is built from the snapshot dict alone)",
        "snapshots": snapshots, "databases": databases, "peak_memory_mib": peak_memory(snapshots, databases),
        "ratios": ratios(snapshots, databases),
        "seconds": round(time.perf_counter() - started, 1), "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print()
    for r in report["ratios"]:
        print(f"{r['name']}: {r['value']:.2f} (target {r['op']} {r['target']}) {'met' if r['met'] else 'NOT met'}")
    print(f"{report['seconds']:.0f} s")
    merge_results({f"{PART}.{args.backend}": report})


if __name__ == "__main__":
    main()
