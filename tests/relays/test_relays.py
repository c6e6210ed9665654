"""Relays: consent, contact erasure, mandate reminders, indicators, policy and pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from gup.extensions import db
from gup.features import registry
from gup.indicators import Period
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from gup.policy import can
from gup.relays import jobs, services
from gup.relays.indicators import relays_active, relays_coverage_rate, relays_turnover
from gup.relays.models import AgeBracket, DesignationMethod, EndReason, Gender, RelayStatus
from tests.relays.conftest import NOW
from tests.smtp_server import plain_body


def _relay(w, territory, **kw):
    kw.setdefault("mandate_start_on", date(2026, 1, 1))
    return services.create_relay(w["agreement"], actor=w["coordinator"], person_name=kw.pop("name", "Awa Diallo"),
                                 territory=territory, email=kw.pop("email", "awa@example.org"),
                                 consent_given_on=date(2026, 1, 1), consent_channels=["email"], **kw)


def test_default_mandate_length_is_the_setting(app, w, place):
    relay = _relay(w, place["b1"])
    assert relay.mandate_end_on == date(2028, 1, 1)
    app.config["RELAY_MANDATE_MONTHS"] = 12
    try:
        assert _relay(w, place["b2"]).mandate_end_on == date(2027, 1, 1)
    finally:
        app.config["RELAY_MANDATE_MONTHS"] = 24


def test_withdrawing_consent_stops_all_mail_and_erases_contact(w, place):
    relay = _relay(w, place["b1"], phone="06 00 00 00 00")
    assert relay.mail_address() == "awa@example.org"
    services.withdraw_consent(relay, on=date(2026, 5, 1), actor=w["coordinator"])
    assert relay.mail_address() is None
    assert relay.email is None and relay.phone is None and relay.contact_erased_at is not None
    assert relay.consent_withdrawn_on == date(2026, 5, 1)
    # editing afterwards cannot bring the contact back
    services.update_relay(relay, actor=w["coordinator"], email="new@example.org")
    assert relay.email is None and relay.mail_address() is None


def test_no_mail_without_consent_for_email(w, place):
    relay = services.create_relay(w["agreement"], actor=w["coordinator"], person_name="Sans consentement",
                                  territory=place["b1"], email="x@example.org", mandate_start_on=date(2026, 1, 1))
    assert relay.mail_address() is None
    services.update_relay(relay, actor=w["coordinator"], consent_given_on=date(2026, 2, 1),
                          consent_channels=["phone"])
    assert relay.mail_address() is None


def test_erase_job_erases_contact_after_retention(w, place):
    today = NOW.date()
    old = _relay(w, place["b1"], name="Ancienne", mandate_start_on=date(2023, 1, 1), mandate_end_on=date(2025, 1, 1))
    recent = _relay(w, place["b2"], name="Récente", mandate_start_on=date(2024, 1, 1))
    services.end_mandate(recent, reason=EndReason.RESIGNED, on=today - timedelta(days=30), actor=w["coordinator"])
    current = _relay(w, place["b3"], name="En cours")
    assert jobs.erase_contact_data(NOW) == 1
    assert old.email is None and old.contact_erased_at is not None
    assert recent.email == "awa@example.org" and current.email == "awa@example.org"
    assert jobs.erase_contact_data(NOW) == 0


def test_mandates_ending_remind_the_coordinators_once(w, place, smtp):
    soon = _relay(w, place["b1"], name="Bientôt", mandate_start_on=date(2025, 1, 10), mandate_end_on=date(2027, 1, 10))
    _relay(w, place["b2"], name="Plus tard", mandate_start_on=date(2026, 1, 1))
    db.session.commit()
    assert jobs.mandates_ending(NOW) == 1
    db.session.commit()
    assert jobs.mandates_ending(NOW + timedelta(days=1)) == 0
    db.session.commit()
    mails = list(db.session.scalars(sa.select(OutboundMail).where(OutboundMail.template == "relay_mandate_ending")))
    assert [m.to_address for m in mails] == [w["coordinator"].email]
    assert send_outbox(now=NOW) == 1
    (rcpt, message), = smtp.messages
    assert rcpt == [w["coordinator"].email]
    assert "Bientôt" in plain_body(message) and "10/01/2027" in plain_body(message)
    assert f"https://gup.test/relays/{soon.id}" in plain_body(message)


def test_inbox_items_for_the_coordination(app, w, place):
    _relay(w, place["b1"], name="Bientôt", mandate_start_on=date(2025, 1, 10), mandate_end_on=date(2027, 1, 10))
    provider = next(p for p in registry(app).work_item_providers if p.kind == "relay_mandate")
    assert [i.obj.person_name for i in provider.items(w["coordinator"], NOW.date())] == ["Bientôt"]
    assert provider.items(w["other_coordinator"], NOW.date()) == []


def test_indicators_on_known_data(app, w, place):
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    _relay(w, place["b1"], name="A1", gender=Gender.WOMAN, age_bracket=AgeBracket.FROM_25_TO_39)
    _relay(w, place["s1"], name="B-cage", gender=Gender.MAN)  # a stairwell covers its building B
    ended = _relay(w, place["b1"], name="A-fin", mandate_start_on=date(2024, 1, 1), age_bracket="60_74")
    services.end_mandate(ended, reason=EndReason.MOVED, on=date(2026, 3, 1), actor=w["coordinator"])
    _relay(w, place["b3"], name="Passé", mandate_start_on=date(2022, 1, 1), mandate_end_on=date(2024, 1, 1))
    value = relays_active(w["agreement"], period)
    assert value.value == 3  # A1, B-cage and A-fin (active until March)
    assert [(r.label, r.value) for r in value.breakdowns["neighbourhood"]] == [("Les Dervallières", 3)]
    assert [(r.key, r.value) for r in value.breakdowns["gender"]] == [("woman", 1), ("man", 1), ("none", 1)]
    assert [(r.key, r.value) for r in value.breakdowns["age_bracket"]] == [("25_39", 1), ("60_74", 1), ("none", 1)]
    assert value.details["Bâtiments couverts"] == 2 and value.details["Bâtiments du périmètre"] == 3
    assert relays_coverage_rate(w["agreement"], period).value == 66.7
    turnover = relays_turnover(w["agreement"], period)
    assert turnover.value == 1 and [(r.key, r.value) for r in turnover.breakdowns["end_reason"]] == [("moved", 1)]
    specs = registry(app).indicator_specs
    assert specs["relays_active"].dimension_label("gender") == "genre déclaré"
    assert {"relays_active", "relays_coverage_rate", "relays_turnover"} <= set(specs)


def test_referents_never_see_contact_data(w, place, client, login):
    relay = _relay(w, place["b1"], phone="06 11 22 33 44")
    db.session.commit()
    assert can(w["referent1"], "view", relay) and not can(w["referent1"], "view_contact", relay)
    assert can(w["coordinator"], "view_contact", relay) and not can(w["other_coordinator"], "view_contact", relay)
    assert not can(w["outsider"], "view", relay)
    login(w["referent1"])
    page = client.get(f"/relays/{relay.id}").get_data(as_text=True)
    assert "Awa Diallo" in page and "awa@example.org" not in page and "06 11 22 33 44" not in page
    login(w["coordinator"])
    page = client.get(f"/relays/{relay.id}").get_data(as_text=True)
    assert "awa@example.org" in page and "06 11 22 33 44" in page


def test_list_shows_covered_and_uncovered_buildings(w, place, client, login):
    _relay(w, place["s1"], name="Relais cage")
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/agreements/{w['agreement'].id}/relays").get_data(as_text=True)
    assert page.count("Non couvert") == 2 and page.count(">Couvert<") == 1


def test_coordination_creates_a_relay_through_the_form(w, place, client, login):
    login(w["coordinator"])
    response = client.post(f"/agreements/{w['agreement'].id}/relays/new", data={
        "person_name": "Nadia B.", "territory_id": place["b3"].id, "designation_method": "random_draw",
        "mandate_start_on": "2026-09-01", "email": "nadia@example.org", "consent_given_on": "2026-09-01",
        "consent_channels": ["email"], "gender": "", "age_bracket": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    from gup.relays.models import ResidentRelay

    relay = db.session.scalar(sa.select(ResidentRelay).where(ResidentRelay.person_name == "Nadia B."))
    assert relay.designation_method is DesignationMethod.RANDOM_DRAW and relay.status is RelayStatus.ACTIVE
    assert relay.mandate_end_on == date(2028, 9, 1) and relay.gender is None
    bad = client.post(f"/agreements/{w['agreement'].id}/relays/new", data={
        "person_name": "Sans lieu", "designation_method": "volunteer", "mandate_start_on": "2026-09-01"})
    assert bad.status_code == 422 and "Choisissez un lieu" in bad.get_data(as_text=True)


def test_draw_is_run_published_and_verifiable(app, w, place, client, login):
    coordinator = w["coordinator"]
    pool = services.create_pool(w["agreement"], name="Vivier bâtiment C", territory=place["b3"], actor=coordinator)
    for name, gender in [("Alice", "woman"), ("Bruno", "man"), ("Chloé", "woman"), ("David", "man")]:
        services.add_pool_member(pool, person_name=name, gender=gender, actor=coordinator)
    db.session.commit()
    login(coordinator)
    response = client.post(f"/relay-pools/{pool.id}/draws", data={"seats": "2", "parity": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    from gup.relays.models import RelayDraw

    record = db.session.scalar(sa.select(RelayDraw))
    assert record.pool_ids == ["V-0001", "V-0002", "V-0003", "V-0004"] and len(record.seed) == 32
    assert services.verify(record)
    assert {record.pool_genders[p] for p in record.result_ids} == {"woman", "man"}
    client.post("/logout")
    assert client.get(f"/tirages/{record.id}").status_code == 404  # not yet published
    login(coordinator)
    assert client.post(f"/relay-draws/{record.id}/publish").status_code == 302
    client.post("/logout")
    html = client.get(f"/tirages/{record.id}").get_data(as_text=True)
    page = re.sub(r"<[^>]+>", "", html)
    assert record.seed in page and ", ".join(record.result_ids) in page and "random.Random" in page
    assert "Alice" not in page and "Bruno" not in page
    # a parity draw can be checked from the page alone: the women's pseudonyms are published, in the command too
    assert re.search(r"Femmes \(parité\)\s*V-0001, V-0003", page)
    assert "women=[&#39;V-0001&#39;,&#39;V-0003&#39;]" in html
    result = app.test_cli_runner().invoke(args=["gup", "relays", "verify-draw", str(record.id)])
    assert result.exit_code == 0, result.output
    assert "Vérifié : identique." in result.output


def test_mandates_ending_soon_are_listed_for_their_coordinator(w, place, client, login):
    """The coordination finds the mandates ending within 60 days on the « Habitants relais » page (and in « Mes
    actions », through the provider above: tests/inbox/test_audiences.py)."""
    from gup.i18n import local_today
    from gup.relays.queries import ENDING_SOON_DAYS

    end_on = local_today() + timedelta(days=ENDING_SOON_DAYS - 5)
    relay = _relay(w, place["b1"], name="Fin proche", mandate_start_on=end_on - timedelta(days=700),
                   mandate_end_on=end_on)
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/relays").get_data(as_text=True)
    assert f"/relays/{relay.id}" in page and "Fin proche" in page
    login(w["other_coordinator"])
    assert "Fin proche" not in client.get("/relays").get_data(as_text=True)
