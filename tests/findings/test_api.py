"""/api/v1/findings: list, detail, logging with the routing suggestion, answers, hand-overs and photos."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from gup.extensions import db
from gup.findings.models import Finding, FindingStatus, LandOwnership, Priority, RoutingRule, Transfer
from gup.i18n import local_today
from gup.media.models import Photo
from gup.media.storage import path_for
from gup.territory.models import TerritoryKind
from tests.test_api_bad_input import BAD_QUERY_VALUES, BAD_VALUES, RAW_BODIES, SPOILED

URL = "/api/v1/findings"
GPS_IFD = 0x8825


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def ids_field(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [row["id"] for row in response.json]


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    """Photos go to a temporary folder."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def sample(w, f):
    """A walk and findings of the sample agreement: one sent to hp1 (overdue), one sent to hp2, one new and
    recurring in another theme, and a finding of another agreement."""
    today = local_today()
    walk = f.make_walk(w["agreement"])
    hp1 = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=walk.stops[0],
                         due_on=today - timedelta(days=5), description="Encombrants devant le hall")
    hp2 = f.make_finding(w["agreement"], w["hp2"], due_on=today + timedelta(days=60), priority=Priority.URGENT)
    new = f.make_finding(w["agreement"], theme=f.theme("waste"), is_recurring=True, due_on=today + timedelta(days=90))
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    elsewhere = f.make_finding(other, w["outsider_org"])
    db.session.commit()
    return {"walk": walk, "hp1": hp1, "hp2": hp2, "new": new, "elsewhere": elsewhere}


def _body(w, f, **overrides):
    body = {"agreement_id": w["agreement"].id, "theme_id": f.theme().id,
            "description": "Dépôt sauvage au pied de l'immeuble"}
    body.update(overrides)
    return body


# --- list ----------------------------------------------------------------------------------------

def test_list_filters(api, w, f, sample):
    hp1, hp2, new = sample["hp1"].id, sample["hp2"].id, sample["new"].id
    assert ids_field(api("referent2", "GET", URL)) == [hp1, hp2, new]  # oldest due date first
    assert ids_field(api("referent2", "GET", f"{URL}?overdue=true")) == [hp1]
    assert ids_field(api("referent2", "GET", f"{URL}?overdue=false")) == [hp2, new]
    assert ids_field(api("referent2", "GET", f"{URL}?recurring=true")) == [new]
    assert ids_field(api("referent2", "GET", f"{URL}?recurring=false")) == [hp1, hp2]
    assert ids_field(api("referent2", "GET", f"{URL}?organisation_id={w['hp2'].id}")) == [hp2]
    assert ids_field(api("referent2", "GET", f"{URL}?status=new")) == [new]
    assert ids_field(api("referent2", "GET", f"{URL}?priority=urgent")) == [hp2]
    assert ids_field(api("referent2", "GET", f"{URL}?theme_id={f.theme('waste').id}")) == [new]
    assert ids_field(api("referent2", "GET", f"{URL}?walkthrough_id={sample['walk'].id}")) == [hp1]
    assert ids_field(api("referent2", "GET", f"{URL}?kind=issue&agreement_id={w['agreement'].id}")) == [hp1, hp2, new]
    assert ids_field(api("referent2", "GET", f"{URL}?agreement_id=999999")) == []


def test_neighbourhood_filter_takes_the_walk_or_the_place(api, w, f, sample):
    neighbourhood = sample["walk"].neighbourhood
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=neighbourhood)
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence)
    sample["hp2"].territory = building
    db.session.commit()
    assert ids_field(api("coordinator", "GET", f"{URL}?neighbourhood_id={neighbourhood.id}")) == \
        [sample["hp1"].id, sample["hp2"].id]
    assert ids_field(api("coordinator", "GET", f"{URL}?neighbourhood_id={residence.id}")) == [sample["hp2"].id]


