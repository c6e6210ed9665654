"""Who sees and changes TFPB records: the coordination all of its agreement's, observers read, a housing-provider
referent only their own organisation's — through the HTML views, the CSV export and the API."""

from __future__ import annotations

import csv
import io

import pytest

from gup.extensions import db
from gup.tfpb.models import TfpbAction


def _csv_titles(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    return sorted(r[8] for r in rows[1:])


def test_a_referent_cannot_read_or_edit_another_providers_records_in_html(client, login, w, tfpb):
    b1 = tfpb["b1"]  # hp2's
    login(w["referent1"])
    assert client.get(f"/tfpb/actions/{b1.id}").status_code == 403
    assert client.get(f"/tfpb/actions/{b1.id}/edit").status_code == 403
    response = client.post(f"/tfpb/actions/{b1.id}/edit", data={"title": "Piraté", "provider_id": w["hp1"].id})
    assert response.status_code == 403
    assert client.get(f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp2'].id}/2025").status_code == 403
    assert client.get(f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp2'].id}/2025.pdf").status_code == 403
    assert client.post(f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp2'].id}/2025/send").status_code == 403
    db.session.expire_all()
    assert db.session.get(TfpbAction, b1.id).title == "Médiation de nuit"
    page = client.get("/tfpb").get_data(as_text=True)
    assert "Nettoyage renforcé des halls" in page and "Médiation de nuit" not in page


def test_a_referent_cannot_record_for_another_provider(client, login, w, tfpb):
    login(w["referent1"])
    response = client.post(f"/agreements/{w['agreement'].id}/tfpb/actions/new", data={
        "provider_id": w["hp2"].id, "year": "2025", "neighbourhood_id": tfpb["clos"].id,
        "axis_code": "enhanced_maintenance", "title": "Au nom d'un autre", "valued_amount": "10"})
    assert response.status_code in (403, 422)
    assert db.session.query(TfpbAction).filter_by(title="Au nom d'un autre").count() == 0
    response = client.post(f"/agreements/{w['agreement'].id}/tfpb/abatements", data={
        "provider_id": w["hp2"].id, "year": "2025", "neighbourhood_id": tfpb["clos"].id, "abatement_amount": "1"})
    assert response.status_code in (403, 422)
    db.session.expire_all()
    assert tfpb["bb1"].abatement_amount == 14000


def test_the_csv_export_holds_only_readable_records(client, login, w, tfpb):
    login(w["referent1"])
    assert _csv_titles(client.get("/tfpb.csv")) == ["Fête de quartier", "Gardien 2024", "Gardien renfort",
                                                    "Nettoyage renforcé des halls", "Vitrages"]
    login(w["referent2"])
    assert _csv_titles(client.get("/tfpb.csv")) == ["Médiation de nuit"]
    login(w["outsider"])
    assert _csv_titles(client.get("/tfpb.csv")) == []
    for role in ("coordinator", "observer"):
        login(w[role])
        assert len(_csv_titles(client.get(f"/tfpb.csv?agreement_id={w['agreement'].id}"))) == 6


def test_the_csv_cells_and_filters(client, login, w, tfpb):
    login(w["coordinator"])
    response = client.get(f"/tfpb.csv?provider_id={w['hp1'].id}&year=2025&axis_code=enhanced_maintenance")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["N°", "Convention", "Bailleur", "Année"]
    assert sorted((r[8], r[10]) for r in rows[1:]) == [("Nettoyage renforcé des halls", "20000,00"),
                                                       ("Vitrages", "5000,00")]


@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_a_referent_gets_403_on_another_providers_record_in_the_api(api, w, tfpb, method):
    kwargs = {"json": {"title": "Piraté"}} if method == "PATCH" else {}
    response = api("referent1", method, f"/api/v1/tfpb-actions/{tfpb['b1'].id}", **kwargs)
    assert response.status_code == 403 and response.json["code"] == 403
    listed = api("referent1", "GET", "/api/v1/tfpb-actions").json
    assert "Médiation de nuit" not in {a["title"] for a in listed} and len(listed) == 5


def test_a_referent_cannot_move_their_record_to_another_provider_in_the_api(api, w, tfpb):
    response = api("referent1", "PATCH", f"/api/v1/tfpb-actions/{tfpb['a1'].id}", json={"provider_id": w["hp2"].id})
    assert response.status_code == 403
    db.session.expire_all()
    assert tfpb["a1"].provider_id == w["hp1"].id


def test_signatories_read_the_review_but_not_other_providers_users(client, login, w, f, tfpb):
    prefecture = f.make_organisation(kind=f.OrganisationKind.STATE, name="Préfecture")
    f.make_signatory(w["agreement"], prefecture)
    f.make_signatory(w["agreement"], w["hp2"])
    delegate = f.make_user(f.Role.PARTNER_REFERENT, organisation=prefecture)
    db.session.commit()
    url = f"/agreements/{w['agreement'].id}/tfpb/review/{w['hp1'].id}/2025"
    login(delegate)
    assert client.get(url).status_code == 200
    assert client.get(f"/tfpb/actions/{tfpb['a1'].id}").status_code == 403  # the review, not the records
    login(w["referent2"])  # hp2 signed too, but is another housing provider
    assert client.get(url).status_code == 403
