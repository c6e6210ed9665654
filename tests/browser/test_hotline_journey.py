"""A resident reports on a phone, follows the report; the coordinator merges a duplicate and routes it to
bailleur1, who resolves it with an explanation; the public page shows it and no personal data."""

import re

from playwright.sync_api import expect

from tests.factories import jpeg_bytes

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True,
         "timezone_id": "Europe/Paris"}
CATEGORY = "Aire de jeux ou banc abîmé"
ADDRESS = "Square des Tilleuls, aire de jeux"
EMAIL = "habitante.test@example.org"


def _file_report(page, description, *, photo=None, email=None):
    page.goto("/signaler")
    page.get_by_label(CATEGORY).check()
    page.get_by_label("Description du problème").fill(description)
    page.get_by_label("Adresse ou lieu précis").fill(ADDRESS)
    if photo:
        page.get_by_label(re.compile("^Photos")).set_input_files(str(photo))
    if email:
        page.get_by_label("Adresse e-mail").fill(email)
        page.get_by_label("Nom").fill("Samia Habitante")
        page.get_by_label("J'accepte d'être contacté·e au sujet de ce signalement").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")
    return page.locator(".reference-value").inner_text().strip()


def _staff(browser, base_url, email):
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill("demo-gup-2026")
    page.get_by_role("button", name="Se connecter", exact=True).click()
    # the coordination lands on the dashboard, a partner's referent on « Mes actions »
    landing = "Mes actions" if email.startswith("bailleur") else "Tableau de bord"
    expect(page.get_by_role("heading", name=landing, level=1)).to_be_visible()
    return context, page


def test_resident_report_from_phone_to_public_answer(browser, base_url, tmp_path, axe):
    photo = tmp_path / "banc.jpg"
    photo.write_bytes(jpeg_bytes(640, 480, gps=True))
    resident_ctx = browser.new_context(base_url=base_url, **PHONE)
    resident = resident_ctx.new_page()

    # an invalid submit keeps every value typed
    resident.goto("/signaler")
    resident.get_by_label(CATEGORY).check()
    resident.get_by_label("Adresse ou lieu précis").fill(ADDRESS)
    resident.get_by_label("Adresse e-mail").fill(EMAIL)
    resident.get_by_role("button", name="Envoyer le signalement").click()
    expect(resident.get_by_label("Adresse ou lieu précis")).to_have_value(ADDRESS)
    expect(resident.get_by_label("Adresse e-mail")).to_have_value(EMAIL)
    expect(resident.get_by_label(CATEGORY)).to_be_checked()
    expect(resident.get_by_text("Décrivez le problème").first).to_be_visible()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 360

    # the report, with a photo, then a duplicate by someone else
    reference = _file_report(resident, "Le toboggan est cassé, une planche dépasse", photo=photo, email=EMAIL)
    assert re.fullmatch(r"GUP-\d{4}-\d{6}", reference)
    resident.get_by_role("link", name="Suivre ce signalement").click()
    expect(resident.get_by_text("Reçu").first).to_be_visible()
    other = _file_report(resident_ctx.new_page(), "Toboggan dangereux au square")

    # the coordinator merges the duplicate and routes the report to Habitat Bellerive (bailleur1)
    coord_ctx, coord = _staff(browser, base_url, "coordination@demo.gup.fr")
    coord.goto(f"/signalements?reference={other}")
    coord.get_by_role("link", name=other).click()
    coord.get_by_text("Fusionner avec un autre signalement (doublon)").click()
    coord.get_by_label("… ou sa référence").fill(reference)
    coord.get_by_role("button", name="Fusionner").click()
    expect(coord.get_by_text("Doublon").first).to_be_visible()
    coord.goto(f"/signalements?reference={reference}")
    coord.get_by_role("link", name=reference).click()
    coord.get_by_text("Transmettre ou réorienter vers un organisme").click()
    coord.get_by_label("Organisme responsable").select_option(label="Habitat Bellerive (OPH)")
    coord.get_by_role("button", name="Transmettre").click()
    expect(coord.get_by_text("Transmis à l'organisme").first).to_be_visible()
    assert coord.evaluate("document.documentElement.scrollWidth") <= 360

    # bailleur1 resolves it with an explanation
    b1_ctx, b1 = _staff(browser, base_url, "bailleur1@demo.gup.fr")
    b1.goto(f"/signalements?reference={reference}")
    b1.get_by_role("link", name=reference).click()
    expect(b1.get_by_text(EMAIL)).to_have_count(0)  # contact data stays with the coordination
    b1.locator("summary", has_text="Déclarer résolu").click()
    explanation = "Le toboggan a été réparé et sécurisé le 21 novembre par notre équipe."
    b1.locator("details[open] textarea").fill(explanation)
    b1.locator("details[open] button[type=submit]", has_text="Déclarer résolu").click()
    expect(b1.get_by_text(explanation).first).to_be_visible()

    # the public page shows the explanation and no personal data, for both reporters
    resident.goto(f"/suivi/{reference}")
    expect(resident.get_by_text(explanation)).to_be_visible()
    html = resident.content()
    assert EMAIL not in html and "Samia" not in html
    assert not (violations := axe.__class__(resident)()), axe.format(violations)
    resident.goto(f"/suivi/{other}")
    expect(resident.get_by_text(reference).first).to_be_visible()
    for context in (resident_ctx, coord_ctx, b1_ctx):
        context.close()
