"""The demo's published « Bilan annuel 2025 »: its PDF, text extracted, has the outline's sections and figures
equal to those counted in the database (GUIDE §6)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from pypdf import PdfReader

from gup.agreements.models import Agreement
from gup.evaluations.models import Evaluation, EvaluationStatus
from gup.extensions import db
from gup.findings.models import Finding
from gup.governance.models import Body, Meeting, MeetingStatus
from gup.hotline.models import ResidentReport
from gup.walks.models import Walkthrough

ANNUAL_OUTLINE = [
    "1. Synthèse de l'année", "2. Contexte et faits marquants",
    "3. Gouvernance : instances réunies, participation, décisions prises",
    "4. Avancement du programme d'actions par thématique",
    "5. Engagements des partenaires et moyens mobilisés",
    "6. Constats : volumes, délais et résolution par partenaire et par quartier",
    "7. Diagnostics en marchant et restitutions aux habitants",
    "8. Signalements des habitants : canaux, délais, suites données",
    "9. Participation des habitants : habitants relais, budget participatif",
    "10. Abattement de TFPB : bilan par bailleur, par axe et par quartier",
    "11. Difficultés rencontrées et décisions attendues",
    "12. Annexes",
]
START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _value(text: str, label: str) -> str:
    """The value cell after the indicator's label in the first figures table (pypdf gives one cell per line)."""
    lines = text.splitlines()
    return lines[lines.index(label) + 1].strip()


def test_the_published_demo_report_matches_the_database(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    assert runner.invoke(args=["gup", "demo"]).exit_code == 0
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-BELLERIVE-2025"))
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                            Evaluation.slot == "annual-2025"))
    assert review.status is EvaluationStatus.PUBLISHED and review.published_version.number == 1
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(review.published_version.pdf)).pages]
    text = "\n".join(pages)
    flat = re.sub(r"\s+", " ", text)
    positions = [flat.find(heading, flat.find("Sommaire") + 2000) for heading in ANNUAL_OUTLINE]
    assert all(p > 0 for p in positions) and positions == sorted(positions), list(zip(ANNUAL_OUTLINE, positions,
                                                                                      strict=True))
    assert f"page 1 / {len(pages)}" in pages[0]

    in_2025 = (Finding.agreement_id == agreement.id, Finding.created_at >= START, Finding.created_at < END)
    findings = _count(Finding, *in_2025)
    walks = _count(Walkthrough, Walkthrough.agreement_id == agreement.id, Walkthrough.walked_on >= START.date(),
                   Walkthrough.walked_on < END.date())
    reports = _count(ResidentReport, ResidentReport.agreement_id == agreement.id,
                     ResidentReport.created_at >= START, ResidentReport.created_at < END)
    meetings = _count(Meeting, Meeting.body_id.in_(sa.select(Body.id).where(Body.agreement_id == agreement.id)),
                      Meeting.starts_at >= START, Meeting.starts_at < END,
                      Meeting.status.in_([MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED]))
    assert (findings, walks, reports, meetings) == (42, 3, 26, 4)
    assert _value(text, "Constats enregistrés") == str(findings)
    assert _value(text, "Diagnostics réalisés") == str(walks)
    assert _value(text, "Signalements reçus") == str(reports)
    assert _value(text, "Instances réunies") == str(meetings)
    # every finding of the year is listed in the annex, with no resident's contact detail anywhere
    snapshot = review.published_version.snapshot
    annex = next(a for a in snapshot["annexes"] if a["code"] == "findings")
    assert len(annex["rows"]) >= findings
    assert "@" not in flat.replace("@demo.gup.fr", "")
    # each breakdown is named as its feature declared it
    received = next(i for i in snapshot["indicators"] if i["code"] == "reports_received")
    assert received["dimension_labels"]["channel"] == "canal" and "Signalements reçus par canal" in flat