def test_list_rows(api, w, sample):
    row = api("observer", "GET", f"{URL}?overdue=true").json[0]
    assert row["is_overdue"] is True and row["status"] == "sent" and row["is_recurring"] is False
    assert row["responsible_organisation"]["name"] == "Bailleur Un"
    assert row["walkthrough_id"] == sample["walk"].id and row["stop_id"] == sample["walk"].stops[0].id
    assert row["theme"]["code"] == "cleanliness" and row["agreement"]["id"] == w["agreement"].id
    assert row["photos"] == [] and row["transfers"] == [] and row["action_ids"] == []


@pytest.mark.parametrize(("role", "sees"), [("coordinator", 3), ("referent1", 3), ("referent2", 3),
                                            ("observer", 4), ("admin", 4), ("other_coordinator", 4),
                                            ("outsider", 1)])
def test_list_is_scoped_by_the_policy(api, w, sample, role, sees):
    ids = ids_field(api(role, "GET", URL))
    assert len(ids) == sees
    if role == "outsider":
        assert ids == [sample["elsewhere"].id]


@pytest.mark.parametrize("query", ["overdue=maybe", "recurring=often", "status=closed", "priority=high",
                                   "kind=bug", "agreement_id=abc", "theme_id=-1", "neighbourhood_id=0",
                                   "walkthrough_id=99999999999999999999", "organisation_id=1.5", "page=0"])
def test_list_bad_filters_are_422_naming_them(api, w, query):
    response = api("referent1", "GET", f"{URL}?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]["query"]


def test_list_pages_cost_the_same_number_of_queries(api, w, f, count_queries):
    small = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"]])
    f.make_finding(small, w["hp1"])
    large = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["hp1"], w["hp2"], w["town"]])
    walk = f.make_walk(large)
    for n in range(30):
        finding = f.make_finding(large, (w["hp1"], w["hp2"], w["town"])[n % 3], walkthrough=walk,
                                 theme=f.theme(("waste", "parking", "roads", "green_spaces")[n % 4]))
        db.session.add_all([Photo(storage_key=f"k/{n}.jpg", thumbnail_key=f"k/{n}_t.jpg", width=1, height=1,
                                  size_bytes=1, finding=finding),
                            Transfer(finding=finding, to_organisation=w["hp1"], reason="Premier envoi")])
        f.make_action(large, w["hp1"], findings=[finding])
    db.session.commit()
    urls = [f"{URL}?agreement_id={agreement.id}&page_size=50" for agreement in (small, large)]
    api("coordinator", "GET", "/api/v1/me")
    with count_queries() as one:
        assert len(api("coordinator", "GET", urls[0]).json) == 1
    with count_queries() as thirty:
        response = api("coordinator", "GET", urls[1])
    assert len(response.json) == 30
    assert json.loads(response.headers["X-Pagination"])["total"] == 30
    assert all(len(row["photos"]) == 1 and len(row["action_ids"]) == 1 for row in response.json)
    assert len(one) == len(thirty)


# --- detail --------------------------------------------------------------------------------------

def test_detail_shows_photos_transfers_and_actions_but_no_personal_data(api, w, f, sample):
    finding = sample["hp1"]
    finding.created_by = w["coordinator"]
    photo = Photo(storage_key="k/a.jpg", thumbnail_key="k/a_t.jpg", width=64, height=48, size_bytes=10,
                  finding_id=finding.id)
    db.session.add_all([photo, Transfer(finding_id=finding.id, to_organisation_id=w["hp1"].id, reason="Règle",
                                        by_id=w["coordinator"].id)])
    action = f.make_action(w["agreement"], w["hp1"], findings=[finding])
    db.session.commit()
    body = api("referent2", "GET", f"{URL}/{finding.id}").json
    assert body["photos"] == [{"id": photo.id, "url": f"/photos/{photo.id}",
                               "thumbnail_url": f"/photos/{photo.id}/thumbnail", "width": 64, "height": 48,
                               "is_resolution": False, "created_at": body["photos"][0]["created_at"]}]
    assert body["transfers"][0]["to_organisation_id"] == w["hp1"].id and body["transfers"][0]["reason"] == "Règle"
    assert body["action_ids"] == [action.id]
    assert body["created_by_id"] == w["coordinator"].id
    text = json.dumps(body)
    assert w["coordinator"].email not in text and w["coordinator"].full_name not in text
    assert "created_by" not in body


