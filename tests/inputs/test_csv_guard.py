"""One CSV writer for every export: every text cell that a spreadsheet would run as a formula is defused, in
every column (references, themes, neighbourhoods, organisations…), numbers stay numbers; and the API refuses
the agreement reference the web form refuses."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.csv_file import Number, cell
from gup.extensions import db
from gup.territory.models import TerritoryKind

FORMULAS = ["=1+2", "+33 cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_cell_defuses_text_and_keeps_numbers():
    for text in FORMULAS:
        assert cell(text) == "'" + text
    assert cell("Marché") == "Marché"
    assert (cell(-3), cell(Number("-1,55")), cell(None)) == ("-3", "-1,55", "")


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def _world(f):
    w = f.world()
    agreement = w["agreement"]
    db.session.execute(sa.update(Agreement).where(Agreement.id == agreement.id).values(reference="=1+2"))
    w["hp1"].name = "@HYPERLINK(\"http://x\")"
    theme = f.theme()
    theme.label = "+cmd|' /C calc'!A0"
    hood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="-2+3")
    agreement.territories.append(hood)
    finding = f.make_finding(agreement, w["hp1"], theme=theme, description="=cmd", longitude=-1.55, latitude=47.2,
                             territory=hood)
    f.make_action(agreement, w["hp1"], title="=action", audience="+public")
    db.session.commit()
    return w, finding


def _defused(rows: list[list[str]]) -> list[str]:
    return [c for row in rows[1:] for c in row if c[:1] in ("=", "+", "@", "\t", "\r")
            or (c.startswith("-") and not c.replace(",", "").lstrip("-").isdigit())]


def test_findings_csv_defuses_every_text_column(client, f, login):
    w, _finding = _world(f)
    login(w["coordinator"])
    rows = _rows(client.get("/findings.csv"))
    assert len(rows) == 2
    assert not _defused(rows), _defused(rows)
    row = rows[1]
    assert "'=1+2" in row and "'+cmd|' /C calc'!A0" in row and "'@HYPERLINK(\"http://x\")" in row
    assert "'=cmd" in row and "-1,55" in row


def test_actions_csv_defuses_every_text_column(client, f, login):
    w, _finding = _world(f)
    login(w["coordinator"])
    rows = _rows(client.get("/actions.csv"))
    assert len(rows) == 2
    assert not _defused(rows), _defused(rows)
    assert "'=action" in rows[1] and "'=1+2" in rows[1] and "'+public" in rows[1]


def test_api_refuses_the_reference_the_form_refuses(api, w, client, login):
    body = {"reference": "=1+2", "title": "Formule", "kind": "site", "start_on": "2026-01-01",
            "end_on": "2031-12-31"}
    response = api("coordinator", "POST", "/api/v1/agreements", json=body)
    assert response.status_code == 422
    assert "Lettres, chiffres" in str(response.json["errors"]["json"]["reference"])
    response = api("coordinator", "PATCH", f"/api/v1/agreements/{w['agreement'].id}", json={"reference": "@x"})
    assert response.status_code == 422
    login(w["coordinator"])
    response = client.post("/agreements/new", data={**body, "start_on": "01/01/2026", "end_on": "31/12/2031"})
    assert response.status_code == 422 and "Lettres, chiffres" in response.get_data(as_text=True)
    stored = sa.select(sa.func.count()).select_from(Agreement).where(Agreement.reference == "=1+2")
    assert db.session.scalar(stored) == 0
