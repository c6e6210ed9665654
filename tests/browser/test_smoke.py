"""Smoke test: the live server answers, in French, and its login page passes axe."""

import re

from playwright.sync_api import expect


def test_login_page_shows_the_french_form_without_serious_accessibility_violation(page, axe):
    response = page.goto("/login")

    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^fr"))
    expect(page.get_by_label("Adresse e-mail", exact=True)).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_be_visible()
    submit = page.get_by_role("button", name="Se connecter", exact=True)
    expect(submit).to_be_visible()
    login_form = page.locator("form").filter(has=submit)
    expect(login_form.locator("input[name=csrf_token]")).to_have_count(1)  # the live server runs with CSRF on
    violations = axe()
    assert not violations, axe.format(violations)
