"""The headline test: two `flask gup scheduler run` processes started together, with a frozen clock, against the
test database (SQLite file or PostgreSQL from TEST_DATABASE_URL) and a real SMTP server on 127.0.0.1: each queued
mail leaves once, each job occurrence runs once; stopped two days then restarted, each daily job runs once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from gup.agreements.models import Agreement, AgreementStatus
from gup.extensions import db
from gup.features import registry
from gup.hotline import services as hotline
from gup.hotline.models import ReportStatus, ResidentReport
from gup.notifications import services as notifications
from gup.notifications.models import OutboundMail
from gup.scheduler.models import JobRun, JobRunStatus
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=PARIS)
DAILY = {"agreements.put_in_force": (5, 0), "hotline.ask_if_fixed": (10, 0), "hotline.erase_contact_data": (3, 30),
         "scheduler.purge_job_runs": (2, 15)}
SENDER = "notifications.send_mails"


def _schedulers(url: str, port: int, now: datetime, count: int = 2) -> list[subprocess.CompletedProcess]:
    """Start `count` scheduler processes at once, each bounded to a few seconds, and wait for them."""
    env = {**os.environ, "FLASK_APP": "wsgi.py", "GUP_ENV": "testing", "TEST_DATABASE_URL": url,
           "GUP_MAIL_SERVER": "127.0.0.1", "GUP_MAIL_PORT": str(port), "GUP_PUBLIC_BASE_URL": "https://gup.test"}
    command = [sys.executable, "-m", "flask", "gup", "scheduler", "run", "--now", now.isoformat(),
               "--max-seconds", "1"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    done = []
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    for result in done:
        assert result.returncode == 0, f"scheduler exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return done


def _resolved(f, at, **contact) -> ResidentReport:
    org = f.make_organisation()
    category = f.make_category(default_organisation=org)
    agent = f.make_user()
    report = f.make_report(category, now=at - timedelta(days=2), **contact)
    hotline.route_report(report, to=org, actor=agent, now=at - timedelta(days=1))
    hotline.change_status(report, to=ReportStatus.RESOLVED, actor=agent, now=at)
    return report


def _runs() -> dict[str, list[JobRun]]:
    db.session.expire_all()
    out: dict[str, list[JobRun]] = {}
    for run in db.session.scalars(sa.select(JobRun).order_by(JobRun.scheduled_for)):
        out.setdefault(run.job_name, []).append(run)
    return out


def _outbox(*, sent_only: bool = False) -> Counter:
    """The outbox as a multiset of (recipient, subject) (a report's mails share their subject)."""
    db.session.expire_all()
    stmt = sa.select(OutboundMail.to_address, OutboundMail.subject)
    if sent_only:
        stmt = stmt.where(OutboundMail.sent_at.is_not(None))
    return Counter(tuple(row) for row in db.session.execute(stmt))


def test_two_scheduler_processes_run_everything_exactly_once(app, app_ctx, f):
    url = db.engine.url.render_as_string(hide_password=False)
    for n in range(15):
        notifications.queue_mail(to=f"resident{n}@example.org", subject=f"Message {n}", body="Bonjour")
    asked = _resolved(f, NOW - timedelta(weeks=5), contact_email="asked@example.org", contact_consent=True)
    old = _resolved(f, NOW - timedelta(days=400), contact_name="Awa", contact_consent=False)
    agreement = f.make_agreement(status=AgreementStatus.SIGNED, start_on=date(2026, 12, 1))
    db.session.commit()
    queued_before = _outbox()

    with smtp_server() as (smtp, port):
        _schedulers(url, port, NOW)  # both processes exited 0 (checked inside)
        runs = _runs()
        for name, (hour, minute) in DAILY.items():
            assert [r.scheduled_for for r in runs[name]] == [NOW.replace(hour=hour, minute=minute)], name
        assert [r.scheduled_for for r in runs[SENDER]] == [NOW]
        assert all(r.status is JobRunStatus.OK for rs in runs.values() for r in rs), \
            [(r.job_name, r.summary, r.error) for rs in runs.values() for r in rs]
        received = Counter((rcpt[0], str(m["Subject"])) for rcpt, m in smtp.messages)
        assert received == _outbox(sent_only=True)  # what is marked sent arrived once, nothing twice
        assert received >= queued_before  # what was queued before the run has left
        db.session.expire_all()
        assert db.session.get(Agreement, agreement.id).status is AgreementStatus.IN_FORCE
        assert db.session.get(ResidentReport, asked.id).fixed_question_sent_at == NOW
        assert db.session.get(ResidentReport, old.id).contact_name is None

        # stopped for two days, then restarted (two processes again): each missed daily job runs once
        later = NOW + timedelta(days=2, hours=1)
        _schedulers(url, port, later)
        runs = _runs()
        for name, (hour, minute) in DAILY.items():
            assert [r.scheduled_for for r in runs[name]] == [
                NOW.replace(hour=hour, minute=minute),
                (NOW + timedelta(days=2)).replace(hour=hour, minute=minute)], name
        assert [r.scheduled_for for r in runs[SENDER]] == [NOW, later]
        assert all(r.status is JobRunStatus.OK for rs in runs.values() for r in rs)
        # every mail of the outbox (the « is it fixed? » question included) left exactly once
        received = Counter((rcpt[0], str(m["Subject"])) for rcpt, m in smtp.messages)
        assert received == _outbox()
        assert sum(1 for rcpt, _m in smtp.messages if rcpt == ["asked@example.org"]
                   and "est-il réglé" in str(_m["Subject"])) == 1
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)
                                 .where(OutboundMail.sent_at.is_(None))) == 0


@pytest.mark.parametrize("processes", [1])
def test_restart_with_nothing_missed_runs_nothing(app, app_ctx, processes):
    """A scheduler restarted at the same frozen moment finds every occurrence taken."""
    url = db.engine.url.render_as_string(hide_password=False)
    with smtp_server() as (_smtp, port):
        _schedulers(url, port, NOW, count=processes)
        before = {name: len(rs) for name, rs in _runs().items()}
        again = _schedulers(url, port, NOW, count=processes)
    assert {name: len(rs) for name, rs in _runs().items()} == before
    assert all("ok" not in r.stdout for r in again)


def test_sigterm_stops_the_scheduler_cleanly(app, app_ctx):
    """systemd stops the unit with SIGTERM: the process finishes what runs and exits 0."""
    import signal
    import time

    url = db.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "FLASK_APP": "wsgi.py", "GUP_ENV": "testing", "TEST_DATABASE_URL": url,
           "GUP_MAIL_PORT": "9"}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "gup", "scheduler", "run", "--now", NOW.isoformat()],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(_runs()) < len(registry(app).jobs) and time.monotonic() < deadline:  # caught up: the loop is running
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "scheduler stopped" in err and out.count(" ok") == len(registry(app).jobs) == 7
