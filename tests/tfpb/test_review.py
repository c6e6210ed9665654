"""The annual TFPB review per provider (by axis and neighbourhood), the evaluation's data function, the
indicators and the annex, on known data (tests/tfpb/conftest.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gup.errors import DomainError
from gup.extensions import db
from gup.features import registry
from gup.indicators import Period, Section, Unit
from gup.tfpb import queries, services
from tests.tfpb.helpers import abatement, action, qpv

SNAPSHOT_KEYS = {"organisation", "year", "dwellings", "abatement_amount", "valued_amount", "coverage_ratio",
                 "per_dwelling", "by_axis", "by_neighbourhood", "actions"}


def test_review_figures_of_a_provider(w, tfpb):
    data = queries.review(w["agreement"], w["hp1"], 2025)
    assert set(data) == SNAPSHOT_KEYS
    assert (data["organisation"], data["year"], data["dwellings"]) == ("Bailleur Un", 2025, 400)
    assert data["valued_amount"] == 42500.5 and data["abatement_amount"] == 50000.0
    assert data["coverage_ratio"] == 0.85  # 42 500,50 ÷ 50 000
    assert data["per_dwelling"] == 106.25  # 42 500,50 ÷ 400 (106,25125)
    assert data["by_axis"] == [
        {"code": "staff_presence", "label": "Renforcement de la présence du personnel de proximité", "amount": 15000.5},
        {"code": "enhanced_maintenance", "label": "Sur-entretien", "amount": 25000.0},
        {"code": "community_life", "label": "Animation, lien social, vivre ensemble", "amount": 2500.0}]
    assert data["by_neighbourhood"] == [
        {"name": "Le Clos-Fleuri", "qpv_code": "QN07902M", "amount": 7500.0, "abatement_amount": 10000.0},
        {"name": "Les Tilleuls", "qpv_code": "QN07901M", "amount": 35000.5, "abatement_amount": 40000.0}]
    assert [a["title"] for a in data["actions"]] == ["Gardien renfort", "Vitrages", "Nettoyage renforcé des halls",
                                                     "Fête de quartier"]
    assert data["actions"][0] == {"axis_label": "Renforcement de la présence du personnel de proximité",
                                  "neighbourhood": "Les Tilleuls", "title": "Gardien renfort", "amount": 15000.5}


def test_review_without_abatement_has_no_ratio(w, f):
    place = qpv(f, w["agreement"], "Quartier", "QN00001M")
    action(w["agreement"], w["hp2"], place, year=2026, amount="300.00")
    data = queries.review(w["agreement"], w["hp2"], 2026)
    assert data["valued_amount"] == 300.0
    assert (data["abatement_amount"], data["coverage_ratio"], data["per_dwelling"], data["dwellings"]) == \
        (None, None, None, None)


def test_review_data_service_gives_one_item_per_provider_and_year(app, w, tfpb):
    review_data = registry(app).service("tfpb.review_data")
    items = review_data(w["agreement"], date(2025, 1, 1), date(2025, 12, 31))
    assert [(i["organisation"], i["year"]) for i in items] == [("Bailleur Deux", 2025), ("Bailleur Un", 2025)]
    assert items[0]["valued_amount"] == 7000.0 and items[0]["coverage_ratio"] == 0.5
    both = review_data(w["agreement"], date(2024, 3, 1), date(2025, 2, 28))
    assert [(i["organisation"], i["year"]) for i in both] == [("Bailleur Un", 2024), ("Bailleur Deux", 2025),
                                                              ("Bailleur Un", 2025)]
    assert review_data(w["agreement"], date(2023, 1, 1), date(2023, 12, 31)) == []


def test_the_review_page_shows_the_figures(client, login, w, tfpb):
    login(w["referent1"])
    response = client.get(f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp1'].id}/2025")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Bailleur Un", "42\u202f500,50\xa0€", "50\u202f000,00\xa0€", "85 %", "106,25\xa0€",
                 "Le Clos-Fleuri", "Fête de quartier"):
        assert text in page, text


def test_indicators_for_a_period(app, w, tfpb):
    specs = registry(app).indicator_specs
    assert {c for c, s in specs.items() if s.section is Section.TFPB} == {
        "tfpb_valued_amount", "tfpb_per_dwelling", "tfpb_coverage_ratio"}
    assert specs["tfpb_coverage_ratio"].unit is Unit.RATIO and specs["tfpb_per_dwelling"].unit is Unit.EUROS
    year = Period(date(2025, 1, 1), date(2025, 12, 31))
    valued = specs["tfpb_valued_amount"].compute(w["agreement"], year)
    assert valued.value == 49500.5
    assert [(r.label, r.value, r.count) for r in valued.breakdowns["partner"]] == [
        ("Bailleur Deux", 7000.0, 1), ("Bailleur Un", 42500.5, 4)]
    assert [(r.key, r.value) for r in valued.breakdowns["axis"]] == [
        ("staff_presence", 15000.5), ("enhanced_maintenance", 25000.0), ("residential_safety", 7000.0),
        ("community_life", 2500.0)]
    assert [(r.label, r.value) for r in valued.breakdowns["neighbourhood"]] == [
        ("Le Clos-Fleuri", 14500.0), ("Les Tilleuls", 35000.5)]
    per = specs["tfpb_per_dwelling"].compute(w["agreement"], year)
    assert per.value == 82.5  # 49 500,50 ÷ 600 dwellings (82,50083)
    assert [(r.label, r.value) for r in per.breakdowns["partner"]] == [("Bailleur Deux", 35.0),
                                                                       ("Bailleur Un", 106.25)]
    cover = specs["tfpb_coverage_ratio"].compute(w["agreement"], year)
    assert cover.value == 0.77  # 49 500,50 ÷ 64 000
    assert [(r.label, r.value) for r in cover.breakdowns["neighbourhood"]] == [("Le Clos-Fleuri", 0.6),
                                                                               ("Les Tilleuls", 0.88)]
    two_years = Period(date(2024, 1, 1), date(2025, 12, 31))
    assert specs["tfpb_valued_amount"].compute(w["agreement"], two_years).value == 58500.5
    assert specs["tfpb_valued_amount"].compute(w["agreement"], Period(date(2023, 1, 1), date(2023, 12, 31))).value \
        is None


def test_the_annex_lists_the_period_actions(app, w, tfpb):
    annex = registry(app).annex_specs["tfpb_actions"]
    rows = list(annex.rows(w["agreement"], Period(date(2025, 1, 1), date(2025, 12, 31))))
    assert len(rows) == 5 and {r["year"] for r in rows} == {2025}
    assert {"provider": "Bailleur Deux", "axis": "Tranquillité résidentielle", "neighbourhood": "Le Clos-Fleuri",
            "qpv_code": "QN07902M", "year": 2025, "title": "Médiation de nuit", "amount": 7000.0} in rows
    assert {c.key for c in annex.columns} <= set(rows[0])


@pytest.mark.parametrize(("change", "field"), [
    ({"year": 1990}, "year"), ({"valued_amount": Decimal("-1")}, "valued_amount"), ({"axis_code": "nope"}, "axis_code"),
])
def test_bad_action_values_are_refused(w, tfpb, change, field):
    with pytest.raises(DomainError) as exc:
        services.update_action(tfpb["a1"], actor=None, **change)
    assert exc.value.field == field
    db.session.rollback()


def test_only_a_qpv_of_the_perimeter_and_a_provider_partner(w, f, tfpb):
    outside = f.make_territory(name="Hors périmètre", qpv_code="QN00009M")
    not_qpv = qpv(f, w["agreement"], "Centre", None)
    for place, message in ((outside, "périmètre"), (not_qpv, "code QPV")):
        with pytest.raises(DomainError, match=message):
            action(w["agreement"], w["hp1"], place)
        db.session.rollback()
    with pytest.raises(DomainError, match="bailleurs sociaux"):
        action(w["agreement"], w["town"], tfpb["clos"])
    db.session.rollback()
    with pytest.raises(DomainError, match="pas partenaire"):
        action(w["agreement"], w["outsider_org"], tfpb["clos"])
    db.session.rollback()


def test_an_abatement_is_one_row_per_provider_qpv_and_year(w, tfpb):
    again = abatement(w["agreement"], w["hp1"], tfpb["tilleuls"], amount="41000.00", dwellings=310)
    assert again.id == tfpb["ab1"].id and again.abatement_amount == Decimal("41000.00")
    assert queries.review(w["agreement"], w["hp1"], 2025)["abatement_amount"] == 51000.0
