"""On a 360 px phone the list filters fold behind « Filtres »: closed at first, opened with a tap, applied; the
page stays axe-clean. On a desktop screen they are open."""

import re

from playwright.sync_api import expect


def test_filters_fold_on_a_phone_and_apply(page, login_as, axe, tmp_path):
    page.set_viewport_size({"width": 360, "height": 740})
    login_as("coordination@demo.gup.fr")
    page.goto("/signalements")
    box = page.locator("details.filters-box")
    status = page.get_by_label("Statut", exact=True)
    expect(box).not_to_have_attribute("open", "")
    expect(status).to_be_hidden()
    # the first result is on the first screen
    first_row = page.locator("table.responsive tbody tr").first
    assert first_row.bounding_box()["y"] < 740
    page.screenshot(path=str(tmp_path / "signalements-360.png"), full_page=True)
    violations = axe()
    assert not violations, axe.format(violations)

    page.get_by_text("Filtres", exact=True).click()
    expect(status).to_be_visible()
    status.select_option(label="Tous")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"status=all"))
    # a filter is active: the disclosure comes back open, with the export carrying it
    expect(box).to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Exporter en CSV (tableur)")).to_have_attribute(
        "href", re.compile(r"/signalements\.csv\?.*status=all"))
    violations = axe()
    assert not violations, axe.format(violations)

    for path in ("/findings", "/actions", "/commitments", "/walks"):
        page.goto(path)
        expect(page.locator("details.filters-box")).not_to_have_attribute("open", "")
        page.screenshot(path=str(tmp_path / f"{path.strip('/')}-360.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    for path in ("/signalements", "/findings", "/actions", "/commitments", "/walks"):
        page.goto(path)
        expect(page.locator("details.filters-box")).to_have_attribute("open", "")
        expect(page.get_by_role("button", name="Filtrer")).to_be_visible()
        page.screenshot(path=str(tmp_path / f"{path.strip('/')}-1280.png"), full_page=True)
