"""The coordinator's « À traiter » (gup.dashboard.queries.todo_groups): one group per work-item provider the
features registered for the coordination, with counts, overdue first, limited to the agreements the user
coordinates (every agreement for an administrator), in a constant number of queries."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gup.actions.models import ActionStatus
from gup.dashboard.queries import todo_groups
from gup.evaluations.models import Evaluation, EvaluationKind
from gup.extensions import db
from gup.findings.models import FindingStatus
from gup.i18n import local_today
from gup.relays import services as relays
from gup.territory.models import TerritoryKind
from gup.walks.models import WalkStatus
from gup.worklist import GROUP_LIMIT
from tests.factories import now_utc

KINDS = ["report_triage", "finding_refused", "finding_resolved", "walk_restitution", "relay_mandate",
         "commitment_overdue", "action_overdue", "evaluation_due"]


_slots = itertools.count()


def _populate(f, w, agreement, *, reports=1):
    """One item of every kind in `agreement` (an overdue report among `reports` to triage)."""
    today = local_today()
    category = f.make_category(resolution_days=5)
    old = now_utc() - timedelta(days=40)
    for i in range(reports):
        report = f.make_report(category, now=old if i == 0 else None, description=f"Signalement {i}")
        report.agreement = agreement
    org = w["hp1"]
    f.make_finding(agreement, org, status=FindingStatus.REFUSED, description="Refusé : pas chez nous")
    f.make_finding(agreement, org, status=FindingStatus.RESOLVED, description="Résolu : à vérifier",
                   resolved_on=today - timedelta(days=3))
    f.make_walk(agreement, status=WalkStatus.DONE, title="Diagnostic de nuit à restituer",
                walked_on=today - timedelta(weeks=8))
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    agreement.territories.append(nbh)
    building = f.make_territory(TerritoryKind.BUILDING, f.make_territory(TerritoryKind.RESIDENCE, nbh))
    relays.create_relay(agreement, actor=w["coordinator"], person_name="Relais en fin de mandat", territory=building,
                        mandate_start_on=today - timedelta(days=700), mandate_end_on=today + timedelta(days=20))
    f.make_commitment(agreement, org, due_on=today - timedelta(days=10))
    f.make_action(agreement, org, title="Action en retard", status=ActionStatus.IN_PROGRESS,
                  due_on=today - timedelta(days=5))
    slot = f"test-{next(_slots)}"
    db.session.add(Evaluation(agreement=agreement, kind=EvaluationKind.ANNUAL, slot=slot,
                              year=today.year, period_start=date(today.year, 1, 1),
                              period_end=date(today.year, 12, 31), due_on=today + timedelta(days=7)))
    db.session.commit()


def _by_kind(user):
    return {g.kind: g for g in todo_groups(user, local_today())}


def test_every_kind_of_the_issue_is_a_group_in_order(f, w):
    _populate(f, w, w["agreement"])
    groups = todo_groups(w["coordinator"], local_today())
    assert [g.kind for g in groups] == KINDS
    counts = {g.kind: g.count for g in groups}
    assert counts["report_triage"] == 1 and counts["finding_refused"] == 1 and counts["finding_resolved"] == 1
    assert counts["walk_restitution"] == 1 and counts["relay_mandate"] == 1 and counts["action_overdue"] == 1
    assert counts["evaluation_due"] == 1
    assert counts["commitment_overdue"] >= 1  # the world's c1 is overdue too


def test_overdue_reports_come_first_and_counts_exceed_the_shown_items(f, w):
    _populate(f, w, w["agreement"], reports=GROUP_LIMIT + 3)
    group = _by_kind(w["coordinator"])["report_triage"]
    assert group.count == GROUP_LIMIT + 3
    assert len(group.items) == GROUP_LIMIT
    assert group.items[0].overdue and group.items[0].obj.description == "Signalement 0"
    assert group.overdue == 1


def test_a_coordinator_sees_only_the_agreements_they_coordinate(f, w):
    _populate(f, w, w["agreement"])
    other = f.make_agreement(coordinators=[w["other_coordinator"]], organisations=[w["town"], w["hp1"]])
    db.session.commit()
    assert all(g.count == 0 for g in todo_groups(w["other_coordinator"], local_today())
               if g.kind != "commitment_overdue")
    assert other.id  # the other coordinator's agreement exists but holds nothing yet
    admin = _by_kind(w["admin"])
    assert admin["finding_refused"].count == 1  # the administrator sees every agreement


def test_referents_and_observers_get_no_worklist(f, w):
    _populate(f, w, w["agreement"])
    assert todo_groups(w["referent1"], local_today()) is None
    assert todo_groups(w["observer"], local_today()) is None


def test_the_dashboard_shows_the_groups_with_counts_and_links(f, w, client, login):
    _populate(f, w, w["agreement"])
    login(w["coordinator"])
    html = client.get("/").get_data(as_text=True)
    assert "À traiter" in html
    section = html[html.index('id="todo-title"'):]
    for kind in KINDS:
        assert f'id="todo-{kind}"' in section, kind
    assert "Diagnostic de nuit à restituer" in section and "Refusé : pas chez nous" in section
    assert "Relais en fin de mandat" in section and "Action en retard" in section
    assert re.search(r'href="/hotline/\d+"|href="/signalements/\d+"|href="[^"]*reports?/\d+"', section)
    assert "En retard" in section


def test_a_referent_dashboard_has_no_worklist(f, w, client, login):
    _populate(f, w, w["agreement"])
    login(w["referent1"])
    response = client.get("/", follow_redirects=True)
    assert 'id="todo-title"' not in response.get_data(as_text=True)


def test_the_worklist_costs_a_constant_number_of_queries(f, w, count_queries):
    _populate(f, w, w["agreement"])
    with count_queries() as small:
        todo_groups(w["coordinator"], local_today())
    db.session.expire_all()  # the worklist loaded the agreement without its relationships (raiseload)
    for _ in range(3):
        _populate(f, w, w["agreement"], reports=4)
    with count_queries() as large:
        groups = todo_groups(w["coordinator"], local_today())
    assert _by_kind(w["coordinator"])["finding_refused"].count == 4
    assert _by_kind(w["coordinator"])["evaluation_due"].count == 4
    assert len(large) == len(small), (len(small), len(large))
    assert len(large) <= 3 * len(groups)  # each group: its items (with their eager loads) and its count


@pytest.fixture
def demo(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output


def test_the_demo_coordinators_dashboard_lists_the_overdue_reports(demo, client):
    """The issue's finding: the demo's overdue resident reports appeared nowhere on the dashboard."""
    from gup.agreements.demo import DEMO_PASSWORD
    from gup.auth.models import Role, User
    from gup.hotline.models import ResidentReport

    coordinator = db.session.scalars(sa.select(User).where(User.email == "coordination@demo.gup.fr")).one()
    assert coordinator.role == Role.COORDINATOR
    today = local_today()
    overdue = [r for r in db.session.scalars(sa.select(ResidentReport)) if r.is_overdue(today)
               and r.status.value in ("received", "qualified")]
    assert len(overdue) >= 2
    assert client.post("/login", data={"email": coordinator.email, "password": DEMO_PASSWORD}).status_code == 302
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="todo-report_triage"'):]
    section = section[:section.index("</section>")]
    for report in overdue:
        assert report.reference in section
    assert section.count("En retard") >= len(overdue)
