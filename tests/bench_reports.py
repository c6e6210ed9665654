"""Benchmark of the evaluation PDF reports: the annual review of an agreement with 1,000 and 10,000 findings
(and 2,000 actions), beside plain ReportLab rendering the same tables.

    make bench                                   # runs tests/bench.py, then this
    .venv/bin/python -m tests.bench_reports [--sizes 1000 10000] [--actions 2000] [--no-memory]

First from synthetic snapshots (tests/evaluations_pdf/sample.py): the report is built from the snapshot only,
as in production. Then the whole path on a database (SQLite file, migrated): an agreement with that many findings
and actions inserted in bulk, its snapshot computed from the data (every declared indicator and annex), then
the PDF. For each size: seconds to build the PDF (no tracing), peak memory of a second build measured with
tracemalloc (Python allocations), pages and size. "plain ReportLab" lays out the same rows (the annexes and
the indicator table) as strings in 100-row Tables on a SimpleDocTemplate, one pass, no styling logic: the cost
of ReportLab itself. The gup report adds the cover, a two-pass table of contents (multiBuild), charts and
French formatting. Growth must be linear: the time per 1,000 rows stays about the same from the small to the
large size. Results are also written to bench/results-reports.json.
"""

from __future__ import annotations

import argparse
import io
import json
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results-reports.json"


def plain_reportlab(snap: dict) -> bytes:
    """The same tables with bare ReportLab: strings, 100 rows per Table, header repeated."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    from gup.reports.base import FONT, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    story = []
    tables = [(["Indicateur", "Valeur", "Précédente", "Cible"],
               [[i["label"], str(i["value"]), str(i["previous"]), str(i["target"])] for i in snap["indicators"]])]
    for annex in snap["annexes"]:
        keys = [c["key"] for c in annex["columns"]]
        tables.append(([c["label"] for c in annex["columns"]],
                       [["" if r.get(k) is None else str(r.get(k)) for k in keys] for r in annex["rows"]]))
    for header, rows in tables:
        width = doc.width / len(header)
        for start in range(0, len(rows), 100):
            story.append(Table([header, *rows[start:start + 100]], colWidths=[width] * len(header), repeatRows=1,
                               style=[("FONT", (0, 0), (-1, -1), FONT, 7.5)]))
    doc.build(story)
    return buffer.getvalue()


def measure(build: Callable[[dict], bytes], snap: dict, memory: bool) -> dict:
    from pypdf import PdfReader

    start = time.perf_counter()
    pdf = build(snap)
    seconds = time.perf_counter() - start
    peak = None
    if memory:
        tracemalloc.start()
        build(snap)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"seconds": round(seconds, 3), "peak_mib": None if peak is None else round(peak / 2**20, 1),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages), "kib": round(len(pdf) / 1024)}


def _seed(findings: int, actions: int) -> object:
    """An agreement with `findings` findings (half resolved, dated over 2025) and `actions` actions, inserted in
    bulk (plain INSERTs: what is measured is the snapshot and the report, not the seeding)."""
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


def from_database(sizes: list[int], actions: int, memory: bool) -> list[dict]:
    """The whole path on a database (SQLite file): snapshot computed from the data, then the PDF."""
    import logging
    import tempfile

    from flask_migrate import upgrade

    import config
    from gup import create_app
    from gup.evaluations import snapshot
    from gup.evaluations.pdf import build_report
    from gup.extensions import db

    logging.getLogger("alembic").setLevel(logging.WARNING)
    out = []
    print()
    print(f"Annual review from a database (SQLite file, {actions} actions): snapshot, then PDF")
    print(f"{'findings':>8} {'snapshot s':>10} {'PDF s':>8} {'peak MiB':>8} {'pages':>6}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.sqlite3")
            with app.app_context():
                upgrade()  # the real schema and its reference data (themes, TFPB axes)
                evaluation = _seed(size, actions)
                now = datetime(2026, 2, 1, tzinfo=UTC)
                start = time.perf_counter()
                snap = snapshot.build(evaluation, now=now, version=1, is_draft=False)
                seconds = time.perf_counter() - start
                r = measure(build_report, snap, memory)
                if memory:
                    tracemalloc.start()
                    snapshot.build(evaluation, now=now, version=1, is_draft=False)
                    r["snapshot_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
                    tracemalloc.stop()
                r.update(findings=size, actions=actions, renderer="from database", snapshot_seconds=round(seconds, 3))
                out.append(r)
                peak = "—" if r["peak_mib"] is None else f"{max(r['peak_mib'], r.get('snapshot_peak_mib', 0)):.1f}"
                print(f"{size:>8} {seconds:>10.2f} {r['seconds']:>8.2f} {peak:>8} {r['pages']:>6}")
                db.session.remove()
                db.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], help="findings (annex rows)")
    parser.add_argument("--actions", type=int, default=2_000)
    parser.add_argument("--reports", type=int, default=500, help="resident reports (annex rows)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs (halves the time)")
    args = parser.parse_args()

    import config
    from gup import create_app
    from gup.evaluations.pdf import build_report
    from tests.evaluations_pdf.sample import sample_snapshot

    app = create_app(config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    results = []
    print()
    print(f"Annual review PDF from a snapshot ({args.actions} actions, {args.reports} resident reports), "
          "beside plain ReportLab rendering the same tables")
    print(f"{'findings':>8} {'rows':>6} {'renderer':<16} {'seconds':>8} {'s/1000 rows':>11} {'peak MiB':>8} "
          f"{'pages':>6} {'KiB':>6}")
    with app.app_context():
        for size in args.sizes:
            snap = sample_snapshot("annual", findings=size, actions=args.actions, reports=args.reports)
            rows = sum(len(a["rows"]) for a in snap["annexes"])
            for name, build in (("gup report", build_report), ("plain ReportLab", plain_reportlab)):
                r = measure(build, snap, not args.no_memory)
                r.update(findings=size, actions=args.actions, rows=rows, renderer=name,
                         seconds_per_1000_rows=round(r["seconds"] * 1000 / rows, 3))
                results.append(r)
                peak = "—" if r["peak_mib"] is None else f"{r['peak_mib']:.1f}"
                print(f"{size:>8} {rows:>6} {name:<16} {r['seconds']:>8.2f} {r['seconds_per_1000_rows']:>11.3f} "
                      f"{peak:>8} {r['pages']:>6} {r['kib']:>6}")
    results += from_database(args.sizes, args.actions, not args.no_memory)
    gup = [r for r in results if r["renderer"] == "gup report"]
    if len(gup) >= 2:
        growth = gup[-1]["seconds"] / gup[0]["seconds"]
        rows_growth = gup[-1]["rows"] / gup[0]["rows"]
        print(f"gup report: ×{growth:.1f} time for ×{rows_growth:.1f} rows (linear: about the same factor)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"run_at": datetime.now(UTC).isoformat(timespec="seconds"), "results": results},
                                  ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS.relative_to(RESULTS.parent.parent)}")


if __name__ == "__main__":
    main()
