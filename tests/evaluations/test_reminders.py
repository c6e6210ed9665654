"""Reminders 90, 30 and 7 days before an evaluation is due, drafts when the period is over, partners reminded
to contribute: each once, through the outbox and a real SMTP server, also with two schedulers at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from gup.evaluations import jobs, services
from gup.evaluations.models import Evaluation, EvaluationReminder, EvaluationStatus
from gup.extensions import db
from gup.notifications.models import OutboundMail
from gup.notifications.sender import send_outbox
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")


def _at(y, m, d, h=12):
    return datetime(y, m, d, h, 0, tzinfo=PARIS)


def _subjects(to=None) -> list[str]:
    stmt = sa.select(OutboundMail.subject).order_by(OutboundMail.id)
    if to:
        stmt = stmt.where(OutboundMail.to_address == to)
    return list(db.session.scalars(stmt))


def test_due_reminders_go_once_at_90_30_and_7_days(app_ctx, f, smtp):
    w = f.world()
    services.sync_schedule(w["agreement"])
    coordinator = w["coordinator"].email
    # annual review 2026 is due on 31 March 2027
    assert jobs.remind_due(_at(2026, 12, 30)) == 0  # 91 days before: nothing yet
    assert jobs.remind_due(_at(2026, 12, 31)) == 1
    assert jobs.remind_due(_at(2026, 12, 31)) == 0  # run twice: nothing twice
    assert jobs.remind_due(_at(2027, 1, 15)) == 0
    assert jobs.remind_due(_at(2027, 3, 1)) == 1
    assert jobs.remind_due(_at(2027, 3, 24)) == 1
    assert jobs.remind_due(_at(2027, 3, 25)) == 0
    subjects = [s for s in _subjects(coordinator) if "2026" in s]
    assert subjects == ["Bilan annuel 2026 : échéance dans 90 jours", "Bilan annuel 2026 : échéance dans 30 jours",
                        "Bilan annuel 2026 : échéance dans 7 jours"]
    assert send_outbox(now=datetime.now(UTC)) >= 3
    received = [str(m["Subject"]) for rcpt, m in smtp.messages if rcpt == [coordinator]]
    assert Counter(s for s in received if "2026" in s) == Counter(subjects)
    body = next(m for _r, m in smtp.messages if "90 jours" in str(m["Subject"]))
    assert "https://gup.test/evaluations/" in body.get_body(("plain",)).get_content()


def test_a_missed_threshold_sends_the_nearest_only(app_ctx, f):
    w = f.world()
    services.sync_schedule(w["agreement"])
    assert jobs.remind_due(_at(2027, 3, 20)) == 1  # scheduler down since December: 90 and 30 passed unseen
    subjects = [s for s in _subjects(w["coordinator"].email) if "2026" in s]
    assert subjects == ["Bilan annuel 2026 : échéance dans 11 jours"]
    keys = set(db.session.scalars(sa.select(EvaluationReminder.key)))
    assert {"due-90", "due-30"} <= keys and "due-7" not in keys
    assert jobs.remind_due(_at(2027, 3, 24)) == 1  # the 7-day reminder still comes


def test_drafts_open_when_the_period_ends_and_partners_are_reminded_weekly(app_ctx, f):
    w = f.world()
    services.sync_schedule(w["agreement"])
    assert jobs.prepare_drafts(_at(2025, 12, 31)) == 0  # the 2025 period is not over yet
    assert jobs.prepare_drafts(_at(2026, 1, 2)) == 1
    assert jobs.prepare_drafts(_at(2026, 1, 2)) == 0
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.slot == "annual-2025"))
    assert review.status is EvaluationStatus.IN_PREPARATION and review.draft_version is not None
    assert any("préparation est ouverte" in s for s in _subjects(w["referent1"].email))
    services.save_contribution(review, organisation=w["hp2"], text="Fait.", actor=w["referent2"],
                               now=_at(2026, 1, 3))
    monday = _at(2026, 1, 5, 9)
    assert jobs.remind_contributions(monday) == 1  # hp1 has not contributed (the town has no referent); hp2 has
    assert jobs.remind_contributions(monday) == 0
    assert any("contribution de Bailleur Un" in s for s in _subjects(w["referent1"].email))
    assert not any("contribution" in s for s in _subjects(w["referent2"].email))
    assert jobs.remind_contributions(_at(2026, 1, 12, 9)) == 1  # the next week, again


def _schedulers(url: str, port: int, now: datetime) -> None:
    env = {**os.environ, "FLASK_APP": "wsgi.py", "GUP_ENV": "testing", "TEST_DATABASE_URL": url,
           "GUP_MAIL_SERVER": "127.0.0.1", "GUP_MAIL_PORT": str(port), "GUP_PUBLIC_BASE_URL": "https://gup.test"}
    command = [sys.executable, "-m", "flask", "gup", "scheduler", "run", "--now", now.isoformat(),
               "--max-seconds", "1"]
    procs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"{out}\n{err}"
    # the outbox's next tick (every minute in a running scheduler): a mail queued by one process after the other
    # had already claimed this occurrence of the sender leaves then — once, like every other
    tick = subprocess.run([sys.executable, "-m", "flask", "gup", "jobs", "run", "notifications.send_mails", "--now",
                           (now + timedelta(minutes=1)).isoformat()], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert tick.returncode == 0, f"{tick.stdout}\n{tick.stderr}"


def test_two_schedulers_at_once_send_each_reminder_once(app, app_ctx, f):
    """Two `flask gup scheduler run` processes, started together on each date (SQLite file, or PostgreSQL under
    `make test-pg`), then stopped and restarted weeks later: each reminder leaves once."""
    w = f.world()
    services.sync_schedule(w["agreement"])
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    coordinator = w["coordinator"].email
    with smtp_server() as (smtp, port):
        for day in (_at(2026, 12, 31), _at(2027, 3, 1), _at(2027, 3, 24)):
            _schedulers(url, port, day)
        received = Counter(str(m["Subject"]) for rcpt, m in smtp.messages if rcpt == [coordinator])
    due = {s: n for s, n in received.items() if "Bilan annuel 2026 : échéance" in s}
    assert due == {"Bilan annuel 2026 : échéance dans 90 jours": 1, "Bilan annuel 2026 : échéance dans 30 jours": 1,
                   "Bilan annuel 2026 : échéance dans 7 jours": 1}
    assert received["Bilan annuel 2025 : la préparation est ouverte"] == 1
