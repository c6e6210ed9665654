"""Coordination pages of the vote: paper tallies, results with overrides and their reasons, publication, and
the winners delivered as actions."""

from __future__ import annotations

import html
import re

import sqlalchemy as sa

from gup.actions.models import Action
from gup.budget import services
from gup.budget.models import PaperTally, PBPhase, PBProject, ProjectStatus, SelectionOverride
from gup.extensions import db
from tests.budget.conftest import NOW, projects_in_vote, to_phase


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def test_paper_tallies_refuse_bad_numbers_in_french_and_add_up_with_online_votes(client, login, w, place,
                                                                                 campaign):
    a, b, c = projects_in_vote(campaign, place, w)
    (code,) = services.generate_codes(campaign, 1, actor=w["coordinator"], now=NOW)
    services.cast_vote(campaign, code, [a.id, b.id], now=NOW)
    db.session.commit()
    login(w["coordinator"])
    url = f"/budgets/{campaign.id}/tallies"
    page = _text(client.get(url))
    assert "Saisir le dépouillement d'un lieu de vote" in page and f'name="votes-{c.id}"' in page

    bad = client.post(url, data={"polling_place": "Marché", f"votes-{a.id}": "3", f"votes-{c.id}": "abc"})
    assert bad.status_code == 422
    assert "« Jardin partagé » : le nombre de voix est un entier positif ou nul" in _text(bad)
    assert 'value="3"' in _text(bad)  # what was typed stays
    negative = client.post(url, data={"polling_place": "Marché", f"votes-{a.id}": "-2"})
    assert negative.status_code == 422 and "« Aire de jeux » : le nombre de voix" in _text(negative)
    decimal = client.post(url, data={"polling_place": "Marché", f"votes-{a.id}": "2,5"})
    assert decimal.status_code == 422
    nothing = client.post(url, data={"polling_place": "Marché"})
    assert nothing.status_code == 422 and "Indiquez le nombre de voix d'au moins un projet." in _text(nothing)
    no_place = client.post(url, data={f"votes-{a.id}": "2"})
    assert no_place.status_code == 422
    assert _count(PaperTally) == 0

    assert client.post(url, data={"polling_place": "Marché", f"votes-{a.id}": "3",
                                  f"votes-{c.id}": "1"}).status_code == 302
    assert client.post(url, data={"polling_place": "Marché", f"votes-{a.id}": "5"}).status_code == 302  # correction
    assert client.post(url, data={"polling_place": "Mairie annexe", f"votes-{a.id}": "2",
                                  f"votes-{b.id}": "1 200"}).status_code == 302
    counts = services.count_votes(campaign)
    assert (counts[a.id].online, counts[a.id].paper, counts[a.id].total) == (1, 7, 8)
    assert (counts[b.id].online, counts[b.id].paper, counts[b.id].total) == (1, 1200, 1201)
    assert (counts[c.id].online, counts[c.id].paper, counts[c.id].total) == (0, 1, 1)

    page = _text(client.get(url))
    # Aire de jeux: Mairie annexe 2, Marché 5 → paper 7, online 1, total 8
    assert "Aire de jeux</a></th> <td>2</td><td>5</td> <td>7</td><td>1</td><td><strong>8</strong>" in page
    # the totals: per place, then paper, online and total
    assert "<td>1202</td><td>6</td> <td>1208</td><td>2</td><td><strong>1210</strong>" in page
    assert "Corriger « Marché »" in page
    prefilled = _text(client.get(url + "?place=Marché"))
    assert f'id="votes-{a.id}" name="votes-{a.id}" value="5"' in prefilled


def test_tallies_are_read_by_readers_and_entered_by_the_coordination_only(client, login, w, place, campaign):
    a, _b, _c = projects_in_vote(campaign, place, w)
    login(w["observer"])
    page = _text(client.get(f"/budgets/{campaign.id}/tallies"))
    assert "Voix par projet" in page and "Saisir le dépouillement" not in page
    login(w["referent1"])
    assert client.post(f"/budgets/{campaign.id}/tallies",
                       data={"polling_place": "Marché", f"votes-{a.id}": "3"}).status_code == 403
    assert _count(PaperTally) == 0


def test_an_override_without_reason_is_refused_and_is_shown_with_its_reason(client, login, w, place, campaign):
    a, b, c = projects_in_vote(campaign, place, w)
    login(w["coordinator"])
    refused = client.post(f"/budget-projects/{c.id}/override", data={f"p{c.id}-decision": "in",
                                                                     f"p{c.id}-reason": "  "})
    assert refused.status_code == 422
    assert "Indiquez le motif de cette décision : il est publié avec les résultats." in _text(refused)
    assert _count(SelectionOverride) == 0

    done = client.post(f"/budget-projects/{c.id}/override",
                       data={f"p{c.id}-decision": "in", f"p{c.id}-reason": "Demandé par le conseil citoyen"})
    assert done.status_code == 302
    client.post(f"/budget-projects/{a.id}/override",
                data={f"p{a.id}-decision": "out", f"p{a.id}-reason": "Terrain non disponible"})
    page = _text(client.get(f"/budgets/{campaign.id}/results"))
    assert "<td>Jardin partagé</td><td>Retenu</td><td>Demandé par le conseil citoyen</td>" in page
    assert "<td>Aire de jeux</td><td>Écarté</td><td>Terrain non disponible</td>" in page
    assert "Décision de la coordination : Terrain non disponible" in page
    assert "écarté par la coordination" in page
    selection = services.compute_selection(campaign)
    assert set(selection.selected) == {b.id, c.id}

    login(w["referent1"])
    assert client.post(f"/budget-projects/{b.id}/override",
                       data={f"p{b.id}-decision": "out", f"p{b.id}-reason": "Non"}).status_code == 403