def test_detail_refused_to_outsider_and_404(api, w, sample):
    assert api("outsider", "GET", f"{URL}/{sample['hp1'].id}").status_code == 403
    assert api("outsider", "GET", f"{URL}/{sample['elsewhere'].id}").status_code == 200
    assert api("coordinator", "GET", f"{URL}/999999").status_code == 404
    assert api("coordinator", "GET", f"{URL}/99999999999").status_code == 404
    assert api(None, "GET", f"{URL}/{sample['hp1'].id}").status_code == 401


# --- create --------------------------------------------------------------------------------------

def test_routing_suggestion_sends_the_finding(api, w, f, sample):
    db.session.add(RoutingRule(agreement=w["agreement"], land_ownership=LandOwnership.TOWN, organisation=w["town"]))
    db.session.commit()
    response = api("referent1", "POST", URL, json=_body(w, f, land_ownership="town", priority="urgent",
                                                        walkthrough_id=sample["walk"].id,
                                                        stop_id=sample["walk"].stops[1].id,
                                                        latitude=47.2, longitude=-1.55))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "sent" and body["responsible_organisation"]["id"] == w["town"].id
    assert body["due_on"] == (local_today() + timedelta(days=7)).isoformat()
    assert body["walkthrough_id"] == sample["walk"].id and body["stop_id"] == sample["walk"].stops[1].id
    assert body["created_by_id"] == w["referent1"].id and len(body["transfers"]) == 1


def test_agreement_comes_from_the_walk_and_the_organisation_may_be_chosen(api, w, f, sample):
    body = _body(w, f, walkthrough_id=sample["walk"].id, responsible_organisation_id=w["hp2"].id,
                 routing_reason="Parking du bailleur", due_on="2027-01-15")
    del body["agreement_id"]
    response = api("coordinator", "POST", URL, json=body)
    assert response.status_code == 201, response.json
    assert response.json["agreement"]["id"] == w["agreement"].id
    assert response.json["responsible_organisation"]["id"] == w["hp2"].id
    assert response.json["transfers"][0]["reason"] == "Parking du bailleur"
    assert response.json["due_on"] == "2027-01-15"


def test_without_a_suggestion_the_finding_stays_new(api, w, f):
    response = api("referent2", "POST", URL, json=_body(w, f, kind="strength"))
    assert response.status_code == 201
    assert response.json["status"] == "new" and response.json["responsible_organisation"] is None


@pytest.mark.parametrize("role", ["observer", "admin", "outsider", "other_coordinator"])
def test_others_cannot_log_findings(api, w, f, sample, role):
    before = _count(Finding)
    assert api(role, "POST", URL, json=_body(w, f)).status_code == 403
    body = _body(w, f, walkthrough_id=sample["walk"].id)
    del body["agreement_id"]
    assert api(role, "POST", URL, json=body).status_code == 403
    assert _count(Finding) == before


@pytest.mark.parametrize(("overrides", "field"), [
    ({"theme_id": 999999}, "theme_id"),
    ({"theme_id": "1"}, "theme_id"),
    ({"agreement_id": 999999}, "agreement_id"),
    ({"agreement_id": None}, "agreement_id"),
    ({"latitude": 47.2}, "longitude"),
    ({"longitude": -1.5}, "latitude"),
    ({"latitude": 91, "longitude": 0}, "latitude"),
    ({"priority": "high"}, "priority"),
    ({"kind": "bug"}, "kind"),
    ({"land_ownership": "moon"}, "land_ownership"),
    ({"description": ""}, "description"),
    ({"due_on": "demain"}, "due_on"),
    ({"responsible_organisation_id": 999999}, "responsible_organisation_id"),
    ({"walkthrough_id": 999999}, "walkthrough_id"),
    ({"stop_id": 1}, "stop_id"),
    ({"territory_id": 999999}, "territory_id"),
    ({"unknown": True}, "unknown"),
])
def test_create_refuses_bad_input_naming_the_field(api, w, f, overrides, field):
    before = _count(Finding)
    response = api("coordinator", "POST", URL, json=_body(w, f, **overrides))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"]
    assert _count(Finding) == before


