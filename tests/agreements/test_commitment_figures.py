"""Commitment progress updates carry the figures an evaluation adds up: amounts actually spent to date
(investment, operating) and the indicator's observed value, each dated (HTML, API, service)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from gup.agreements import services
from gup.agreements.models import CommitmentUpdate
from gup.errors import DomainError
from gup.extensions import db
from gup.i18n import local_today
from gup.orm import now_utc

URL = "/api/v1/commitments"


def _with_indicator(commitment):
    commitment.indicator_label, commitment.indicator_unit = "Halls propres au contrôle", "%"
    commitment.indicator_baseline, commitment.indicator_target = Decimal(40), Decimal(90)
    db.session.commit()
    return commitment


def test_referent_records_spending_and_indicator_in_french(client, f, login):
    w = f.world()
    commitment = _with_indicator(w["c1"])
    login(w["referent1"])
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True)
    assert 'name="investment_spent"' in page and "Investissement dépensé à ce jour (€)" in page
    assert 'name="indicator_value"' in page and "Indicateur : Halls propres au contrôle" in page
    assert "non renseigné" in page and "pas encore mesurée" in page
    response = client.post(f"/commitments/{commitment.id}/updates", data={
        "note": "Subvention versée", "investment_spent": "40 000,00", "operating_spent": "1 250,5",
        "spent_on": "15/11/2026", "indicator_value": "62,5", "measured_on": "2026-11-20"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(commitment)
    (update,) = commitment.updates
    assert (update.investment_spent, update.operating_spent) == (Decimal("40000.00"), Decimal("1250.50"))
    assert (update.spent_on, update.indicator_value, update.measured_on) == (
        date(2026, 11, 15), Decimal("62.50"), date(2026, 11, 20))
    page = client.get(f"/commitments/{commitment.id}").get_data(as_text=True).replace("\u202f", " ")
    page = page.replace("\xa0", " ")
    assert "investissement : 40 000,00 €, fonctionnement : 1 250,50 € (au 15 novembre 2026)" in page
    assert "62,5 % le 20 novembre 2026" in page


def test_bad_figures_are_refused_with_what_was_typed_kept(client, f, login):
    w = f.world()
    commitment = _with_indicator(w["c1"])
    login(w["referent1"])
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = client.post(f"/commitments/{commitment.id}/updates", data={
        "note": "Note gardée", "investment_spent": "beaucoup", "spent_on": "31/02/2026"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Note gardée" in body and "beaucoup" in body
    response = client.post(f"/commitments/{commitment.id}/updates", data={
        "note": "Note gardée", "investment_spent": "-5"})
    assert response.status_code == 422 and "Montant positif attendu." in response.get_data(as_text=True)
    response = client.post(f"/commitments/{commitment.id}/updates", data={
        "note": "Futur", "investment_spent": "10", "spent_on": tomorrow})
    assert response.status_code == 422 and "dans le futur" in response.get_data(as_text=True)
    assert commitment.updates == []


def test_api_records_and_returns_the_figures(api, w):
    url = f"{URL}/{w['c1'].id}/updates"
    response = api("referent1", "POST", url, json={"note": "Travaux payés", "investment_spent": "40000.00",
                                                   "indicator_value": "-3.5"})
    assert response.status_code == 201, response.json
    body = response.json
    today = local_today().isoformat()
    assert body["investment_spent"] == "40000.00" and body["operating_spent"] is None
    assert body["spent_on"] == today and body["indicator_value"] == "-3.50" and body["measured_on"] == today
    listed = api("observer", "GET", url).json
    assert listed[0]["investment_spent"] == "40000.00"


@pytest.mark.parametrize(("payload", "field"), [
    ({"investment_spent": "-1"}, "investment_spent"),
    ({"operating_spent": "beaucoup"}, "operating_spent"),
    ({"indicator_value": "1e20"}, "indicator_value"),
    ({"spent_on": "2026-13-01", "investment_spent": "1"}, "spent_on"),
    ({"measured_on": "0001-01-01", "indicator_value": "1"}, "measured_on"),
])
def test_api_refuses_bad_figures(api, w, payload, field):
    response = api("referent1", "POST", f"{URL}/{w['c1'].id}/updates", json={"note": "x", **payload})
    assert response.status_code == 422 and field in response.json["errors"]["json"], response.json
    assert db.session.query(CommitmentUpdate).count() == 0


def test_api_refuses_a_date_without_figure_or_in_the_future(api, w):
    url = f"{URL}/{w['c1'].id}/updates"
    response = api("referent1", "POST", url, json={"note": "x", "spent_on": "2026-01-01"})
    assert response.status_code == 400 and "spent_on" in response.json["errors"]  # a refused rule: 400
    future = (local_today() + timedelta(days=2)).isoformat()
    response = api("referent1", "POST", url, json={"note": "x", "indicator_value": "1", "measured_on": future})
    assert response.status_code == 400 and "measured_on" in response.json["errors"]


def test_latest_figures_are_the_most_recently_dated(f):
    w = f.world()
    c = w["c1"]
    now = now_utc()
    services.add_commitment_update(c, note="b", actor=None, now=now, investment_spent=Decimal(30),
                                   spent_on=date(2026, 10, 1), indicator_value=Decimal(50),
                                   measured_on=date(2026, 9, 1))
    services.add_commitment_update(c, note="a", actor=None, now=now, investment_spent=Decimal(10),
                                   spent_on=date(2026, 3, 1))  # entered later, dated earlier
    services.add_commitment_update(c, note="c", actor=None, now=now)
    assert c.latest_spending().investment_spent == Decimal(30)
    assert c.latest_measure().indicator_value == Decimal(50)
    with pytest.raises(DomainError) as err:
        services.add_commitment_update(c, note="d", actor=None, now=now, measured_on=date(2026, 1, 1))
    assert err.value.field == "measured_on"
