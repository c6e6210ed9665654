"""Services of resident reports: intake, routing, templates, duplicates, merge, re-routing, reopen, SLA."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.findings.models import Finding
from gup.hotline import queries, services
from gup.hotline.models import CategoryRoute, Channel, ReportStatus, ResidentReport, ResponseTemplate
from gup.notifications.models import OutboundMail
from gup.territory.models import TerritoryKind

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def w(f):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(hood)
    w["hood"] = hood
    w["category"] = f.make_category(default_organisation=w["hp2"])
    db.session.flush()
    return w


def _mails(report=None) -> list[OutboundMail]:
    stmt = sa.select(OutboundMail).order_by(OutboundMail.id)
    if report is not None:
        stmt = stmt.where(OutboundMail.cause_kind == "resident_report", OutboundMail.cause_id == report.id)
    return list(db.session.scalars(stmt))


def test_reference_format_and_uniqueness(f, w):
    reports = [f.make_report(w["category"], now=NOW) for _ in range(5)]
    refs = [r.reference for r in reports]
    assert all(re.fullmatch(r"GUP-2026-\d{6}", ref) for ref in refs)
    assert len(set(refs)) == 5
    assert reports[0].updates[0].status is ReportStatus.RECEIVED and reports[0].reference in \
        reports[0].updates[0].public_text


def test_acknowledgement_only_with_consent(f, w):
    with_consent = f.make_report(w["category"], contact_email="A@Example.org", contact_consent=True, now=NOW)
    without = f.make_report(w["category"], contact_email="b@example.org", now=NOW)
    assert [m.to_address for m in _mails(with_consent)] == ["a@example.org"]
    assert _mails(without) == []


def test_routing_default_per_neighbourhood(f, w):
    db.session.add(CategoryRoute(category=w["category"], neighbourhood=w["hood"], organisation=w["hp1"]))
    db.session.flush()
    routed = f.make_report(w["category"], neighbourhood=w["hood"], now=NOW)
    elsewhere = f.make_report(w["category"], neighbourhood=f.make_territory(TerritoryKind.NEIGHBOURHOOD), now=NOW)
    # proposals only: nobody is in charge before the coordination routes the report (issue 8)
    assert routed.suggested_organisation_id == w["hp1"].id and routed.responsible_organisation_id is None
    assert routed.agreement_id == w["agreement"].id
    assert elsewhere.suggested_organisation_id == w["hp2"].id and elsewhere.agreement_id is None
    assert elsewhere.responsible_organisation_id is None


def test_templates_per_category_beat_generic(f, w):
    other = f.make_category()
    assert services.template_text(w["category"], ReportStatus.RESOLVED) == services.DEFAULT_TEXTS[
        ReportStatus.RESOLVED]
    db.session.add(ResponseTemplate(category=None, status=ReportStatus.RESOLVED, text="Générique"))
    db.session.flush()
    assert services.template_text(w["category"], ReportStatus.RESOLVED) == "Générique"
    db.session.add(ResponseTemplate(category=w["category"], status=ReportStatus.RESOLVED, text="Propre"))
    db.session.flush()
    assert services.template_text(w["category"], ReportStatus.RESOLVED) == "Propre"
    assert services.template_text(other, ReportStatus.RESOLVED) == "Générique"


def test_render_placeholders(f, w):
    first = f.make_report(w["category"], now=NOW)
    report = f.make_report(w["category"], now=NOW)
    assert services.render_text("{organisation}", report) == "l'organisme compétent"  # only proposed so far
    services.route_report(report, to=w["hp2"], actor=w["coordinator"], now=NOW)
    services.merge(report, into=first, actor=w["coordinator"], now=NOW)
    text = services.render_text("{reference} {organisation} {referral} {duplicate_of} {inconnu}", report,
                                referral="la mairie")
    assert text == f"{report.reference} Bailleur Deux la mairie {first.reference} {{inconnu}}"
    assert services.render_text("accolade { seule", report) == "accolade { seule"
    assert report.updates[-1].public_text.endswith(f"{first.reference}.")


def test_duplicate_candidates(f, w):
    base = f.make_report(w["category"], address="1 rue A", latitude=47.2100, longitude=-1.5500, now=NOW)
    near = f.make_report(w["category"], address="3 rue A", latitude=47.2102, longitude=-1.5501, now=NOW)
    far = f.make_report(w["category"], address="9 rue B", latitude=47.2200, longitude=-1.5500, now=NOW)
    near_other_category = f.make_report(f.make_category(), address="5 rue A", latitude=47.2101,
                                        longitude=-1.5500, now=NOW)
    same_address = f.make_report(f.make_category(), address="1 RUE A ", now=NOW)
    too_old = f.make_report(w["category"], address="1 rue A", latitude=47.2100, longitude=-1.5500,
                            now=NOW - timedelta(days=31))
    found = services.duplicate_candidates(base, now=NOW)
    assert near in found and same_address in found
    assert far not in found and near_other_category not in found and too_old not in found and base not in found


def test_merge_informs_every_reporter(f, w):
    first = f.make_report(w["category"], contact_email="a@example.org", contact_consent=True, now=NOW)
    dup = f.make_report(w["category"], contact_email="b@example.org", contact_consent=True, now=NOW)
    before = len(_mails())
    services.merge(dup, into=first, actor=w["coordinator"], now=NOW)
    assert [m.to_address for m in _mails()[before:]] == ["b@example.org"]
    assert first.reference in _mails()[-1].body
    services.route_report(first, to=w["hp1"], actor=w["coordinator"], now=NOW)
    routed = _mails()[before + 1:]
    assert {m.to_address for m in routed if m.template != "partner_notice"} == {"a@example.org", "b@example.org"}
    # and hp1's referent hears of it (gup.notifications.partners)
    assert [m.to_address for m in routed if m.template == "partner_notice"] == [w["referent1"].email]
    with pytest.raises(DomainError):
        services.merge(first, into=dup, actor=w["coordinator"], now=NOW)  # dup is itself a duplicate


def test_reroute_keeps_history_and_clock(f, w):
    report = f.make_report(w["category"], now=NOW - timedelta(days=3))
    services.route_report(report, to=w["hp1"], actor=w["coordinator"], now=NOW - timedelta(days=2))
    first_answer = report.first_answer_at
    services.route_report(report, to=w["hp2"], actor=w["coordinator"], now=NOW)
    assert report.status is ReportStatus.SENT and report.responsible_organisation_id == w["hp2"].id
    assert [(u.status, u.organisation_id) for u in report.updates] == [
        (ReportStatus.RECEIVED, None), (ReportStatus.SENT, w["hp1"].id), (ReportStatus.SENT, w["hp2"].id)]
    assert report.first_answer_at == first_answer
    assert report.resolution_due_on() == (NOW - timedelta(days=3)).date() + timedelta(days=30)


def test_reopen(f, w):
    report = f.make_report(w["category"], now=NOW)
    services.route_report(report, to=w["hp1"], actor=w["coordinator"], now=NOW)
    services.change_status(report, to=ReportStatus.RESOLVED, actor=w["referent1"], now=NOW)
    assert report.closed_at == NOW
    services.reopen(report, actor=w["coordinator"], now=NOW)
    assert report.status is ReportStatus.SENT and report.closed_at is None
    services.change_status(report, to=ReportStatus.REJECTED, actor=w["coordinator"], now=NOW, public_text="Non")
    services.reopen(report, actor=w["coordinator"], now=NOW)
    assert report.status is ReportStatus.RECEIVED


def test_not_our_remit_requires_referral(f, w):
    report = f.make_report(w["category"], now=NOW)
    with pytest.raises(DomainError) as exc:
        services.change_status(report, to=ReportStatus.NOT_OUR_REMIT, actor=w["coordinator"], now=NOW)
    assert exc.value.field == "referral"
    services.change_status(report, to=ReportStatus.NOT_OUR_REMIT, actor=w["coordinator"], now=NOW,
                           referral="La Métropole (3939)")
    assert "La Métropole (3939)" in report.updates[-1].public_text
    with pytest.raises(InvalidTransition):
        services.change_status(report, to=ReportStatus.RESOLVED, actor=w["coordinator"], now=NOW)


def test_overdue_sla_and_its_sql_twin(f, w):
    cat = f.make_category(first_answer_days=2, resolution_days=10)
    today = date(2026, 11, 20)

    def at(days: int) -> datetime:
        return datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)

    unanswered_2 = f.make_report(cat, now=at(2))
    unanswered_3 = f.make_report(cat, now=at(3))
    answered_5 = f.make_report(cat, now=at(5))
    services.route_report(answered_5, to=w["hp1"], actor=None, now=at(4))
    answered_11 = f.make_report(cat, now=at(11))
    services.route_report(answered_11, to=w["hp1"], actor=None, now=at(10))
    closed = f.make_report(cat, now=at(20))
    services.change_status(closed, to=ReportStatus.REJECTED, actor=None, now=at(19), public_text="Non")
    expected = {unanswered_3.id, answered_11.id}
    assert {r.id for r in (unanswered_2, unanswered_3, answered_5, answered_11, closed)
            if r.is_overdue(today)} == expected
    sql = set(db.session.scalars(sa.select(ResidentReport.id).where(queries.overdue_clause(today))))
    assert sql == expected


def test_requalify_convert_and_attach(f, w):
    report = f.make_report(w["category"], neighbourhood=w["hood"], now=NOW)
    other = f.make_category(default_organisation=w["hp1"], theme=f.theme())
    services.requalify(report, category=other, actor=w["coordinator"], now=NOW)
    assert report.status is ReportStatus.QUALIFIED and report.suggested_organisation_id == w["hp1"].id
    finding = services.convert_to_finding(report, actor=w["coordinator"], now=NOW)
    assert isinstance(finding, Finding) and report.finding_id == finding.id
    assert finding.agreement_id == w["agreement"].id and finding.theme_id == other.theme_id
    assert report.channel is Channel.WEB
    with pytest.raises(DomainError):
        services.convert_to_finding(report, actor=w["coordinator"], now=NOW)
    orphan = f.make_report(w["category"], now=NOW)
    with pytest.raises(DomainError):
        services.convert_to_finding(orphan, actor=w["coordinator"], now=NOW)
    action = f.make_action(w["agreement"], w["hp1"])
    services.attach_to_action(report, action=action, actor=w["coordinator"], now=NOW)
    assert report.action_id == action.id
    with pytest.raises(DomainError):
        services.attach_to_action(orphan, action=action, actor=w["coordinator"], now=NOW)


def test_a_walk_finding_opens_a_public_report(client, f, login):
    """Channel « constat de diagnostic »: the report keeps the finding, its organisation and its place."""
    from gup.hotline.models import Channel, ResidentReport

    w = f.world()
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, address="Allée du Verger")
    category = f.make_category()
    db.session.commit()
    login(w["referent2"])
    assert client.post(f"/findings/{finding.id}/signalement", data={"category_id": category.id}).status_code == 403
    login(w["coordinator"])
    page = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "Ouvrir un signalement public" in page
    response = client.post(f"/findings/{finding.id}/signalement", data={"category_id": category.id})
    assert response.status_code == 302
    report = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.finding_id == finding.id))
    assert report.channel is Channel.FINDING and report.suggested_organisation_id == w["hp1"].id
    assert report.responsible_organisation_id is None  # triaged and routed like any other report
    assert report.neighbourhood_id == walk.neighbourhood_id and report.address == "Allée du Verger"
    again = client.post(f"/findings/{finding.id}/signalement", data={"category_id": category.id},
                        follow_redirects=True)
    assert "Un signalement existe déjà" in again.get_data(as_text=True)
    assert report.reference in client.get(f"/findings/{finding.id}").get_data(as_text=True)
