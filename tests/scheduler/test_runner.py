"""The scheduler's runner with a frozen clock: occurrences, claims, coalesced catch-up, outcomes, each job twice."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from gup.agreements.models import AgreementStatus
from gup.extensions import db
from gup.features import JobSpec, registry
from gup.hotline import services as hotline
from gup.hotline.models import ReportStatus, ResidentReport
from gup.notifications.models import OutboundMail
from gup.scheduler import runner
from gup.scheduler.models import JobRun, JobRunStatus

PARIS = ZoneInfo("Europe/Paris")
#: Tuesday 1 December 2026, 12:00 in Paris (11:00 UTC)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=PARIS)
DAILY = ("agreements.put_in_force", "hotline.ask_if_fixed", "hotline.erase_contact_data", "scheduler.purge_job_runs")
ALL_JOBS = (*DAILY, "notifications.send_mails", "auth.send_password_links", "governance.weekly_digest")


def _runs(name: str | None = None) -> list[JobRun]:
    stmt = sa.select(JobRun).order_by(JobRun.job_name, JobRun.scheduled_for)
    if name:
        stmt = stmt.where(JobRun.job_name == name)
    db.session.expire_all()
    return list(db.session.scalars(stmt))


def _spec(app, name: str) -> JobSpec:
    return registry(app).jobs[name]


def test_the_features_registered_their_jobs(app):
    jobs = registry(app).jobs
    assert set(ALL_JOBS) <= set(jobs)
    assert jobs["notifications.send_mails"].trigger == "interval"
    assert all(jobs[name].trigger == "cron" for name in DAILY)


def test_daily_occurrences_are_paris_times(app):
    trigger = runner.build_trigger(_spec(app, "agreements.put_in_force"), PARIS)  # 05:00 Paris
    latest = runner.latest_fire_time(trigger, NOW, horizon=timedelta(days=7))
    assert latest == datetime(2026, 12, 1, 5, 0, tzinfo=PARIS) == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=PARIS)
    assert runner.latest_fire_time(trigger, summer, horizon=timedelta(days=7)) == datetime(2026, 7, 1, 3, 0,
                                                                                          tzinfo=UTC)
    assert runner.next_fire_time(trigger, NOW) == datetime(2026, 12, 2, 5, 0, tzinfo=PARIS)
    # exactly at the fire time, that occurrence is the latest
    at_five = datetime(2026, 12, 1, 5, 0, tzinfo=PARIS)
    assert runner.latest_fire_time(trigger, at_five, horizon=timedelta(days=7)) == at_five
    # older than the grace time: nothing is due
    assert runner.latest_fire_time(trigger, NOW, horizon=timedelta(hours=1)) is None


def test_interval_occurrences_agree_between_processes(app):
    """Two processes build the trigger at different moments, yet count the same minutes."""
    spec = _spec(app, "notifications.send_mails")
    first, later = runner.build_trigger(spec, PARIS), runner.build_trigger(spec, PARIS)
    moment = NOW + timedelta(seconds=42, microseconds=5)
    expected = NOW.replace(second=0)
    assert runner.latest_fire_time(first, moment, horizon=timedelta(days=7)) == expected
    assert runner.latest_fire_time(later, moment, horizon=timedelta(days=7)) == expected
    assert runner.next_fire_time(first, moment) == expected + timedelta(minutes=1)


def test_claim_is_unique(app_ctx):
    at = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    first = runner.claim("hotline.ask_if_fixed", at)
    assert first is not None
    assert runner.claim("hotline.ask_if_fixed", at) is None
    assert runner.claim("hotline.ask_if_fixed", at + timedelta(days=1)) not in (None, first)
    assert runner.claim("agreements.put_in_force", at) is not None
    db.session.add(JobRun(job_name="hotline.ask_if_fixed", scheduled_for=at, started_at=at))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert len(_runs("hotline.ask_if_fixed")) == 2


def test_claims_race_between_threads(app):
    """Many claimers of one occurrence at once: exactly one wins."""
    at = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    barrier, wins, errors = threading.Barrier(4), [], []

    def claimer() -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                wins.append(runner.claim("agreements.put_in_force", at))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and len(wins) == 4
    assert sum(w is not None for w in wins) == 1


def test_run_due_runs_each_latest_occurrence_once(app, app_ctx):
    outcomes = runner.run_due(app, NOW)
    assert {o.job: (o.status, o.scheduled_for) for o in outcomes if o.job in ALL_JOBS} == {
        "agreements.put_in_force": ("ok", datetime(2026, 12, 1, 5, 0, tzinfo=PARIS)),
        "hotline.ask_if_fixed": ("ok", datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)),
        "hotline.erase_contact_data": ("ok", datetime(2026, 12, 1, 3, 30, tzinfo=PARIS)),
        "notifications.send_mails": ("ok", NOW),
        "auth.send_password_links": ("ok", NOW),
        "scheduler.purge_job_runs": ("ok", datetime(2026, 12, 1, 2, 15, tzinfo=PARIS)),
        "governance.weekly_digest": ("ok", datetime(2026, 11, 30, 7, 0, tzinfo=PARIS)),  # Mondays at 07:00
    }
    assert outcomes[-1].job == "notifications.send_mails"  # last: it sends what the jobs before it queued
    again = runner.run_due(app, NOW + timedelta(seconds=30))  # same occurrences: nothing runs twice
    assert {o.status for o in again if o.job in ALL_JOBS} == {"taken"}
    runs = _runs()
    assert len(runs) == len(registry(app).jobs)  # every registered job, once
    assert all(r.status is JobRunStatus.OK and r.finished_at >= r.started_at and not r.is_manual for r in runs)


def test_a_restart_after_two_days_runs_each_missed_daily_job_once(app, app_ctx):
    runner.run_due(app, NOW)
    restarted = NOW + timedelta(days=2, hours=1)
    outcomes = {o.job: o for o in runner.run_due(app, restarted)}
    for name in DAILY:
        assert outcomes[name].status == "ok"
        runs = _runs(name)
        # the day in between is coalesced into the latest occurrence: two runs, not three
        assert len(runs) == 2
        assert runs[1].scheduled_for.astimezone(PARIS).date() == date(2026, 12, 3)
    assert len(_runs("notifications.send_mails")) == 2
    assert {o.status for o in runner.run_due(app, restarted) if o.job in ALL_JOBS} == {"taken"}


def test_a_miss_older_than_the_grace_time_is_dropped(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_MISFIRE_GRACE_SECONDS", 3600)
    outcomes = {o.job: o.status for o in runner.run_due(app, NOW)}
    assert outcomes["hotline.ask_if_fixed"] == "not due"  # 10:00 was two hours ago
    assert outcomes["notifications.send_mails"] == "ok"


def test_a_failing_job_is_recorded_rolled_back_and_the_others_run(app, app_ctx, f, monkeypatch):
    def broken(now):
        f.make_organisation(name="Jamais enregistrée")
        raise RuntimeError("boom")

    monkeypatch.setitem(registry(app).jobs, "test.broken",
                        JobSpec("test.broken", broken, "cron", {"hour": 6}, "always fails"))
    outcomes = {o.job: o for o in runner.run_due(app, NOW)}
    assert outcomes["test.broken"].status == "failed"
    assert outcomes["hotline.ask_if_fixed"].status == "ok"
    run, = _runs("test.broken")
    assert run.status is JobRunStatus.FAILED and run.summary == "RuntimeError: boom"
    assert "Traceback" in run.error and run.finished_at is not None
    from gup.organisations.models import Organisation

    assert db.session.scalar(sa.select(Organisation).where(Organisation.name == "Jamais enregistrée")) is None
    # failed occurrences are not retried: the next one does the work
    assert outcomes["test.broken"].scheduled_for == datetime(2026, 12, 1, 6, 0, tzinfo=PARIS)
    assert {o.job: o.status for o in runner.run_due(app, NOW)}["test.broken"] == "taken"


def _resolved_report(f, at, **contact):
    org = f.make_organisation()
    category = f.make_category(default_organisation=org)
    agent = f.make_user()
    report = f.make_report(category, now=at - timedelta(days=2), **contact)
    hotline.route_report(report, to=org, actor=agent, now=at - timedelta(days=1))
    hotline.change_status(report, to=ReportStatus.RESOLVED, actor=agent, now=at)
    return report


def test_running_each_job_twice_gives_the_same_result(app, app_ctx, f, monkeypatch):
    """Each job, run by hand twice at the same moment then at the next occurrence: the second run changes
    nothing."""
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens: mails stay queued, attempts counted
    signed = f.make_agreement(status=AgreementStatus.SIGNED, start_on=date(2026, 12, 1))
    ended = f.make_agreement(status=AgreementStatus.IN_FORCE, start_on=date(2020, 1, 1), end_on=date(2026, 11, 30))
    asked = _resolved_report(f, NOW - timedelta(weeks=5), contact_email="asked@example.org", contact_consent=True)
    old = _resolved_report(f, NOW - timedelta(days=400), contact_email="old@example.org", contact_consent=True)
    db.session.commit()

    def state():
        db.session.expire_all()
        mails = db.session.execute(sa.select(OutboundMail.to_address, OutboundMail.template, OutboundMail.attempts)
                                   .order_by(OutboundMail.id)).all()
        return (db.session.get(type(signed), signed.id).status, db.session.get(type(ended), ended.id).status,
                db.session.get(ResidentReport, asked.id).fixed_question_sent_at,
                db.session.get(ResidentReport, old.id).contact_email, mails)

    for name in DAILY:
        first = runner.run_now(app, name, NOW)
        assert first.status == "ok"
        after_first = state()
        assert runner.run_now(app, name, NOW + timedelta(hours=1)).status == "ok"
        assert state() == after_first, name
    signed_status, ended_status, sent_at, old_email, mails = state()
    assert (signed_status, ended_status) == (AgreementStatus.IN_FORCE, AgreementStatus.ENDED)
    assert sent_at == NOW and old_email is None
    assert [m for m in mails if m.template == "fixed_question"] == [("asked@example.org", "fixed_question", 0)]
    # the sender: a second run in the same minute tries nothing again (backoff), the next minute neither
    assert runner.run_now(app, "notifications.send_mails", NOW).summary == "0"
    tried = state()[4]
    assert {m.attempts for m in tried} == {1}
    runner.run_now(app, "notifications.send_mails", NOW + timedelta(minutes=1))
    assert state()[4] == tried
    assert all(r.is_manual for r in _runs())


def test_serve_catches_up_then_stops(app, app_ctx):
    """The scheduler process's loop, in this process: catch-up with the frozen clock, bounded run."""
    caught_up = runner.serve(app, clock=lambda: NOW, max_seconds=0.3)
    assert {o.job: o.status for o in caught_up if o.job in ALL_JOBS} == dict.fromkeys(ALL_JOBS, "ok")
    assert len(_runs()) == len(registry(app).jobs)


def test_a_trigger_firing_runs_its_occurrence_once(app, app_ctx):
    """What APScheduler calls when a trigger fires: the occurrence just reached, once across callers."""
    moment = NOW + timedelta(seconds=1)
    runner._fire(app, "notifications.send_mails", lambda: moment)
    runner._fire(app, "notifications.send_mails", lambda: moment)
    run, = _runs("notifications.send_mails")
    assert run.scheduled_for == NOW and run.status is JobRunStatus.OK


def test_old_successful_runs_are_purged_failed_ones_kept(app, app_ctx):
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=3)
    for name, at, status in [("a", old, JobRunStatus.OK), ("b", old, JobRunStatus.FAILED),
                             ("c", old, JobRunStatus.RUNNING), ("d", recent, JobRunStatus.OK)]:
        db.session.add(JobRun(job_name=name, scheduled_for=at, started_at=at, status=status))
    db.session.commit()
    assert runner.run_now(app, "scheduler.purge_job_runs", NOW).summary == "1"
    assert runner.run_now(app, "scheduler.purge_job_runs", NOW + timedelta(hours=1)).summary == "0"
    assert {r.job_name for r in _runs()} == {"b", "c", "d", "scheduler.purge_job_runs"}
