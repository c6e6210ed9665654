"""Follow-up charts (accessible SVG + tables) and the findings map on the agreement page and the dashboard."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from gup.actions.models import ActionStatus
from gup.dashboard import queries
from gup.extensions import db
from gup.findings.models import FindingStatus
from gup.reports.svg import Series, bar_chart, stacked_bar_chart

ROOT = Path(__file__).resolve().parents[2]


def test_bar_chart_is_named_and_prints_values():
    svg = str(bar_chart(chart_id="t 1", title="Constats <par> statut", desc="Nouveau 3; Résolu 1",
                        items=[("Nouveau", 3), ("<script>", 1)]))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-labelledby="t-1-title t-1-desc"' in svg
    assert '<title id="t-1-title">Constats &lt;par&gt; statut</title>' in svg
    assert '<desc id="t-1-desc">Nouveau 3; Résolu 1</desc>' in svg
    assert ">Nouveau</text>" in svg and ">3</text>" in svg and ">1</text>" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_stacked_chart_has_a_text_legend_patterns_and_breakdown():
    series = [Series("Réalisées", "#18753c"), Series("En retard", "#b00020", "hatched")]
    svg = str(stacked_bar_chart(chart_id="s", title="Actions", desc="…", series=series,
                                rows=[("Bailleur Un", (2, 1)), ("Ville", (0, 4))]))
    assert ">Réalisées</text>" in svg and ">En retard</text>" in svg       # legend in words
    assert "<pattern" in svg and "url(#s-p1)" in svg                        # overdue is hatched, not only red
    assert ">Réalisées : 2 · En retard : 1</text>" in svg and ">3</text>" in svg
    assert ">En retard : 4</text>" in svg and "Réalisées : 0" not in svg


def _fill(f, w, *, n: int = 1):
    """Findings in several statuses (with coordinates), actions done / on time / overdue, for w's agreement."""
    today = date(2026, 11, 23)
    created = datetime(2026, 10, 1, 10, tzinfo=UTC)
    for i in range(n):
        f.make_finding(w["agreement"], w["hp1"], description=f"Lampadaire éteint {i}", latitude=47.21 + i / 1000,
                       longitude=-1.55, address=f"{i} rue des Lilas", status=FindingStatus.RESOLVED,
                       resolved_on=date(2026, 10, 11), created_at=created)
        f.make_finding(w["agreement"], w["hp2"], description=f"Porte de hall cassée {i}", theme=f.theme("waste"),
                       status=FindingStatus.SENT, is_recurring=True, latitude=47.22, longitude=-1.56)
        f.make_finding(w["agreement"], w["hp2"], description=f"Hors carte {i}", status=FindingStatus.RESOLVED,
                       resolved_on=date(2026, 10, 31), created_at=created)
        f.make_action(w["agreement"], w["hp1"], status=ActionStatus.DONE, due_on=today - timedelta(days=30))
        f.make_action(w["agreement"], w["hp1"], due_on=today + timedelta(days=30))
        f.make_action(w["agreement"], w["hp2"], due_on=today - timedelta(days=3))
        f.make_action(w["agreement"], w["hp2"], status=ActionStatus.CANCELLED, due_on=today - timedelta(days=3))
    db.session.commit()
    return today


def test_followup_stats_aggregates_one_agreement(f):
    w = f.world()
    today = _fill(f, w, n=2)
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    f.make_finding(other, w["outsider_org"])
    db.session.commit()
    stats = queries.followup_stats(w["coordinator"], today=today, agreement_id=w["agreement"].id)
    assert stats.findings_by_status == [(FindingStatus.SENT, 2), (FindingStatus.RESOLVED, 4)]
    assert dict(stats.findings_by_theme) == {"Propreté": 4, f.theme("waste").label: 2}
    assert stats.actions_by_organisation == [("Bailleur Deux", 0, 0, 2), ("Bailleur Un", 2, 2, 0)]
    assert stats.resolution_delays == [("Bailleur Deux", 30.0, 2), ("Bailleur Un", 10.0, 2)]


def test_resolution_delay_counts_from_the_local_day_of_logging(f):
    """The database computes the delays (SQLite through gup_local_date): from the day of logging in Paris, which is
    the next UTC day late in the evening, in summer (UTC+2) as in winter (UTC+1)."""
    w = f.world()
    for created_at, resolved_on in ((datetime(2026, 7, 1, 22, 30, tzinfo=UTC), date(2026, 7, 12)),   # 2 July, 00:30
                                    (datetime(2026, 7, 1, 21, 30, tzinfo=UTC), date(2026, 7, 12)),   # 1 July, 23:30
                                    (datetime(2026, 1, 5, 23, 15, tzinfo=UTC), date(2026, 1, 16)),   # 6 Jan., 00:15
                                    (datetime(2026, 1, 5, 22, 45, tzinfo=UTC), date(2026, 1, 16))):  # 5 Jan., 23:45
        f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.RESOLVED, resolved_on=resolved_on,
                       created_at=created_at)
    f.make_finding(w["agreement"], w["hp2"], status=FindingStatus.RESOLVED, resolved_on=date(2026, 3, 1),
                   created_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC))  # logged 2 March in Paris: no negative delay
    db.session.commit()
    stats = queries.followup_stats(w["coordinator"], today=date(2026, 11, 23), agreement_id=w["agreement"].id)
    # Bailleur Un: 10, 11, 10, 11 days → median 10.5; Bailleur Deux: -1 counted as 0
    assert stats.resolution_delays == [("Bailleur Deux", 0.0, 1), ("Bailleur Un", 10.5, 4)]


