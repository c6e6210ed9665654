"""The JSON list of service requests is encoded request by request and kept per process (gup.open311.payloads):
it is byte for byte the encoding of the whole list, and a changed report is never answered as it was."""

from __future__ import annotations

import json

from gup.extensions import db
from gup.hotline import services as hotline
from gup.hotline.models import ReportStatus
from gup.open311 import queries
from gup.open311.formats import to_json
from gup.open311.payloads import service_requests
from gup.open311.services import create_client
from gup.open311.views import WINDOW
from gup.orm import now_utc
from tests.open311.conftest import BASE


def _listed(client, **query) -> list[dict]:
    return json.loads(client.get(f"{BASE}/requests.json", query_string=query).get_data())


def test_the_json_list_is_the_encoding_of_the_whole_list(o311, f, app):
    for i in range(5):
        f.make_report(o311.plain, description=f"Tag n° {i}", publish_description=True)
    db.session.commit()
    for _ in range(2):  # encoded, then read from what the process kept
        body = o311.get("requests").get_data()
        with app.test_request_context(f"{BASE}/requests.json"):
            end = now_utc()
            rows = queries.search_requests(start=end - WINDOW, end=end)
            assert body == to_json(service_requests(rows))
    assert len(json.loads(body)) == 5


def test_a_changed_report_is_answered_as_it_is_now(o311, f, client):
    report = f.make_report(o311.plain, description="Un tag rue des Lilas", publish_description=True)
    db.session.commit()
    (before,) = _listed(client)
    hotline.change_status(report, to=ReportStatus.QUALIFIED, actor=None, now=now_utc(), public_text="Vérifié.")
    db.session.commit()
    (after,) = _listed(client)
    assert before["status_notes"] != after["status_notes"] == "Qualifié — Vérifié."


def test_what_a_reader_may_read_is_part_of_the_key(o311, f, client):
    f.make_report(o311.plain, description="Appel de Mme K. : dépôt devant le bâtiment B")  # not published
    privileged, key = create_client(name="Observatoire", actor=None, now=now_utc(), reads_private=True)
    db.session.commit()
    (anonymous,) = _listed(client)
    (granted,) = _listed(client, api_key=key)
    (again,) = _listed(client)
    assert anonymous["description"] is None and again["description"] is None
    assert granted["description"] == "Appel de Mme K. : dépôt devant le bâtiment B"
