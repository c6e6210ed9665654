"""The whole loop on a phone: a finding logged during a walk reaches bailleur1, becomes an action, is resolved, and
the coordinator sees it resolved on the walk page and in the restitution PDF; bailleur2 cannot touch it."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import jpeg_bytes

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True,
         "timezone_id": "Europe/Paris"}
DESCRIPTION = "Tag injurieux sur la porte du local vélos, bâtiment A, à effacer"
DAY_WALK = "Diagnostic en marchant de jour — Les Tilleuls"


def _phone_page(browser, base_url, email):
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


def _no_horizontal_scroll(page):
    page.wait_for_load_state("load")  # measure the new page with its stylesheet, not one half loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_finding_goes_from_the_walk_to_a_resolved_action(browser, base_url, tmp_path):
    photo = tmp_path / "tag.jpg"
    photo.write_bytes(jpeg_bytes(800, 600, gps=True))

    # 1. the coordinator logs the finding with a photo during the walk, for Habitat Bellerive (bailleur1)
    coord_ctx, coord = _phone_page(browser, base_url, "coordination@demo.gup.fr")
    coord.goto("/walks")
    coord.get_by_role("link", name=DAY_WALK).first.click()
    walk_url = coord.url
    coord.get_by_role("link", name="Saisir un constat", exact=True).click()
    _no_horizontal_scroll(coord)
    coord.get_by_label("Thématique").select_option(label="Parties communes des immeubles")
    coord.get_by_label("Description").fill(DESCRIPTION)
    coord.get_by_label("Adresse ou repère").fill("2 rue des Acacias, local vélos")
    coord.get_by_label("Domanialité").select_option(label="Terrain du bailleur")
    coord.get_by_label("Organisme responsable").select_option(label="Habitat Bellerive (OPH)")
    # the server's line « sera transmis à … », refreshed by the script (its no-JS button is removed)
    expect(coord.get_by_text("ce constat sera transmis à Habitat Bellerive")).to_be_visible()
    expect(coord.get_by_role("button", name="Vérifier à qui il sera transmis")).to_have_count(0)
    coord.get_by_label("Photos").set_input_files(str(photo))
    coord.get_by_role("button", name="Enregistrer le constat", exact=True).click()
    expect(coord.get_by_text(DESCRIPTION)).to_be_visible()
    expect(coord.get_by_text("Transmis au partenaire").first).to_be_visible()
    finding_url = coord.url
    finding_id = int(re.search(r"/findings/(\d+)", finding_url).group(1))
    expect(coord.locator("img[src*='/photos/']").first).to_be_visible()
    _no_horizontal_scroll(coord)

    # 2. bailleur1 finds it in « Mes actions », accepts it, turns it into an action and marks it done
    b1_ctx, b1 = _phone_page(browser, base_url, "bailleur1@demo.gup.fr")
    b1.get_by_role("button", name="Menu").click()  # on a phone the menu folds behind « Menu »
    b1.get_by_role("link", name="Mes actions").click()
    expect(b1.get_by_text(DESCRIPTION[:60])).to_be_visible()
    _no_horizontal_scroll(b1)
    b1.goto(finding_url)
    b1.get_by_label("Nouveau statut").select_option(label="Accepté")
    b1.get_by_role("button", name="Enregistrer le statut").click()
    expect(b1.get_by_text("Accepté").first).to_be_visible()
    b1.get_by_label("Intitulé de l'action").fill("Effacer le tag du local vélos")
    b1.get_by_role("button", name="Créer l'action").click()
    expect(b1).to_have_url(re.compile(r"/actions/\d+"))
    b1.get_by_label("Point d'avancement").fill("Tag effacé par l'équipe de proximité le 20 novembre.")
    b1.get_by_label("Nouveau statut").select_option(label="Réalisée")
    box = b1.get_by_label("Marquer aussi les constats liés comme résolus")
    expect(box).not_to_be_checked()  # never by default (issue 8): the referent ticks it for their own finding
    box.check()
    b1.get_by_role("button", name="Ajouter le point d'avancement").click()
    expect(b1.get_by_role("status")).to_be_visible()
    expect(b1.get_by_text("Réalisée").first).to_be_visible()
    _no_horizontal_scroll(b1)

    # 3. the coordinator sees it resolved on the walk page and in the restitution PDF
    coord.goto(walk_url)
    row = coord.locator("li, tr").filter(has_text=DESCRIPTION[:40]).first
    expect(row).to_contain_text("Résolu")
    pdf = coord.request.get(walk_url + "/restitution.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"].startswith("application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages)
    flat = re.sub(r"\s+", " ", text)
    assert DESCRIPTION in flat and "Habitat Bellerive" in flat

    # 4. bailleur2 cannot change it, in the UI nor in the API
    b2_ctx, b2 = _phone_page(browser, base_url, "bailleur2@demo.gup.fr")
    b2.goto(finding_url)
    expect(b2.get_by_role("button", name="Enregistrer le statut")).to_have_count(0)
    csrf = b2.locator('meta[name="csrf-token"]').get_attribute("content")
    forged = b2.request.post(f"/findings/{finding_id}/status", multipart={"csrf_token": csrf, "status": "in_progress",
                                                                         "note": "forcé"})
    assert forged.status == 403
    b2.goto("/account")
    b2.get_by_label("Nom du jeton").fill("essai")
    b2.get_by_role("button", name="Créer un jeton").click()
    token = b2.locator("#new-token").inner_text().strip()
    api = b2.request.patch(f"/api/v1/findings/{finding_id}", data={"status": "in_progress", "note": "forcé"},
                           headers={"Authorization": f"Bearer {token}"})
    assert api.status == 403
    assert b2.request.get(f"/api/v1/findings/{finding_id}", headers={"Authorization": f"Bearer {token}"}).json()[
        "status"] == "resolved"
    for context in (coord_ctx, b1_ctx, b2_ctx):
        context.close()
