"""Commands: flask gup scheduler run; flask gup jobs list | run-due | run NAME.

Every command takes `--now` (ISO 8601; without an offset it is Paris time): the clock is then frozen at that
moment, for tests and for replaying a day. Without it the real clock is used."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from gup.orm import now_utc
from gup.scheduler import runner


def _clock(value: str | None) -> runner.Clock:
    if not value:
        return now_utc
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}", param_hint="--now") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=runner.timezone(current_app))
    return lambda: moment


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(runner.timezone(current_app)).strftime("%Y-%m-%d %H:%M")


def _echo_outcomes(outcomes: list[runner.Outcome]) -> None:
    for o in outcomes:
        detail = f" ({o.summary})" if o.summary else ""
        took = f"  [{o.seconds:.2f} s]" if o.seconds is not None else ""
        click.echo(f"{o.job:32} {_local(o.scheduled_for):16}  {o.status}{detail}{took}")


NOW_OPTION = click.option("--now", "now", metavar="ISO", help="Freeze the clock at this moment (tests, replays).")


def register(group: AppGroup) -> None:
    @group.group("scheduler")
    def scheduler() -> None:
        """The scheduler process (run it as its own service, never inside a web worker)."""

    @scheduler.command("run")
    @NOW_OPTION
    @click.option("--max-seconds", type=float, default=None, help="Stop after this many seconds (tests).")
    def run(now: str | None, max_seconds: float | None) -> None:
        """Run missed jobs once, then every job on its schedule until stopped (SIGTERM/SIGINT)."""
        app = current_app._get_current_object()
        caught_up = runner.serve(app, clock=_clock(now), max_seconds=max_seconds)
        _echo_outcomes([o for o in caught_up if o.status in ("ok", "failed")])

    @group.group("jobs")
    def jobs_group() -> None:
        """Periodic jobs: list them, run the due ones (cron), run one by hand."""

    @jobs_group.command("list")
    @NOW_OPTION
    def list_jobs(now: str | None) -> None:
        """Each job, its trigger, next run, last run and last outcome."""
        moment = _clock(now)()
        click.echo(f"{'job':32} {'trigger':36} {'next run':16}  {'last run':16}  last outcome")
        for state in runner.states(current_app._get_current_object(), moment):
            last = state.last_run
            outcome = "—"
            if last is not None:
                outcome = last.status.value + (f" ({last.summary})" if last.summary else "")
            click.echo(f"{state.name:32} {state.trigger:36} {_local(state.next_run):16}  "
                       f"{_local(last.scheduled_for if last else None):16}  {outcome}")

    @jobs_group.command("run-due")
    @NOW_OPTION
    def run_due(now: str | None) -> None:
        """Run every due job once (missed runs coalesced) and exit: for cron, and tests."""
        outcomes = runner.run_due(current_app._get_current_object(), _clock(now)())
        _echo_outcomes(outcomes)
        if any(o.status == "failed" for o in outcomes):
            raise SystemExit(1)

    @jobs_group.command("run")
    @click.argument("name")
    @NOW_OPTION
    def run_one(name: str, now: str | None) -> None:
        """Run one job now, whatever its schedule."""
        app = current_app._get_current_object()
        if name not in runner.jobs(app):
            raise click.BadParameter(f"unknown job {name!r}; known: {', '.join(runner.jobs(app))}",
                                     param_hint="NAME")
        outcome = runner.run_now(app, name, _clock(now)())
        _echo_outcomes([outcome])
        if outcome.status == "failed":
            raise SystemExit(1)
