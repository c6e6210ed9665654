"""`flask gup demo` gives the demo agreement's housing providers TFPB actions and abatements for 2025 and 2026;
twice is once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.extensions import db
from gup.features import registry
from gup.tfpb.models import TfpbAbatement, TfpbAction


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_tfpb_data_loaded_once(app, runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert "Abattement de TFPB : 17 action(s) valorisée(s) et 8 abattement(s) reçu(s)" in result.output
    counts = (_count(TfpbAction), _count(TfpbAbatement))
    assert counts == (17, 8)
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-BELLERIVE-2025"))
    items = registry(app).service("tfpb.review_data")(agreement, date(2025, 1, 1), date(2025, 12, 31))
    assert [i["organisation"] for i in items] == ["Habitat Bellerive (OPH)", "Logis du Val (ESH)"]
    assert len(items[0]["by_axis"]) == 6 and len(items[0]["by_neighbourhood"]) == 2
    assert items[0]["coverage_ratio"] == round(172900 / 236000, 2) and items[0]["dwellings"] == 830
    assert runner.invoke(args=["gup", "demo"]).exit_code == 0
    assert (_count(TfpbAction), _count(TfpbAbatement)) == counts
