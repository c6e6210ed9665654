"""Issue 8 in a real browser: markup in a finding's description stays text in the map tooltips and popups of the
agreement and walk pages, and every HTML page of gup keeps to its Content-Security-Policy (the autouse
`csp_violations` fixture of conftest.py fails any browser test that sees a violation)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gup.extensions import db

SHOTS = Path(tempfile.gettempdir()) / "gup-screens"
SHOTS.mkdir(exist_ok=True)
MARKUP = '<img src=x onerror="window.__xss=1"> <b>gras</b>'
ADDRESS = "<i>12</i> rue des Lilas"
COORDINATOR = "coordination@demo.gup.fr"


@pytest.fixture
def planted(live_app) -> Iterator[dict[str, int]]:
    """A finding of the demo day walk whose description and address hold markup, placed north of every other
    finding of the agreement (so its marker is the topmost one); removed afterwards."""
    from gup.agreements.models import Agreement
    from gup.findings.demo import DAY_TITLE
    from gup.findings.models import Finding, FindingKind, Priority
    from gup.walks.models import Walkthrough

    with live_app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == "GUP-BELLERIVE-2025"))
        walk = db.session.scalar(sa.select(Walkthrough).where(Walkthrough.agreement_id == agreement.id,
                                                              Walkthrough.title == DAY_TITLE))
        north, west, east = db.session.execute(
            sa.select(sa.func.max(Finding.latitude), sa.func.min(Finding.longitude), sa.func.max(Finding.longitude))
            .where(Finding.agreement_id == agreement.id)).one()
        template = db.session.scalar(sa.select(Finding).where(Finding.walkthrough_id == walk.id).limit(1))
        finding = Finding(agreement=agreement, walkthrough=walk, theme_id=template.theme_id, kind=FindingKind.ISSUE,
                          priority=Priority.THIS_YEAR, description=MARKUP, address=ADDRESS,
                          latitude=north + 0.002, longitude=(west + east) / 2)
        db.session.add(finding)
        db.session.commit()
        ids = {"agreement": agreement.id, "walk": walk.id, "finding": finding.id}
        db.session.remove()
    yield ids
    with live_app.app_context():
        db.session.delete(db.session.get(Finding, ids["finding"]))
        db.session.commit()
        db.session.remove()


def _topmost_marker(page, map_id: str):
    """The marker drawn highest on the map (the planted finding's)."""
    page.locator(f"#{map_id}[data-ready]").scroll_into_view_if_needed()
    markers = page.locator(f"#{map_id} path.leaflet-interactive")
    expect(markers.first).to_be_visible()
    boxes = [markers.nth(i).bounding_box() for i in range(markers.count())]
    return markers.nth(min(range(len(boxes)), key=lambda i: boxes[i]["y"])), boxes


def _check_map(page, map_id: str, shot: str) -> None:
    marker, _boxes = _topmost_marker(page, map_id)
    marker.hover()
    tooltip = page.locator(f"#{map_id} .leaflet-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(MARKUP)  # the markup shows as the characters the user typed
    expect(tooltip.locator("img, b")).to_have_count(0)
    page.screenshot(path=str(SHOTS / f"{shot}-tooltip.png"))
    marker.click()
    popup = page.locator(f"#{map_id} .leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text(MARKUP)
    expect(popup).to_contain_text(ADDRESS)
    expect(popup.locator("img, b, i")).to_have_count(0)
    expect(popup.get_by_role("link", name="Voir le constat")).to_be_visible()
    page.wait_for_timeout(400)  # Leaflet's fade-in and auto-pan, for the screenshot
    page.screenshot(path=str(SHOTS / f"{shot}-popup.png"))
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_markup_in_a_finding_is_text_in_the_map_tooltip_and_popup(browser, base_url, planted, csp_violations):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="fr-FR",
                                  timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(COORDINATOR)
    page.get_by_label("Mot de passe", exact=True).fill("demo-gup-2026")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    page.goto(f"/agreements/{planted['agreement']}")
    _check_map(page, "carte-convention", "security-agreement-map")
    page.goto(f"/walks/{planted['walk']}")
    _check_map(page, "carte-diagnostic", "security-walk-map")
    # the legend's colours are set by map.js (no style attribute): each swatch has its marker's colour
    swatch = page.locator("#carte-diagnostic-block .map-swatch").first
    assert page.evaluate("(el) => getComputedStyle(el).backgroundColor", swatch.element_handle()) != "rgb(22, 22, 22)"
    context.close()
    assert not csp_violations


def test_the_policy_refuses_inline_script_handlers_and_eval_and_the_watch_sees_it(page, csp_violations):
    """The browser enforces the header (a canary for the violation watch of conftest.py)."""
    response = page.goto("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"
    result = page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__inline = 1";
        document.head.appendChild(s);
        const b = document.createElement("button");
        b.setAttribute("onclick", "window.__handler = 1");
        document.body.appendChild(b);
        b.click();
        return [typeof window.__inline, typeof window.__handler];
    }""")
    assert result == ["undefined", "undefined"]
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy  # (DevTools code may eval: not testable)
    page.wait_for_timeout(200)  # violation events are queued as tasks
    assert any("script-src" in v for v in csp_violations), csp_violations
    assert any("script-src-attr" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here: the fixture must not fail this test


def _sample_budget() -> tuple[int, int]:
    """A participatory-budget campaign with one proposal (the demo has none yet), made once per session."""
    from datetime import date

    from gup.agreements.models import Agreement
    from gup.auth.models import User
    from gup.budget import services
    from gup.budget.models import PBCampaign, PBPhase
    from gup.orm import now_utc

    campaign = db.session.scalar(sa.select(PBCampaign).limit(1))
    if campaign is None:
        actor = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        agreement = db.session.scalar(sa.select(Agreement).order_by(Agreement.id).limit(1))
        campaign = services.create_campaign(agreement, actor=actor, now=now_utc(), title="Budget participatif 2027",
                                            year=2027, envelope="20000", proposals_on=date(2027, 1, 10),
                                            review_on=date(2027, 3, 1), vote_on=date(2027, 5, 1),
                                            results_on=date(2027, 6, 1), delivery_on=date(2027, 7, 1))
        services.move_phase(campaign, PBPhase.PROPOSALS, actor=actor, now=now_utc())
        services.submit_proposal(campaign, title="Bancs au square", description="Deux bancs près de l'aire de jeux",
                                 now=now_utc(), estimated_cost="2400")
        db.session.commit()
    return campaign.id, campaign.projects[0].id


def _sample_params(live_app) -> dict[str, object]:
    """A value for each route parameter, taken from the demo data."""
    from gup.actions.models import Action
    from gup.agreements.models import Agreement, Commitment, Theme
    from gup.auth.models import User
    from gup.evaluations.models import EvaluationVersion
    from gup.findings.models import Finding
    from gup.governance.models import Body, Meeting
    from gup.hotline.models import ReportCategory, ResidentReport, ResponseTemplate
    from gup.media.models import Photo
    from gup.organisations.models import Organisation
    from gup.relays.models import RelayDraw, RelayPool, ResidentRelay
    from gup.territory.models import Territory
    from gup.tfpb.models import TfpbAction
    from gup.walks.models import Walkthrough

    first = {"organisation_id": Organisation, "territory_id": Territory, "agreement_id": Agreement,
             "commitment_id": Commitment, "theme_id": Theme, "walkthrough_id": Walkthrough, "finding_id": Finding,
             "action_id": Action, "photo_id": Photo, "report_id": ResidentReport, "template_id": ResponseTemplate,
             "category_id": ReportCategory, "user_id": User}
    with live_app.app_context():
        params: dict[str, object] = {name: db.session.scalar(sa.select(sa.func.min(model.id)))
                                     for name, model in first.items()}
        params["reference"] = db.session.scalar(sa.select(ResidentReport.reference).limit(1))
        # the demo's published 2025 review (version 1), a TFPB action and its year
        params["evaluation_id"] = db.session.scalar(sa.select(sa.func.min(EvaluationVersion.evaluation_id))
                                                    .where(EvaluationVersion.number == 1))
        params["number"] = 1
        params["tfpb_action_id"] = db.session.scalar(sa.select(sa.func.min(TfpbAction.id)))
        params["year"] = db.session.scalar(sa.select(sa.func.min(TfpbAction.year)))
        params["body_id"] = db.session.scalar(sa.select(sa.func.min(Body.id)))
        params["meeting_id"] = db.session.scalar(sa.select(sa.func.min(Meeting.id)))
        params["relay_id"] = db.session.scalar(sa.select(sa.func.min(ResidentRelay.id)))
        params["pool_id"] = db.session.scalar(sa.select(sa.func.min(RelayPool.id)))
        params["draw_id"] = db.session.scalar(sa.select(sa.func.min(RelayDraw.id)))
        params["campaign_id"], params["project_id"] = _sample_budget()
        db.session.remove()
    missing = {k for k, v in params.items() if v is None}
    assert missing <= {"template_id"}, missing  # the demo has no response template
    return {k: v for k, v in params.items() if v is not None}


def _page_urls(live_app) -> list[str]:
    params = _sample_params(live_app)
    urls, skipped = [], []
    for rule in sorted(live_app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(params):
            skipped.append(rule.endpoint)
            continue
        urls.append(rule.build({k: params[k] for k in rule.arguments}, append_unknown=False)[1])
    # only the Open311 routes (XML and JSON, named by their own codes) and the response templates' pages are left
    # out (tests/test_security_headers.py checks them all without a browser); the password page needs a mailed
    # token: tests/browser/test_password_links.py opens it, under the same CSP watch
    assert all(e.startswith("open311.") or e.endswith("_template") or e == "auth.choose_password"
               for e in skipped), skipped
    return urls


def _walk(page, urls: list[str]) -> int:
    """Open every URL that answers HTML; return how many pages were opened."""
    opened = 0
    for url in urls:
        probe = page.request.get(url, max_redirects=0)
        if not probe.headers.get("content-type", "").startswith("text/html"):
            assert "frame-ancestors 'none'" in probe.headers.get("content-security-policy", ""), url
            assert probe.headers.get("x-content-type-options") == "nosniff", url
            continue
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        page.wait_for_load_state("load")
        opened += 1
    return opened


def test_every_page_keeps_to_the_policy_as_coordinator_and_as_a_visitor(page, login_as, browser, base_url,
                                                                         live_app, csp_violations):
    urls = _page_urls(live_app)
    login_as(COORDINATOR)
    assert _walk(page, urls) > 50
    page.goto("/api/v1/docs")  # Swagger UI, started by gup/static/js/swagger-ui-init.js
    expect(page.get_by_text("gup API").first).to_be_visible()
    assert not csp_violations, csp_violations

    visitor = browser.new_context(base_url=base_url, locale="fr-FR")
    assert _walk(visitor.new_page(), urls) > 10  # public pages, the login page and the redirects to it
    visitor.close()
    assert not csp_violations, csp_violations
