"""/api/v1/actions: list, detail, create, edit and progress updates, through the policy and the services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gup.actions.models import Action, ActionKind, ActionStatus, ActionUpdate
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.i18n import local_today
from tests.test_api_bad_input import BAD_QUERY_VALUES, BAD_VALUES, RAW_BODIES, SPOILED

URL = "/api/v1/actions"


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def ids_field(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


@pytest.fixture
def sample(w, f):
    """Actions of the sample agreement: hp1's (overdue, answering a finding, on commitment c1), hp2's (done),
    hp1's study due later; and an action of another agreement."""
    today = local_today()
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    late = f.make_action(w["agreement"], w["hp1"], due_on=today - timedelta(days=3), commitment=w["c1"],
                         findings=[finding], assignee=w["referent1"])
    done = f.make_action(w["agreement"], w["hp2"], due_on=today - timedelta(days=30), status=ActionStatus.DONE,
                         progress=100)
    study = f.make_action(w["agreement"], w["hp1"], due_on=today + timedelta(days=30), kind=ActionKind.STUDY)
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    elsewhere = f.make_action(other, w["outsider_org"])
    db.session.commit()
    return {"finding": finding, "late": late, "done": done, "study": study, "elsewhere": elsewhere}


def _body(w, **overrides):
    body = {"agreement_id": w["agreement"].id, "title": "Enlèvement des encombrants",
            "responsible_organisation_id": w["hp1"].id}
    body.update(overrides)
    return body


# --- list ----------------------------------------------------------------------------------------

def test_list_filters(api, w, sample):
    late, done, study = sample["late"].id, sample["done"].id, sample["study"].id
    assert ids_field(api("referent2", "GET", URL)) == [done, late, study]  # by due date
    assert ids_field(api("referent2", "GET", f"{URL}?overdue=true")) == [late]
    assert ids_field(api("referent2", "GET", f"{URL}?overdue=false")) == [done, study]
    assert ids_field(api("referent2", "GET", f"{URL}?organisation_id={w['hp1'].id}")) == [late, study]
    assert ids_field(api("referent2", "GET", f"{URL}?status=done")) == [done]
    assert ids_field(api("referent2", "GET", f"{URL}?kind=study")) == [study]
    assert ids_field(api("referent2", "GET", f"{URL}?commitment_id={w['c1'].id}")) == [late]
    assert ids_field(api("referent2", "GET", f"{URL}?finding_id={sample['finding'].id}")) == [late]
    assert ids_field(api("referent2", "GET", f"{URL}?agreement_id={w['agreement'].id}&status=planned")) == [late, study]
    assert ids_field(api("referent2", "GET", f"{URL}?agreement_id=999999")) == []


def test_list_rows(api, w, sample):
    row = api("observer", "GET", f"{URL}?overdue=true").json[0]
    assert row["is_overdue"] is True and row["is_closed"] is False and row["status"] == "planned"
    assert row["responsible_organisation"]["name"] == "Bailleur Un"
    assert row["assignee"] == {"id": w["referent1"].id, "full_name": w["referent1"].full_name}
    assert row["finding_ids"] == [sample["finding"].id] and row["commitment_id"] == w["c1"].id
    assert row["cost"] is None and row["contributor_ids"] == [] and row["progress"] == 0


@pytest.mark.parametrize(("role", "sees"), [("coordinator", 3), ("referent1", 3), ("referent2", 3),
                                            ("observer", 4), ("admin", 4), ("other_coordinator", 4),
                                            ("outsider", 1)])
def test_list_is_scoped_by_the_policy(api, w, sample, role, sees):
    ids = ids_field(api(role, "GET", URL))
    assert len(ids) == sees
    if role == "outsider":
        assert ids == [sample["elsewhere"].id]


@pytest.mark.parametrize("query", ["overdue=maybe", "status=finished", "kind=party", "agreement_id=abc",
                                   "commitment_id=-1", "finding_id=0", "organisation_id=99999999999999999999",
                                   "page=0"])
