"""The pure parts of tests/bench_reports.py (not timed): the plain ReportLab baseline renders the report's own
strings, and the ratios read the measurements the right way round."""

from __future__ import annotations

import io

from pypdf import PdfReader

from gup.evaluations.pdf import fmt as F
from tests.bench_reports import displayed_tables, plain_reportlab, ratios
from tests.evaluations_pdf.sample import sample_snapshot


def test_the_baseline_lays_out_the_reports_strings(app_ctx):
    snap = sample_snapshot("annual", findings=120, actions=30, reports=20)
    tables = displayed_tables(snap)
    assert len(tables) == 1 + len(snap["annexes"])
    indicators = tables[0]
    assert len(indicators[1]) == len(snap["indicators"])
    for (header, rows, widths), annex in zip(tables[1:], snap["annexes"], strict=True):
        assert header == [c["label"] for c in annex["columns"]]
        assert widths == [c["width"] for c in annex["columns"]]
        assert len(rows) == len(annex["rows"])
    findings = next(t for t, a in zip(tables[1:], snap["annexes"], strict=True) if a["code"] == "findings")
    row = snap["annexes"][0]["rows"][0]
    assert findings[1][0][1] == F.cell_value(row["opened_on"], "date")  # « 3 janv. 2025 », as the report prints

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(plain_reportlab(tables))).pages)
    assert row["reference"] in text and snap["annexes"][0]["rows"][-1]["reference"] in text


def test_ratios_compare_gup_to_plain_and_the_time_per_thousand_rows():
    def run(renderer, findings, seconds, rows):
        return {"renderer": renderer, "findings": findings, "seconds": seconds, "rows": rows,
                "seconds_per_1000_rows": seconds * 1000 / rows}

    snapshots = [run("gup report", 1000, 1.2, 3500), run("plain ReportLab", 1000, 1.0, 3500),
                 run("gup report", 10000, 6.0, 12500), run("plain ReportLab", 10000, 3.0, 12500)]
    databases = [run("from database", 1000, 1.0, 3000), run("from database", 10000, 4.0, 12000)]
    by_name = {r["name"]: r for r in ratios(snapshots, databases)}
    large = by_name["annual report PDF time gup / plain ReportLab, 10,000 findings"]
    assert (large["value"], large["target"], large["op"], large["met"]) == (2.0, 1.5, "<=", False)
    assert by_name["annual report PDF time gup / plain ReportLab, 1,000 findings"]["met"] is True
    growth = next(r for n, r in by_name.items() if n.startswith("growth, annual report PDF from a snapshot"))
    assert growth["value"] == round((6.0 / 12.5) / (1.2 / 3.5), 3) and growth["met"] is True
    growth = next(r for n, r in by_name.items() if n.startswith("growth, snapshot + PDF from the database"))
    assert growth["value"] == 1.0 and growth["met"] is True