def test_references_must_fit_the_agreement(api, w, f, sample):
    other_walk = f.make_walk(sample["elsewhere"].agreement)
    elsewhere = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    db.session.commit()
    cases = [({"walkthrough_id": other_walk.id}, "walkthrough_id"),
             ({"walkthrough_id": sample["walk"].id, "stop_id": other_walk.stops[0].id}, "stop_id"),
             ({"responsible_organisation_id": w["outsider_org"].id}, "responsible_organisation_id"),
             ({"territory_id": elsewhere.id}, "territory_id")]
    for overrides, field in cases:
        response = api("coordinator", "POST", URL, json=_body(w, f, **overrides))
        assert response.status_code == 422 and field in response.json["errors"]["json"], (overrides, response.json)


# --- edit: definition, routing, status -----------------------------------------------------------

def test_partner_accepts_then_resolves(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}"
    response = api("referent1", "PATCH", url, json={"status": "accepted"})
    assert response.status_code == 200 and response.json["status"] == "accepted"
    response = api("referent1", "PATCH", url, json={"status": "resolved", "note": "Encombrants enlevés"})
    assert response.status_code == 200
    assert response.json["status"] == "resolved" and response.json["resolution_note"] == "Encombrants enlevés"
    assert response.json["resolved_on"] == local_today().isoformat() and response.json["is_overdue"] is False
    assert api("referent1", "PATCH", url, json={"status": "checked"}).status_code == 403  # the coordination checks
    assert api("coordinator", "PATCH", url, json={"status": "checked"}).json["status"] == "checked"


def test_refusal_needs_its_reason(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}"
    for body in ({"status": "refused"}, {"status": "refused", "note": "   "}):
        response = api("referent1", "PATCH", url, json=body)
        assert response.status_code == 422 and "note" in response.json["errors"]["json"]
    response = api("referent1", "PATCH", url, json={"status": "refused", "note": "Terrain de la ville"})
    assert response.status_code == 200
    assert response.json["status"] == "refused" and response.json["refusal_reason"] == "Terrain de la ville"


def test_out_of_scope_referral_by_the_coordination(api, w, sample):
    url = f"{URL}/{sample['new'].id}"
    assert api("coordinator", "PATCH", url, json={"status": "out_of_scope"}).status_code == 422
    response = api("coordinator", "PATCH", url, json={"status": "out_of_scope", "note": "Voirie départementale"})
    assert response.status_code == 200 and response.json["referral"] == "Voirie départementale"


def test_invalid_transition_is_409(api, w, sample):
    response = api("referent1", "PATCH", f"{URL}/{sample['hp1'].id}", json={"status": "in_progress"})
    assert response.status_code == 409 and "status" in response.json["errors"]
    assert db.session.get(Finding, sample["hp1"].id).status is FindingStatus.SENT


def test_routing_to_another_organisation_keeps_the_reason(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}"
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": w["hp2"].id})
    assert response.status_code == 422 and "reason" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": w["hp2"].id,
                                                      "reason": "Parking de Bailleur Deux"})
    assert response.status_code == 200
    assert response.json["responsible_organisation"]["id"] == w["hp2"].id
    assert response.json["transfers"][-1]["reason"] == "Parking de Bailleur Deux"
    assert response.json["transfers"][-1]["from_organisation_id"] == w["hp1"].id
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": w["outsider_org"].id,
                                                      "reason": "x"})
    assert response.status_code == 422 and "responsible_organisation_id" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": None})
    assert response.status_code == 422 and "responsible_organisation_id" in response.json["errors"]["json"]


