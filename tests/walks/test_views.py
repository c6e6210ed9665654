"""HTML screens of walks: planning with stops, French errors, status, the walk page, comparison, list, PDF."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from gup.extensions import db
from gup.findings import walk_section
from gup.findings.models import FindingStatus
from gup.territory.models import TerritoryKind
from gup.walks import queries
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough


def _walk_form(neighbourhood_id: int, **extra) -> dict:
    data = {"title": "Marche de nuit des Tilleuls", "neighbourhood_id": neighbourhood_id, "walked_on": "12/11/2026",
            "starts_at": "21:00", "kind": "night", "residents_count": "9", "route_description": "Du parking au square"}
    data.update(extra)
    return data


def test_coordinator_plans_walk_with_ordered_stops(client, f, login):
    w = f.world()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    w["agreement"].territories.append(neighbourhood)
    db.session.commit()
    login(w["coordinator"])
    form = client.get(f"/agreements/{w['agreement'].id}/walks/new").get_data(as_text=True)
    assert form.count('name="stops-') >= 8 * 5 and "Les Tilleuls" in form and "Bailleur Un" in form
    response = client.post(f"/agreements/{w['agreement'].id}/walks/new", data=_walk_form(
        neighbourhood.id, organisation_ids=[w["hp1"].id, w["town"].id], user_ids=[w["referent1"].id],
        grid_theme_ids=[f.theme().id, f.theme("public_lighting").id],
        **{"stops-0-name": "Parking", "stops-0-latitude": "47,2101", "stops-0-longitude": "-1,5502",
           "stops-1-name": "Square", "stops-1-notes": "Éclairage faible", "stops-2-name": "Hall B",
           "stops-2-position": "1", "stops-3-name": ""}))
    assert response.status_code == 302, response.get_data(as_text=True)
    walk = db.session.scalar(sa.select(Walkthrough).where(Walkthrough.title == "Marche de nuit des Tilleuls"))
    assert walk.kind is WalkKind.NIGHT and walk.status is WalkStatus.PLANNED and walk.residents_count == 9
    assert [s.name for s in walk.stops] == ["Parking", "Hall B", "Square"]  # « Ordre » 1 after the first row
    assert walk.stops[0].latitude == 47.2101 and walk.stops[0].longitude == -1.5502
    assert {o.name for o in walk.organisations} == {"Bailleur Un", "Ville de Test"}
    assert [u.id for u in walk.users] == [w["referent1"].id] and len(walk.grid_themes) == 2
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Parking" in page and "Éclairage faible" in page and "Marche de nuit" in page
    assert "Télécharger la restitution (PDF)" in page and "Historique des modifications" in page


def test_walk_form_errors_are_french_and_keep_input(client, f, login):
    w = f.world()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(neighbourhood)
    outside = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Hors périmètre")
    db.session.commit()
    login(w["coordinator"])
    url = f"/agreements/{w['agreement'].id}/walks/new"
    bad = client.post(url, data=_walk_form(neighbourhood.id, title="", walked_on="31/02/2026", starts_at="25h",
                                           **{"stops-0-name": "Square", "stops-0-latitude": "47,21",
                                              "stops-1-notes": "sans nom", "stops-2-name": "Parc",
                                              "stops-2-latitude": "abc", "stops-2-longitude": "2"}))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Champ obligatoire." in html and "Date invalide" in html and "Heure invalide" in html
    assert "Indiquez la latitude et la longitude, ou aucune des deux." in html
    assert "Donnez un nom à cette halte" in html and "Nombre invalide." in html
    assert 'value="Square"' in html and 'value="47,21"' in html and "sans nom" in html and 'value="abc"' in html
    wrong = client.post(url, data=_walk_form(outside.id))
    assert wrong.status_code == 422  # not among the agreement's neighbourhoods
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Walkthrough)) == 0


def test_edit_keeps_existing_stops_and_offers_blank_rows(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=walk.stops[1])
    db.session.commit()
    first, second = walk.stops
    login(w["coordinator"])
    form = client.get(f"/walks/{walk.id}/edit").get_data(as_text=True)
    assert 'value="Entrée de la résidence"' in form and 'value="Aire de jeux"' in form
    assert len(re.findall(r'name="stops-\d+-name"', form)) == 8
    response = client.post(f"/walks/{walk.id}/edit", data={
        "title": walk.title, "neighbourhood_id": walk.neighbourhood_id, "walked_on": "2026-10-06", "kind": "day",
        "residents_count": "12", "stops-0-id": str(second.id), "stops-0-name": "Aire de jeux rénovée",
        "stops-1-id": str(first.id), "stops-1-name": "Entrée de la résidence", "stops-2-name": "Local vélos"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    walk = db.session.get(Walkthrough, walk.id)
    assert [(s.id, s.name) for s in walk.stops][:2] == [(second.id, "Aire de jeux rénovée"),
                                                         (first.id, "Entrée de la résidence")]
    assert [s.position for s in walk.stops] == [1, 2, 3]
    assert db.session.get(type(finding), finding.id).stop_id == second.id


def test_walk_status_and_permissions(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"], status=WalkStatus.PLANNED)
    db.session.commit()
    login(w["referent1"])
    assert client.post(f"/walks/{walk.id}/status", data={"status": "done"}).status_code == 403
    assert client.get(f"/walks/{walk.id}/edit").status_code == 403
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Changer le statut" not in page and "Saisir un constat" in page  # referents log findings
    login(w["coordinator"])
    jump = client.post(f"/walks/{walk.id}/status", data={"status": "restitution_sent"}, follow_redirects=True)
    assert jump.status_code == 200 and "Passage impossible" in jump.get_data(as_text=True)
    client.post(f"/walks/{walk.id}/status", data={"status": "done"})
    client.post(f"/walks/{walk.id}/status", data={"status": "restitution_sent"})
    db.session.expire_all()
    walk = db.session.get(Walkthrough, walk.id)
    assert walk.status is WalkStatus.RESTITUTION_SENT and walk.restitution_on is not None
    login(w["outsider"])
    assert client.get(f"/walks/{walk.id}").status_code == 403


def test_walk_page_groups_findings_by_stop_then_theme(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    entrance, playground = walk.stops
    lighting = f.theme("public_lighting")
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=playground, description="Balançoire cassée")
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, stop=entrance, description="Hall sale")
    f.make_finding(w["agreement"], w["town"], walkthrough=walk, stop=entrance, theme=lighting,
                   description="Lampadaire éteint", due_on=date(2020, 1, 1), is_recurring=True)
    f.make_finding(w["agreement"], None, walkthrough=walk, description="Bancs appréciés")
    db.session.commit()
    login(w["observer"])
    html = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    stop1 = html.index("Halte 1 : Entrée de la résidence")
    stop2 = html.index("Halte 2 : Aire de jeux")
    loose = html.index("Hors halte")
    assert stop1 < html.index("Hall sale") < html.index("Lampadaire éteint") < stop2
    assert stop2 < html.index("Balançoire cassée") < loose < html.index("Bancs appréciés")
    section = html[stop1:stop2]
    assert section.index("Propreté") < section.index("Éclairage public")  # themes in their order
    assert "En retard" in section and "Problème structurel" in section and "Ville de Test" in section
    assert "non attribué" in html[loose:]


def test_day_and_night_walks_are_compared_by_theme(client, f, login):
    w = f.world()
    day = f.make_walk(w["agreement"], title="Marche de jour", kind=WalkKind.DAY)
    night = f.make_walk(w["agreement"], day.neighbourhood, title="Marche de nuit", kind=WalkKind.NIGHT,
                        follow_up_of=day, walked_on=date(2026, 10, 20))
    lighting = f.theme("public_lighting")
    f.make_finding(w["agreement"], w["hp1"], walkthrough=day)
    for _ in range(3):
        f.make_finding(w["agreement"], w["town"], walkthrough=night, theme=lighting)
    f.make_finding(w["agreement"], w["hp1"], walkthrough=night)
    db.session.commit()
    login(w["coordinator"])
    for walk in (day, night):
        html = client.get(f"/walks/{walk.id}").get_data(as_text=True)
        table = html[html.index("Comparaison : Marche de jour et Marche de nuit"):]
        table = table[:table.index("</table>")]
        cells = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
                           table)
        assert cells == [("Propreté", "1", "1"), ("Éclairage public", "0", "3"), ("Total", "1", "4")]
    plain = f.make_walk(w["agreement"])
    db.session.commit()
    assert "Comparaison" not in client.get(f"/walks/{plain.id}").get_data(as_text=True)


def test_map_points_only_for_findings_with_coordinates(client, f, login, app):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    placed = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, latitude=47.21, longitude=-1.55,
                            address="3 rue des Lilas")
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    db.session.commit()
    walk = queries.walk_or_404(walk.id)
    points = walk_section.map_points(walk.findings, lambda item: f"/findings/{item.id}")
    assert points == [{"lat": 47.21, "lng": -1.55, "label": f"Propreté — {placed.description}",
                       "status": "sent", "status_label": "Transmis au partenaire", "url": f"/findings/{placed.id}",
                       "address": "3 rue des Lilas"}]
    login(w["coordinator"])
    html = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert "Carte des constats" in html and "3 rue des Lilas" in html and "47.21000" in html


def test_walk_list_filters_and_constant_query_count(client, f, login, count_queries):
    w = f.world()
    neighbourhood = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    f.make_walk(w["agreement"], neighbourhood, title="Seule marche de nuit", kind=WalkKind.NIGHT)
    db.session.commit()
    login(w["coordinator"])
    with count_queries() as one:
        html = client.get("/walks").get_data(as_text=True)
    assert "Seule marche de nuit" in html
    for n in range(24):
        walk = f.make_walk(w["agreement"], neighbourhood, title=f"Marche {n}")
        f.make_finding(w["agreement"], w["hp1"], walkthrough=walk)
    db.session.commit()
    with count_queries() as many:
        html = client.get("/walks").get_data(as_text=True)
    assert html.count('href="/walks/') >= 25
    assert len(many) == len(one)
    night = client.get("/walks?kind=night").get_data(as_text=True)
    assert "Seule marche de nuit" in night and "Marche 3<" not in night
    assert "1 diagnostic(s)" in night
    assert f'href="/agreements/{w["agreement"].id}/walks/new"' in html  # « Nouveau diagnostic »
    login(w["referent1"])
    assert "/walks/new" not in client.get("/walks").get_data(as_text=True)
    login(w["outsider"])
    assert "Seule marche de nuit" not in client.get("/walks").get_data(as_text=True)
    assert client.get("/walks?agreement_id=abc&kind=zzz&page=x").status_code == 200


def test_restitution_pdf_for_readers(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, description="Porte du hall forcée",
                   status=FindingStatus.ACCEPTED)
    db.session.commit()
    login(w["referent2"])
    response = client.get(f"/walks/{walk.id}/restitution.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    login(w["outsider"])
    assert client.get(f"/walks/{walk.id}/restitution.pdf").status_code == 403


def test_stop_rows_keep_unknown_ids_harmless(client, f, login):
    """A forged stop id of another walk creates a new stop instead of stealing that one."""
    w = f.world()
    walk, other = f.make_walk(w["agreement"]), f.make_walk(w["agreement"])
    db.session.commit()
    foreign = other.stops[0].id
    login(w["coordinator"])
    response = client.post(f"/walks/{walk.id}/edit", data={
        "title": walk.title, "neighbourhood_id": walk.neighbourhood_id, "walked_on": "2026-10-06", "kind": "day",
        "stops-0-id": str(foreign), "stops-0-name": "Volée"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RouteStop, foreign).walkthrough_id == other.id


def test_status_selects_offer_only_the_moves_the_lifecycle_allows(client, f, login):
    """A planned walk offers « Réalisée », never « Restitution envoyée »; an ended agreement offers nothing; a
    commitment update offers « — Inchangé — » and the commitment's next statuses only."""
    import re

    from gup.agreements.models import AgreementStatus

    w = f.world()
    walk = f.make_walk(w["agreement"], status=WalkStatus.PLANNED)
    db.session.commit()
    login(w["coordinator"])

    def options(html: str, select_id: str) -> list[str]:
        select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
        return re.findall(r">([^<]+)</option>", select.group(1)) if select else []

    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert options(page, "walk-status") == ["Réalisée"]
    walk.status = WalkStatus.DONE
    db.session.commit()
    page = client.get(f"/walks/{walk.id}").get_data(as_text=True)
    assert options(page, "walk-status") == ["Prévue", "Restitution envoyée"]
    w["agreement"].status = AgreementStatus.ENDED
    db.session.commit()
    page = client.get(f"/agreements/{w['agreement'].id}").get_data(as_text=True)
    assert 'id="status"' not in page and "Changer le statut" not in page
    html = client.get(f"/commitments/{w['c1'].id}").get_data(as_text=True)
    offered = re.findall(r'<option[^>]*value="([^"]*)"', re.search(r'<select[^>]*name="status".*?</select>', html,
                                                                   re.S).group(0))
    from gup.agreements.models import COMMITMENT_NEXT

    assert offered[0] == "" and set(offered[1:]) == {s.value for s in COMMITMENT_NEXT[w["c1"].status]}