def test_results_rank_projects_show_the_envelopes_and_publish(client, login, w, place, campaign):
    a, b, c = projects_in_vote(campaign, place, w)
    for project, votes in ((a, 9), (c, 5), (b, 1)):
        services.enter_paper_tally(project, polling_place="Marché", votes=votes, actor=w["coordinator"], now=NOW)
    db.session.commit()
    login(w["coordinator"])
    page = _text(client.get(f"/budgets/{campaign.id}/results"))
    assert "Publier les résultats" not in page  # only during the results phase
    rows = re.findall(r"<tr><td>(\d+)</td><th scope=\"row\"><a [^>]+>([^<]+)</a>", page)
    assert rows == [("1", "Aire de jeux"), ("2", "Jardin partagé"), ("3", "Bancs")]
    assert "dépasse le reste de l'enveloppe du quartier" in page  # Jardin: 4 000 € > 1 000 € left in nbh1
    # campaign: 10 000 €, 7 000 € selected (Aire de jeux + Bancs); Les Dervallières: 6 000 €, 5 000 € selected
    assert re.search(r"Enveloppe de la campagne</th> <td>10[\s\u202f\xa0]000,00[^<]*</td><td>7[\s\u202f\xa0]000", page)
    assert re.search(r"Enveloppe du quartier Les Dervallières</th> <td>6[\s\u202f\xa0]000,00[^<]*</td>"
                     r"<td>5[\s\u202f\xa0]000", page)

    to_phase(campaign, PBPhase.RESULTS)
    assert "Publier les résultats" in _text(client.get(f"/budgets/{campaign.id}/results"))
    assert client.post(f"/budgets/{campaign.id}/results/publish").status_code == 302
    db.session.expire_all()
    assert (a.status, b.status, c.status) == (ProjectStatus.SELECTED, ProjectStatus.SELECTED,
                                              ProjectStatus.NOT_SELECTED)
    assert "Les résultats ont été publiés" in _text(client.get(f"/budgets/{campaign.id}/results"))
    login(w["observer"])
    assert client.post(f"/budgets/{campaign.id}/results/publish").status_code == 403


def test_publishing_outside_the_results_phase_is_flashed(client, login, w, place, campaign):
    projects_in_vote(campaign, place, w)
    login(w["coordinator"])
    response = client.post(f"/budgets/{campaign.id}/results/publish", follow_redirects=True)
    assert "Les résultats s'arrêtent pendant la phase « Résultats »." in _text(response)


def test_a_selected_project_becomes_an_action_linked_from_the_results(client, login, w, place, campaign):
    a, b, _c = projects_in_vote(campaign, place, w)
    services.enter_paper_tally(a, polling_place="Marché", votes=3, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.RESULTS)
    services.record_results(campaign, actor=w["coordinator"], now=NOW)
    db.session.commit()
    login(w["coordinator"])
    page = _text(client.get(f"/budgets/{campaign.id}/results"))
    assert "Réalisation des projets lauréats" in page and "Créer l'action" in page
    assert f'name="d{a.id}-responsible_organisation_id"' in page and "Bailleur Un" in page

    missing = client.post(f"/budget-projects/{a.id}/deliver", data={f"d{a.id}-responsible_organisation_id": ""})
    assert missing.status_code == 422 and "Choisissez l'organisme responsable." in _text(missing)
    assert _count(Action) == 0
    foreign = client.post(f"/budget-projects/{a.id}/deliver",
                          data={f"d{a.id}-responsible_organisation_id": str(w["outsider_org"].id)})
    assert foreign.status_code == 422 and _count(Action) == 0

    done = client.post(f"/budget-projects/{a.id}/deliver",
                       data={f"d{a.id}-responsible_organisation_id": str(w["hp1"].id),
                             f"d{a.id}-due_on": "30/06/2027"})
    assert done.status_code == 302
    db.session.expire_all()
    action = db.session.scalar(sa.select(Action))
    assert a.action_id == action.id and action.responsible_organisation_id == w["hp1"].id
    assert action.title == "Aire de jeux" and action.due_on.isoformat() == "2027-06-30"
    assert action.agreement_id == campaign.agreement_id and action.cost == a.cost
    page = _text(client.get(f"/budgets/{campaign.id}/results"))
    assert f'href="/actions/{action.id}"' in page
    again = client.post(f"/budget-projects/{a.id}/deliver",
                        data={f"d{a.id}-responsible_organisation_id": str(w["hp1"].id)})
    assert again.status_code == 422 and "Ce projet a déjà son action." in _text(again)
    assert _count(Action) == 1
    login(w["referent1"])
    assert client.post(f"/budget-projects/{b.id}/deliver",
                       data={f"d{b.id}-responsible_organisation_id": str(w["hp1"].id)}).status_code == 403


