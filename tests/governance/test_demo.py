"""`flask gup demo` adds a COPIL held in June 2026 whose two decisions created actions, and the next COTECH with
its draft agenda; twice is once."""

from __future__ import annotations

import sqlalchemy as sa

from gup.extensions import db
from gup.governance.models import AgendaSection, Body, BodyKind, Meeting, MeetingStatus


def test_demo_governance(runner, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    result = runner.invoke(args=["gup", "demo"])
    assert result.exit_code == 0, result.output
    assert "Instances de démonstration : 2 instances, 2 réunions" in result.output
    bodies = {b.kind: b for b in db.session.scalars(sa.select(Body))}
    copil, cotech = bodies[BodyKind.STEERING_COMMITTEE], bodies[BodyKind.TECHNICAL_COMMITTEE]
    assert len(copil.members) == 5 and len(cotech.members) == 5
    held, = [m for m in copil.meetings if m.starts_at.year == 2026]  # (the evaluations' demo adds 2025's)
    assert held.status is MeetingStatus.MINUTES_APPROVED and held.minutes
    assert {i.agenda_section for i in held.agenda} == {AgendaSection.TECHNICAL, AgendaSection.SOCIAL}
    assert [len(d.actions) for d in held.decisions] == [1, 1]
    assert held.attendance_counts() == (4, 5)
    assert all(d.actions[0].responsible_organisation == d.owner_organisation for d in held.decisions)
    upcoming, = [m for m in cotech.meetings if m.starts_at.year == 2027]
    assert upcoming.status is MeetingStatus.SCHEDULED and upcoming.starts_at.year == 2027
    # the demo's overdue actions and findings, and the COPIL's two decisions still to follow up
    # (the COPIL decisions are not repeated: their overdue actions are listed already)
    assert sum(1 for i in upcoming.agenda if i.decision_id) == 0
    assert any(i.action_id or i.finding_id for i in upcoming.agenda)
    again = runner.invoke(args=["gup", "demo"])
    assert again.exit_code == 0
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 2 + 4  # and the four 2025 meetings
