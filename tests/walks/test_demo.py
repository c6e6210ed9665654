"""`flask gup demo` loads a day and a night walk of Les Tilleuls with findings in every status; twice is once.

The demo also holds the agreement's 2025 activity (gup.evaluations.demo_history, tested in
tests/evaluations/test_demo_history.py): these tests read the autumn 2026 story of gup.findings.demo."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gup.actions.models import Action, ActionStatus, ActionUpdate
from gup.agreements.models import Agreement
from gup.audit.models import AuditEntry, StatusChange
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus, RoutingRule, Transfer
from gup.media import storage
from gup.media.models import Photo
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough

#: the walks demo's records are dated from autumn 2026 (the 2025 history comes before)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)

MODELS = (Walkthrough, RouteStop, Finding, Transfer, RoutingRule, Action, ActionUpdate, Photo, StatusChange,
          AuditEntry)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS}


@pytest.fixture
def demo(runner, app_ctx, tmp_path, monkeypatch):
    """Run the demo command once (photos stored in a temporary folder)."""
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert "Diagnostics de démonstration : 2 diagnostic(s), 14 constat(s), 5 action(s)" in result.output
    return db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-BELLERIVE-2025"))


def test_two_walks_on_the_same_route_one_at_night(demo):
    walks = db.session.scalars(sa.select(Walkthrough).where(Walkthrough.walked_on >= SINCE.date())
                               .order_by(Walkthrough.id)).all()
    assert len(walks) == 2 and all(w.agreement == demo for w in walks)
    day, night = walks
    assert (day.kind, night.kind, night.is_night) == (WalkKind.DAY, WalkKind.NIGHT, True)
    assert day.walked_on == night.walked_on == date(2026, 10, 6) and night.follow_up_of == day
    assert (day.status, night.status) == (WalkStatus.RESTITUTION_SENT, WalkStatus.DONE)
    assert day.restitution_on is not None and day.neighbourhood.code == "tilleuls"
    assert [s.name for s in day.stops] == [s.name for s in night.stops] and 4 <= len(day.stops) <= 5
    for stop in day.stops:
        assert 47.20 < stop.latitude < 47.23 and -1.57 < stop.longitude < -1.54
    for walk in walks:
        assert walk.organisations and walk.users and walk.grid_themes and walk.residents_count > 0
        assert walk.findings


def test_findings_in_every_status_with_their_reasons(demo):
    findings = db.session.scalars(sa.select(Finding).where(Finding.created_at >= SINCE)).all()
    assert 12 <= len(findings) <= 16
    statuses = Counter(f.status for f in findings)
    assert set(statuses) == set(FindingStatus)
    by_status = {f.status: f for f in findings}
    assert by_status[FindingStatus.REFUSED].refusal_reason
    assert by_status[FindingStatus.OUT_OF_SCOPE].referral
    assert by_status[FindingStatus.RESOLVED].resolution_note and by_status[FindingStatus.RESOLVED].resolved_on
    assert by_status[FindingStatus.CHECKED].resolved_on
    organisations = Counter(f.responsible_organisation.code for f in findings if f.responsible_organisation)
    assert organisations["habitat-bellerive"] >= 5 and organisations["logis-du-val"] >= 1
    assert organisations["ville-bellerive"] >= 1 and organisations["agglo-bellerive"] >= 1
    assert {f.walkthrough.kind for f in findings if f.walkthrough} == {WalkKind.DAY, WalkKind.NIGHT}
    assert any(f.kind is FindingKind.STRENGTH for f in findings)
    assert all(status_history_of(f)[0] == "new" for f in findings)


def status_history_of(finding: Finding) -> list[str]:
    return list(db.session.scalars(sa.select(StatusChange.to_status).where(
        StatusChange.entity_type == "Finding", StatusChange.entity_id == finding.id)
        .order_by(StatusChange.at, StatusChange.id)))


def test_recurring_cluster(demo):
    recurring = db.session.scalars(sa.select(Finding).where(Finding.is_recurring, Finding.created_at >= SINCE)).all()
    assert len(recurring) >= 3
    assert len({(f.theme_id, f.territory_id) for f in recurring}) == 1  # same theme, same building


def test_actions_with_their_progress(demo):
    # the walks' 2026 actions: those answering findings (governance adds actions decided by the COPIL)
    actions = db.session.scalars(sa.select(Action).where(Action.created_at >= SINCE, Action.findings.any())).all()
    assert 4 <= len(actions) <= 5
    statuses = Counter(a.status for a in actions)
    assert statuses[ActionStatus.DONE] >= 1 and statuses[ActionStatus.BLOCKED] >= 1
    assert all(a.blocked_reason for a in actions if a.status is ActionStatus.BLOCKED)
    assert any(a.is_overdue(date(2026, 11, 20)) for a in actions)
    assert [a.commitment.reference for a in actions if a.commitment] == ["ENG-01"]
    assert all(a.findings and a.updates for a in actions)
    for action in actions:
        assert all(f.responsible_organisation_id == action.responsible_organisation_id for f in action.findings)
    done = next(a for a in actions if a.status is ActionStatus.DONE)
    assert all(f.status is FindingStatus.RESOLVED for f in done.findings)


def test_photos_are_stored(demo):
    photos = db.session.scalars(sa.select(Photo)).all()
    assert len([p for p in photos if p.finding_id]) >= 3
    for photo in photos:
        assert storage.path_for(photo.storage_key).is_file() and storage.path_for(photo.thumbnail_key).is_file()


def test_routing_table(demo):
    rules = {(r.land_ownership.value, r.theme.code if r.theme else None): r.organisation.code
             for r in db.session.scalars(sa.select(RoutingRule).where(RoutingRule.agreement_id == demo.id))}
    # no rule for housing-provider land: with two providers, the place's own provider receives it (issue 8)
    assert rules == {("town", None): "ville-bellerive", ("epci", "waste"): "agglo-bellerive"}


def test_second_run_changes_nothing(demo, runner):
    before = _counts()
    assert before["Walkthrough"] == 2 + 3 and before["AuditEntry"] > 0  # autumn 2026, and the three of 2025
    again = runner.invoke(args=["gup", "demo"])
    assert again.exit_code == 0, again.output
    assert "rien n'a changé" in again.output and "Diagnostics de démonstration" not in again.output
    assert _counts() == before
