"""French formatting beyond the basic filters: « 1er » in every long date format, decimal commas in the
coordinates shown on French pages (dots in English)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from flask import session

from gup.extensions import db
from gup.i18n import fmt_coordinates, fmt_date


def test_first_of_month_in_every_named_format(app):
    with app.test_request_context():
        assert fmt_date(date(2027, 3, 1), "medium") == "1er mars 2027"
        assert fmt_date(date(2027, 3, 1), "long") == "1er mars 2027"
        assert fmt_date(date(2027, 3, 1), "full") == "lundi 1er mars 2027"
        assert fmt_date(date(2027, 3, 1), "short") == "01/03/2027"


def test_coordinates_use_the_locale_decimal_mark(app):
    place = SimpleNamespace(latitude=47.2101, longitude=-1.5502)
    with app.test_request_context():
        assert fmt_coordinates(place) == "47,21010 ; -1,55020"
        assert fmt_coordinates(SimpleNamespace(latitude=None, longitude=None)) == "—"
    with app.test_request_context():
        session["lang"] = "en"
        assert fmt_coordinates(place) == "47.21010, -1.55020"


def test_finding_page_shows_french_coordinates(client, f, login):
    w = f.world()
    finding = f.make_finding(w["agreement"], w["hp1"], latitude=47.2101, longitude=-1.5502)
    db.session.commit()
    login(w["coordinator"])
    html = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "47,21010 ; -1,55020" in html and "47.2101, -1.5502" not in html
