"""Positive points (points positifs): recorded and restituted, outside the problem lifecycle and counts; the place
list of the finding form (the walk's neighbourhood only, each place with its parents)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.findings import queries, services
from gup.findings.inbox import PROVIDER
from gup.findings.models import Finding, FindingKind, FindingStatus, Priority
from gup.territory.models import TerritoryKind

LATE = date(2030, 1, 1)


def _form(theme_id: int, **extra) -> dict:
    data = {"kind": "strength", "theme_id": theme_id, "description": "Jardin partagé très fréquenté",
            "priority": "urgent", "land_ownership": "housing_provider"}
    data.update(extra)
    return data


def test_a_positive_point_logged_by_form_has_no_priority_due_date_or_partner(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    response = client.post(f"/walks/{walk.id}/findings/new",
                           data=_form(f.theme().id, responsible_organisation_id=w["hp1"].id, reason="parce que"))
    assert response.status_code == 302, response.get_data(as_text=True)
    finding = db.session.scalar(sa.select(Finding))
    assert finding.kind is FindingKind.STRENGTH
    assert finding.responsible_organisation_id is None and finding.due_on is None   # the values were ignored
    assert finding.priority is Priority.THIS_YEAR and not finding.transfers
    html = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "Point positif" in html and "non attribué" not in html
    assert "Changer le statut" not in html and "Transmettre à un organisme" not in html
    assert "Transformer en action" not in html


def test_the_logging_form_hides_problem_fields_for_a_positive_point(client, f, login):
    w = f.world()
    walk = f.make_walk(w["agreement"])
    db.session.commit()
    login(w["coordinator"])
    html = client.post(f"/walks/{walk.id}/findings/new", data=_form(f.theme().id, description="")).get_data(
        as_text=True)
    assert "<div data-problem-only hidden>" in html and "finding-kind.js" in html


def test_a_positive_point_is_outside_the_problem_lifecycle(f):
    w = f.world()
    finding = services.create_finding(w["agreement"], actor=w["coordinator"], now=w["now"],
                                      description="Éclairage neuf du square", theme=f.theme(),
                                      kind=FindingKind.STRENGTH, priority=Priority.URGENT, due_on=date(2026, 1, 1),
                                      responsible_organisation=w["hp1"])
    assert finding.due_on is None and finding.responsible_organisation is None
    assert not finding.is_open and not finding.is_overdue(LATE) and finding.next_statuses() == frozenset()
    with pytest.raises(DomainError):
        services.route_finding(finding, to=w["hp1"], reason=None, actor=w["coordinator"], now=w["now"])
    with pytest.raises(DomainError):
        services.change_finding_status(finding, to=FindingStatus.OUT_OF_SCOPE, note="x", actor=w["coordinator"],
                                       now=w["now"])
    with pytest.raises(InvalidTransition):
        finding.move_to(FindingStatus.SENT, on=LATE)


def test_a_positive_point_is_not_overdue_not_in_my_actions_nor_counted(client, f, login):
    w = f.world()
    positive = f.make_finding(w["agreement"], w["hp1"], kind=FindingKind.STRENGTH, description="Hall repeint",
                              due_on=date(2026, 1, 1))          # old data: routed with a past due date
    problem = f.make_finding(w["agreement"], w["hp1"], description="Hall tagué", due_on=date(2026, 1, 1))
    db.session.commit()
    assert not positive.is_overdue(LATE) and problem.is_overdue(LATE)
    late = db.session.scalars(sa.select(Finding.id).where(queries.overdue_clause(LATE))).all()
    assert late == [problem.id]
    items = [item.obj.id for item in PROVIDER.items(w["referent1"], LATE)]
    assert items == [problem.id]
    login(w["referent1"])
    mine = client.get("/mes-actions").get_data(as_text=True)
    assert "Hall tagué" in mine and "Hall repeint" not in mine
    from gup.dashboard.queries import followup_stats
    stats = followup_stats(w["coordinator"], today=LATE, agreement_id=w["agreement"].id)
    assert sum(n for _s, n in stats.findings_by_status) == 1


def test_place_choices_are_the_walks_neighbourhood_with_parents(client, f, login):
    w = f.world()
    tilleuls = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Tilleuls")
    acacias = f.make_territory(TerritoryKind.RESIDENCE, parent=tilleuls, name="Résidence Les Acacias")
    building = f.make_territory(TerritoryKind.BUILDING, parent=acacias, name="Bâtiment A")
    stair = f.make_territory(TerritoryKind.STAIRWELL, parent=building, name="A1")
    other = f.make_territory(TerritoryKind.NEIGHBOURHOOD, name="Les Glycines")
    f.make_territory(TerritoryKind.RESIDENCE, parent=other, name="Résidence Hors Champ")
    w["agreement"].territories.append(other)
    walk = f.make_walk(w["agreement"], neighbourhood=tilleuls)
    db.session.commit()
    labels = dict(queries.territory_choices(w["agreement"], walk))
    assert labels[stair.id] == "Les Tilleuls › Résidence Les Acacias › Bâtiment A › A1"
    assert other.id not in labels and "Résidence Hors Champ" not in " ".join(labels.values())
    assert other.id in dict(queries.territory_choices(w["agreement"]))      # without a walk: the perimeter
    login(w["coordinator"])
    html = client.get(f"/walks/{walk.id}/findings/new").get_data(as_text=True)
    assert "Les Tilleuls › Résidence Les Acacias › Bâtiment A › A1" in html and "Hors Champ" not in html
    finding = f.make_finding(w["agreement"], w["hp1"], walkthrough=walk, territory=stair)
    db.session.commit()
    page = client.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert "Les Tilleuls › Résidence Les Acacias › Bâtiment A › A1" in page
