"""Browser journeys on the demo data: coordinator progress update, referent isolation, accessibility, phones."""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

SHOTS = Path(tempfile.gettempdir()) / "gup-screens"
SHOTS.mkdir(exist_ok=True)


def _open_demo_agreement(page):
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Conventions").click()
    page.get_by_role("link", name="GUP-BELLERIVE-2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bellerive")


def test_coordinator_adds_a_progress_update(page, login_as, axe):
    login_as("coordination@demo.gup.fr")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)

    _open_demo_agreement(page)
    expect(page.get_by_role("heading", name="Dates clés")).to_be_visible()
    expect(page.locator("li", has_text="Évaluation à mi-parcours")).to_be_visible()  # the key dates
    expect(page.get_by_role("link", name="Évaluation à mi-parcours")).to_be_visible()  # the evaluations' timeline
    expect(page.get_by_text("Fin (prolongée par avenant)")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)

    page.get_by_role("link", name=re.compile(r"^ENG-01 ")).click()
    page.get_by_label("Point d'avancement").fill(
        "Passage quotidien du prestataire dans les halls depuis le 2 novembre.")
    page.get_by_label("Nouvel avancement (%)").fill("75")
    page.get_by_role("button", name="Ajouter le point d'avancement").click()
    expect(page.get_by_role("status")).to_contain_text("Point d'avancement ajouté")
    expect(page.get_by_text("Passage quotidien du prestataire dans les halls depuis le 2 novembre.")).to_be_visible()
    expect(page.get_by_text("Avancement : 75 %")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)


def test_bailleur2_cannot_edit_bailleur1_commitment(page, login_as, base_url):
    login_as("bailleur2@demo.gup.fr")
    _open_demo_agreement(page)
    page.get_by_role("link", name=re.compile(r"^ENG-01 ")).click()  # Habitat Bellerive's commitment
    expect(page.get_by_role("heading", level=1)).to_contain_text("ENG-01")
    expect(page.get_by_role("link", name="Modifier l'engagement")).to_have_count(0)
    expect(page.get_by_role("button", name="Ajouter le point d'avancement")).to_have_count(0)
    response = page.goto(page.url.rstrip("/") + "/edit")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    # a forged POST with a valid CSRF token is refused as well
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    forged = page.request.post(page.url, form={"csrf_token": token, "title": "Piraté", "partner_id": "1",
                                              "theme_id": "1", "funding_source": "mainstream", "status": "agreed"})
    assert forged.status == 403


def test_bailleur2_updates_own_commitment_from_a_phone(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740}, locale="fr-FR",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Adresse e-mail", exact=True).fill("bailleur2@demo.gup.fr")
        page.get_by_label("Mot de passe", exact=True).fill("demo-gup-2026")
        page.get_by_role("button", name="Se connecter", exact=True).click()
        expect(page.get_by_role("heading", name="Mes actions", level=1)).to_be_visible()  # a referent's landing
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.goto("/commitments")
        page.get_by_text("Filtres", exact=True).click()  # folded on a phone
        page.get_by_label("Partenaire").select_option(label="Logis du Val (ESH)")
        page.get_by_label("Statut").select_option(label="En cours")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        link = page.get_by_role("link", name=re.compile(r"^ENG-\d+ ")).first
        link.click()
        page.get_by_label("Point d'avancement").fill("Rendez-vous pris avec l'entreprise pour la semaine prochaine.")
        page.get_by_role("button", name="Ajouter le point d'avancement").click()
        expect(page.get_by_role("status")).to_contain_text("Point d'avancement ajouté")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(SHOTS / "commitment-360.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/agreements", "/commitments", "/organisations", "/territory", "/account"])
def test_main_pages_have_no_serious_accessibility_violation(page, login_as, axe, path):
    login_as("coordination@demo.gup.fr")
    page.goto(path)
    assert not (violations := axe()), axe.format(violations)
