"""flask gup jobs list | run-due | run NAME, with --now freezing the clock."""

from __future__ import annotations

import sqlalchemy as sa

from gup.extensions import db
from gup.features import registry
from gup.notifications.models import OutboundMail
from gup.scheduler.models import JobRun

NOW = "2026-12-01T12:00"  # Paris time


def test_jobs_list_shows_trigger_next_and_last_run(app, runner, app_ctx):
    listed = runner.invoke(args=["gup", "jobs", "list", "--now", NOW])
    assert listed.exit_code == 0, listed.output
    line = next(li for li in listed.output.splitlines() if li.startswith("hotline.ask_if_fixed"))
    assert "cron[hour='10', minute='0']" in line and "2026-12-02 10:00" in line and line.rstrip().endswith("—")
    assert "interval[0:01:00]" in listed.output and "2026-12-01 12:01" in listed.output

    assert runner.invoke(args=["gup", "jobs", "run-due", "--now", NOW]).exit_code == 0
    listed = runner.invoke(args=["gup", "jobs", "list", "--now", NOW])
    line = next(li for li in listed.output.splitlines() if li.startswith("hotline.ask_if_fixed"))
    assert "2026-12-01 10:00" in line and line.rstrip().endswith("ok (0)")


def test_run_due_is_idempotent(runner, app_ctx):
    first = runner.invoke(args=["gup", "jobs", "run-due", "--now", NOW])
    assert first.exit_code == 0, first.output
    assert "agreements.put_in_force          2026-12-01 05:00  ok (0)" in first.output
    second = runner.invoke(args=["gup", "jobs", "run-due", "--now", NOW])
    assert second.exit_code == 0
    jobs = len(registry(app_ctx).jobs)  # each registered job ran once and was not run again
    assert jobs == 7 and "ok" not in second.output and second.output.count("taken") == jobs
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == jobs


def test_run_due_sends_the_outbox(app, runner, f):
    """What `flask gup hotline run-jobs` did, now `jobs run-due`: the jobs, then the mail sender (no SMTP server:
    the mail stays queued, the attempt is recorded, nothing crashes)."""
    f.make_report(contact_email="a@example.org", contact_consent=True)
    db.session.commit()
    previous = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 9  # discard port: nothing listens
    try:
        result = runner.invoke(args=["gup", "jobs", "run-due"])
    finally:
        app.config["MAIL_PORT"] = previous
    assert result.exit_code == 0, result.output
    assert "notifications.send_mails" in result.output and "ok (0)" in result.output
    db.session.expire_all()
    mail = db.session.scalars(sa.select(OutboundMail)).one()
    assert mail.sent_at is None and mail.attempts == 1


def test_run_one_job_by_hand(runner, app_ctx):
    result = runner.invoke(args=["gup", "jobs", "run", "agreements.put_in_force", "--now", NOW])
    assert result.exit_code == 0, result.output
    assert "agreements.put_in_force          2026-12-01 12:00  ok (0)" in result.output
    run = db.session.scalars(sa.select(JobRun)).one()
    assert run.is_manual and run.job_name == "agreements.put_in_force"
    unknown = runner.invoke(args=["gup", "jobs", "run", "nope"])
    assert unknown.exit_code == 2 and "unknown job 'nope'" in unknown.output
    bad = runner.invoke(args=["gup", "jobs", "run-due", "--now", "tomorrow"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output


def test_hotline_run_jobs_is_gone(runner):
    assert runner.invoke(args=["gup", "hotline", "run-jobs"]).exit_code == 2
