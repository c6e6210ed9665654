"""`flask gup report annual|midterm|final` writes the report PDF (frozen version, or a draft of today's data)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from gup.evaluations import services
from gup.evaluations.models import Evaluation
from gup.extensions import db


def test_report_commands(runner, f, tmp_path):
    w = f.world()
    reference = w["agreement"].reference
    db.session.commit()
    out = tmp_path / "bilan.pdf"
    result = runner.invoke(args=["gup", "report", "annual", "--agreement", reference, "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "projet calculé" in result.output and out.read_bytes().startswith(b"%PDF")
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.slot == "annual-2025"))
    version = services.freeze(review, actor=w["coordinator"], now=datetime(2026, 2, 1, tzinfo=UTC))
    db.session.commit()
    result = runner.invoke(args=["gup", "report", "annual", "--agreement", reference, "--year", "2025", "-o", str(out)])
    assert "version 1 (figée)" in result.output and out.read_bytes() == version.pdf
    for kind in ("midterm", "final"):
        result = runner.invoke(args=["gup", "report", kind, "--agreement", reference, "-o", str(tmp_path / "x.pdf")])
        assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["gup", "report", "annual", "--agreement", reference, "--year", "2040", "-o", str(out)])
    assert bad.exit_code != 0 and "ne prévoit pas" in bad.output
    unknown = runner.invoke(args=["gup", "report", "final", "--agreement", "NOPE", "-o", str(out)])
    assert unknown.exit_code != 0 and "Aucune convention" in unknown.output
