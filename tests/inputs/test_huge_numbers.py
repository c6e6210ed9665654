"""Every route, HTML and API, with an id no row can have (404) and every list with a huge page or filter id
(never a 500): SQLite, and PostgreSQL where an int4 overflows at 2^31."""

from __future__ import annotations

import pytest

from gup.inputs import MAX_ID
from tests.conftest import login_client
from tests.test_route_matrix import SKIPPED_ENDPOINTS, _world

HUGE_IDS = [MAX_ID + 1, 10**20]
HUGE = "99999999999999999999"
#: the query-string ids and numbers the HTML lists and forms read
QUERY_NAMES = ("page", "agreement_id", "theme_id", "organisation_id", "neighbourhood_id", "walkthrough_id",
               "stop_id", "parent_id", "category_id", "commitment_id", "status", "channel", "overdue", "kind",
               "start_on", "end_on", "q")
QUERY_VALUES = [HUGE, str(MAX_ID + 1), "abc", "9999-12-31"]


def _rules(app, *, with_ints: bool):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        ints = {name for name, conv in rule._converters.items() if type(conv).__name__.endswith("IntConverter")}
        if bool(ints) == with_ints:
            yield rule, ints


@pytest.mark.parametrize("role", ["coordinator"])
def test_every_route_with_a_huge_id_is_a_404(app, f, role, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    w, params, tokens = _world(f)
    failures, seen = [], 0
    for rule, ints in _rules(app, with_ints=True):
        for huge in HUGE_IDS:
            values = {k: (huge if k in ints else params[k]) for k in rule.arguments}
            url = rule.build(values, append_unknown=False)[1]  # to_url does not check the bound
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                with app.test_client() as c:
                    headers = {}
                    if rule.rule.startswith("/api/"):
                        headers["Authorization"] = f"Bearer {tokens[role]}"
                    else:
                        login_client(c, w[role])
                    response = c.open(url, method=method, headers=headers)
                seen += 1
                if response.status_code != 404:
                    failures.append(f"{method} {url}: {response.status_code}")
                elif rule.rule.startswith("/api/"):
                    assert response.is_json and response.json["code"] == 404, url
                else:
                    assert "introuvable" in response.get_data(as_text=True).lower(), url
    assert seen > 150
    assert not failures, "\n".join(failures)


def test_every_html_page_with_huge_numbers_in_the_query_string(app, f, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    w, params, _tokens = _world(f)
    failures = []
    with app.test_client() as c:
        login_client(c, w["coordinator"])
        for with_ints in (False, True):
            for rule, _ints in _rules(app, with_ints=with_ints):
                if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/open311/")):
                    continue
                if any(k not in params for k in rule.arguments):
                    continue  # <path>, <reference>: covered by their own tests
                url = rule.build({k: params[k] for k in rule.arguments}, append_unknown=False)[1]
                for value in QUERY_VALUES:
                    response = c.get(url, query_string={name: value for name in QUERY_NAMES})
                    if response.status_code >= 500:
                        failures.append(f"GET {url} ={value}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("url", ["/findings", "/walks", "/actions", "/agreements", "/commitments",
                                 "/organisations", "/signalements", "/admin/users"])
def test_a_huge_page_is_the_last_page_not_a_500(client, f, login, url):
    w = f.world()
    from gup.extensions import db

    db.session.commit()
    login(w["admin"] if url.startswith("/admin") else w["coordinator"])
    response = client.get(f"{url}?page={HUGE}")
    assert response.status_code == 200, url


def test_api_huge_page_and_ids(api, w):
    for url in ("/api/v1/findings?page=" + HUGE, "/api/v1/agreements?page=" + HUGE,
                f"/api/v1/findings?agreement_id={HUGE}", f"/api/v1/actions?theme_id={MAX_ID + 1}"):
        response = api("coordinator", "GET", url)
        assert response.status_code < 500 and response.is_json, url
