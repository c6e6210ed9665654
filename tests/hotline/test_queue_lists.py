"""The report queue as a worklist: open by default, possible duplicates flagged, the original offered first when
merging, and its CSV export (the list's filters and policy, gup.csv_file conventions, constant queries)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from gup.extensions import db
from gup.hotline.models import ReportStatus
from gup.hotline.services import change_status, route_report
from gup.orm import now_utc
from gup.territory.models import TerritoryKind


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def _setup(f):
    w = f.world()
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Acacias")
    w["agreement"].territories.append(hood)
    w["hood"] = hood
    w["category"] = f.make_category(label="Encombrants", default_organisation=w["hp2"])
    db.session.flush()
    return w


def _report(f, w, **kw):
    kw.setdefault("neighbourhood", w["hood"])
    kw.setdefault("contact_name", "Alex Habitant")
    kw.setdefault("contact_email", "alex@example.org")
    return f.make_report(w["category"], **kw)


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_queue_opens_on_open_reports_with_a_way_to_see_all(client, f, login):
    w = _setup(f)
    now = now_utc()
    open_one = _report(f, w, address="1 rue A")
    rejected = _report(f, w, address="2 rue B")
    change_status(rejected, to=ReportStatus.REJECTED, actor=w["coordinator"], now=now, public_text="Non.")
    resolved = _report(f, w, address="3 rue C")
    route_report(resolved, to=w["hp1"], actor=w["coordinator"], now=now)
    change_status(resolved, to=ReportStatus.RESOLVED, actor=w["coordinator"], now=now, public_text="Fait.")
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/signalements").get_data(as_text=True)
    assert open_one.reference in page and rejected.reference not in page and resolved.reference not in page
    assert "ouverts seulement" in page
    page = client.get("/signalements?status=all").get_data(as_text=True)
    assert open_one.reference in page and rejected.reference in page and resolved.reference in page
    page = client.get("/signalements?status=rejected").get_data(as_text=True)
    assert rejected.reference in page and open_one.reference not in page
    # the export follows the same default
    refs = [r[0] for r in _rows(client.get("/signalements.csv"))[1:]]
    assert refs == [open_one.reference]
    assert len(_rows(client.get("/signalements.csv?status=all"))) == 4


def test_queue_flags_possible_duplicates_and_merge_offers_the_original_first(client, f, login):
    w = _setup(f)
    now = now_utc()
    original = _report(f, w, address="5 place du Marché", now=now - timedelta(days=3))
    second = _report(f, w, address="5 place du Marché", now=now - timedelta(days=2))
    newest = _report(f, w, address="5 place du Marché", now=now - timedelta(days=1))
    alone = _report(f, w, address="9 allée des Tilleuls")
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/signalements").get_data(as_text=True)
    row = page[page.index(f">{newest.reference}<"):]
    row = row[:row.index("</tr>")]
    assert "2 doublons possibles" in row and "#doublons" in row
    row = page[page.index(f">{alone.reference}<"):]
    assert "doublon" not in row[:row.index("</tr>")]
    detail = client.get(f"/signalements/{newest.id}").get_data(as_text=True)
    section = detail[detail.index('id="doublons"'):]
    assert section.index(original.reference) < section.index(second.reference)
    merge_select = detail[detail.index('name="m-into_id"'):]
    merge_select = merge_select[:merge_select.index("</select>")]
    assert merge_select.index(original.reference) < merge_select.index(second.reference)
    # a referent does not triage: no flag
    route_report(newest, to=w["hp1"], actor=w["coordinator"], now=now)
    route_report(original, to=w["hp1"], actor=w["coordinator"], now=now)
    db.session.commit()
    login(w["referent1"])
    assert "doublon" not in client.get("/signalements").get_data(as_text=True)


def test_queue_duplicate_flags_and_export_cost_constant_queries(client, f, login, count_queries):
    w = _setup(f)
    _report(f, w)
    db.session.commit()
    login(w["coordinator"])
    with count_queries() as list_one:
        assert client.get("/signalements").status_code == 200
    with count_queries() as csv_one:
        assert len(_rows(client.get("/signalements.csv"))) == 2
    for n in range(12):
        r = _report(f, w, description=f"Signalement {n}", now=now_utc() - timedelta(days=n))
        if n % 2:
            route_report(r, to=w["hp1" if n % 4 == 1 else "hp2"], actor=None, now=now_utc())
    db.session.commit()
    with count_queries() as list_many:
        page = client.get("/signalements").get_data(as_text=True)
    assert "12 doublons possibles" in page
    with count_queries() as csv_many:
        assert len(_rows(client.get("/signalements.csv"))) == 14
    assert len(list_one) == len(list_many)
    assert len(csv_one) == len(csv_many)


def test_queue_export_headers_escaping_filters_and_policy(client, f, login):
    w = _setup(f)
    now = now_utc()
    formula = _report(f, w, description="=HYPERLINK(\"http://x\")", address="+33 rue du Piège")
    sent = _report(f, w, description="Transmis", address="4 rue D")
    route_report(sent, to=w["hp1"], actor=w["coordinator"], now=now)
    db.session.commit()
    login(w["coordinator"])
    rows = _rows(client.get("/signalements.csv"))
    header = rows[0]
    assert header == ["Référence", "Catégorie", "Description", "Adresse", "Quartier", "Canal", "Reçu le",
                      "Organisme responsable", "Organisme proposé", "Statut", "En retard", "Doublons possibles"]
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    cells = by_ref[formula.reference]
    assert cells["Description"] == "'=HYPERLINK(\"http://x\")" and cells["Adresse"] == "'+33 rue du Piège"
    assert cells["Quartier"] == "Les Acacias" and cells["En retard"] == "Non" and cells["Statut"] == "Reçu"
    assert len(cells["Reçu le"]) == 16 and cells["Reçu le"][2] == "/"
    assert "alex@example.org" not in "".join("".join(r) for r in rows)  # no contact detail
    assert by_ref[sent.reference]["Organisme responsable"] == "Bailleur Un"
    only_sent = _rows(client.get(f"/signalements.csv?status=sent&organisation_id={w['hp1'].id}"))
    assert [r[0] for r in only_sent[1:]] == [sent.reference]
    # a referent exports only what they may see
    login(w["referent1"])
    assert [r[0] for r in _rows(client.get("/signalements.csv"))[1:]] == [sent.reference]
    login(w["referent2"])
    assert len(_rows(client.get("/signalements.csv"))) == 1
    # the list links the export with its filters
    login(w["coordinator"])
    page = client.get("/signalements?status=sent&page=2").get_data(as_text=True)
    assert "/signalements.csv?status=sent" in page and "page=2" not in page.split("/signalements.csv")[1][:40]
