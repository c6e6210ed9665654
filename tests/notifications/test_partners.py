"""Partner notifications: routing a finding to « Logis du Val » mails its immediate referent at once and puts a
line in its digest referent's daily digest, both delivered once through the real SMTP test server; « none » sends
nothing, the actor is never told of their own action, overdue notices go once, the account page sets the
preference (a bad value gets a French error)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gup.actions import jobs as action_jobs
from gup.actions.services import create_action
from gup.auth.models import Role, User
from gup.extensions import db
from gup.features import registry
from gup.findings import jobs as finding_jobs
from gup.findings.services import create_finding
from gup.hotline.services import route_report
from gup.notifications.models import DigestLine, NotificationPreference, OutboundMail
from gup.notifications.partners import daily_digest
from gup.notifications.sender import send_outbox
from tests.smtp_server import html_body, plain_body

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
#: the digest job's next occurrence: 3 December 2026, 07:30 in Paris
DIGEST_AT = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
CLAIRE, MARC = "claire.martin@logisduval.test", "marc.petit@logisduval.test"


@pytest.fixture
def logis(f):
    """Demo-like data: « Logis du Val » with two referents (Claire: immediate, Marc: daily digest)."""
    org = f.make_organisation(name="Logis du Val", code="logis-du-val")
    claire = f.make_user(Role.PARTNER_REFERENT, org, email=CLAIRE, full_name="Claire Martin")
    marc = f.make_user(Role.PARTNER_REFERENT, org, email=MARC, full_name="Marc Petit",
                       notification_preference=NotificationPreference.DIGEST)
    coordinator = f.make_user(Role.COORDINATOR, email="coordination@ville.test")
    agreement = f.make_agreement(coordinators=[coordinator], organisations=[org])
    db.session.commit()
    return {"org": org, "claire": claire, "marc": marc, "coordinator": coordinator, "agreement": agreement}


def _route_finding(f, logis, actor=None):
    finding = create_finding(logis["agreement"], actor=actor or logis["coordinator"], now=NOW,
                             description="Porte du hall cassée, bâtiment B", theme=f.theme(),
                             responsible_organisation=logis["org"])
    db.session.commit()
    return finding


def _to(smtp, address):
    return [message for rcpts, message in smtp.messages if address in rcpts]


def test_routing_a_finding_mails_the_immediate_referent_and_fills_the_digest_once(f, logis, smtp):
    finding = _route_finding(f, logis)
    url = f"https://gup.test/findings/{finding.id}"

    queued = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.template == "partner_notice")).all()
    assert [m.to_address for m in queued] == [CLAIRE]
    lines = db.session.scalars(sa.select(DigestLine)).all()
    assert [(line.user_id, line.kind, line.url) for line in lines] == [(logis["marc"].id, "finding_sent", url)]

    assert send_outbox(now=NOW) == 1
    (notice,) = _to(smtp, CLAIRE)
    assert notice["Subject"] == "Constat transmis à Logis du Val"
    assert url in plain_body(notice) and "Porte du hall cassée" in plain_body(notice)
    assert f'href="{url}"' in html_body(notice)
    assert _to(smtp, MARC) == []  # nothing before the digest

    assert daily_digest(DIGEST_AT) == 1
    assert send_outbox(now=DIGEST_AT) == 1
    (digest,) = _to(smtp, MARC)
    assert digest["Subject"].startswith("Récapitulatif du 3 décembre 2026 : 1 envoi")
    assert "Constat transmis" in plain_body(digest) and url in plain_body(digest)
    assert db.session.scalars(sa.select(DigestLine)).one().sent_at == DIGEST_AT

    # sent once: a second run of the day (or the next day with nothing new) mails nothing
    assert daily_digest(DIGEST_AT) == 0
    assert daily_digest(datetime(2026, 12, 4, 6, 30, tzinfo=UTC)) == 0
    assert send_outbox(now=DIGEST_AT) == 0
    assert len(smtp.messages) == 2


def test_none_preference_and_inactive_or_other_referents_are_not_told(f, logis, smtp):
    logis["claire"].notification_preference = NotificationPreference.NONE
    logis["marc"].notification_preference = NotificationPreference.NONE
    f.make_user(Role.PARTNER_REFERENT, logis["org"], email="parti@logisduval.test", is_active_account=False)
    f.make_user(Role.PARTNER_REFERENT, email="autre@bailleur.test")  # another organisation's referent
    db.session.commit()
    _route_finding(f, logis)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DigestLine)) == 0
    assert daily_digest(DIGEST_AT) == 0
    assert send_outbox(now=DIGEST_AT) == 0 and smtp.messages == []


def test_the_actor_is_not_told_of_their_own_action(f, logis, smtp):
    logis["marc"].notification_preference = NotificationPreference.IMMEDIATE
    db.session.commit()
    action = create_action(logis["agreement"], responsible_organisation=logis["org"], actor=logis["claire"],
                           now=NOW, title="Remplacer la serrure du hall")
    db.session.commit()
    assert send_outbox(now=NOW) == 1
    assert _to(smtp, CLAIRE) == []
    (notice,) = _to(smtp, MARC)
    assert notice["Subject"] == "Action confiée à Logis du Val"
    assert f"https://gup.test/actions/{action.id}" in plain_body(notice)


def test_a_routed_report_is_notified_with_its_back_office_link(f, logis, smtp):
    report = f.make_report(now=NOW)
    db.session.commit()
    route_report(report, to=logis["org"], actor=logis["coordinator"], now=NOW)
    db.session.commit()
    notices = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.template == "partner_notice")).all()
    assert [m.to_address for m in notices] == [CLAIRE]
    assert f"https://gup.test/signalements/{report.id}" in notices[0].body
    assert db.session.scalars(sa.select(DigestLine.kind)).all() == ["report_sent"]


def test_overdue_findings_and_actions_are_notified_once(f, logis, smtp):
    finding = f.make_finding(logis["agreement"], logis["org"], due_on=date(2026, 12, 1))
    f.make_finding(logis["agreement"], logis["org"], due_on=date(2026, 12, 2))  # due today: not yet overdue
    action = f.make_action(logis["agreement"], logis["org"], due_on=date(2026, 12, 1))
    db.session.commit()
    assert finding_jobs.overdue_notices(NOW) == 1
    assert action_jobs.overdue_notices(NOW) == 1
    assert finding_jobs.overdue_notices(NOW) == 0  # once per item, even if the job runs again
    assert action_jobs.overdue_notices(NOW) == 0
    assert send_outbox(now=NOW) == 2
    subjects = sorted(m["Subject"] for m in _to(smtp, CLAIRE))
    assert subjects == ["Action en retard à Logis du Val", "Constat en retard à Logis du Val"]
    assert any(f"https://gup.test/findings/{finding.id}" in plain_body(m) for m in _to(smtp, CLAIRE))
    assert any(f"https://gup.test/actions/{action.id}" in plain_body(m) for m in _to(smtp, CLAIRE))
    assert sorted(db.session.scalars(sa.select(DigestLine.kind))) == ["action_overdue", "finding_overdue"]


def test_jobs_are_registered(app):
    jobs = registry(app).jobs
    assert jobs["notifications.daily_digest"].trigger_args == {"hour": 7, "minute": 30}
    assert "findings.overdue_notices" in jobs and "actions.overdue_notices" in jobs


def test_account_page_sets_the_preference(app, client, login, logis):
    login(logis["claire"])
    page = client.get("/account").get_data(as_text=True)
    assert "Courriels de suivi" in page and 'value="digest"' in page
    response = client.post("/account/notifications", data={"notification_preference": "digest"})
    assert response.status_code == 302
    assert db.session.get(User, logis["claire"].id, populate_existing=True).notification_preference \
        is NotificationPreference.DIGEST

    response = client.post("/account/notifications", data={"notification_preference": "hourly"})
    assert response.status_code == 422
    assert "Choisissez une fréquence proposée." in response.get_data(as_text=True)
    assert db.session.get(User, logis["claire"].id, populate_existing=True).notification_preference \
        is NotificationPreference.DIGEST


def test_preference_form_needs_the_csrf_token(app, client, login, logis):
    login(logis["claire"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/notifications", data={"notification_preference": "none"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (400, 422)
    assert db.session.get(User, logis["claire"].id, populate_existing=True).notification_preference \
        is NotificationPreference.IMMEDIATE
