"""Hotline jobs: « is it fixed? » and the erasure of contact data; each is idempotent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gup.extensions import db
from gup.hotline import jobs, services
from gup.hotline.models import ReportStatus, ResidentReport
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _mails(**where) -> list[OutboundMail]:
    stmt = sa.select(OutboundMail).order_by(OutboundMail.id)
    for key, value in where.items():
        if key == "report_id":  # the report is the mail's generic cause
            stmt = stmt.where(OutboundMail.cause_kind == services.CAUSE_KIND, OutboundMail.cause_id == value)
        else:
            stmt = stmt.where(getattr(OutboundMail, key) == value)
    return list(db.session.scalars(stmt))


@pytest.fixture
def setting(f):
    org = f.make_organisation()
    return f.make_category(default_organisation=org), org, f.make_user()


def _resolved(f, setting, at, **contact):
    category, org, agent = setting
    report = f.make_report(category, now=at - timedelta(days=2), **contact)
    services.route_report(report, to=org, actor=agent, now=at - timedelta(days=1))
    services.change_status(report, to=ReportStatus.RESOLVED, actor=agent, now=at)
    return report


def test_months_before_caps_the_day():
    assert jobs.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert jobs.months_before(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2025, 1, 15, tzinfo=UTC)


def test_ask_if_fixed_once_and_only_when_due(app_ctx, f, setting):
    due = _resolved(f, setting, NOW - timedelta(weeks=4, hours=1), contact_email="due@example.org",
                    contact_consent=True)
    _resolved(f, setting, NOW - timedelta(weeks=3), contact_email="recent@example.org", contact_consent=True)
    _resolved(f, setting, NOW - timedelta(weeks=6))  # no contact
    db.session.query(OutboundMail).delete()
    db.session.commit()

    assert jobs.ask_if_fixed(NOW) == 1
    db.session.commit()
    assert jobs.ask_if_fixed(NOW + timedelta(hours=1)) == 0  # run twice: nothing sent twice
    db.session.commit()
    mails = _mails()
    assert [m.to_address for m in mails] == ["due@example.org"]
    assert f"/suivi/{due.reference}/resolu?token=" in mails[0].body
    db.session.refresh(due)
    assert due.fixed_question_sent_at == NOW


def test_fixed_token_is_bound_to_the_report_and_expires(app_ctx, f, setting):
    report = _resolved(f, setting, NOW, contact_email="a@example.org", contact_consent=True)
    other = _resolved(f, setting, NOW)
    token = services.fixed_question_token(report)
    assert services.check_fixed_token(report, token)
    assert not services.check_fixed_token(other, token)
    assert not services.check_fixed_token(report, token + "x")
    assert not services.check_fixed_token(report, None)


def test_forged_token_gets_a_french_page(client, f, setting):
    report = _resolved(f, setting, NOW, contact_email="a@example.org", contact_consent=True)
    db.session.commit()
    response = client.post(f"/suivi/{report.reference}/resolu", data={"token": "forged", "answer": "no"})
    assert response.status_code == 404
    assert "n'est pas valide" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status is ReportStatus.RESOLVED


def test_answer_yes_keeps_it_resolved(client, f, setting):
    report = _resolved(f, setting, NOW, contact_email="a@example.org", contact_consent=True)
    db.session.commit()
    token = services.fixed_question_token(report)
    response = client.post(f"/suivi/{report.reference}/resolu", data={"token": token, "answer": "yes"})
    assert response.status_code == 200 and "Merci" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status is ReportStatus.RESOLVED and report.fixed_answer is True


def test_erase_contact_data_after_retention(app_ctx, f, setting):
    old = _resolved(f, setting, NOW - timedelta(days=400), contact_name="Awa", contact_email="old@example.org",
                    contact_phone="0600000000", contact_consent=True, callback_preference="le soir")
    recent = _resolved(f, setting, NOW - timedelta(days=100), contact_email="recent@example.org",
                       contact_consent=True)
    category, _org, _agent = setting
    open_report = f.make_report(category, now=NOW - timedelta(days=500), contact_email="open@example.org",
                                contact_consent=True)
    db.session.commit()
    unsent_before = len(_mails(report_id=old.id))
    assert unsent_before > 0  # acknowledgement and resolution, never sent

    assert jobs.erase_contact_data(NOW) == 1
    db.session.commit()
    assert jobs.erase_contact_data(NOW + timedelta(days=1)) == 0  # idempotent
    db.session.commit()

    db.session.expire_all()
    old = db.session.get(ResidentReport, old.id)
    assert (old.contact_name, old.contact_email, old.contact_phone, old.callback_preference) == (None,) * 4
    assert old.contact_consent is False and old.contact_erased_at == NOW
    assert _mails(report_id=old.id) == []
    assert db.session.get(ResidentReport, recent.id).contact_email == "recent@example.org"
    assert db.session.get(ResidentReport, open_report.id).contact_email == "open@example.org"


def test_sent_mails_are_kept_as_a_record(app, app_ctx, f, setting):
    app.config["MAIL_PORT"], saved = 1, app.config["MAIL_PORT"]  # nothing listens: sending fails, mail kept
    try:
        report = _resolved(f, setting, NOW - timedelta(days=400), contact_email="old@example.org",
                           contact_consent=True)
        first = _mails(report_id=report.id)[0]
        first.sent_at = NOW - timedelta(days=399)
        db.session.commit()
        assert send_outbox(now=NOW) == 0
        jobs.erase_contact_data(NOW)
        db.session.commit()
        assert [m.id for m in _mails(report_id=report.id)] == [first.id]
    finally:
        app.config["MAIL_PORT"] = saved


def test_erasure_and_export_on_request(app_ctx, f, setting):
    category, _org, agent = setting
    mine = f.make_report(category, contact_name="Awa", contact_email="Awa@Example.org", contact_consent=True)
    other = f.make_report(category, contact_email="someone@example.org", contact_consent=True)
    db.session.commit()
    exported = services.export_contact_data(" awa@example.org ")
    assert [e["reference"] for e in exported] == [mine.reference]
    assert exported[0]["contact_name"] == "Awa" and exported[0]["mails"]

    assert services.erase_contact_for_email("AWA@example.org", actor=agent, now=NOW) == 1
    db.session.commit()
    assert services.erase_contact_for_email("awa@example.org", actor=agent, now=NOW) == 0
    assert services.export_contact_data("awa@example.org") == []
    assert _mails(to_address="awa@example.org") == []
    db.session.expire_all()
    assert db.session.get(ResidentReport, mine.id).contact_name is None
    assert db.session.get(ResidentReport, other.id).contact_email == "someone@example.org"
