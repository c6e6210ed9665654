"""A voting code used twice at the same moment, from two HTTP clients against a real server (gunicorn, 4 worker
processes × 5 threads, on the test session's database — PostgreSQL in CI's PostgreSQL run): one ballot counts,
the other gets the French « already used » answer (409), for every code."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from gup.budget import services
from gup.budget.models import PBVote, VotingCode
from gup.extensions import db
from tests.budget.conftest import NOW, projects_in_vote
from tests.concurrency.test_reports_load import LAUNCHER, _NoRedirect, _send, _start_server, _stop

SERVER_SECRET = re.search(r'SECRET_KEY="([^"]+)"', LAUNCHER).group(1)

CODES = 12


def _voter(base: str, campaign_id: int) -> tuple[urllib.request.OpenerDirector, str]:
    """A resident's browser on the vote page: its cookies and the form's CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         _NoRedirect())
    status, html, _ = _send(opener, f"{base}/budget-participatif/{campaign_id}/voter")
    assert status == 200, html[:500]
    token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token, "no CSRF token on the vote page"
    return opener, token.group(1)


def test_a_code_sent_twice_at_once_counts_once(app, f, w, campaign, place, tmp_path, monkeypatch):
    # the codes are hashed with the server's key (the launcher's SECRET_KEY, no BUDGET_CODE_PEPPER there)
    monkeypatch.setitem(app.config, "BUDGET_CODE_PEPPER", SERVER_SECRET)
    projects = projects_in_vote(campaign, place, w)
    codes = services.generate_codes(campaign, CODES, actor=w["coordinator"], now=NOW)
    db.session.commit()
    campaign_id, choice = campaign.id, str(projects[0].id)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()

    proc, base = _start_server(url, tmp_path)
    try:
        results = []
        for code in codes:
            voters = [_voter(base, campaign_id) for _ in range(2)]
            start = threading.Barrier(2)

            def vote(voter, code=code, start=start):
                opener, csrf = voter
                start.wait(timeout=30)
                return _send(opener, f"{base}/budget-participatif/{campaign_id}/voter",
                             {"csrf_token": csrf, "code": code, "project_ids": choice})

            with ThreadPoolExecutor(max_workers=2) as pool:
                results.append([fut.result(timeout=60) for fut in [pool.submit(vote, v) for v in voters]])
    finally:
        log = _stop(proc)

    for pair in results:
        statuses = sorted(status for status, _body, _headers in pair)
        errors = [re.findall(r"<li>.*?</li>", body)[-3:] for _s, body, _h in pair]
        assert statuses == [302, 409], (statuses, errors, log[-2000:])
        refused = next(body for status, body, _ in pair if status == 409)
        assert "Ce code a déjà servi" in refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VotingCode)
                             .where(VotingCode.campaign_id == campaign_id, VotingCode.used_at.is_not(None))) == CODES
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBVote)
                             .where(PBVote.project_id == int(choice))) == CODES
