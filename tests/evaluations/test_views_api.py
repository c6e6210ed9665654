"""The evaluation pages, downloads and API: the same policy everywhere, frozen figures that never move."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime

import sqlalchemy as sa

from gup.evaluations import services
from gup.evaluations.models import Evaluation, EvaluationStatus
from gup.extensions import db

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def _review(agreement, slot="annual-2025") -> Evaluation:
    services.sync_schedule(agreement)
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                          Evaluation.slot == slot))


def _figure(snapshot, code):
    return next(i for i in snapshot["indicators"] if i["code"] == code)


def test_a_published_snapshot_never_changes_and_a_new_version_does(f):
    w = f.world()
    review = _review(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], created_at=datetime(2025, 5, 4, 10, tzinfo=UTC))
    f.make_finding(w["agreement"], w["hp2"], created_at=datetime(2025, 6, 1, 10, tzinfo=UTC))
    f.make_finding(w["agreement"], w["hp2"], created_at=datetime(2026, 1, 3, 10, tzinfo=UTC))  # after the period
    v1 = services.freeze(review, actor=w["coordinator"], now=NOW)
    services.approve(review, approved_on=date(2026, 2, 10), note=None, actor=w["coordinator"], now=NOW)
    services.publish(review, actor=w["coordinator"], now=NOW)
    assert _figure(v1.snapshot, "findings_reported")["value"] == 2
    checksum = v1.pdf_sha256
    db.session.commit()

    finding.created_at = datetime(2026, 2, 1, tzinfo=UTC)  # a correction: it was logged in 2026
    db.session.commit()
    db.session.expire_all()
    review = db.session.get(Evaluation, review.id)
    assert _figure(review.published_version.snapshot, "findings_reported")["value"] == 2  # unchanged
    assert review.published_version.pdf_sha256 == checksum
    v2 = services.freeze(review, actor=w["coordinator"], now=NOW, note="Constat daté de 2026")
    assert _figure(v2.snapshot, "findings_reported")["value"] == 1
    assert _figure(review.versions[0].snapshot, "findings_reported")["value"] == 2


def test_pages_follow_the_policy(client, login, f):
    w = f.world()
    review = _review(w["agreement"])
    services.freeze(review, actor=w["coordinator"], now=NOW)
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/evaluations/{review.id}").get_data(as_text=True)
    assert "Bilan annuel 2025" in page and "Version 1" in page and "Enregistrer la validation en COPIL" in page
    agreement_page = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert "Évaluations de la convention" in agreement_page and "Évaluation à mi-parcours" in agreement_page
    pdf = client.get(f"/evaluations/{review.id}/versions/1/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["X-Content-SHA256"] == review.current_version.pdf_sha256
    rows = list(csv.reader(io.StringIO(client.get(f"/evaluations/{review.id}/versions/1/indicators.csv")
                                       .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Code", "Indicateur"] and any(r[0] == "findings_reported" for r in rows[1:])
    tables = client.get(f"/evaluations/{review.id}/versions/1/tables.zip")
    assert tables.status_code == 200 and "indicateurs.csv" in zipfile.ZipFile(io.BytesIO(tables.data)).namelist()
    for name in ("commitments", "tfpb"):
        document = client.get(f"/evaluations/{review.id}/versions/1/{name}.pdf")
        assert document.status_code == 200 and document.data.startswith(b"%PDF")
    login(w["outsider"])
    assert client.get(f"/evaluations/{review.id}").status_code == 403
    assert client.get(f"/evaluations/{review.id}/versions/1/report.pdf").status_code == 403
    login(w["referent1"])
    assert client.get(f"/evaluations/{review.id}").status_code == 200
    assert client.post(f"/evaluations/{review.id}/freeze", data={"note": "x"}).status_code == 403


def test_a_partner_writes_its_own_contribution_only(client, login, f):
    w = f.world()
    review = _review(w["agreement"])
    db.session.commit()
    login(w["referent1"])
    form = client.get(f"/evaluations/{review.id}/contribution").get_data(as_text=True)
    assert "Bailleur Un" in form and "Bailleur Deux" not in form
    response = client.post(f"/evaluations/{review.id}/contribution",
                           data={"organisation_id": w["hp2"].id, "text": "Au nom d'un autre"})
    assert response.status_code == 422  # not a choice offered to this referent
    response = client.post(f"/evaluations/{review.id}/contribution",
                           data={"organisation_id": w["hp1"].id, "text": "Nos actions de 2025."})
    assert response.status_code == 302
    db.session.expire_all()
    assert [(c.organisation_id, c.text) for c in db.session.get(Evaluation, review.id).contributions] == [
        (w["hp1"].id, "Nos actions de 2025.")]
    assert client.post(f"/evaluations/{review.id}/contribution",
                       data={"organisation_id": w["hp1"].id, "text": "\x00"}).status_code == 422


def test_coordination_sets_targets_and_texts(client, login, f):
    w = f.world()
    review = _review(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    response = client.post(f"/agreements/{w['agreement'].id}/indicators",
                           data={"which": "target", "t-code": "resolution_rate", "t-baseline": "55,5",
                                 "t-target": "80"})
    assert response.status_code == 302
    bad = client.post(f"/agreements/{w['agreement'].id}/indicators",
                      data={"which": "manual", "m-code": "Pas Bon", "m-label": "x", "m-unit": "count",
                            "m-direction": "higher"})
    assert bad.status_code == 422 and "Code invalide" in bad.get_data(as_text=True)
    assert client.post(f"/evaluations/{review.id}/sections",
                       data={"synthesis": "Synthèse de l'année", "context": ""}).status_code == 302
    snapshot = services.freeze(db.session.get(Evaluation, review.id), actor=w["coordinator"], now=NOW).snapshot
    assert snapshot["sections"]["synthesis"] == "Synthèse de l'année"
    figure = _figure(snapshot, "resolution_rate")
    assert (figure["baseline"], figure["target"]) == (55.5, 80)


def test_api_lists_reads_and_downloads(api, w):
    review = _review(w["agreement"])
    services.freeze(review, actor=w["coordinator"], now=NOW)
    db.session.commit()
    listed = api("referent1", "GET", f"/api/v1/evaluations?agreement_id={w['agreement'].id}&kind=annual")
    assert listed.status_code == 200 and len(listed.json) == 6
    assert {e["status"] for e in listed.json} == {"scheduled", "frozen"}
    assert api("outsider", "GET", "/api/v1/evaluations").json == []
    one = api("observer", "GET", f"/api/v1/evaluations/{review.id}").json
    assert one["title"] == "Bilan annuel 2025" and one["versions"][0]["number"] == 1
    figures = api("coordinator", "GET", f"/api/v1/evaluations/{review.id}/indicators").json
    assert figures["version"] == 1 and any(i["code"] == "findings_reported" for i in figures["indicators"])
    pdf = api("referent2", "GET", f"/api/v1/evaluations/{review.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert api("outsider", "GET", f"/api/v1/evaluations/{review.id}/report.pdf").status_code == 403
    assert api("coordinator", "GET", f"/api/v1/evaluations/{review.id}/report.pdf?version=7").status_code == 404
    assert api("coordinator", "GET", "/api/v1/evaluations?kind=bogus").status_code == 422
    midterm = _review(w["agreement"], "midterm")
    missing = api("coordinator", "GET", f"/api/v1/evaluations/{midterm.id}/indicators")
    assert missing.status_code == 404 and missing.is_json


def test_the_public_page_lists_published_reports_only(client, f):
    w = f.world()
    review = _review(w["agreement"])
    services.freeze(review, actor=w["coordinator"], now=NOW)
    db.session.commit()
    assert client.get(f"/bilans/{review.id}.pdf").status_code == 404  # frozen, not published
    services.approve(review, approved_on=date(2026, 2, 10), note=None, actor=w["coordinator"], now=NOW)
    services.publish(review, actor=w["coordinator"], now=NOW)
    db.session.commit()
    assert "Bilan annuel 2025" in client.get("/bilans").get_data(as_text=True)
    assert client.get(f"/bilans/{review.id}.pdf").data.startswith(b"%PDF")
    assert review.status is EvaluationStatus.PUBLISHED