def test_list_bad_filters_are_422_naming_them(api, w, query):
    response = api("referent1", "GET", f"{URL}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]["query"]


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    small = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
    f.make_action(small, w["hp1"])
    large = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["hp2"], w["town"]])
    for n in range(30):
        org = (w["hp1"], w["hp2"], w["town"])[n % 3]
        action = f.make_action(large, org, findings=[f.make_finding(large, org)],
                               assignee=w["referent1"] if org is w["hp1"] else None)
        action.contributors = [w["town"], w["hp2"]]
    db.session.commit()
    urls = [f"{URL}?agreement_id={agreement.id}&page_size=50" for agreement in (small, large)]
    api("coordinator", "GET", "/api/v1/me")
    with count_queries() as one:
        assert len(api("coordinator", "GET", urls[0]).json) == 1
    with count_queries() as thirty:
        response = api("coordinator", "GET", urls[1])
    assert len(response.json) == 30
    assert json.loads(response.headers["X-Pagination"])["total"] == 30
    assert len(one) == len(thirty)


# --- detail --------------------------------------------------------------------------------------

def test_detail(api, w, sample):
    body = api("referent2", "GET", f"{URL}/{sample['done'].id}").json
    assert body["status"] == "done" and body["is_closed"] is True and body["is_overdue"] is False
    assert body["responsible_organisation"]["id"] == w["hp2"].id


def test_detail_refused_to_outsider_and_404(api, w, sample):
    for url in (f"{URL}/{sample['late'].id}", f"{URL}/{sample['late'].id}/updates"):
        assert api("outsider", "GET", url).status_code == 403
        assert api(None, "GET", url).status_code == 401
    assert api("outsider", "GET", f"{URL}/{sample['elsewhere'].id}").status_code == 200
    assert api("coordinator", "GET", f"{URL}/999999").status_code == 404
    assert api("coordinator", "GET", f"{URL}/999999/updates").status_code == 404
    assert api("coordinator", "GET", f"{URL}/99999999999").status_code == 404


# --- create --------------------------------------------------------------------------------------

