"""Resident relays on a phone (issue 10): the coordination runs a draw from a pool of volunteers and publishes
it, anyone re-runs it from the public page; a relay of a stairwell files a report for their neighbours from
« Mon espace relais » and it reaches the coordination's triage queue on channel relay. axe-core is clean on
every page visited; screenshots at 360 and 1280 px go to /tmp/shots-relays/."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from gup.extensions import db

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "fr-FR", "is_mobile": True, "has_touch": True,
         "timezone_id": "Europe/Paris"}
PASSWORD = "demo-gup-2026"
COORDINATOR = "coordination@demo.gup.fr"
AGREEMENT = "GUP-BELLERIVE-2025"
SHOTS = Path(tempfile.gettempdir()) / "shots-relays"
POOL_NAME = "Volontaires de l'escalier A (test)"
VOLUNTEERS = [("Inès Volontaire", "Femme"), ("Hugo Volontaire", "Homme"), ("Léa Volontaire", "Femme"),
              ("Marc Volontaire", "Homme"), ("Nora Volontaire", "Femme"), ("Paul Volontaire", "Homme"),
              ("Rémi Volontaire", "")]
RELAY_EMAIL = "relais.escalier@example.org"
RELAY_NAME = "Nadia Escalier"
STAIRWELL_CODE = "test-relais-esc-a"
DESCRIPTION = "La minuterie de l'escalier A ne fonctionne plus depuis lundi : les voisins montent dans le noir."


def _context(browser, base_url):
    return browser.new_context(base_url=base_url, **PHONE)


def _login(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()


def _check(page, axe) -> None:
    """axe-core clean and no horizontal scroll on the phone page."""
    violations = axe.__class__(page)()
    assert not violations, f"{page.url}\n" + axe.format(violations)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["viewport"]["width"], f"{page.url} scrolls sideways ({width} px)"


def _shoot(page, name: str) -> None:
    """The page at 360 px (as it is) and at 1280 px, full length; the phone viewport is put back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE["viewport"])


def _facts(page) -> dict[str, str]:
    """The draw's facts (« Graine », « Taille du vivier »…) as label → text."""
    terms = page.locator("dl.facts dt").all_inner_texts()
    values = page.locator("dl.facts dd").all_inner_texts()
    assert len(terms) == len(values)
    return {t.strip(): v.strip() for t, v in zip(terms, values, strict=True)}


def _ids(text: str) -> list[str]:
    return re.findall(r"V-\d{4}", text)


# --- 1. a draw from a pool ----------------------------------------------------------------------

