"""The pure parts of tests/bench_scheduler.py: reading run-due's outcomes and the runner's log lines."""

from __future__ import annotations

from tests.bench_scheduler import parse_log, parse_outcomes, ratio

OUTPUT = """\
auth.send_password_links         2026-12-04 19:05  ok (0)  [0.01 s]
evaluations.prepare_drafts       2026-12-04 05:20  ok (900)  [41.30 s]
relays.digest                    —                 not due
notifications.send_mails         2026-12-04 19:05  taken
budget.erase_contacts            2026-12-04 03:40  failed (OperationalError: locked)  [0.20 s]
"""

LOG = """\
19:05:01,000 INFO gup.scheduler.runner: job auth.send_password_links at 2026-12-04T18:05:00 starting (run 1)
19:05:01,010 INFO gup.scheduler.runner: job auth.send_password_links at 2026-12-04T18:05:00 ok in 0.01 s
19:05:01,020 INFO gup.scheduler.runner: job evaluations.prepare_drafts at 2026-12-04T04:20:00 starting (run 2)
"""


def test_outcomes_are_read_from_run_due_output():
    outcomes = {o["job"]: o for o in parse_outcomes(OUTPUT)}
    assert outcomes["evaluations.prepare_drafts"] == {"job": "evaluations.prepare_drafts", "status": "ok",
                                                      "summary": "900", "seconds": 41.3}
    assert outcomes["relays.digest"]["status"] == "not due" and outcomes["relays.digest"]["seconds"] is None
    assert outcomes["notifications.send_mails"]["status"] == "taken"
    assert outcomes["budget.erase_contacts"]["summary"] == "OperationalError: locked"


def test_a_capped_run_is_read_from_the_log_and_never_meets_the_target():
    assert parse_log(LOG) == [{"job": "auth.send_password_links", "status": "ok", "summary": None, "seconds": 0.01}]
    assert ratio(42.0, 201)["met"] and not ratio(61.0, 201)["met"]
    assert not ratio(42.0, 201, capped=True)["met"]
