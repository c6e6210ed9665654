"""Public pages of participatory budgets (no account): the campaigns, a campaign and its proposal form, the
online vote with a voting code, the results and the delivery — phase gating, French errors, no personal data."""

from __future__ import annotations

import html

import sqlalchemy as sa

from gup.actions.models import ActionStatus
from gup.actions.services import add_action_update
from gup.budget import services
from gup.budget.models import PBPhase, PBProject, ProjectStatus, VotingCode
from gup.extensions import db, limiter
from gup.media.services import store_photo
from tests.budget.conftest import NOW, projects_in_vote, to_phase

SECRET_NAME, SECRET_EMAIL, SECRET_PHONE = "Mme Confidentielle", "confidentielle@example.org", "06 12 34 56 78"


def _text(response) -> str:
    """The page, its narrow and plain no-break spaces (amounts, « ») as spaces."""
    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\xa0", " ")


def _codes(campaign, w, n=3) -> list[str]:
    codes = services.generate_codes(campaign, n, actor=w["coordinator"], now=NOW)
    db.session.commit()
    return list(codes)


def _projects() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PBProject))


def test_the_list_shows_public_campaigns_only_with_their_phase_and_dates(client, campaign):
    page = _text(client.get("/budget-participatif"))
    assert "Budget participatif 2026" not in page and "Aucune campagne" in page
    missing = client.get(f"/budget-participatif/{campaign.id}")  # in preparation: not public yet
    assert missing.status_code == 404 and "pas encore ouverte au public" in _text(missing)
    assert client.get("/budget-participatif/999999/resultats").status_code == 404
    to_phase(campaign, PBPhase.PROPOSALS)
    page = _text(client.get("/budget-participatif"))
    assert "Budget participatif 2026" in page and "Dépôt des propositions" in page
    assert "Proposer un projet" in page
    assert "Étude des propositions, à partir du 10 juin 2026" in page


def test_a_resident_proposes_a_project_with_french_errors_first(client, campaign, place):
    to_phase(campaign, PBPhase.PROPOSALS)
    url = f"/budget-participatif/{campaign.id}"
    page = _text(client.get(url))
    assert "Phase actuelle :" in page and "Envoyer ma proposition" in page and "10 000,00" in page
    assert "Résidence du Parc" in page and "Bâtiment A" in page and "Hors périmètre" not in page
    empty = client.post(url, data={"title": "", "description": "Des bancs à l'ombre"})
    assert empty.status_code == 422
    assert "Donnez un titre à votre proposition." in _text(empty) and "Des bancs à l'ombre" in _text(empty)
    assert 'id="erreurs"' in _text(empty)
    bad_cost = client.post(url, data={"title": "Bancs", "description": "Des bancs", "estimated_cost": "beaucoup"})
    assert bad_cost.status_code == 422 and "Montant invalide." in _text(bad_cost)
    outside = client.post(url, data={"title": "Bancs", "description": "Des bancs",
                                     "place_id": str(place["outside"].id)})
    assert outside.status_code == 422 and "Choisissez un lieu dans la liste." in _text(outside)
    no_way = client.post(url, data={"title": "Bancs", "description": "Des bancs", "contact_consent": "y"})
    assert no_way.status_code == 422 and "indiquez une adresse e-mail ou un numéro" in _text(no_way)
    assert _projects() == 0
    ok = client.post(url, data={"title": "Bancs", "description": "Des bancs", "place_id": str(place["res"].id),
                                "estimated_cost": "1 500", "contact_name": SECRET_NAME,
                                "contact_email": SECRET_EMAIL})  # no consent: the contact is dropped
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/budget-participatif/{campaign.id}/merci")
    thanks = _text(client.get(ok.headers["Location"]))
    assert "Merci, votre proposition a bien été reçue" in thanks and "« Bancs »" in thanks
    assert "n'ont pas été conservées" in thanks
    project = db.session.scalar(sa.select(PBProject))
    assert (project.title, str(project.estimated_cost), project.place_id) == ("Bancs", "1500.00", place["res"].id)
    assert project.neighbourhood_id == place["nbh1"].id and project.author_email is None
    assert project.contact_consent_at is None
    kept = client.post(url, data={"title": "Préau", "description": "Un préau", "contact_email": SECRET_EMAIL,
                                  "contact_consent": "y"})
    assert kept.status_code == 302
    assert "Vous avez accepté d'être recontacté·e" in _text(client.get(kept.headers["Location"]))
    second = db.session.scalar(sa.select(PBProject).where(PBProject.title == "Préau"))
    assert second.author_email == SECRET_EMAIL and second.contact_consent_at is not None