def test_coordination_draws_relays_from_a_pool_and_anyone_can_verify(browser, base_url, axe):
    from gup.relays.draw import ALGORITHM, draw

    coord_ctx = _context(browser, base_url)
    coord = coord_ctx.new_page()
    _login(coord, COORDINATOR)
    expect(coord.get_by_role("heading", name="Tableau de bord")).to_be_visible()

    # relays home → the agreement's relays → its pools
    coord.goto("/relays")
    expect(coord.get_by_role("heading", level=1, name="Habitants relais")).to_be_visible()
    _check(coord, axe)
    coord.get_by_role("link", name=re.compile(AGREEMENT)).first.click()
    _check(coord, axe)
    coord.get_by_role("link", name="Viviers et tirages au sort").click()
    expect(coord.get_by_role("heading", level=1, name="Viviers et tirages au sort")).to_be_visible()
    _check(coord, axe)

    # a pool with seven volunteers, added through the pool page
    coord.get_by_label("Nom du vivier").fill(POOL_NAME)
    coord.get_by_role("button", name="Créer le vivier").click()
    expect(coord.get_by_role("heading", level=1, name=POOL_NAME)).to_be_visible()
    expect(coord.get_by_text("Vivier créé.")).to_be_visible()
    _check(coord, axe)
    for name, gender in VOLUNTEERS:
        coord.get_by_label("Nom et prénom").fill(name)
        if gender:
            coord.get_by_label("Genre (facultatif, pour la parité)").select_option(label=gender)
        coord.get_by_role("button", name="Ajouter au vivier").click()
        expect(coord.get_by_text(re.compile(rf"{name} ajouté·e au vivier \(V-\d{{4}}\)"))).to_be_visible()
    table = coord.get_by_role("table", name=re.compile("Volontaires du vivier"))
    expect(table.locator("tbody tr")).to_have_count(len(VOLUNTEERS))
    expect(table.get_by_role("rowheader", name="V-0007")).to_be_visible()
    _check(coord, axe)

    # a wrong number of seats is a French error, not a 500
    coord.get_by_label("Nombre de places").fill("20")
    coord.get_by_role("button", name="Lancer le tirage").click()
    expect(coord.get_by_text("Le vivier compte moins de personnes que de places à pourvoir.").first).to_be_visible()
    _check(coord, axe)
    _shoot(coord, "pool")

    # three seats with parity
    coord.get_by_label("Nombre de places").fill("3")
    coord.get_by_label("Alterner femmes et hommes (parité)").check()
    coord.get_by_role("button", name="Lancer le tirage").click()
    expect(coord.get_by_role("heading", level=1, name=f"Tirage au sort — {POOL_NAME}")).to_be_visible()
    expect(coord.get_by_text("Tirage au sort effectué.")).to_be_visible()
    drawn = _ids(coord.locator("main ol").inner_text())
    assert len(drawn) == 3
    names = dict(zip([f"V-{i:04d}" for i in range(1, 8)], [n for n, _g in VOLUNTEERS], strict=True))
    for pid in drawn:  # the coordination sees who was drawn
        expect(coord.locator("main ol").get_by_text(f"{pid} — {names[pid]}")).to_be_visible()
    _check(coord, axe)
    coord.get_by_role("button", name="Publier le tirage").click()
    expect(coord.get_by_text("Tirage publié.")).to_be_visible()
    _check(coord, axe)
    _shoot(coord, "draw")
    public_url = coord.get_by_role("link", name=re.compile(r"tirages.\d+$")).get_attribute("href")
    assert re.fullmatch(r"/tirages/\d+", public_url)

    # the public page, in a fresh context without login
    public_ctx = _context(browser, base_url)
    public = public_ctx.new_page()
    public.goto(public_url)
    expect(public.get_by_role("heading", level=1, name="Tirage au sort d'habitants relais")).to_be_visible()
    assert "/login" not in public.url
    facts = _facts(public)
    seed = facts["Graine"]
    assert re.fullmatch(r"[0-9a-f]{32}", seed)
    pool = _ids(facts["Vivier (identifiants, ordre fixe)"])
    assert pool == [f"V-{i:04d}" for i in range(1, 8)]
    assert facts["Taille du vivier"] == str(len(VOLUNTEERS))
    assert facts["Places"] == "3"
    assert ALGORITHM in facts["Méthode"] and "parité" in facts["Méthode"]
    result = _ids(facts["Résultat"])
    assert result == drawn
    women = _ids(facts["Femmes (parité)"])
    assert women == ["V-0001", "V-0003", "V-0005"]
    assert facts["Vérification"] == "Résultat recalculé identique"
    html = public.content()
    for name, _gender in VOLUNTEERS:
        assert name not in html  # only pseudonyms are published

    # gup.relays.draw re-run from what the page shows gives the same result …
    genders = {p: ("woman" if p in women else "other") for p in pool}
    assert draw(pool, 3, seed, genders) == result
    # … and so does the verification command it displays, in a plain Python
    command = public.locator("pre code").inner_text().strip()
    assert command.startswith('python3 -c "') and seed in command
    code = command.split('-c "', 1)[1].rstrip('"')
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True,
                         timeout=30).stdout
    assert ast.literal_eval(out.strip()) == result
    # a pseudonym never breaks at its hyphen on the phone
    assert public.evaluate("[...document.querySelectorAll('.ids > span')].every(s => s.getClientRects().length === 1)")
    _check(public, axe)
    _shoot(public, "public-draw")
    for context in (coord_ctx, public_ctx):
        context.close()


# --- 2. a relay files a report for their stairwell ----------------------------------------------------

