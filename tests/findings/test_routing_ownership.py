"""Routing decides who sees a problem (issue 8, point 5): a place whose housing provider is known keeps its findings,
unless the coordination explicitly chooses another provider with a reason; the logging form says who will receive
the finding before it is saved."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from gup.audit.models import StatusChange
from gup.extensions import db
from gup.findings.models import Finding, LandOwnership, RoutingRule, Transfer
from gup.territory.models import TerritoryKind

API = "/api/v1/findings"


@pytest.fixture
def glycines(w, f):
    """The audit's case: a stairwell of a residence managed by hp1 (Logis du Val), in the agreement's perimeter,
    and the rule « housing-provider land, every theme → hp2 (Habitat Bellerive) »."""
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Le Clos-Fleuri")
    w["agreement"].territories.append(hood)
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=hood, name="Les Glycines", housing_provider=w["hp1"])
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence, name="Glycines 1")
    stairwell = f.make_territory(TerritoryKind.STAIRWELL, parent=building, name="G1")
    db.session.add(RoutingRule(agreement=w["agreement"], land_ownership=LandOwnership.HOUSING_PROVIDER,
                               theme=None, organisation=w["hp2"]))
    db.session.commit()
    return stairwell


def _form(f, place, **extra):
    return {"kind": "issue", "theme_id": f.theme().id, "description": "Minuterie du hall en panne",
            "territory_id": place.id, "land_ownership": "housing_provider", "priority": "this_year", **extra}


def _url(w):
    return f"/agreements/{w['agreement'].id}/findings/new"


def test_the_place_provider_receives_it_and_the_flash_says_so(client, login, w, f, glycines):
    login(w["referent2"])  # even logged by the other provider's referent
    response = client.post(_url(w), data=_form(f, glycines), follow_redirects=True)
    assert response.status_code == 200
    finding = db.session.scalar(sa.select(Finding))
    assert finding.responsible_organisation_id == w["hp1"].id
    assert f"Constat n° {finding.id} enregistré et transmis à Bailleur Un." in response.get_data(as_text=True)
    login(w["referent2"])
    mine = client.get("/mes-actions").get_data(as_text=True)
    assert "Minuterie du hall en panne" not in mine


def test_the_form_shows_the_recipient_before_saving_without_javascript(client, login, w, f, glycines):
    login(w["referent2"])
    html = client.get(_url(w)).get_data(as_text=True)
    assert "la coordination choisira l&#39;organisme qui doit agir" in html  # nothing known yet
    assert 'name="preview"' in html
    response = client.post(_url(w), data=_form(f, glycines, preview="1"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r"À l&#39;enregistrement, ce constat sera transmis à Bailleur Un\.", html)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0  # nothing saved
    # the script's endpoint gives the same line
    data = client.get(f"/agreements/{w['agreement'].id}/findings/recipient",
                      query_string=_form(f, glycines)).json
    assert data == {"organisation_id": w["hp1"].id,
                    "text": "À l'enregistrement, ce constat sera transmis à Bailleur Un."}
    positive = client.get(f"/agreements/{w['agreement'].id}/findings/recipient",
                          query_string=_form(f, glycines, kind="strength")).json
    assert positive["organisation_id"] is None


def test_another_provider_only_by_explicit_choice_with_a_reason(client, api, login, w, f, glycines):
    login(w["coordinator"])
    response = client.post(_url(w), data=_form(f, glycines, responsible_organisation_id=w["hp2"].id))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    body = {"agreement_id": w["agreement"].id, "theme_id": f.theme().id, "description": "Hall",
            "territory_id": glycines.id, "land_ownership": "housing_provider",
            "responsible_organisation_id": w["hp2"].id}
    response = api("coordinator", "POST", API, json=body)
    assert response.status_code == 422 and "routing_reason" in str(response.json)
    response = api("coordinator", "POST", API, json={**body, "routing_reason": "Hall loué par Bailleur Deux"})
    assert response.status_code == 201
    finding = db.session.get(Finding, response.json["id"])
    assert finding.responsible_organisation_id == w["hp2"].id
    transfer = db.session.scalar(sa.select(Transfer).where(Transfer.finding_id == finding.id))
    assert (transfer.reason, transfer.by_id) == ("Hall loué par Bailleur Deux", w["coordinator"].id)
    change = db.session.scalar(sa.select(StatusChange).where(StatusChange.entity_id == finding.id,
                                                             StatusChange.to_status == "sent"))
    assert change.note == "Hall loué par Bailleur Deux" and change.actor_id == w["coordinator"].id
    # re-routing a finding of the place to another provider: the same rule
    own = f.make_finding(w["agreement"], w["hp1"], territory=glycines)
    db.session.commit()
    assert api("coordinator", "PATCH", f"{API}/{own.id}",
               json={"responsible_organisation_id": w["hp2"].id, "reason": " "}).status_code == 422
    response = client.post(f"/findings/{own.id}/route", data={"organisation_id": w["hp2"].id})
    assert response.status_code == 422
    assert db.session.get(Finding, own.id).responsible_organisation_id == w["hp1"].id


def test_routing_page_says_what_happens(client, login, w, glycines):
    login(w["coordinator"])
    html = client.get(f"/agreements/{w['agreement'].id}/routing").get_data(as_text=True)
    assert "va au bailleur du lieu, jamais à un autre bailleur par une règle" in html
    assert "affiche avant l’envoi à qui il sera transmis" in html.replace("&#39;", "’").replace("'", "’")
    assert "la coordination confirme ou change ce choix" not in html  # it was sent at once, whatever she did
