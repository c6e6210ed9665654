"""Command: flask gup hotline run-jobs (until the scheduler process exists, run it from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from gup.db import now_utc
from gup.extensions import db


def register(group: AppGroup) -> None:
    @group.group("hotline")
    def hotline() -> None:
        """Resident reports: periodic jobs."""

    @hotline.command("run-jobs")
    def run_jobs() -> None:
        """Ask « is it fixed? », erase expired contact details, then send the e-mail outbox (idempotent)."""
        from gup.hotline import jobs, mail

        now = now_utc()
        asked = jobs.ask_if_fixed(now)
        erased = jobs.erase_contact_data(now)
        db.session.commit()
        sent = mail.send_outbox(now=now)
        click.echo(f"Signalements : {asked} question(s) « est-ce réglé ? », {erased} coordonnée(s) effacée(s), "
                   f"{sent} courriel(s) envoyé(s).")
