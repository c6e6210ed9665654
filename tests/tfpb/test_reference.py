"""The TFPB axes reference table: seeded by the migration, versioned (valid_from / valid_to); commitments and TFPB
actions are given only the axes in force."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from gup.agreements import queries as agreement_queries
from gup.agreements import services as agreement_services
from gup.agreements.models import Commitment, FundingSource, TfpbAxis, TfpbAxisRef
from gup.errors import DomainError
from gup.extensions import db
from gup.i18n import local_today
from gup.tfpb import queries
from tests.tfpb.helpers import action, qpv


def _close(code: str, on: date) -> None:
    db.session.get(TfpbAxisRef, code).valid_to = on
    db.session.commit()


def test_the_eight_axes_of_the_national_framework_are_seeded(app_ctx):
    axes = db.session.scalars(sa.select(TfpbAxisRef).order_by(TfpbAxisRef.number)).all()
    assert [(a.number, a.code) for a in axes] == [(i + 1, m.value) for i, m in enumerate(TfpbAxis)]
    assert axes[2].label == "Sur-entretien"
    assert {a.valid_from for a in axes} == {date(2015, 1, 1)} and {a.valid_to for a in axes} == {None}


def test_an_axis_valid_until_a_date_is_not_offered_after_it(app_ctx):
    _close("staff_training_support", date(2024, 6, 30))
    codes_on = {d: [c for c, _label in agreement_queries.tfpb_axis_choices(d)]
                for d in (date(2024, 6, 30), date(2024, 7, 1))}
    assert "staff_training_support" in codes_on[date(2024, 6, 30)]
    assert "staff_training_support" not in codes_on[date(2024, 7, 1)] and len(codes_on[date(2024, 7, 1)]) == 7
    # a TFPB action of a year is offered the axes in force on at least one day of it
    assert "staff_training_support" in [c for c, _l in queries.axis_choices_for_year(2024)]
    assert "staff_training_support" not in [c for c, _l in queries.axis_choices_for_year(2025)]
    # the record that has it keeps it offered
    assert "staff_training_support" in [c for c, _l in queries.axis_choices_for_year(2025, "staff_training_support")]


def test_a_revision_adds_axes_from_its_date(app_ctx):
    db.session.add(TfpbAxisRef(code="other", number=9, label="Nouvel axe", valid_from=date(2031, 1, 1)))
    db.session.flush()
    _close("community_life", date(2030, 12, 31))  # replaced by the new axis
    assert "other" not in [c for c, _l in queries.axis_choices_for_year(2030)]
    codes_2031 = [c for c, _l in queries.axis_choices_for_year(2031)]
    assert "other" in codes_2031 and "community_life" not in codes_2031
    # a commitment holds a code of TfpbAxis only: a revision with new codes adds them there (with its migration)
    assert "other" not in [c for c, _l in agreement_queries.tfpb_axis_choices(date(2031, 1, 1))]
    assert "community_life" not in [c for c, _l in agreement_queries.tfpb_axis_choices(date(2031, 1, 1))]


def _tfpb_commitment(w, axis):
    return agreement_services.create_commitment(
        w["agreement"], partner=w["c1"].partner, actor=None, title="Sur-entretien des halls", theme=w["c1"].theme,
        funding_source=FundingSource.TFPB, tfpb_axis=axis)


def test_a_commitment_with_an_expired_axis_is_refused(w):
    _close("staff_presence", local_today() - timedelta(days=1))
    with pytest.raises(DomainError, match="n'est pas en vigueur") as exc:
        _tfpb_commitment(w, TfpbAxis.STAFF_PRESENCE)
    assert exc.value.field == "tfpb_axis"
    db.session.rollback()
    assert _tfpb_commitment(w, TfpbAxis.ENHANCED_MAINTENANCE).tfpb_axis is TfpbAxis.ENHANCED_MAINTENANCE


def test_a_commitment_keeps_an_axis_closed_after_it_was_given(w):
    commitment = _tfpb_commitment(w, TfpbAxis.STAFF_PRESENCE)
    _close("staff_presence", local_today() - timedelta(days=1))
    agreement_services.update_commitment(commitment, actor=None, title="Présence renforcée")
    assert commitment.tfpb_axis is TfpbAxis.STAFF_PRESENCE and commitment.title == "Présence renforcée"
    agreement_services.update_commitment(commitment, actor=None, tfpb_axis=TfpbAxis.ENHANCED_MAINTENANCE)
    with pytest.raises(DomainError, match="n'est pas en vigueur"):  # given back: it is a new choice, refused
        agreement_services.update_commitment(commitment, actor=None, tfpb_axis=TfpbAxis.STAFF_PRESENCE)
    db.session.rollback()


def test_the_commitment_form_offers_only_axes_in_force(client, login, w):
    _close("community_life", local_today() - timedelta(days=1))
    db.session.commit()
    login(w["coordinator"])
    page = client.get(f"/agreements/{w['agreement'].id}/commitments/new").get_data(as_text=True)
    assert 'value="enhanced_maintenance"' in page and 'value="community_life"' not in page
    response = client.post(f"/agreements/{w['agreement'].id}/commitments/new", data={
        "partner_id": w["c1"].partner_id, "theme_id": w["c1"].theme_id, "title": "Animation", "status": "proposed",
        "funding_source": "tfpb", "tfpb_axis": "community_life", "progress": "0"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Commitment)
                             .where(Commitment.title == "Animation")) == 0


def test_the_commitment_api_refuses_an_expired_axis(api, w):
    _close("community_life", local_today() - timedelta(days=1))
    db.session.commit()
    body = {"agreement_id": w["agreement"].id, "organisation_id": w["hp1"].id, "theme_id": w["c1"].theme_id,
            "title": "Animation", "funding_source": "tfpb", "tfpb_axis": "community_life"}
    response = api("coordinator", "POST", "/api/v1/commitments", json=body)
    assert response.status_code == 400 and "tfpb_axis" in response.json["errors"]
    assert "n'est pas en vigueur" in response.json["errors"]["tfpb_axis"][0]
    body["tfpb_axis"] = "enhanced_maintenance"
    assert api("coordinator", "POST", "/api/v1/commitments", json=body).status_code == 201


def test_a_tfpb_action_on_an_axis_closed_before_its_year_is_refused(w, f):
    place = qpv(f, w["agreement"], "Les Tilleuls", "QN07901M")
    _close("staff_presence", date(2024, 12, 31))
    assert action(w["agreement"], w["hp1"], place, year=2024, axis="staff_presence").axis_code == "staff_presence"
    with pytest.raises(DomainError, match="n'était pas en vigueur en 2025") as exc:
        action(w["agreement"], w["hp1"], place, year=2025, axis="staff_presence", amount=str(Decimal("5")))
    assert exc.value.field == "axis_code"
    db.session.rollback()


def test_the_api_lists_the_axes_in_force(api, w):
    _close("staff_training_support", date(2024, 6, 30))
    today = api("referent1", "GET", "/api/v1/tfpb-axes").json
    assert len(today) == 7 and today[0] == {"code": "staff_presence", "number": 1,
                                            "label": "Renforcement de la présence du personnel de proximité",
                                            "valid_from": "2015-01-01", "valid_to": None}
    then = api("referent1", "GET", "/api/v1/tfpb-axes?on=2024-06-30").json
    assert [a["number"] for a in then] == [1, 2, 3, 4, 5, 6, 7, 8] and then[1]["valid_to"] == "2024-06-30"
    assert api("referent1", "GET", "/api/v1/tfpb-axes?on=hier").status_code == 422
    assert api(None, "GET", "/api/v1/tfpb-axes").status_code == 401