def test_the_thanks_page_without_a_proposal_goes_back_to_the_campaign(client, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    response = client.get(f"/budget-participatif/{campaign.id}/merci")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/budget-participatif/{campaign.id}")


def test_the_honeypot_drops_a_robot_submission(client, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    response = client.post(f"/budget-participatif/{campaign.id}",
                           data={"title": "Promo", "description": "Achetez", "website": "http://spam.example"})
    assert response.status_code == 200 and "Merci" in _text(response)
    assert _projects() == 0


def test_outside_the_proposals_phase_there_is_no_form_and_a_post_is_refused(client, campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    services.submit_proposal(campaign, title="Aire de jeux", description="Une aire", place=place["b1"],
                             estimated_cost="5000", now=NOW)
    to_phase(campaign, PBPhase.REVIEW)
    url = f"/budget-participatif/{campaign.id}"
    page = _text(client.get(url))
    assert "Le dépôt des propositions est terminé" in page and "Envoyer ma proposition" not in page
    assert "1 proposition est en cours d'étude." in page
    refused = client.post(url, data={"title": "Tard", "description": "Trop tard"})
    assert refused.status_code == 409 and "Le dépôt des propositions est terminé" in _text(refused)
    assert _projects() == 1


def test_reviewed_projects_are_listed_and_ineligible_ones_with_their_reason(client, campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    good = services.submit_proposal(campaign, title="Jardin partagé", description="Des bacs à légumes",
                                    place=place["res"], estimated_cost="4000", now=NOW)
    bad = services.submit_proposal(campaign, title="Salaire d'un animateur", description="Un poste", now=NOW)
    services.submit_proposal(campaign, title="Pas encore étudié", description="Plus tard", now=NOW)
    services.review_project(good, eligible=True, reviewed_cost="3 600", actor=w["coordinator"], now=NOW)
    services.review_project(bad, eligible=False, reason="Dépense de fonctionnement, hors règlement.",
                            actor=w["coordinator"], now=NOW)
    db.session.commit()
    page = _text(client.get(f"/budget-participatif/{campaign.id}"))
    assert "Jardin partagé" in page and "3 600,00" in page and "Résidence du Parc" in page
    assert "Salaire d'un animateur" in page and "Dépense de fonctionnement, hors règlement." in page
    assert "Pas encore étudié" not in page and "1 proposition est en cours d'étude." in page


def test_the_vote_takes_a_code_and_refuses_it_the_second_time(client, campaign, place, w):
    a, b, c = projects_in_vote(campaign, place, w)
    code, other, _third = _codes(campaign, w)
    url = f"/budget-participatif/{campaign.id}/voter"
    page = _text(client.get(url))
    assert 'type="checkbox" name="project_ids"' in page and "Aire de jeux" in page and "jusqu'à 2 projets" in page
    unknown = client.post(url, data={"code": "AAAAA-BBBBB", "project_ids": [str(a.id)]})
    assert unknown.status_code == 400 and "Ce code de vote n'est pas valide." in _text(unknown)
    assert f'id="project-{a.id}" value="{a.id}" checked' in _text(unknown) and "AAAAA-BBBBB" in _text(unknown)
    none = client.post(url, data={"code": code})
    assert none.status_code == 400 and "Choisissez au moins un projet." in _text(none)
    assert code in _text(none)  # the code typed is kept
    too_many = client.post(url, data={"code": code, "project_ids": [str(a.id), str(b.id), str(c.id)]})
    assert too_many.status_code == 400 and "Vous pouvez choisir au plus 2 projets." in _text(too_many)
    tampered = client.post(url, data={"code": code, "project_ids": ["abc"]})
    assert tampered.status_code == 400 and "Choix de projet invalide." in _text(tampered)
    missing = client.post(url, data={"code": "", "project_ids": [str(a.id)]})
    assert missing.status_code == 400 and "Saisissez le code de vote" in _text(missing)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VotingCode)
                             .where(VotingCode.used_at.is_not(None))) == 0
    ok = client.post(url, data={"code": code.lower().replace("-", " "), "project_ids": [str(a.id), str(c.id)]})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/voter/merci")
    thanks = _text(client.get(ok.headers["Location"]))
    assert "Merci, votre vote est enregistré" in thanks and "Aire de jeux" in thanks and "Bancs" not in thanks
    again = client.post(url, data={"code": code, "project_ids": [str(b.id)]})
    assert again.status_code == 409 and "Ce code a déjà servi" in _text(again)
    assert f'id="project-{b.id}" value="{b.id}" checked' in _text(again)
    counts = services.count_votes(campaign)
    assert (counts[a.id].online, counts[b.id].online, counts[c.id].online) == (1, 0, 1)
    assert client.post(url, data={"code": other, "project_ids": [str(b.id)]}).status_code == 302
    assert services.count_votes(campaign)[b.id].online == 1


def test_the_vote_page_outside_the_vote_phase_says_so(client, campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    url = f"/budget-participatif/{campaign.id}/voter"
    page = _text(client.get(url))
    assert "Le vote n'est pas encore ouvert." in page and "1er septembre 2026" in page
    assert 'name="project_ids"' not in page
    assert client.post(url, data={"code": "AAAAA-BBBBB"}).status_code == 409
    assert client.get(f"/budget-participatif/{campaign.id}/voter/merci").status_code == 302
    projects_in_vote(campaign, place, w, costs=(("Bancs", "2000", "nbh2"),))
    to_phase(campaign, PBPhase.RESULTS)
    page = _text(client.get(url))
    assert "Le vote est terminé" in page and "Voir les résultats" in page


def test_results_show_online_paper_and_total_votes_the_rule_and_the_overrides(client, campaign, place, w):
    a, b, c = projects_in_vote(campaign, place, w)  # 5 000 (nbh1), 2 000 (nbh2), 4 000 (nbh1)
    url = f"/budget-participatif/{campaign.id}/resultats"
    assert "Les résultats ne sont pas encore publiés." in _text(client.get(url))
    for code, chosen in zip(_codes(campaign, w, 3), ([a.id, c.id], [a.id, c.id], [a.id]), strict=True):
        services.cast_vote(campaign, code, chosen, now=NOW)
    services.enter_paper_tally(b, polling_place="Marché", votes=7, actor=w["coordinator"], now=NOW)
    services.override_selection(b, selected=False, reason="Déjà financé par le bailleur.",
                                actor=w["coordinator"], now=NOW)
    db.session.commit()
    to_phase(campaign, PBPhase.RESULTS)
    page = _text(client.get(url))
    assert "Voix en ligne : 5 ; voix sur papier et lors des événements : 7 ; total : 12." in page
    assert "3 votes en ligne (codes utilisés)" in page
    assert 'data-label="Papier">7</td><td data-label="Total">7</td>' in page  # Bancs: 0 online, 7 paper
    assert "Déjà financé par le bailleur." in page and "écarté par la coordination" in page
    assert "Les projets sont classés par nombre total de voix" in page  # the documented rule
    # Aire de jeux (3 votes, 5 000) fits in nbh1's 6 000, Jardin partagé (2 votes, 4 000) no longer does
    assert "dépasse ce qui restait de l'enveloppe du quartier" in page
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    db.session.commit()
    page = _text(client.get(url))
    assert page.index("Projets retenus") < page.index("Aire de jeux") < page.index("Participation")


def test_deliveries_show_each_winner_progress_and_its_photo_when_done(client, campaign, place, w, f):
    (a,) = projects_in_vote(campaign, place, w, costs=(("Aire de jeux", "5000", "b1"),))
    url = f"/budget-participatif/{campaign.id}/realisations"
    to_phase(campaign, PBPhase.RESULTS)
    assert "La réalisation des projets n'a pas encore commencé." in _text(client.get(url))
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.DELIVERY)
    assert "va être confié" in _text(client.get(url))
    action = services.deliver_project(a, responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW)
    add_action_update(action, note="Devis signé avec l'entreprise Dupont", progress=40,
                      status=ActionStatus.IN_PROGRESS, actor=w["coordinator"], now=NOW)
    db.session.commit()
    page = _text(client.get(url))
    assert "Aire de jeux" in page and "En cours" in page and 'value="40"' in page and "Avancement : 40 %" in page
    assert "Dupont" not in page  # progress notes stay internal
    photo_url = f"/budget-participatif/{campaign.id}/realisations/{a.id}/photo"
    assert client.get(photo_url).status_code == 404  # not done yet
    photo = store_photo(f.jpeg_bytes(), actor=w["coordinator"], now=NOW)
    add_action_update(action, note="Aire livrée", status=ActionStatus.DONE, photo=photo, actor=w["coordinator"],
                      now=NOW)
    db.session.commit()
    page = _text(client.get(url))
    assert "Réalisée" in page and photo_url in page and "Avancement : 100 %" in page
    with client.get(photo_url) as image:
        assert image.status_code == 200 and image.mimetype == "image/jpeg" and image.data[:2] == b"\xff\xd8"
    assert client.get(f"/budget-participatif/{campaign.id}/realisations/999999/photo").status_code == 404


def test_no_personal_data_on_any_public_page(client, campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    url = f"/budget-participatif/{campaign.id}"
    response = client.post(url, data={"title": "Fresque", "description": "Une fresque sur le mur",
                                      "place_id": str(place["b1"].id), "estimated_cost": "3000",
                                      "contact_name": SECRET_NAME, "contact_email": SECRET_EMAIL,
                                      "contact_phone": SECRET_PHONE, "contact_consent": "y"})
    assert response.status_code == 302
    project = db.session.scalar(sa.select(PBProject))
    assert project.author_phone == SECRET_PHONE
    pages = [response.headers["Location"]]
    services.review_project(project, eligible=True, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.VOTE)
    (code,) = _codes(campaign, w, 1)
    voted = client.post(f"{url}/voter", data={"code": code, "project_ids": [str(project.id)]})
    pages.append(voted.headers["Location"])
    to_phase(campaign, PBPhase.RESULTS)
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.DELIVERY)
    assert project.status is ProjectStatus.SELECTED
    assert "Budget participatif 2026" in _text(client.get("/budget-participatif"))
    pages += [url, f"{url}/voter", f"{url}/resultats", f"{url}/realisations"]
    for page_url in pages:
        page = _text(client.get(page_url))
        assert "Fresque" in page or page_url.endswith("/voter"), page_url
        for secret in (SECRET_NAME, SECRET_EMAIL, SECRET_PHONE, w["coordinator"].email):
            assert secret not in page, (page_url, secret)


def test_guessing_codes_is_rate_limited_in_french(app, client, campaign, place, w):
    (a,) = projects_in_vote(campaign, place, w, costs=(("Bancs", "2000", "nbh2"),))
    url = f"/budget-participatif/{campaign.id}/voter"
    saved = app.config["PUBLIC_POST_LIMIT"]
    app.config["PUBLIC_POST_LIMIT"] = "5 per minute;30 per hour"  # the production default
    limiter.reset()
    try:
        codes = [client.post(url, data={"code": f"AAAAA-BBBB{i}", "project_ids": [str(a.id)]}).status_code
                 for i in range(2, 8)]
        assert codes == [400] * 5 + [429]
        assert "Trop de demandes" in _text(client.post(url, data={"code": "AAAAA-BBBBB"}))
        assert client.get(url).status_code == 200  # reading is never limited
    finally:
        app.config["PUBLIC_POST_LIMIT"] = saved
        limiter.reset()


def test_a_post_without_its_csrf_token_stores_nothing(app, client, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/budget-participatif/{campaign.id}", data={"title": "Bancs", "description": "Des"})
        assert response.status_code in (400, 422) and "expiré" in _text(response)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _projects() == 0


def test_the_minimum_age_is_confirmed_on_the_proposal_and_the_vote(client, campaign, place, w):
    """A campaign with a minimum age asks each resident to confirm it (a ticked box), on both forms."""
    campaign.min_age = 16
    db.session.commit()
    to_phase(campaign, PBPhase.PROPOSALS)
    url = f"/budget-participatif/{campaign.id}"
    assert "J'ai 16 ans ou plus" in _text(client.get(url))
    data = {"title": "Un abri vélos", "description": "Un abri vélos couvert près du bâtiment A."}
    refused = client.post(url, data=data)
    assert refused.status_code == 422 and "ouverte à partir de 16 ans" in _text(refused)
    assert "Un abri vélos couvert" in _text(refused) and _projects() == 0  # what was typed is kept, nothing stored
    assert client.post(url, data={**data, "age_confirmed": "y"}).status_code == 302 and _projects() == 1
    db.session.execute(sa.delete(PBProject))
    db.session.commit()
    a, _b, _c = projects_in_vote(campaign, place, w)
    code = _codes(campaign, w, 1)[0]
    vote = f"/budget-participatif/{campaign.id}/voter"
    no_age = client.post(vote, data={"code": code, "project_ids": [str(a.id)]})
    assert no_age.status_code == 400 and "ouverte à partir de 16 ans" in _text(no_age)
    assert 'href="#age_confirmed"' in _text(no_age)
    assert services.count_votes(campaign)[a.id].online == 0
    ok = client.post(vote, data={"code": code, "project_ids": [str(a.id)], "age_confirmed": "y"})
    assert ok.status_code == 302 and services.count_votes(campaign)[a.id].online == 1


def test_a_campaign_without_age_rule_asks_nothing(client, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    assert 'name="age_confirmed"' not in _text(client.get(f"/budget-participatif/{campaign.id}"))
