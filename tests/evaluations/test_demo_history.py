"""`flask gup demo` gives the Bellerive agreement a real first year, so its published « Bilan annuel 2025 » is not
made of zeros; the history goes through the services (dated status histories) and a second run adds nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gup.actions.models import Action, ActionUpdate
from gup.agreements.models import Agreement, CommitmentUpdate
from gup.audit.models import AuditEntry, StatusChange
from gup.evaluations.demo_history import APRIL_TITLE, load_2025_history
from gup.evaluations.models import Evaluation, EvaluationStatus
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus, Transfer
from gup.hotline.models import Channel, ResidentReport
from gup.walks.models import Walkthrough

START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
MODELS = (Walkthrough, Finding, Transfer, Action, ActionUpdate, ResidentReport, CommitmentUpdate, StatusChange,
          AuditEntry)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS}


@pytest.fixture
def demo(runner, app_ctx, tmp_path, monkeypatch):
    """Run the demo command once (photos stored in a temporary folder); returns the agreement."""
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert "Activité 2025 de GUP-BELLERIVE-2025 : 3 diagnostic(s)" in result.output
    return db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-BELLERIVE-2025"))


def _indicators(agreement: Agreement) -> dict[str, dict]:
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                            Evaluation.slot == "annual-2025"))
    assert review.status is EvaluationStatus.PUBLISHED
    snapshot = review.current_version.snapshot
    assert snapshot["period"]["start"] == "2025-01-01" and snapshot["cut_off"] == "2025-12-31"
    return {i["code"]: i for i in snapshot["indicators"]}


def _rows(indicator: dict, dimension: str) -> dict[str, float]:
    return {row["label"]: row["value"] for row in indicator["breakdowns"][dimension]}


def test_the_published_2025_review_has_a_real_year(demo):
    ind = _indicators(demo)
    findings = ind["findings_reported"]
    assert 35 <= findings["value"] <= 45
    sources = _rows(findings, "source")
    assert sources["Diagnostic en marchant"] >= 15 and sources["Agents et partenaires"] >= 10
    assert sources["Signalement d'habitant"] >= 1
    assert all(value > 0 for value in _rows(findings, "month").values())  # every month of the year
    partners = _rows(findings, "partner")
    for name in ("Habitat Bellerive (OPH)", "Logis du Val (ESH)", "Ville de Bellerive", "Bellerive Agglomération"):
        assert partners[name] >= 2
    assert len(_rows(findings, "theme")) >= 6 and len(_rows(findings, "neighbourhood")) == 2

    rate = ind["resolution_rate"]
    assert 60 <= rate["value"] < 100  # some still open at the year end
    assert rate["details"]["Ouverts en fin de période"] >= 3
    assert rate["details"]["Refusés"] >= 1 and rate["details"]["Réorientés (hors champ)"] >= 1
    assert len(_rows(rate, "partner")) == 4
    median, p90 = ind["resolution_days_median"]["value"], ind["resolution_days_p90"]["value"]
    assert 3 <= median < p90 <= 90
    assert 30 <= ind["resolved_in_time_rate"]["value"] < 100  # some were late
    assert ind["recurring_findings"]["value"] >= 3

    walks = ind["walks_held"]
    assert walks["value"] == 3
    assert walks["details"] == {"De jour": 2, "De nuit": 1, "Marches exploratoires de femmes": 1}
    assert ind["walks_restituted_rate"]["value"] == pytest.approx(66.7)  # two restituted within six weeks
    assert ind["walk_participants"]["details"]["Habitants"] > 20

    reports = ind["reports_received"]
    assert 20 <= reports["value"] <= 30
    channels = _rows(reports, "channel")
    assert channels["Formulaire en ligne"] >= 8 and channels["Téléphone (numéro vert)"] >= 5
    assert channels["Application partenaire (Open311)"] >= 1
    assert all(value > 0 for value in _rows(reports, "month").values())
    assert 80 <= ind["reports_resolved_rate"]["value"] < 100
    assert ind["reports_closure_days_median"]["value"] > 1
    fixed = ind["fixed_confirmed_rate"]
    assert fixed["details"]["Réponses « oui »"] >= 2 and fixed["details"]["Réponses « non » (signalement rouvert)"] >= 1

    assert 30 <= ind["actions_done_rate"]["value"] < 100
    assert ind["actions_late"]["value"] >= 2 and ind["actions_late"]["details"]["Dont bloquées"] >= 1
    budget = ind["budget_execution_rate"]
    assert budget["value"] > 0 and budget["details"]["Investissement dépensé (€)"] > 0
    assert budget["details"]["Fonctionnement dépensé (€)"] > 0


def test_the_year_went_through_the_services(demo):
    findings = db.session.scalars(sa.select(Finding).where(Finding.created_at >= START, Finding.created_at < END))
    for finding in findings:
        history = db.session.execute(sa.select(StatusChange.to_status, StatusChange.at).where(
            StatusChange.entity_type == "Finding", StatusChange.entity_id == finding.id)
            .order_by(StatusChange.at, StatusChange.id)).all()
        assert history[0] == ("new", finding.created_at)  # the history is dated like the finding
        assert all(START <= at < datetime(2026, 3, 16, tzinfo=UTC) for _status, at in history)
        if finding.status in (FindingStatus.RESOLVED, FindingStatus.CHECKED):
            assert finding.resolved_on is not None and finding.resolved_on >= finding.created_at.date()
    refused_then_rerouted = db.session.scalars(sa.select(Transfer).where(Transfer.reason.is_not(None),
                                                                         Transfer.at >= START)).all()
    assert refused_then_rerouted and all(t.from_organisation.kind.value == "housing_provider"
                                         for t in refused_then_rerouted)
    actions = db.session.scalars(sa.select(Action).where(Action.created_at >= START, Action.created_at < END)).all()
    assert 7 <= len(actions) <= 10 and any(a.commitment for a in actions)
    assert all(a.done_on is None or a.done_on.year == 2025 for a in actions)
    spent = db.session.scalars(sa.select(CommitmentUpdate).where(CommitmentUpdate.spent_on.is_not(None))).all()
    assert spent and all(u.spent_on.year == 2025 and u.created_at.year == 2025 for u in spent)
    walk = db.session.scalar(sa.select(Walkthrough).where(Walkthrough.title == APRIL_TITLE))
    assert walk.walked_on == date(2025, 4, 10) and walk.restitution_on == date(2025, 5, 15)


def test_resident_reports_hold_no_personal_data(demo):
    reports = db.session.scalars(sa.select(ResidentReport).where(ResidentReport.created_at < END)).all()
    assert Counter(r.channel for r in reports).keys() >= {Channel.WEB, Channel.PHONE, Channel.OPEN311}
    for report in reports:
        assert (report.contact_name, report.contact_email, report.contact_phone) == (None, None, None)
        assert not report.contact_consent and report.reference.startswith("GUP-2025-")


def test_a_second_run_adds_nothing(demo, runner):
    before = _counts()
    assert before["Walkthrough"] == 5 and before["ResidentReport"] >= 30
    again = runner.invoke(args=["gup", "demo"])
    assert again.exit_code == 0, again.output
    assert "rien n'a changé" in again.output and "Activité 2025" not in again.output
    assert load_2025_history(demo) == []  # even called directly: the April walk is there
    assert _counts() == before