def test_dashboard_stats_cover_only_readable_agreements(f):
    w = f.world()
    today = _fill(f, w)
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["outsider_org"]])
    f.make_finding(other, w["outsider_org"], status=FindingStatus.NEW)
    db.session.commit()
    mine = queries.followup_stats(w["coordinator"], today=today)
    assert FindingStatus.NEW not in dict(mine.findings_by_status)
    theirs = queries.followup_stats(w["outsider"], today=today)
    assert theirs.findings_by_status == [(FindingStatus.NEW, 1)] and not theirs.actions_by_organisation
    everything = queries.followup_stats(w["observer"], today=today)
    assert sum(n for _s, n in everything.findings_by_status) == 4


def test_agreement_page_shows_charts_structural_problems_and_map(client, f, login):
    w = f.world()
    _fill(f, w)
    login(w["referent1"])
    html = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    section = html.split('id="followup-title"')[1].split('id="history-title"')[0]
    assert "Suivi des constats et des actions" in html
    assert section.count('role="img"') == 4 and section.count("<details>") == 4
    assert "Voir les chiffres" in section and "<caption>Constats par statut</caption>" in section
    assert '<th scope="row">Bailleur Un</th>' in section
    structural = section.split('id="structural-title"')[1].split('id="map-title"')[0]
    assert "Porte de hall cassée 0" in structural and "Lampadaire" not in structural
    from flask import current_app
    if "findings.detail" in current_app.view_functions:
        assert re.search(r'href="/findings/\d+">Porte de hall cassée 0', structural)
    # the map: its points as JSON, and the same points as a visible list (the map is never the only way)
    points = json.loads(re.search(r"data-points='([^']*)'", section).group(1))
    assert {p["label"] for p in points} == {"Lampadaire éteint 0", "Porte de hall cassée 0"}
    assert {p["status"] for p in points} == {"resolved", "sent"}
    fallback = section.split('class="responsive map-fallback"')[1]
    assert "Lampadaire éteint 0" in fallback and "0 rue des Lilas" in fallback and "Transmis au partenaire" in fallback
    assert "Hors carte" not in fallback
    legend = section.split("Couleur des points selon le statut du constat")[1].split("</ul>")[0]
    assert "Transmis au partenaire" in legend and "Résolu" in legend and "Nouveau" not in legend
    assert 'data-tiles=""' in section                                    # no tile server unless configured
    assert "vendor/leaflet/leaflet.js" in section and "js/map.js" in section


def test_agreement_page_without_findings(client, f, login):
    w = f.world()
    db.session.commit()
    login(w["coordinator"])
    html = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert "Aucun constat ni action enregistré pour cette convention." in html
    assert "Aucun problème structurel ouvert." in html and "Aucun constat localisé" in html
    assert "leaflet.js" not in html


def test_dashboard_shows_charts(client, f, login):
    w = f.world()
    _fill(f, w)
    login(w["coordinator"])
    html = client.get("/").get_data(as_text=True)
    section = html.split('id="followup-title"')[1].split('id="agreements-title"')[0]
    assert section.count('role="img"') == 4 and "Voir les chiffres" in section
    assert "Actions par partenaire" in section and "Délai médian" in section


def test_pages_use_a_constant_number_of_queries(client, f, login, count_queries):
    w = f.world()
    login(w["coordinator"])
    counts: dict[str, list[int]] = {}
    for more in (1, 14):                      # 1 then 15 of each kind of finding and action
        _fill(f, w, n=more)
        for url in ("/", f"/agreements/{w['agreement'].id}"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.setdefault(url, []).append(len(statements))
    for url, (small, large) in counts.items():
        assert small == large, f"{url}: {small} queries for few rows, {large} for many"


@pytest.mark.parametrize("folder", ["templates", "gup/static/js", "gup/static/css"])
def test_no_external_url_in_templates_and_scripts(folder):
    """Nothing is loaded from another server: no http(s) URL besides the SVG namespace."""
    offenders = []
    for path in (ROOT / folder).rglob("*"):
        if path.suffix not in {".html", ".js", ".css", ".svg"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            cleaned = line.replace('xmlns="http://www.w3.org/2000/svg"', "")
            if "http://" in cleaned or "https://" in cleaned:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not offenders, "\n".join(offenders)


def test_tiles_come_only_from_the_setting(client, f, login, app, monkeypatch):
    w = f.world()
    _fill(f, w)
    login(w["coordinator"])
    monkeypatch.setitem(app.config, "MAP_TILE_URL", "/tiles/{z}/{x}/{y}.png")
    html = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert 'data-tiles="/tiles/{z}/{x}/{y}.png"' in html
