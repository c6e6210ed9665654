"""Commitment indicators on known data: commitments fulfilled, budget execution from the latest spending figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gup.agreements.models import CommitmentStatus, CommitmentUpdate, FundingSource
from gup.extensions import db
from tests.indicators.conftest import at, compute, rows


def _spent(commitment, day, investment, operating, created=None):
    db.session.add(CommitmentUpdate(commitment=commitment, note="Point", spent_on=day,
                                    investment_spent=Decimal(investment), operating_spent=Decimal(operating),
                                    created_at=created or at(2025, 1, 1)))


def _commitments(f, w, other):
    agreement, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]  # c1 (hp1) and c2 (hp2): agreed, 1 000 € each
    tfpb = f.make_commitment(agreement, hp1, status=CommitmentStatus.FULFILLED, funding_source=FundingSource.TFPB,
                             planned_investment_amount=Decimal("10000"), planned_operating_amount=Decimal("5000"))
    city = f.make_commitment(agreement, hp2, status=CommitmentStatus.PARTLY_FULFILLED,
                             funding_source=FundingSource.CITY_POLICY, planned_operating_amount=Decimal("2000"))
    f.make_commitment(agreement, hp1, status=CommitmentStatus.NOT_FULFILLED)
    f.make_commitment(agreement, hp1, status=CommitmentStatus.PROPOSED, planned_operating_amount=Decimal("9999"))
    f.make_commitment(agreement, hp2, status=CommitmentStatus.WITHDRAWN, planned_operating_amount=Decimal("9999"))
    _spent(tfpb, date(2025, 6, 30), 4000, 2000)
    _spent(tfpb, date(2025, 12, 1), 8000, 4000)  # the latest by the end of 2025
    _spent(tfpb, date(2026, 2, 1), 10000, 5000)  # after the period
    db.session.add(CommitmentUpdate(commitment=tfpb, note="Sans montants", created_at=at(2025, 12, 20)))
    _spent(city, date(2025, 10, 1), 0, 1000)
    elsewhere = f.make_commitment(other, hp1, status=CommitmentStatus.FULFILLED)
    _spent(elsewhere, date(2025, 5, 1), 0, 900)
    db.session.flush()


def test_commitments_fulfilled_rate(f, other):
    w = f.world()
    _commitments(f, w, other)

    value = compute("commitments_fulfilled_rate", w["agreement"])

    assert value.value == 40.0  # fulfilled + partly fulfilled (2) ÷ agreed (5)
    assert rows(value, "partner") == {"Bailleur Deux": (50.0, 2), "Bailleur Un": (33.3, 3)}
    assert value.details["Tenu"] == 1 and value.details["Partiellement tenu"] == 1 and value.details["Non tenu"] == 1
    assert rows(value, "funding_source")["Abattement de TFPB"] == (100.0, 1)


def test_budget_execution_by_funding_source(f, other):
    w = f.world()
    _commitments(f, w, other)

    value = compute("budget_execution_rate", w["agreement"])

    assert value.value == 65.0  # (8 000 + 4 000 + 1 000) ÷ 20 000
    assert value.details["Prévu (€)"] == 20000.0 and value.details["Dépensé (€)"] == 13000.0
    assert value.details["Investissement dépensé (€)"] == 8000.0
    sources = rows(value, "funding_source")
    assert sources["Abattement de TFPB"] == (80.0, 1)
    assert sources["Crédits politique de la ville"] == (50.0, 1)
    assert sources["Droit commun"] == (0.0, 3)


def test_budget_execution_of_an_earlier_period_reads_the_figures_of_its_end(f, other):
    from gup.indicators import Period

    w = f.world()
    _commitments(f, w, other)

    value = compute("budget_execution_rate", w["agreement"], Period(date(2025, 1, 1), date(2025, 6, 30)))

    assert value.details["Dépensé (€)"] == 6000.0  # the June figures of the TFPB commitment only