# --- merging proposals -------------------------------------------------------------------------------------

def test_a_proposal_merges_into_another_of_the_same_campaign_with_its_reason(client, login, w, place, campaign):
    to_phase(campaign, PBPhase.PROPOSALS)
    bancs = services.submit_proposal(campaign, title="Bancs", description="Des bancs", place=place["b1"],
                                     estimated_cost="1000", now=NOW)
    assises = services.submit_proposal(campaign, title="Assises", description="Des assises", place=place["b1"],
                                       estimated_cost="900", now=NOW)
    db.session.commit()
    login(w["coordinator"])
    page = _text(client.get(f"/budget-projects/{assises.id}"))
    assert "Fusionner avec une proposition semblable" in page and f"n° {bancs.id} — Bancs" in page
    refused = client.post(f"/budget-projects/{assises.id}/merge", data={"merged_into_id": "", "reason": ""})
    assert refused.status_code == 422
    assert "Choisissez une autre proposition de la même campagne." in _text(refused)
    itself = client.post(f"/budget-projects/{assises.id}/merge", data={"merged_into_id": str(assises.id)})
    assert itself.status_code == 422
    done = client.post(f"/budget-projects/{assises.id}/merge",
                       data={"merged_into_id": str(bancs.id), "reason": "Même besoin, même lieu"})
    assert done.status_code == 302
    db.session.expire_all()
    assert assises.status is ProjectStatus.MERGED and assises.merged_into_id == bancs.id
    assert assises.review_reason == "Même besoin, même lieu"
    page = _text(client.get(f"/budget-projects/{assises.id}"))
    assert "Fusionné dans" in page and "Fusionner avec une proposition semblable" not in page
    login(w["referent1"])
    assert "Fusionner avec" not in _text(client.get(f"/budget-projects/{bancs.id}"))
    assert client.post(f"/budget-projects/{bancs.id}/merge",
                       data={"merged_into_id": str(assises.id)}).status_code == 403


# --- « Transformer en proposition » ------------------------------------------------------------------------

def test_a_finding_becomes_a_proposal_of_an_open_campaign(client, login, f, w, place, campaign):
    finding = f.make_finding(w["agreement"], w["hp1"], description="Pas de bancs près de l'aire de jeux",
                             territory=place["b1"])
    db.session.commit()
    login(w["coordinator"])
    assert "Transformer en proposition" not in _text(client.get(f"/findings/{finding.id}"))  # no open campaign
    to_phase(campaign, PBPhase.PROPOSALS)
    page = _text(client.get(f"/findings/{finding.id}"))
    assert "Transformer en proposition" in page and "Budget participatif 2026" in page
    done = client.post(f"/findings/{finding.id}/budget-proposal",
                       data={"pb-campaign_id": str(campaign.id), "pb-title": "Des bancs à l'aire de jeux"})
    assert done.status_code == 302
    project = db.session.scalar(sa.select(PBProject))
    assert project.finding_id == finding.id and project.title == "Des bancs à l'aire de jeux"
    assert project.source.value == "finding" and project.place_id == place["b1"].id
    assert done.headers["Location"].endswith(f"/budget-projects/{project.id}")
    assert f"n° {project.id} — Des bancs à l'aire de jeux" in _text(client.get(f"/findings/{finding.id}"))
    wrong = client.post(f"/findings/{finding.id}/budget-proposal", data={"pb-campaign_id": "999999"},
                        follow_redirects=True)
    assert "La proposition n'est pas créée" in _text(wrong)
    login(w["referent1"])
    assert "Transformer en proposition" not in _text(client.get(f"/findings/{finding.id}"))
    assert client.post(f"/findings/{finding.id}/budget-proposal",
                       data={"pb-campaign_id": str(campaign.id)}).status_code == 403


def test_a_resident_report_becomes_a_proposal_without_the_reporter_contact(client, login, f, w, place,
                                                                             campaign):
    report = f.make_report(description="Il manque un jardin partagé dans la résidence", territory=place["res"],
                           contact_email="habitant@example.org", contact_consent=True)
    report.agreement = w["agreement"]
    db.session.commit()
    to_phase(campaign, PBPhase.PROPOSALS)
    login(w["coordinator"])
    page = _text(client.get(f"/signalements/{report.id}"))
    assert "Transformer en proposition" in page
    done = client.post(f"/signalements/{report.id}/budget-proposal", data={"pb-campaign_id": str(campaign.id)})
    assert done.status_code == 302
    project = db.session.scalar(sa.select(PBProject))
    assert project.report_id == report.id and project.title.startswith("Il manque un jardin partagé")
    assert project.author_email is None and project.source.value == "report"
    assert "Proposition" in _text(client.get(f"/signalements/{report.id}"))
