"""The relays' monthly digest: a building's reports, findings and actions (and not its neighbour's), mailed once
through the real outbox and SMTP server; withdrawing consent stops it; no consent, no mail; the job is registered."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from gup.extensions import db
from gup.features import registry
from gup.hotline.models import ResidentReport
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from gup.relays import digest, jobs, services, work
from gup.relays.models import DIGEST_CAUSE, RelayDigest
from gup.territory.models import TerritoryKind
from gup.territory.queries import territory_index
from tests.smtp_server import html_body, plain_body

#: the job's occurrence: 1 December 2026, 08:00 in Paris; the digest covers November 2026
DEC_1 = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
JAN_1 = datetime(2027, 1, 1, 7, 0, tzinfo=UTC)
IN_NOVEMBER = datetime(2026, 11, 10, 9, 30, tzinfo=UTC)
IN_OCTOBER = datetime(2026, 10, 20, 9, 30, tzinfo=UTC)
IN_DECEMBER = datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
RELAY_MAIL = "awa@example.org"


def _relay(w, territory=None, **kw):
    kw.setdefault("consent_channels", ["email"])
    return services.create_relay(w["agreement"], actor=w["coordinator"], person_name=kw.pop("name", "Awa Diallo"),
                                 territory=territory, email=kw.pop("email", RELAY_MAIL),
                                 consent_given_on=date(2026, 1, 1), mandate_start_on=date(2026, 1, 1), **kw)


def _at(obj, when: datetime) -> None:
    """Pin created_at and updated_at (the ORM sets updated_at to the real clock on each change)."""
    db.session.flush()
    model = type(obj)
    db.session.execute(sa.update(model).where(model.id == obj.id).values(created_at=when, updated_at=when))
    db.session.expire(obj)


def _report(f, territory, when=IN_NOVEMBER, **kw):
    kw.setdefault("description", "Sacs laissés devant la porte")
    report = f.make_report(territory=territory, now=when, address=kw.pop("address", "2 rue des Acacias"), **kw)
    _at(report, when)
    return report


def _finding(f, w, territory, when=IN_NOVEMBER, **kw):
    finding = f.make_finding(w["agreement"], w["hp1"], territory=territory, **kw)
    _at(finding, when)
    return finding


def _action(f, w, when=IN_NOVEMBER, findings=(), **kw):
    action = f.make_action(w["agreement"], w["hp1"], **kw)
    action.findings.extend(findings)
    _at(action, when)
    return action


def _mails_to(smtp, address):
    return [message for rcpt, message in smtp.messages if rcpt == [address]]


def test_a_building_digest_lists_that_building_only(f, w, place, smtp):
    relay = _relay(w, place["b2"])
    category = f.make_category(label="Encombrants et dépôts")
    mine = _report(f, place["b2"], category=category, description="Le voisin du 3e, M. Martin, jette ses sacs",
                   address="12 rue Secrète", contact_name="Jeanne Voisine", contact_email="jeanne@example.org",
                   contact_consent=True)
    in_stairwell = _report(f, place["s1"], category=category)
    next_door = _report(f, place["b1"], category=category)
    older = _report(f, place["b2"], when=IN_OCTOBER, category=category)
    finding = _finding(f, w, place["b2"], description="Porte du hall cassée, signalée par Mme Durand")
    other_finding = _finding(f, w, place["b1"])
    action = _action(f, w, title="Remplacer la porte du hall", findings=[finding])
    other_action = _action(f, w, title="Repeindre la cage du bâtiment A", findings=[other_finding])
    entrusted = _action(f, w, title="Affichage de la réunion de cage")
    work.entrust_action(entrusted, [relay], actor=w["coordinator"], now=IN_NOVEMBER)
    _at(entrusted, IN_NOVEMBER)
    db.session.commit()

    content = digest.build(relay, date(2026, 11, 1), territory_index())
    assert [line.reference for line in content.reports] == [mine.reference, in_stairwell.reference]
    assert [line.reference for line in content.findings] == [str(finding.id)]
    assert sorted(line.reference for line in content.actions) == sorted([str(action.id), str(entrusted.id)])

    assert jobs.monthly_digest(DEC_1) == 1
    db.session.commit()
    send_outbox(now=DEC_1)
    (message,) = _mails_to(smtp, RELAY_MAIL)
    assert message["Subject"] == "Votre récapitulatif de novembre 2026 : Bâtiment B"
    body = plain_body(message)
    assert "novembre 2026" in body and "Bâtiment B" in body
    assert (f"- {mine.reference} — Encombrants et dépôts (Bâtiment B) : Reçu (nouveau)\n"
            f"  https://gup.test/suivi/{mine.reference}") in body
    assert f"- {in_stairwell.reference} — Encombrants et dépôts (Cage d'escalier Cage 1) : Reçu (nouveau)" in body
    assert next_door.reference not in body and older.reference not in body
    assert (f"- Constat n° {finding.id} — Dysfonctionnement, {finding.theme.label} (Bâtiment B) : "
            f"Transmis au partenaire (nouveau)\n") in body
    assert "/findings/" not in body and "/actions/" not in body  # pages a relay's account cannot open
    assert f"Constat n° {other_finding.id} " not in body
    assert f"- Action n° {action.id} — Remplacer la porte du hall : Prévue (nouvelle)\n" in body
    assert (f"- Action n° {entrusted.id} — Affichage de la réunion de cage : Prévue (nouvelle)\n"
            f"  https://gup.test/relais/{relay.id}") in body
    assert other_action.title not in body
    # never a resident's words or contact: no description, address, name or e-mail of a report or finding
    html = html_body(message)
    for private in ("Martin", "12 rue Secrète", "2 rue des Acacias", "Jeanne", "jeanne@example.org", "Durand",
                    "Sacs laissés"):
        assert private not in body and private not in html
    assert f'<a href="https://gup.test/suivi/{mine.reference}">{mine.reference}</a>' in html


def test_sent_once_per_relay_and_month(f, w, place, smtp):
    relay = _relay(w, place["b2"])
    _report(f, place["b2"])
    db.session.commit()
    assert jobs.monthly_digest(DEC_1) == 1
    db.session.commit()
    assert jobs.monthly_digest(DEC_1.replace(hour=9)) == 0  # a second run (by hand, or a second scheduler)
    db.session.commit()
    assert send_outbox(now=DEC_1) >= 1
    assert len(_mails_to(smtp, RELAY_MAIL)) == 1
    claim = db.session.scalars(sa.select(RelayDigest)).one()
    assert (claim.relay_id, claim.month, claim.items) == (relay.id, date(2026, 11, 1), 1)


def test_nothing_to_say_sends_nothing(w, place, smtp, f):
    _relay(w, place["b2"])
    _report(f, place["b1"])  # the neighbouring building only
    db.session.commit()
    assert jobs.monthly_digest(DEC_1) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RelayDigest)) == 0


def test_withdrawing_consent_stops_the_next_digest_and_deletes_a_queued_one(f, w, place, smtp):
    relay = _relay(w, place["b2"])
    _report(f, place["b2"])
    db.session.commit()
    assert jobs.monthly_digest(DEC_1) == 1
    db.session.commit()
    queued = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_kind == DIGEST_CAUSE)).one()
    assert queued.to_address == RELAY_MAIL and queued.sent_at is None

    services.withdraw_consent(relay, on=date(2026, 12, 1), actor=w["coordinator"])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)
                             .where(OutboundMail.cause_kind == DIGEST_CAUSE)) == 0
    send_outbox(now=DEC_1)
    assert _mails_to(smtp, RELAY_MAIL) == []

    _report(f, place["b2"], when=IN_DECEMBER)
    db.session.commit()
    assert jobs.monthly_digest(JAN_1) == 0
    db.session.commit()
    send_outbox(now=JAN_1)
    assert _mails_to(smtp, RELAY_MAIL) == []


def test_a_sent_digest_stays_when_consent_is_withdrawn_later(f, w, place, smtp):
    relay = _relay(w, place["b2"])
    _report(f, place["b2"])
    db.session.commit()
    jobs.monthly_digest(DEC_1)
    db.session.commit()
    send_outbox(now=DEC_1)
    services.withdraw_consent(relay, on=date(2026, 12, 2), actor=w["coordinator"])
    db.session.commit()
    sent = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.cause_kind == DIGEST_CAUSE)).one()
    assert sent.sent_at is not None  # the record of what went stays; only unsent mail is deleted
    assert len(_mails_to(smtp, RELAY_MAIL)) == 1


def test_no_digest_without_consent_to_email(f, w, place, smtp):
    _relay(w, place["b2"], consent_channels=["phone"])
    _relay(w, place["b2"], name="Sans accord", email="sans@example.org", consent_channels=None)
    _report(f, place["b2"])
    db.session.commit()
    assert jobs.monthly_digest(DEC_1) == 0
    db.session.commit()
    send_outbox(now=DEC_1)
    assert _mails_to(smtp, RELAY_MAIL) == [] and _mails_to(smtp, "sans@example.org") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RelayDigest)) == 0


def test_theme_relay_gets_their_theme_in_their_neighbourhood(f, w, place, smtp):
    cleanliness = f.theme("cleanliness")
    other_theme = db.session.scalar(sa.select(type(cleanliness)).where(type(cleanliness).id != cleanliness.id))
    relay = _relay(w, None, theme_id=cleanliness.id, neighbourhood_id=place["nbh"].id)
    elsewhere = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Bellevue")
    on_theme = _report(f, place["b3"], category=f.make_category(theme=cleanliness))
    off_theme = _report(f, place["b3"], category=f.make_category(theme=other_theme))
    other_nbh = _report(f, elsewhere, category=f.make_category(theme=cleanliness))
    finding = _finding(f, w, place["b1"], theme=cleanliness)
    off_finding = _finding(f, w, place["b1"], theme=other_theme)
    db.session.commit()
    content = digest.build(relay, date(2026, 11, 1), territory_index())
    assert [line.reference for line in content.reports] == [on_theme.reference]
    assert [line.reference for line in content.findings] == [str(finding.id)]
    assert off_theme.reference and other_nbh.reference and off_finding.id  # made, and left out
    assert jobs.monthly_digest(DEC_1) == 1


def test_month_bounds_are_local_midnights(app_ctx):
    assert digest.previous_month(date(2026, 12, 1)) == date(2026, 11, 1)
    assert digest.previous_month(date(2027, 1, 15)) == date(2026, 12, 1)
    start, end = digest.month_bounds(date(2026, 11, 1))
    assert start == datetime(2026, 10, 31, 23, 0, tzinfo=UTC) and end == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_report_filed_just_after_local_midnight_counts_for_its_local_month(f, w, place, smtp):
    _relay(w, place["b2"])
    report = _report(f, place["b2"], when=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # 1 December, 00:30 in Paris
    db.session.commit()
    assert jobs.monthly_digest(DEC_1) == 0
    assert db.session.get(ResidentReport, report.id).reference


def test_the_job_is_registered_and_listed(app, runner, app_ctx):
    spec = registry(app).jobs["relays.digest"]
    assert spec.func is jobs.monthly_digest and spec.trigger == "cron"
    assert spec.trigger_args == {"day": 1, "hour": 8, "minute": 0}
    listed = runner.invoke(args=["gup", "jobs", "list", "--now", "2026-12-01T12:00"])
    assert listed.exit_code == 0, listed.output
    line = next(li for li in listed.output.splitlines() if li.startswith("relays.digest"))
    assert "2027-01-01 08:00" in line
