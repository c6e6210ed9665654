"""Browser journeys of evaluations on the demo: the coordination's published review and its report, a partner's
contribution on a phone, the public list of published reports; axe on each page."""

from playwright.sync_api import expect


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


def test_coordination_reads_the_published_review_and_downloads_its_report(page, login_as, axe):
    login_as("coordination@demo.gup.fr")
    _menu(page, "Évaluations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Évaluations")
    assert not (violations := axe()), axe.format(violations)
    page.get_by_role("link", name="Bilan annuel 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilan annuel 2025")
    expect(page.locator(".badge", has_text="Publiée").first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Constats enregistrés")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)
    link = page.get_by_role("link", name="Rapport (PDF) — Version 1")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert len(response.headers["x-content-sha256"]) == 64


def test_a_referent_writes_the_contribution_of_their_organisation_on_a_phone(page, login_as, axe):
    page.set_viewport_size({"width": 360, "height": 780})
    login_as("bailleur1@demo.gup.fr")
    page.goto("/evaluations?kind=midterm")
    page.get_by_role("link", name="Évaluation à mi-parcours").first.click()
    page.get_by_role("link", name="Rédiger une contribution").click()
    assert not (violations := axe()), axe.format(violations)
    expect(page.get_by_label("Organisme")).to_contain_text("Habitat Bellerive")
    page.get_by_label("Contribution").fill("Présence renforcée des gardiens et sur-entretien des halls.")
    page.get_by_role("button", name="Enregistrer la contribution").click()
    expect(page.get_by_role("status")).to_contain_text("Contribution enregistrée")
    expect(page.get_by_text("Habitat Bellerive (OPH) : contribution reçue")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)


def test_visitors_find_the_published_reports(page, axe):
    page.goto("/bilans")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bilans et évaluations publiés")
    expect(page.get_by_role("link", name="Bilan annuel 2025 — Convention de gestion urbaine de proximité de "
                                         "Bellerive 2025-2030")).to_be_visible()
    assert not (violations := axe()), axe.format(violations)
