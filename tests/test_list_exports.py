"""CSV exports of the commitments and walks lists: what the list shows, with its filters and its policy, the
gup.csv_file conventions (BOM, « ; », JJ/MM/AAAA, defused formulas), shared headers, constant queries."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from gup.agreements.models import CommitmentStatus
from gup.csv_file import HEADERS
from gup.extensions import db
from gup.i18n import local_today
from gup.walks.models import WalkKind, WalkStatus


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_walks_export_follows_the_list(client, f, login):
    w = f.world()
    hood = f.make_territory(name="Les Acacias")
    f.make_walk(w["agreement"], hood, title="=cmd|' /C calc'!A0", walked_on=date(2026, 10, 6), kind=WalkKind.NIGHT)
    walk = f.make_walk(w["agreement"], hood, title="Marche du centre", walked_on=date(2026, 11, 1),
                       status=WalkStatus.PLANNED)
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    db.session.commit()
    login(w["coordinator"])
    rows = _rows(client.get("/walks.csv"))
    assert rows[0] == ["Date", "Diagnostic", "Type", "Quartier", "Convention", "Constats", "Statut"]
    assert rows[1] == ["01/11/2026", "Marche du centre", str(walk.kind.label), "Les Acacias",
                       w["agreement"].reference, "2", str(WalkStatus.PLANNED.label)]
    assert rows[2][1] == "'=cmd|' /C calc'!A0" and rows[2][0] == "06/10/2026"
    filtered = _rows(client.get("/walks.csv", query_string={"kind": "night"}))
    assert [r[1] for r in filtered[1:]] == ["'=cmd|' /C calc'!A0"]
    page = client.get("/walks?kind=night&page=1").get_data(as_text=True)
    assert 'href="/walks.csv?kind=night"' in page and "Exporter en CSV" in page
    login(w["outsider"])
    assert len(_rows(client.get("/walks.csv"))) == len(client.get("/walks").get_data(as_text=True)
                                                           .split("Marche du centre")) == 1


def test_commitments_export_follows_the_list(client, f, login):
    w = f.world()
    today = local_today()
    late = f.make_commitment(w["agreement"], w["hp1"], reference="ENG-LATE", title="@SUM(A1)",
                             due_on=today - timedelta(days=3), progress=40, status=CommitmentStatus.IN_PROGRESS)
    db.session.commit()
    login(w["coordinator"])
    rows = _rows(client.get("/commitments.csv"))
    header = rows[0]
    assert header == ["Référence", "Intitulé", "Convention", "Partenaire", "Thématique", "Échéance", "En retard",
                      "Statut", "Avancement (%)"]
    by_ref = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_ref) == {late.reference, w["c1"].reference, w["c2"].reference}
    cells = by_ref["ENG-LATE"]
    assert cells["Intitulé"] == "'@SUM(A1)" and cells["Partenaire"] == "Bailleur Un"
    assert cells["Échéance"] == (today - timedelta(days=3)).strftime("%d/%m/%Y")
    assert cells["En retard"] == "Oui" and cells["Avancement (%)"] == "40"
    assert by_ref[w["c2"].reference]["En retard"] == "Non"
    only_late = _rows(client.get("/commitments.csv", query_string={"overdue": "1", "page": "3"}))
    assert {r[0] for r in only_late[1:]} == {"ENG-LATE", w["c1"].reference}  # c1 was due on 30/06/2026
    page = client.get("/commitments?overdue=1&page=1").get_data(as_text=True)
    assert 'href="/commitments.csv?overdue=1"' in page
    # a referent exports what the list shows them
    login(w["referent2"])
    listed = client.get("/commitments").get_data(as_text=True)
    exported = {r[0] for r in _rows(client.get("/commitments.csv"))[1:]}
    assert exported == {ref for ref in ("ENG-LATE", w["c1"].reference, w["c2"].reference) if ref in listed}


def test_exports_cost_constant_queries(client, f, login, count_queries):
    w = f.world()
    f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    with count_queries() as walks_one:
        assert len(_rows(client.get("/walks.csv"))) == 2
    with count_queries() as commitments_one:
        assert len(_rows(client.get("/commitments.csv"))) == 3
    for n in range(10):
        walk = f.make_walk(w["agreement"])
        f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
        f.make_commitment(w["agreement"], w["hp1" if n % 2 else "hp2"])
    db.session.commit()
    with count_queries() as walks_many:
        assert len(_rows(client.get("/walks.csv"))) == 12
    with count_queries() as commitments_many:
        assert len(_rows(client.get("/commitments.csv"))) == 13
    assert len(walks_one) == len(walks_many)
    assert len(commitments_one) == len(commitments_many)


def test_the_same_concept_reads_the_same_in_every_export(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    headers = {path: _rows(client.get(path))[0] for path in
               ("/walks.csv", "/commitments.csv", "/signalements.csv", "/actions.csv")}
    for key in ("agreement", "status", "due_on", "overdue", "organisation"):
        label = str(HEADERS[key])
        users = [path for path, row in headers.items() if label in row]
        assert users, key
        lower = [path for path, row in headers.items() if label.lower() in row]
        assert not lower, (key, lower)
    assert str(HEADERS["agreement"]) in headers["/actions.csv"] and str(HEADERS["agreement"]) in headers["/walks.csv"]


def test_en_cours_groups_every_status_that_is_not_closed(client, f, login):
    from gup.actions.models import ActionStatus
    from gup.findings.models import FindingStatus

    w = f.world()
    open_finding = f.make_finding(w["agreement"], w["hp1"], description="Toujours là", status=FindingStatus.SENT)
    f.make_finding(w["agreement"], w["hp1"], description="Réglé depuis", status=FindingStatus.RESOLVED)
    f.make_action(w["agreement"], w["hp1"], title="Action ouverte", status=ActionStatus.IN_PROGRESS)
    f.make_action(w["agreement"], w["hp1"], title="Action terminée", status=ActionStatus.DONE)
    db.session.commit()
    login(w["coordinator"])
    page = client.get("/findings?status=open").get_data(as_text=True)
    assert "Toujours là" in page and "Réglé depuis" not in page and "En cours (non clos)" in page
    assert [r[0] for r in _rows(client.get("/findings.csv?status=open"))[1:]] == [str(open_finding.id)]
    page = client.get("/actions?status=open").get_data(as_text=True)
    assert "Action ouverte" in page and "Action terminée" not in page
    titles = [r[1] for r in _rows(client.get("/actions.csv?status=open"))[1:]]
    assert titles == ["Action ouverte"]
    assert "Action terminée" in client.get("/actions").get_data(as_text=True)
