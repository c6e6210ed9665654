"""Indicator tables as CSV; long annexes render in linear time (tables split, page count grows linearly)."""

from __future__ import annotations

import csv
import io
import zipfile

from pypdf import PdfReader

from gup.evaluations.pdf import build_report, indicator_tables_csv, indicator_tables_zip
from tests.evaluations_pdf.sample import sample_snapshot


def read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_every_indicator_table_is_exported_as_csv(app_ctx):
    snap = sample_snapshot("annual")
    snap["indicators"][0]["label"] = "=HYPERLINK(\"x\")"
    files = indicator_tables_csv(snap)
    rows = read(files["indicateurs.csv"])
    assert rows[0][:2] == ["Code", "Indicateur"]
    assert len(rows) == 1 + len(snap["indicators"])
    assert rows[1][1].startswith("'=")                 # a formula is defused
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["resolution_days_median"][6:12] == ["12,5", "15", "21", "10", "2,5", "-2,5"]
    for ind in snap["indicators"]:
        for dimension, breakdown in ind["breakdowns"].items():
            table = read(files[f"indicateur-{ind['code'].replace('_', '-')}-par-{dimension}.csv"])
            assert [r[1] for r in table[1:]] == [b["label"] for b in breakdown]
    assert len(read(files["engagements.csv"])) == 1 + len(snap["commitments"])
    assert len(read(files["tfpb-par-axe.csv"])) == 1 + sum(len(t["by_axis"]) for t in snap["tfpb"])
    for annex in snap["annexes"]:
        assert len(read(files[f"annexe-{annex['code'].replace('_', '-')}.csv"])) == 1 + len(annex["rows"])
    with zipfile.ZipFile(io.BytesIO(indicator_tables_zip(snap))) as archive:
        assert set(archive.namelist()) == set(files)


def test_ten_thousand_findings_render_and_pages_grow_linearly(app_ctx):
    def pages(findings: int) -> int:
        pdf = build_report(sample_snapshot("annual", findings=findings, actions=10, reports=10))
        return len(PdfReader(io.BytesIO(pdf)).pages)

    base, small, large = pages(10), pages(1_000), pages(10_000)
    per_thousand_small = (small - base) / 0.99
    per_thousand_large = (large - base) / 9.99
    assert large > 250
    assert 0.85 < per_thousand_large / per_thousand_small < 1.15
