"""Every back-office page (and the REST lists) runs a constant number of SQL queries whatever the size of the data:
each page is requested at a small size and at a larger one (items spread across statuses, organisations and
agreements) and both counts must be equal. An N+1 (a lazy load per row) makes the larger count grow."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from gup.actions import services as actions
from gup.actions.models import ActionStatus
from gup.agreements.models import CommitmentStatus
from gup.budget import services as budget
from gup.budget.models import PBPhase
from gup.extensions import db
from gup.findings.models import FindingStatus
from gup.hotline import services as hotline
from gup.hotline.models import ReportStatus
from gup.i18n import local_today
from gup.relays import services as relays
from gup.territory.models import TerritoryKind
from gup.walks.models import WalkStatus
from tests.factories import now_utc

SMALL, LARGE = 3, 25

_cycle = itertools.count()

FINDING_STATUSES = [FindingStatus.NEW, FindingStatus.SENT, FindingStatus.REFUSED, FindingStatus.RESOLVED,
                    FindingStatus.CHECKED]
ACTION_STATUSES = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED]
COMMITMENT_STATUSES = [CommitmentStatus.AGREED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.FULFILLED]
WALK_STATUSES = [WalkStatus.PLANNED, WalkStatus.DONE]


def _build(f, w: dict[str, Any], n: int) -> dict[str, Any]:
    """n of every kind of item, spread across two agreements, two organisations and the statuses; the first
    finding, action and report (the detail pages') get n updates each."""
    today = local_today()
    coordinator = w["coordinator"]
    second = f.make_agreement(coordinators=[coordinator], organisations=[w["town"], w["hp1"], w["hp2"]])
    agreements = [w["agreement"], second]
    orgs = [w["hp1"], w["hp2"]]
    category = f.make_category(resolution_days=5)
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    for agreement in agreements:
        agreement.territories.append(nbh)
    residence = f.make_territory(TerritoryKind.RESIDENCE, nbh, housing_provider=w["hp1"])
    building = f.make_territory(TerritoryKind.BUILDING, residence)
    made: dict[str, list[Any]] = {"findings": [], "actions": [], "reports": [], "walks": [], "campaigns": []}
    for i in range(n):
        agreement, org = agreements[i % 2], orgs[(i // 2) % 2]
        walk = f.make_walk(agreement, nbh, status=WALK_STATUSES[i % 2], walked_on=today - timedelta(weeks=8 + i))
        made["walks"].append(walk)
        status = FINDING_STATUSES[i % len(FINDING_STATUSES)]
        finding = f.make_finding(agreement, org, status=status, walkthrough=walk, territory=building,
                                 is_recurring=i % 3 == 0, latitude=47.21, longitude=-1.55,
                                 due_on=today + timedelta(days=(-10 if i % 2 else 30)),
                                 resolved_on=today - timedelta(days=2) if status in (
                                     FindingStatus.RESOLVED, FindingStatus.CHECKED) else None)
        made["findings"].append(finding)
        commitment = f.make_commitment(agreement, org, status=COMMITMENT_STATUSES[i % 3],
                                       due_on=today + timedelta(days=(-5 if i % 2 else 20)))
        action = f.make_action(agreement, org, status=ACTION_STATUSES[i % 4], commitment=commitment,
                               due_on=today + timedelta(days=(-3 if i % 2 else 40)))
        action.findings.append(finding)
        made["actions"].append(action)
        report = f.make_report(category, now=now_utc() - timedelta(days=i), description=f"Signalement {i}",
                               neighbourhood=nbh)
        report.agreement = agreement
        if i % 3:
            hotline.route_report(report, to=org, actor=coordinator, now=now_utc())
        made["reports"].append(report)
        relays.create_relay(agreement, actor=coordinator, person_name=f"Relais {i}", territory=building,
                            mandate_start_on=today - timedelta(days=700), mandate_end_on=today + timedelta(days=20))
        if i < 2 or i % 10 == 0:
            campaign = budget.create_campaign(agreement, actor=coordinator, now=now_utc(),
                                              title=f"BP {next(_cycle)}", year=2026, envelope="10000")
            budget.move_phase(campaign, PBPhase.PROPOSALS, actor=coordinator, now=now_utc())
            made["campaigns"].append(campaign)
    for campaign in made["campaigns"][:1]:
        for i in range(n):
            budget.submit_proposal(campaign, title=f"Projet {i}", description="Des bancs", place=residence,
                                   estimated_cost="1500", now=now_utc())
    first_action, first_report = made["actions"][0], made["reports"][0]
    for i in range(n):
        actions.add_action_update(first_action, note=f"Point {i}", actor=coordinator, now=now_utc(), progress=i)
        hotline.change_status(first_report, to=ReportStatus.QUALIFIED,
                              actor=coordinator, now=now_utc(), public_text=f"Note {i}")
    db.session.commit()
    return {"finding": made["findings"][0].id, "action": first_action.id, "report": first_report.id,
            "reference": first_report.reference, "agreement": w["agreement"].id,
            "campaign": made["campaigns"][0].id}


# (name, role who looks, url built from the ids of _build)
PAGES: list[tuple[str, str, Any]] = [
    ("dashboard", "coordinator", lambda ids: "/"),
    ("inbox", "referent1", lambda ids: "/mes-actions"),
    ("findings", "coordinator", lambda ids: "/findings"),
    ("findings_filtered", "coordinator", lambda ids: "/findings?status=open&organisation_id=&page=1"),
    ("findings_referent", "referent1", lambda ids: "/findings"),
    ("actions", "coordinator", lambda ids: "/actions"),
    ("actions_filtered", "coordinator", lambda ids: "/actions?status=open"),
    ("report_queue", "coordinator", lambda ids: "/signalements"),
    ("report_queue_referent", "referent1", lambda ids: "/signalements"),
    ("walks", "coordinator", lambda ids: "/walks"),
    ("commitments", "coordinator", lambda ids: "/commitments"),
    ("commitments_overdue", "coordinator", lambda ids: "/commitments?overdue=1"),
    ("agreements", "coordinator", lambda ids: "/agreements"),
    ("agreement", "coordinator", lambda ids: f"/agreements/{ids['agreement']}"),
    ("finding", "coordinator", lambda ids: f"/findings/{ids['finding']}"),
    ("action", "coordinator", lambda ids: f"/actions/{ids['action']}"),
    ("report", "coordinator", lambda ids: f"/signalements/{ids['report']}"),
    ("public_tracking", None, lambda ids: f"/suivi/{ids['reference']}"),
    ("budgets", "coordinator", lambda ids: "/budgets"),
    ("campaign", "coordinator", lambda ids: f"/budgets/{ids['campaign']}"),
    ("relays", "coordinator", lambda ids: "/relays"),
    ("api_findings", "coordinator", lambda ids: "/api/v1/findings"),
    ("api_actions", "coordinator", lambda ids: "/api/v1/actions"),
    ("api_reports", "coordinator", lambda ids: "/api/v1/resident-reports"),
    ("api_walks", "coordinator", lambda ids: "/api/v1/walkthroughs"),
    ("api_commitments", "coordinator", lambda ids: "/api/v1/commitments"),
]


def _measure(client, count_queries, url: str, headers: dict[str, str]) -> list[str]:
    first = client.get(url, headers=headers)  # warm-up: caches, first-request work
    assert first.status_code == 200, (url, first.status_code)
    with count_queries() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return list(statements)


@pytest.mark.parametrize(("name", "role", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_page_costs_the_same_queries_at_two_sizes(name, role, url, client, f, login, count_queries):
    counts = []
    for size in (SMALL, LARGE):
        if counts:
            db.session.rollback()
            _empty_database()
        w = f.world()
        token = f.make_token(w[role]) if role else None
        ids = _build(f, w, size)
        headers = {"Authorization": f"Bearer {token}"} if token and url(ids).startswith("/api/") else {}
        if role and not headers:
            login(w[role])
        elif not role:
            client.post("/logout")
        counts.append(_measure(client, count_queries, url(ids), headers))
    small, large = counts
    assert len(small) == len(large), _diff(small, large)


def _empty_database() -> None:
    """The same cleaning as the autouse fixture, between the two sizes of one test."""
    from gup.agreements.services import ensure_default_themes, ensure_tfpb_axes

    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())
    ensure_default_themes()
    ensure_tfpb_axes()
    db.session.commit()


def _diff(small: list[str], large: list[str]) -> str:
    """The statements that ran more often at the larger size (the N+1 to fix)."""
    from collections import Counter

    grown = Counter(large) - Counter(small)
    lines = [f"{len(small)} queries at {SMALL}, {len(large)} at {LARGE}; repeated more often:"]
    lines += [f"  +{n} × {sql[:300]}" for sql, n in grown.most_common(8)]
    return "\n".join(lines)
