"""A participatory budget on a phone (360×740): a resident proposes a project, the coordination reviews it
eligible and opens the vote, a resident votes with a code, the same code is refused the second time, the
coordination moves on to the results and the public results page shows the vote. axe-core is clean on every
public page, which never scrolls sideways."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gup.extensions import db
from tests.browser.conftest import DEMO_PASSWORD, Axe

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True,
         "timezone_id": "Europe/Paris"}
COORDINATOR = "coordination@demo.gup.fr"
AGREEMENT = "GUP-BELLERIVE-2025"
TITLE = "Budget participatif du parcours"
PROJECT = "Des bancs à l'ombre du square"
EMAIL = "habitant.budget@example.org"


@pytest.fixture
def campaign(live_app) -> dict:
    """A campaign of the demo agreement taking proposals, with two voting codes (shown once, kept here)."""
    from gup.agreements.models import Agreement
    from gup.auth.models import User
    from gup.budget import services
    from gup.budget.models import PBPhase
    from gup.orm import now_utc

    with live_app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == AGREEMENT))
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        item = services.create_campaign(agreement, actor=coordinator, now=now_utc(), title=TITLE, year=2026,
                                        envelope="20000", choices_per_voter=2)
        services.move_phase(item, PBPhase.PROPOSALS, actor=coordinator, now=now_utc())
        codes = list(services.generate_codes(item, 2, actor=coordinator, now=now_utc()))
        db.session.commit()
        out = {"id": item.id, "codes": codes}
        db.session.remove()
    return out


def _check(page) -> None:
    """axe-core clean and no horizontal scroll on the phone page."""
    violations = Axe(page)()
    assert not violations, f"{page.url}\n" + Axe.format(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def _coordination(browser, base_url):
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(COORDINATOR)
    page.get_by_label("Mot de passe", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    return context, page


def _move_to(page, campaign_id: int, phase: str) -> None:
    page.goto(f"/budgets/{campaign_id}")
    page.get_by_role("button", name=f"Passer à la phase « {phase} »").click()
    expect(page.locator(".phase-banner")).to_contain_text(phase)


def test_a_proposal_goes_to_the_vote_and_a_code_votes_once(browser, base_url, live_app, campaign):
    from gup.budget.models import PBProject

    cid = campaign["id"]
    resident_ctx = browser.new_context(base_url=base_url, **PHONE)
    resident = resident_ctx.new_page()

    # the campaigns, then the campaign with its proposal form
    resident.goto("/budget-participatif")
    expect(resident.get_by_role("heading", level=1)).to_have_text("Budgets participatifs")
    _check(resident)
    resident.get_by_role("link", name=TITLE).click()
    expect(resident.get_by_text("Dépôt des propositions").first).to_be_visible()

    # an invalid submit keeps what was typed and names the error
    resident.get_by_label("Description").fill("Trois bancs près de l'aire de jeux, à l'ombre des tilleuls.")
    resident.get_by_label("Adresse e-mail").fill(EMAIL)
    resident.get_by_role("button", name="Envoyer ma proposition").click()
    expect(resident.locator("#erreurs")).to_contain_text("Donnez un titre à votre proposition.")
    expect(resident.get_by_label("Adresse e-mail")).to_have_value(EMAIL)
    _check(resident)

    resident.get_by_label("Titre de votre proposition").fill(PROJECT)
    resident.get_by_label("Coût estimé en euros (facultatif)").fill("3 000")
    resident.get_by_label("J'accepte d'être contacté·e au sujet de cette proposition").check()
    resident.get_by_role("button", name="Envoyer ma proposition").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Merci, votre proposition a bien été reçue")
    _check(resident)
    with live_app.app_context():
        project = db.session.scalar(sa.select(PBProject).where(PBProject.campaign_id == cid))
        assert project.title == PROJECT and project.author_email == EMAIL
        project_id = project.id
        db.session.remove()

    # the coordination reviews it eligible and opens the vote
    coord_ctx, coord = _coordination(browser, base_url)
    coord.goto(f"/budget-projects/{project_id}")
    coord.get_by_label("Décision").select_option("eligible")
    coord.get_by_label("Coût après étude (€)").fill("2 800")
    coord.get_by_role("button", name="Enregistrer l'étude").click()
    expect(coord.get_by_text(f"Étude de « {PROJECT} » enregistrée.")).to_be_visible()
    _move_to(coord, cid, "Étude des propositions")
    _move_to(coord, cid, "Vote")

    # the campaign page lists it with its reviewed cost, without the author's contact
    resident.goto(f"/budget-participatif/{cid}")
    expect(resident.get_by_text("Le dépôt des propositions est terminé", exact=False)).to_be_visible()
    expect(resident.get_by_text(re.compile(r"coût après étude : 2\s800,00"))).to_be_visible()
    assert EMAIL not in resident.content()
    _check(resident)

    # a resident votes with a code
    code = campaign["codes"][0]
    resident.get_by_role("link", name="Voter", exact=True).click()
    expect(resident.get_by_role("heading", level=1)).to_contain_text("Voter pour les projets")
    _check(resident)
    resident.get_by_label("Votre code de vote").fill(code)
    resident.get_by_role("button", name="Valider mon vote").click()
    expect(resident.locator("#erreurs")).to_contain_text("Choisissez au moins un projet.")
    expect(resident.get_by_label("Votre code de vote")).to_have_value(code)
    _check(resident)
    resident.get_by_label(PROJECT).check()
    resident.get_by_role("button", name="Valider mon vote").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("Merci, votre vote est enregistré")
    _check(resident)

    # the same code, a second time, on another phone
    other = resident_ctx.new_page()
    response = other.goto(f"/budget-participatif/{cid}/voter")
    assert response.ok
    other.get_by_label("Votre code de vote").fill(code.lower())
    other.get_by_label(PROJECT).check()
    with other.expect_response(lambda r: r.request.method == "POST") as posted:
        other.get_by_role("button", name="Valider mon vote").click()
    assert posted.value.status == 409
    expect(other.locator("#code-err")).to_contain_text("Ce code a déjà servi")
    expect(other.get_by_label(PROJECT)).to_be_checked()
    _check(other)

    # the coordination moves on to the results; the public page shows the vote
    _move_to(coord, cid, "Résultats")
    resident.goto(f"/budget-participatif/{cid}/resultats")
    expect(resident.get_by_role("heading", level=1)).to_contain_text("Résultats")
    expect(resident.get_by_text("Voix en ligne : 1 ; voix sur papier et lors des événements : 0 ; total : 1.")) \
        .to_be_visible()
    expect(resident.locator("table")).to_contain_text("Retenu")
    expect(resident.get_by_text("Les projets sont classés par nombre total de voix", exact=False)).to_be_visible()
    assert EMAIL not in resident.content()
    _check(resident)
    coord_ctx.close()
    resident_ctx.close()
