"""The phone, in the field: a compact header whose menu opens on demand, with and without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Axe

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True}


def _login(page, email="coordination@demo.gup.fr"):
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill("demo-gup-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()


def test_the_menu_folds_on_a_phone_and_opens_with_the_menu_button(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    try:
        _login(page)
        page.goto("/walks/1")
        nav = page.get_by_role("navigation", name="Menu principal")
        expect(nav).to_be_hidden()
        heading = page.get_by_role("heading", level=1)
        # the page starts at the top of the screen, not below a 400 px menu
        assert heading.bounding_box()["y"] < 160
        action = page.get_by_role("link", name="Saisir un constat", exact=True)
        assert action.bounding_box()["y"] < 400
        toggle = page.get_by_role("button", name="Menu")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
        toggle.click()
        expect(nav).to_be_visible()
        expect(page.get_by_role("button", name="Fermer le menu")).to_have_attribute("aria-expanded", "true")
        expect(nav.get_by_role("link", name="Constats")).to_be_visible()
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
        page.get_by_role("button", name="Fermer le menu").click()
        expect(nav).to_be_hidden()
    finally:
        context.close()


def test_without_javascript_the_menu_link_opens_and_closes_the_menu(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        _login(page)
        page.goto("/findings")
        nav = page.get_by_role("navigation", name="Menu principal")
        expect(nav).to_be_hidden()
        page.get_by_role("link", name="Menu", exact=True).click()
        expect(nav).to_be_visible()
        expect(nav.get_by_role("link", name="Diagnostics")).to_be_visible()
        nav.get_by_role("link", name="Fermer le menu").click()
        expect(nav).to_be_hidden()
    finally:
        context.close()


def test_the_desktop_header_keeps_its_full_menu(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    try:
        _login(page)
        expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
        expect(page.locator(".menu-toggle")).to_be_hidden()
        assert page.request.get("/favicon.ico").status == 200
    finally:
        context.close()


def test_open311_keys_fit_a_phone_and_revoking_asks_first(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    try:
        _login(page, "admin@demo.gup.fr")
        page.goto("/admin/open311")
        page.get_by_label("Nom de l'application", exact=False).first.fill("Appli mobile du quartier")
        with page.expect_navigation():
            page.get_by_role("button", name="Créer la clé").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        violations = Axe(page)()
        assert not violations, Axe.format(violations)
        summary = page.locator("summary", has_text="Révoquer la clé de l'application Appli mobile du quartier")
        confirm = page.get_by_role("button", name="Révoquer définitivement la clé")
        expect(confirm).to_be_hidden()
        summary.click()
        expect(confirm).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        with page.expect_navigation():
            confirm.click()
        expect(page.get_by_text("Clé de l'application Appli mobile du quartier révoquée.")).to_be_visible()
    finally:
        context.close()