@pytest.fixture
def stairwell_relay(live_app) -> dict[str, int]:
    """A stairwell under a building of the demo agreement and its relay, with an account (role relay); kept in
    the session's database (its code and e-mail are used by no other test)."""
    from gup.agreements.models import Agreement
    from gup.auth.models import Role, User
    from gup.i18n import local_today
    from gup.orm import now_utc
    from gup.relays import services, work
    from gup.territory.models import Territory, TerritoryKind
    from gup.territory.queries import subtree
    from gup.territory.services import create_territory

    with live_app.app_context():
        agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == AGREEMENT))
        coordinator = db.session.scalar(sa.select(User).where(User.email == COORDINATOR))
        ids = {i for t in agreement.territories for i in db.session.scalars(subtree(t.id))}
        building = db.session.scalar(sa.select(Territory).where(Territory.id.in_(ids),
                                                                Territory.kind == TerritoryKind.BUILDING)
                                     .order_by(Territory.id))
        stairwell = create_territory(kind=TerritoryKind.STAIRWELL, code=STAIRWELL_CODE, name="Cage d'escalier A",
                                     parent=building, actor=coordinator)
        today = local_today()
        relay = services.create_relay(agreement, actor=coordinator, mandate_start_on=today - timedelta(days=30),
                                      person_name=RELAY_NAME, territory=stairwell, email=RELAY_EMAIL,
                                      consent_given_on=today - timedelta(days=30), consent_channels=["email"])
        user = work.create_account(relay, actor=coordinator, now=now_utc(), password=PASSWORD)
        assert user.role is Role.RELAY
        db.session.commit()
        out = {"relay": relay.id, "stairwell": stairwell.id, "building": building.id, "user": user.id}
        db.session.remove()
    return out


def test_stairwell_relay_files_a_report_that_reaches_the_triage_queue(browser, base_url, live_app, axe,
                                                                      stairwell_relay):
    from gup.hotline.models import Channel, ResidentReport
    from gup.relays.models import RelayReport

    relay_ctx = _context(browser, base_url)
    relay = relay_ctx.new_page()
    _login(relay, RELAY_EMAIL)
    # a relay's account lands on their phone page: one mandate, straight to it
    expect(relay.get_by_role("heading", level=1, name="Mon espace relais")).to_be_visible()
    assert relay.url.endswith(f"/relais/{stairwell_relay['relay']}")
    expect(relay.get_by_text("Habitant·e relais : Cage d'escalier A.", exact=False)).to_be_visible()
    _check(relay, axe)
    _shoot(relay, "relay-report-form")

    # an empty submit says what is missing, in French
    relay.get_by_role("button", name="Envoyer le signalement").click()
    expect(relay.get_by_text("Choisissez une catégorie.").first).to_be_visible()
    expect(relay.get_by_text("Décrivez le problème.").first).to_be_visible()
    _check(relay, axe)

    # the form: the stairwell is chosen already
    where = relay.get_by_label("Où ?")
    assert where.input_value() == str(stairwell_relay["stairwell"])
    relay.get_by_label("Catégorie du problème").select_option(label="Éclairage en panne")
    relay.get_by_label("Précision sur le lieu (étage, porte, parking…)").fill("Paliers du 2e au 4e étage")
    relay.get_by_label("Ce qui ne va pas").fill(DESCRIPTION)
    relay.get_by_role("button", name="Envoyer le signalement").click()
    confirmation = relay.get_by_text(re.compile(r"Signalement GUP-\d{4}-\d{6} envoyé à la coordination\. Merci !"))
    expect(confirmation).to_be_visible()
    reference = re.search(r"GUP-\d{4}-\d{6}", confirmation.inner_text()).group(0)
    expect(relay.locator(".card").filter(has_text=reference)).to_contain_text("Éclairage")
    _check(relay, axe)

    # in the database: channel relay, the stairwell, linked to the relay, no resident contact
    with live_app.app_context():
        report = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.reference == reference))
        assert report.channel is Channel.RELAY
        assert report.territory_id == stairwell_relay["stairwell"]
        assert report.description == DESCRIPTION
        link = db.session.get(RelayReport, report.id)
        assert link.relay_id == stairwell_relay["relay"] and link.filed_by_id == stairwell_relay["user"]
        db.session.remove()

    # the coordination finds it in its triage queue, filtered on channel relay
    coord_ctx = _context(browser, base_url)
    coord = coord_ctx.new_page()
    _login(coord, COORDINATOR)
    coord.goto("/signalements?channel=relay")
    expect(coord.get_by_role("link", name=reference)).to_be_visible()
    _check(coord, axe)
    coord.get_by_role("link", name=reference).click()
    expect(coord.get_by_text(DESCRIPTION).first).to_be_visible()
    expect(coord.get_by_text("Habitant relais").first).to_be_visible()
    _check(coord, axe)
    for context in (relay_ctx, coord_ctx):
        context.close()