def test_sending_a_new_finding_needs_an_organisation(api, w, sample):
    url = f"{URL}/{sample['new'].id}"
    response = api("coordinator", "PATCH", url, json={"status": "sent"})
    assert response.status_code == 422 and "responsible_organisation_id" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"responsible_organisation_id": w["hp1"].id, "status": "sent"})
    assert response.status_code == 200 and response.json["status"] == "sent"


def test_coordination_corrects_the_description_and_place(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}"
    response = api("coordinator", "PATCH", url, json={"description": "Encombrants et gravats", "priority": "urgent",
                                                      "latitude": 47.3, "longitude": -1.6, "due_on": "2027-02-01"})
    assert response.status_code == 200, response.json
    assert response.json["description"] == "Encombrants et gravats" and response.json["priority"] == "urgent"
    assert response.json["due_on"] == "2027-02-01"
    response = api("coordinator", "PATCH", url, json={"latitude": None})
    assert response.status_code == 422 and "latitude" in response.json["errors"]["json"]
    response = api("coordinator", "PATCH", url, json={"latitude": 47.4})
    assert response.status_code == 200 and response.json["latitude"] == 47.4
    response = api("coordinator", "PATCH", url, json={"stop_id": 999999})
    assert response.status_code == 422 and "stop_id" in response.json["errors"]["json"]


def test_referent2_and_others_cannot_touch_hp1s_finding(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}"
    for role in ("referent2", "observer", "outsider", "admin", "other_coordinator"):
        for body in ({"status": "accepted"}, {"status": "refused", "note": "Pas nous"}, {"description": "x"},
                     {"priority": "nope"}, {"responsible_organisation_id": w["hp2"].id, "reason": "x"}):
            response = api(role, "PATCH", url, json=body)
            assert response.status_code == 403 and response.json["code"] == 403, (role, body)
    # the responsible organisation answers, but does not rewrite or re-route the finding
    assert api("referent1", "PATCH", url, json={"description": "Réécrit"}).status_code == 403
    assert api("referent1", "PATCH", url, json={"responsible_organisation_id": w["hp2"].id,
                                                "reason": "Pas chez nous"}).status_code == 403
    assert db.session.get(Finding, sample["hp1"].id).status is FindingStatus.SENT


# --- photos --------------------------------------------------------------------------------------

def _upload(api, role, finding_id, data: bytes, *, name="photo.jpg", query=""):
    return api(role, "POST", f"{URL}/{finding_id}/photos{query}", data={"photo": (io.BytesIO(data), name)},
               content_type="multipart/form-data")


def test_photo_comes_out_without_gps(api, w, f, sample, uploads):
    response = _upload(api, "referent1", sample["hp1"].id, f.jpeg_bytes(640, 480, gps=True),
                       query="?is_resolution=true")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["url"] == f"/photos/{body['id']}" and body["thumbnail_url"] == f"/photos/{body['id']}/thumbnail"
    assert body["is_resolution"] is True and (body["width"], body["height"]) == (640, 480)
    photo = db.session.get(Photo, body["id"])
    assert photo.finding_id == sample["hp1"].id and photo.uploaded_by_id == w["referent1"].id
    for key in (photo.storage_key, photo.thumbnail_key):
        with Image.open(path_for(key)) as image:
            assert image.format == "JPEG"
            assert GPS_IFD not in image.getexif()
    assert str(path_for(photo.storage_key)).startswith(str(uploads))
    detail = api("coordinator", "GET", f"{URL}/{sample['hp1'].id}").json
    assert [p["id"] for p in detail["photos"]] == [body["id"]]


