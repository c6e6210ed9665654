"""In the browser, CSRF on: an administrator invites a person, who chooses a password from the link and logs in;
« Mot de passe oublié ? » answers without saying whether the address has an account. The pages pass axe."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from gup.extensions import db
from gup.notifications.models import OutboundMail

NEW_PASSWORD = "mon-mot-de-passe-choisi"


def _invitation_path(live_app, email: str) -> str:
    with live_app.app_context():
        body = db.session.scalar(sa.select(OutboundMail.body).where(OutboundMail.to_address == email,
                                                                    OutboundMail.template == "account_invitation"))
        db.session.remove()
    return re.search(r"/mot-de-passe/[A-Za-z0-9_.\-]+", body).group(0)


def test_invited_person_chooses_a_password_then_logs_in(page, browser, base_url, live_app, login_as, axe):
    login_as("admin@demo.gup.fr")
    page.goto("/admin/users/new")
    expect(page.locator("input[type=password]")).to_have_count(0)
    page.get_by_label("Nom complet").fill("Irène Invitée")
    page.get_by_label("Adresse e-mail").fill("irene@example.org")
    page.get_by_label("Rôle").select_option("observer")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("une invitation a été envoyée à irene@example.org")).to_be_visible()

    path = _invitation_path(live_app, "irene@example.org")
    invited = browser.new_page(base_url=base_url)
    invited.goto(path)
    expect(invited.get_by_role("heading", name="Choisir votre mot de passe")).to_be_visible()
    violations = type(axe)(invited)()
    assert not violations, axe.format(violations)
    invited.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    invited.get_by_label("Confirmation du mot de passe").fill(NEW_PASSWORD)
    with invited.expect_navigation():
        invited.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(invited.get_by_text("Mot de passe enregistré")).to_be_visible()
    invited.get_by_label("Adresse e-mail", exact=True).fill("irene@example.org")
    invited.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
    with invited.expect_navigation():
        invited.get_by_role("button", name="Se connecter", exact=True).click()
    expect(invited.get_by_text("Bienvenue, Irène Invitée")).to_be_visible()
    invited.goto(path)  # used once: refused
    expect(invited.get_by_role("heading", name="Ce lien n'est plus valable")).to_be_visible()
    invited.close()


def test_forgot_password_page_answers_the_same_for_any_address(page, axe):
    answers = []
    for email in ("coordination@demo.gup.fr", "personne@example.org"):
        page.goto("/login")
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        violations = axe()
        assert not violations, axe.format(violations)
        page.get_by_label("Adresse e-mail").fill(email)
        with page.expect_navigation():
            page.get_by_role("button", name="Recevoir un lien").click()
        answers.append(page.locator("main").inner_text())
    assert answers[0] == answers[1] and "Si un compte existe pour cette adresse" in answers[0]
