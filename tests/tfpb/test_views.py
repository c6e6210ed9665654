"""The TFPB pages: record an action and an abatement through the forms, French errors, the agreement page's
links."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from gup.extensions import db
from gup.tfpb.models import TfpbAbatement, TfpbAction


def _action_form(w, tfpb, **overrides):
    data = {"provider_id": w["hp1"].id, "year": "2025", "neighbourhood_id": tfpb["clos"].id,
            "axis_code": "minor_service_works", "title": "Peinture des cages", "valued_amount": "3 200,50",
            "commitment_id": ""}
    data.update(overrides)
    return data


def test_a_referent_records_an_action(client, login, w, tfpb):
    login(w["referent1"])
    url = f"/agreements/{w['agreement'].id}/tfpb/actions/new"
    page = client.get(url).get_data(as_text=True)
    assert "Bailleur Un" in page and "Bailleur Deux" not in page and "Le Clos-Fleuri (QN07902M)" in page
    response = client.post(url, data=_action_form(w, tfpb))
    assert response.status_code == 302
    action = db.session.scalar(sa.select(TfpbAction).where(TfpbAction.title == "Peinture des cages"))
    assert action.valued_amount == Decimal("3200.50") and action.provider_id == w["hp1"].id
    assert "Peinture des cages" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_bad_input_keeps_what_was_typed_with_french_errors(client, login, w, tfpb):
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/tfpb/actions/new"
    response = client.post(url, data=_action_form(w, tfpb, year="1800", valued_amount="abc"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Année entre 2001 et 2100." in page and "Peinture des cages" in page
    outside = w["agreement"].territories[0]
    outside.qpv_code = None  # a QPV no more: the service refuses it next to the field
    db.session.commit()
    response = client.post(url, data=_action_form(w, tfpb, neighbourhood_id=outside.id))
    assert response.status_code == 422


def test_edit_an_action(client, login, w, tfpb):
    login(w["referent1"])
    url = f"/tfpb/actions/{tfpb['a1'].id}/edit"
    assert "Nettoyage renforcé des halls" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=_action_form(w, tfpb, title="Nettoyage (corrigé)", valued_amount="19000"))
    assert response.status_code == 302
    db.session.expire_all()
    assert tfpb["a1"].title == "Nettoyage (corrigé)" and tfpb["a1"].valued_amount == Decimal("19000.00")


def test_record_an_abatement_then_correct_it(client, login, w, tfpb):
    login(w["referent2"])
    url = f"/agreements/{w['agreement'].id}/tfpb/abatements"
    page = client.get(url).get_data(as_text=True)
    assert "Bilan TFPB 2025 — Bailleur Deux" in page and "Bilan TFPB 2025 — Bailleur Un" not in page
    data = {"provider_id": w["hp2"].id, "year": "2026", "neighbourhood_id": tfpb["tilleuls"].id,
            "abatement_amount": "8 000", "dwellings": "60"}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={**data, "abatement_amount": "8 500"}).status_code == 302
    rows = db.session.scalars(sa.select(TfpbAbatement).where(TfpbAbatement.year == 2026)).all()
    assert [(r.abatement_amount, r.dwellings) for r in rows] == [(Decimal("8500.00"), 60)]
    response = client.post(url, data={**data, "abatement_amount": "-3"})
    assert response.status_code == 422


def test_the_agreement_page_links_to_the_tfpb(client, login, w, tfpb):
    login(w["referent1"])
    page = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert f"/agreements/{w['agreement'].id}/tfpb/abatements" in page
    assert "Bilan TFPB 2025 — Bailleur Un" in page and "Bilan TFPB 2025 — Bailleur Deux" not in page
