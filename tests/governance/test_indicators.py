"""meetings_held and decisions_taken, and the two annex tables, computed for an agreement and a period."""

from __future__ import annotations

from datetime import UTC, date, datetime

from gup.actions.models import ActionStatus
from gup.extensions import db
from gup.features import registry
from gup.governance import services
from gup.governance.models import AttendanceStatus, MeetingStatus
from gup.indicators import Period, Section

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def _held(body, when, actor, statuses=None):
    meeting = services.create_meeting(body, starts_at=when, actor=actor, now=when, place="Mairie")
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=actor, now=when)
    if statuses:
        services.set_attendance(meeting, {m.id: s for m, s in zip(body.members, statuses, strict=False)}, actor=actor)
    return meeting


def test_meetings_and_decisions_of_the_period(app, w, bodies):
    actor = w["coordinator"]
    cotech, copil = bodies["cotech"], bodies["copil"]
    first = _held(cotech, datetime(2026, 3, 10, 9, tzinfo=UTC), actor,
                  [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED,
                   AttendanceStatus.ABSENT])
    second = _held(copil, datetime(2026, 6, 18, 12, tzinfo=UTC), actor, [AttendanceStatus.PRESENT])
    _held(cotech, datetime(2025, 12, 1, 9, tzinfo=UTC), actor)  # before the period
    # not held
    services.create_meeting(cotech, starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC), actor=actor, now=YEAR_NOW)
    # 31 December 2026 at 23:30 in Paris is 22:30 UTC: still in the period
    _held(cotech, datetime(2026, 12, 31, 22, 30, tzinfo=UTC), actor)
    d1 = services.add_decision(first, text="Décision avec action réalisée", owner_organisation=w["hp1"],
                               due_on=date(2026, 5, 1), actor=actor)
    services.action_from_decision(d1, actor=actor, now=YEAR_NOW).status = ActionStatus.DONE
    d2 = services.add_decision(second, text="Décision avec action en cours", owner_organisation=w["hp2"], actor=actor)
    services.action_from_decision(d2, actor=actor, now=YEAR_NOW)
    services.add_decision(second, text="Décision sans action", actor=actor)
    db.session.commit()

    specs = registry(app).indicator_specs
    held = specs["meetings_held"].compute(w["agreement"], YEAR)
    assert held.value == 3 and specs["meetings_held"].section is Section.GOVERNANCE
    assert [(r.key, r.value) for r in held.breakdowns["kind"]] == [("steering_committee", 1),
                                                                   ("technical_committee", 2)]
    assert held.details["Taux de présence (%)"] == 60.0  # 3 present of 5 recorded
    decisions = specs["decisions_taken"].compute(w["agreement"], YEAR)
    assert decisions.value == 3
    assert {r.key: r.value for r in decisions.breakdowns["follow_up"]} == {"with_action": 2, "done": 1,
                                                                           "without_action": 1}
    annexes = registry(app).annex_specs
    meetings = list(annexes["governance_meetings"].rows(w["agreement"], YEAR))
    assert [(m["date"], m["body"], m["attendance"]) for m in meetings] == [
        ("2026-03-10", "COTECH de test", "2 / 4"), ("2026-06-18", "COPIL de test", "1 / 1"),
        ("2026-12-31", "COTECH de test", None)]
    rows = list(annexes["governance_decisions"].rows(w["agreement"], YEAR))
    assert [(r["text"], r["owner"], r["deadline"], r["action_status"]) for r in rows] == [
        ("Décision avec action réalisée", "Bailleur Un", "2026-05-01", "Réalisée"),
        ("Décision avec action en cours", "Bailleur Deux", None, "Prévue"),
        ("Décision sans action", None, None, "Sans action")]


def test_no_meeting_no_figure(app, w):
    specs = registry(app).indicator_specs
    assert specs["meetings_held"].compute(w["agreement"], YEAR).value == 0
    assert specs["meetings_held"].compute(w["agreement"], YEAR).details["Taux de présence (%)"] is None


YEAR_NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
