"""The coordinator's dashboard opens on « À traiter »: the demo's overdue resident reports come first, every group
has its count and links to the item, on a phone and on a desktop, axe-core clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Axe

SIZES = {"phone": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
         "desktop": {"viewport": {"width": 1280, "height": 900}}}


def _login(page, email="coordination@demo.gup.fr"):
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill("demo-gup-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_coordinator_starts_the_day_on_the_worklist(browser, base_url, size):
    context = browser.new_context(base_url=base_url, locale="fr-FR", **SIZES[size])
    page = context.new_page()
    try:
        _login(page)
        page.goto("/")
        todo = page.get_by_role("region", name="À traiter")
        expect(todo).to_be_visible()
        # the worklist is the first thing on the page, right under the title
        assert todo.bounding_box()["y"] < 400
        triage = page.get_by_role("region", name=re.compile("^Signalements d'habitants à trier"))
        expect(triage).to_be_visible()
        rows = triage.get_by_role("listitem")
        assert rows.count() >= 2
        # overdue first: the first two reports of the group are « En retard »
        for i in range(2):
            expect(rows.nth(i).get_by_text("En retard", exact=True)).to_be_visible()
        summary = todo.get_by_role("link", name="Signalements d'habitants à trier", exact=True)
        expect(summary).to_have_attribute("href", "#todo-report_triage")
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
        first = rows.first.get_by_role("link").first
        reference = re.search(r"GUP-\d{4}-\d+", first.inner_text()).group(0)
        with page.expect_navigation():
            first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
        if size == "phone":
            page.goto("/")
            page.screenshot(path=f"test-results/worklist-{size}.png", full_page=True)
    finally:
        context.close()