def test_coordinator_creates_an_action_for_any_partner(api, w, sample):
    response = api("coordinator", "POST", URL, json=_body(
        w, responsible_organisation_id=w["hp2"].id, assignee_id=w["referent2"].id, kind="sensitization",
        audience="Locataires de la résidence", contributor_ids=[w["town"].id], due_on="2027-03-31", cost="1250.5",
        commitment_id=w["c2"].id, finding_ids=[sample["finding"].id], description="Deux réunions"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "planned" and body["progress"] == 0 and body["kind"] == "sensitization"
    assert body["responsible_organisation"]["id"] == w["hp2"].id and body["assignee"]["id"] == w["referent2"].id
    assert body["contributor_ids"] == [w["town"].id] and body["commitment_id"] == w["c2"].id
    assert body["finding_ids"] == [sample["finding"].id]
    assert body["cost"] == "1250.50" and body["due_on"] == "2027-03-31"
    assert body["audience"] == "Locataires de la résidence"


def test_referent_creates_actions_of_their_own_organisation_only(api, w):
    response = api("referent1", "POST", URL, json=_body(w))
    assert response.status_code == 201 and response.json["responsible_organisation"]["id"] == w["hp1"].id
    before = _count(Action)
    response = api("referent1", "POST", URL, json=_body(w, responsible_organisation_id=w["hp2"].id))
    assert response.status_code == 403 and response.json["code"] == 403
    response = api("referent2", "POST", URL, json=_body(w))
    assert response.status_code == 403
    assert _count(Action) == before


@pytest.mark.parametrize("role", ["observer", "admin", "outsider", "other_coordinator"])
def test_others_cannot_create_actions(api, w, role):
    before = _count(Action)
    assert api(role, "POST", URL, json=_body(w)).status_code == 403
    assert _count(Action) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"agreement_id": 999999}, "agreement_id"),
    ({"responsible_organisation_id": 999999}, "responsible_organisation_id"),
    ({"responsible_organisation_id": "1"}, "responsible_organisation_id"),
    ({"title": ""}, "title"),
    ({"kind": "party"}, "kind"),
    ({"cost": "abc"}, "cost"),
    ({"cost": "-5"}, "cost"),
    ({"due_on": "2027-13-01"}, "due_on"),
    ({"progress": 150}, "progress"),
    ({"assignee_id": 999999}, "assignee_id"),
    ({"contributor_ids": [999999]}, "contributor_ids"),
    ({"commitment_id": 999999}, "commitment_id"),
    ({"finding_ids": [999999]}, "finding_ids"),
    ({"finding_ids": "1"}, "finding_ids"),
    ({"status": "done"}, "status"),
])
def test_create_refuses_bad_input_naming_the_field(api, w, overrides, field):
    before = _count(Action)
    response = api("coordinator", "POST", URL, json=_body(w, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert _count(Action) == before


def test_references_must_fit_the_agreement(api, w, f, sample):
    other = sample["elsewhere"].agreement
    foreign_commitment = f.make_commitment(other, w["outsider_org"])
    foreign_finding = f.make_finding(other, w["outsider_org"])
    db.session.commit()
    cases = [({"assignee_id": w["referent2"].id}, "assignee_id"),  # not of the responsible organisation
             ({"contributor_ids": [w["outsider_org"].id]}, "contributor_ids"),
             ({"commitment_id": foreign_commitment.id}, "commitment_id"),
             ({"finding_ids": [foreign_finding.id]}, "finding_ids"),
             ({"responsible_organisation_id": w["outsider_org"].id}, "responsible_organisation_id")]
    for overrides, field in cases:
        response = api("coordinator", "POST", URL, json=_body(w, **overrides))
        assert response.status_code == 422 and field in response.json["errors"]["json"], (overrides, response.json)


# --- edit ----------------------------------------------------------------------------------------

def test_referent_edits_their_organisations_action(api, w, sample):
    url = f"{URL}/{sample['late'].id}"
    response = api("referent1", "PATCH", url, json={"title": "Encombrants : passage hebdomadaire", "cost": 300,
                                                    "due_on": None, "assignee_id": None})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Encombrants : passage hebdomadaire" and response.json["cost"] == "300.00"
    assert response.json["due_on"] is None and response.json["assignee"] is None
    assert response.json["finding_ids"] == [sample["finding"].id]  # untouched
    response = api("referent1", "PATCH", url, json={"responsible_organisation_id": w["hp2"].id})
    assert response.status_code == 403
    response = api("referent1", "PATCH", url, json={"status": "done"})
    assert response.status_code == 422 and "status" in response.json["errors"]["json"]


def test_coordinator_hands_an_action_over(api, w, sample):
    url = f"{URL}/{sample['late'].id}"
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": w["hp2"].id})
    assert response.status_code == 200, response.json
    assert response.json["responsible_organisation"]["id"] == w["hp2"].id
    assert response.json["assignee"] is None  # referent1 belonged to hp1
    response = api("coordinator", "PATCH", url, json={"assignee_id": w["referent1"].id})
    assert response.status_code == 422 and "assignee_id" in response.json["errors"]["json"]


@pytest.mark.parametrize("role", ["referent2", "observer", "outsider", "admin", "other_coordinator"])
def test_others_cannot_edit_or_update(api, w, sample, role):
    action = sample["late"]
    for body in ({"title": "Piraté"}, {"kind": "nope"}):
        assert api(role, "PATCH", f"{URL}/{action.id}", json=body).status_code == 403
    for body in ({"note": "Fait", "status": "done"}, {"progress": "lots"}):
        assert api(role, "POST", f"{URL}/{action.id}/updates", json=body).status_code == 403
    assert db.session.get(Action, action.id).title.startswith("Action ")
    assert _count(ActionUpdate) == 0


# --- progress updates ----------------------------------------------------------------------------

def test_progress_updates(api, w, sample):
    url = f"{URL}/{sample['study'].id}/updates"
    response = api("referent1", "POST", url, json={"note": "Cahier des charges rédigé", "progress": 30,
                                                   "status": "in_progress"})
    assert response.status_code == 201, response.json
    update = response.json
    assert update["progress"] == 30 and update["status"] == "in_progress" and update["photo"] is None
    assert update["author"]["id"] == w["referent1"].id and update["action_id"] == sample["study"].id
    response = api("coordinator", "POST", url, json={"note": "En attente du prestataire", "status": "blocked",
                                                     "reason": "Marché infructueux"})
    assert response.status_code == 201
    action = api("observer", "GET", f"{URL}/{sample['study'].id}").json
    assert action["status"] == "blocked" and action["blocked_reason"] == "Marché infructueux"
    assert action["progress"] == 30
    notes = [u["note"] for u in api("referent2", "GET", url).json]
    assert notes == ["En attente du prestataire", "Cahier des charges rédigé"]  # newest first


def test_finishing_an_action_resolves_its_findings(api, w, sample):
    response = api("referent1", "POST", f"{URL}/{sample['late'].id}/updates",
                   json={"note": "Encombrants enlevés", "status": "done", "resolve_findings": True})
    assert response.status_code == 201, response.json
    assert response.json["progress"] == 100
    finding = db.session.get(Finding, sample["finding"].id)
    assert finding.status is FindingStatus.RESOLVED and finding.resolution_note == "Encombrants enlevés"
    assert api("coordinator", "GET", f"{URL}/{sample['late'].id}").json["is_overdue"] is False


def test_resolving_findings_needs_the_right_to_resolve_them(api, w, f, sample):
    hp2_finding = f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.ACCEPTED)
    sample["late"].findings.append(hp2_finding)
    db.session.commit()
    response = api("referent1", "POST", f"{URL}/{sample['late'].id}/updates",
                   json={"note": "Fini", "status": "done", "resolve_findings": True})
    assert response.status_code == 403
    assert db.session.get(Action, sample["late"].id).status is ActionStatus.PLANNED
    response = api("referent1", "POST", f"{URL}/{sample['late'].id}/updates", json={"note": "Fini", "status": "done"})
    assert response.status_code == 201
    assert db.session.get(Finding, hp2_finding.id).status is FindingStatus.ACCEPTED


def test_update_refuses_bad_input_and_invalid_moves(api, w, sample):
    url = f"{URL}/{sample['done'].id}/updates"
    response = api("referent2", "POST", url, json={"note": "Annulée", "status": "cancelled"})
    assert response.status_code == 409 and "status" in response.json["errors"]
    for body, field in (({"progress": 10}, "note"), ({"note": "  "}, "note"), ({"note": "x", "progress": 101},
                                                                              "progress"),
                        ({"note": "x", "status": "finished"}, "status"), ({"note": "x", "resolve_findings": "perhaps"},
                                                                        "resolve_findings")):
        response = api("referent2", "POST", url, json=body)
        assert response.status_code == 422 and field in response.json["errors"]["json"], body
    assert _count(ActionUpdate) == 0
    assert api("coordinator", "POST", f"{URL}/999999/updates", json={"note": "x"}).status_code == 404


# --- malformed input -----------------------------------------------------------------------------

def _write_routes(w, sample):
    from gup.actions.schemas import ActionIn, ActionPatchIn, ActionUpdateIn

    action = sample["study"]
    return [("POST", URL, _body(w), sorted(ActionIn().fields)),
            ("PATCH", f"{URL}/{action.id}", {}, sorted(ActionPatchIn().fields)),
            ("POST", f"{URL}/{action.id}/updates", {"note": "Fuzz"}, sorted(ActionUpdateIn().fields))]


def test_one_malformed_body_per_write_route(api, w, sample):
    """The HTTP smoke request of the schema-level fuzzing (tests/test_schema_fuzz.py): every field spoiled at
    once, on each write route, is a JSON 4xx."""
    for method, url, valid, fields in _write_routes(w, sample):
        body = {**valid, **{field: value for field, value in zip(fields, SPOILED * len(fields), strict=True)}}
        response = api("coordinator", method, url, json=body)
        assert 400 <= response.status_code < 500 and response.is_json, (method, url, response.status_code)


@pytest.mark.slow
def test_malformed_fields_never_give_500(api, w, sample):
    routes = _write_routes(w, sample)
    failures = []
    for role in ("coordinator", "referent1"):
        for method, url, valid, fields in routes:
            for field in [*fields, "unknown_field"]:
                for value in BAD_VALUES:
                    response = api(role, method, url, json={**valid, field: value})
                    if response.status_code >= 500 or not response.is_json:
                        failures.append(f"{role} {method} {url} {field}={str(value)[:30]!r}: "
                                        f"{response.status_code}")
            for raw in RAW_BODIES:
                response = api(role, method, url, data=raw, content_type="application/json")
                if not 400 <= response.status_code < 500:
                    failures.append(f"{role} {method} {url} raw {raw[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])


def test_malformed_query_strings_never_give_500(api, w):
    failures = []
    for name in [*["agreement_id", "organisation_id", "commitment_id", "finding_id", "kind", "status", "overdue"],
                 "page", "page_size", "unknown"]:
        for value in BAD_QUERY_VALUES:
            response = api("referent1", "GET", f"{URL}?{name}={value}")
            if response.status_code >= 500 or not response.is_json:
                failures.append(f"{name}={value[:30]}: {response.status_code}")
    assert not failures
