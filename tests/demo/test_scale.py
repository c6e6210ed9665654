"""`flask gup demo --scale N`: load data on top of the demo, bulk-inserted, the same rows for the same seed,
refused on a database that holds data, and the busiest pages answer on it."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from flask import url_for

from gup.actions.models import Action, ActionStatus
from gup.agreements.demo import DEMO_PASSWORD
from gup.agreements.models import Agreement, Commitment
from gup.audit.models import StatusChange
from gup.budget.models import PBCampaign, PBProject
from gup.evaluations.models import Evaluation
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus
from gup.hotline.models import ReportStatus, ReportUpdate, ResidentReport
from gup.relays.models import RelayReport, ResidentRelay
from gup.territory.models import Territory
from gup.walks.models import RouteStop, Walkthrough

MODELS = (Agreement, Territory, Commitment, Walkthrough, RouteStop, Finding, Action, ResidentReport, ReportUpdate,
          StatusChange, ResidentRelay, RelayReport, PBCampaign, PBProject, Evaluation)
SCALED = Agreement.reference.like("CHARGE-%")

#: each test loads the whole demo and then the load data (about a minute): with the HTTP load tests (make test-slow)
pytestmark = pytest.mark.slow


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS}


def _first_rows() -> list[tuple]:
    """A few rows of the synthetic data, as they read on the pages."""
    findings = db.session.execute(sa.select(Finding.description, Finding.status, Finding.created_at, Finding.priority)
                                  .join(Agreement).where(SCALED).order_by(Finding.id).limit(20)).all()
    reports = db.session.execute(sa.select(ResidentReport.reference, ResidentReport.status,
                                           ResidentReport.description, ResidentReport.created_at)
                                 .join(Agreement).where(SCALED).order_by(ResidentReport.id).limit(20)).all()
    actions = db.session.execute(sa.select(Action.title, Action.status, Action.due_on).join(Agreement)
                                 .where(SCALED).order_by(Action.id).limit(20)).all()
    return [tuple(r) for r in (*findings, *reports, *actions)]


def _wipe() -> None:
    """Back to a new database: every table emptied, ids starting again from 1 (references hold the id)."""
    db.session.rollback()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "alembic_version"]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    from gup.agreements.services import ensure_default_themes, ensure_tfpb_axes

    ensure_default_themes()
    ensure_tfpb_axes()
    db.session.commit()


@pytest.fixture
def scaled(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo", "--scale", "1", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "Données de charge (graine 5) : 1 convention(s), 2600 constat(s)" in result.output
    return result


def test_scale_loads_an_agreement_of_load_data_in_every_status_and_pages_answer(scaled, client):
    agreement = db.session.scalar(sa.select(Agreement).where(SCALED))
    assert agreement.reference == "CHARGE-5-000"
    assert len(agreement.territories) == 3 and len(agreement.partners) == 6 and len(agreement.commitments) == 24
    findings = Counter(db.session.execute(sa.select(Finding.kind, Finding.status)
                                          .where(Finding.agreement_id == agreement.id)).all())
    assert sum(findings.values()) == 2600
    assert {s for (_k, s) in findings} == set(FindingStatus)  # the whole lifecycle
    assert {s for (k, s) in findings if k is FindingKind.STRENGTH} == {FindingStatus.NEW}  # positive points
    reports = Counter(db.session.scalars(sa.select(ResidentReport.status)
                                         .where(ResidentReport.agreement_id == agreement.id)))
    assert sum(reports.values()) == 2600 and set(reports) == set(ReportStatus)
    actions = Counter(db.session.scalars(sa.select(Action.status).where(Action.agreement_id == agreement.id)))
    assert sum(actions.values()) >= 500 and set(actions) == set(ActionStatus)
    # every finding has its history up to its status; every report's public answers end on its status
    moved = db.session.scalar(sa.select(sa.func.count()).select_from(StatusChange).join(
        Finding, sa.and_(StatusChange.entity_type == "Finding", StatusChange.entity_id == Finding.id)).where(
        Finding.agreement_id == agreement.id, Finding.status == FindingStatus.CHECKED,
        StatusChange.to_status == "checked"))
    assert moved == sum(n for (_k, s), n in findings.items() if s is FindingStatus.CHECKED)
    years = {d.year for d in db.session.scalars(sa.select(Finding.created_at).where(
        Finding.agreement_id == agreement.id))}
    assert len(years) >= 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation).where(
        Evaluation.agreement_id == agreement.id)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RelayReport)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBProject).join(PBCampaign).where(
        PBCampaign.agreement_id == agreement.id)) > 0

    # the busiest pages answer on it, for the coordination and for a partner referent of the load data
    response = client.post("/login", data={"email": "coordination@demo.gup.fr", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    with client.application.test_request_context():
        urls = (url_for("dashboard.index"), url_for("findings.index"), url_for("hotline.index"),
                url_for("agreements.detail", agreement_id=agreement.id))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert agreement.reference in client.get(urls[3]).get_data(as_text=True)
    # a partner referent of the load data logs in too
    client.post("/logout")
    response = client.post("/login", data={"email": "bailleur1.s5-000@charge.gup.fr", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(urls[1]).status_code == 200


def _run(runner, seed: int) -> None:
    result = runner.invoke(args=["gup", "demo", "--scale", "1", "--seed", str(seed)])
    assert result.exit_code == 0, result.output


def test_same_seed_same_rows_and_refused_on_a_database_with_data(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    _wipe()  # ids from 1, as in a new database (the ids show in the reports' references)
    _run(runner, 5)
    counts, rows = _counts(), _first_rows()
    assert counts["Finding"] > 2600 and len(rows) == 60
    again = runner.invoke(args=["gup", "demo", "--scale", "1", "--seed", "5"])
    assert again.exit_code != 0
    assert "ne se chargent que dans une base vide" in again.output
    assert _counts() == counts  # nothing was added
    _wipe()
    _run(runner, 5)
    assert _counts() == counts
    assert _first_rows() == rows
    _wipe()
    _run(runner, 6)
    assert _first_rows() != rows