@pytest.mark.parametrize("data", [b"%PDF-1.4 not an image", b"", "corrupted"])
def test_photo_that_is_not_a_good_image_is_422(api, w, f, sample, uploads, data):
    if data == "corrupted":
        whole = f.jpeg_bytes(640, 480)
        data = whole[: len(whole) // 2]
    before = _count(Photo)
    response = _upload(api, "coordinator", sample["hp1"].id, data)
    assert response.status_code == 422 and response.is_json
    assert response.json["errors"]["photo"]
    assert _count(Photo) == before
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*"))


def test_oversized_photo_is_422(api, app, w, f, sample, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 1000)
    response = _upload(api, "referent1", sample["hp1"].id, f.jpeg_bytes(640, 480))
    assert response.status_code == 422
    assert "taille maximale" in response.json["errors"]["photo"][0]


def test_oversized_request_is_413_json(api, app, w, f, sample, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = _upload(api, "referent1", sample["hp1"].id, f.jpeg_bytes(640, 480) + b"\0" * 4000)
    assert response.status_code == 413 and response.is_json
    assert response.json["code"] == 413 and "1 Ko" in response.json["message"]


def test_flask_request_size_limit_is_json_under_the_api(api, app, w, f, monkeypatch):
    """Werkzeug's own RequestEntityTooLarge (any API route reading a body) is rendered as JSON, not HTML."""
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = api("coordinator", "POST", URL, json=_body(w, f, description="x" * 5000))
    assert response.status_code == 413 and response.is_json and response.json["code"] == 413


def test_photo_upload_needs_a_file(api, w, sample):
    url = f"{URL}/{sample['hp1'].id}/photos"
    response = api("referent1", "POST", url, json={"photo": "aGVsbG8="})
    assert response.status_code == 422 and "photo" in response.json["errors"]["files"]
    response = api("referent1", "POST", url, data={"photo": "text"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "photo" in response.json["errors"]["files"]
    response = api("referent1", "POST", f"{url}?is_resolution=perhaps", data={})
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["referent2", "observer", "outsider", "admin", "other_coordinator"])
def test_others_cannot_add_photos(api, w, f, sample, role):
    response = _upload(api, role, sample["hp1"].id, f.jpeg_bytes())
    assert response.status_code == 403
    assert _count(Photo) == 0
    assert api(role, "POST", f"{URL}/{sample['hp1'].id}/photos", json={}).status_code == 403
    assert api("referent1", "POST", f"{URL}/999999/photos", json={}).status_code == 404


# --- malformed input -----------------------------------------------------------------------------

def _write_routes(w, f, sample):
    from gup.findings.schemas import FindingIn, FindingPatchIn

    return [("POST", URL, _body(w, f), sorted(FindingIn().fields)),
            ("PATCH", f"{URL}/{sample['new'].id}", {}, sorted(FindingPatchIn().fields))]


def test_one_malformed_body_per_write_route(api, w, f, sample):
    """The HTTP smoke request of the schema-level fuzzing (tests/test_schema_fuzz.py): every field spoiled at
    once, on each write route, is a JSON 4xx."""
    for method, url, valid, fields in _write_routes(w, f, sample):
        body = {**valid, **{field: value for field, value in zip(fields, SPOILED * len(fields), strict=True)}}
        response = api("coordinator", method, url, json=body)
        assert 400 <= response.status_code < 500 and response.is_json, (method, url, response.status_code)


@pytest.mark.slow
def test_malformed_fields_never_give_500(api, w, f, sample):
    routes = _write_routes(w, f, sample)
    failures = []
    for method, url, valid, fields in routes:
        for field in [*fields, "unknown_field"]:
            for value in BAD_VALUES:
                response = api("coordinator", method, url, json={**valid, field: value})
                if response.status_code >= 500 or not response.is_json:
                    failures.append(f"{method} {field}={str(value)[:30]!r}: {response.status_code}")
        for raw in RAW_BODIES:
            response = api("coordinator", method, url, data=raw, content_type="application/json")
            if not 400 <= response.status_code < 500:
                failures.append(f"{method} raw {raw[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures[:30])


def test_malformed_query_strings_never_give_500(api, w):
    failures = []
    for name in [*["agreement_id", "walkthrough_id", "neighbourhood_id", "theme_id", "organisation_id", "kind",
                   "status", "priority", "overdue", "recurring"], "page", "page_size", "unknown"]:
        for value in BAD_QUERY_VALUES:
            response = api("referent1", "GET", f"{URL}?{name}={value}")
            if response.status_code >= 500 or not response.is_json:
                failures.append(f"{name}={value[:30]}: {response.status_code}")
    assert not failures
