"""Demo participatory budget of the Bellerive agreement: the 2026 campaign, now in delivery — proposals from the
public form, one from a finding, one merged into a similar one, one ineligible with its reason; online votes with
voting codes and paper tallies at two polling places; the results recorded by the documented rule; the winners
delivered as actions, one done (with its photo), the others in progress. Idempotent; fictional data, no
residents' contact details."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from PIL import Image, ImageDraw

from gup.actions.models import ActionStatus
from gup.actions.services import add_action_update
from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.budget import services
from gup.budget.models import PBCampaign, PBPhase, PBProject, ProjectStatus
from gup.extensions import db
from gup.features import DemoResult
from gup.findings.models import Finding
from gup.media.services import store_photo
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import Territory, TerritoryKind

TITLE = "Budget participatif 2026 des Tilleuls"

#: (title, description, estimated cost, place name or None) — submitted on the public form
PROPOSALS = [
    ("Bancs et table de pique-nique au square des Tilleuls",
     "Le square n'a qu'un banc cassé : deux bancs et une table permettraient aux familles de s'y retrouver.",
     "6500", "Les Tilleuls"),
    ("Jardin partagé au pied du bâtiment A",
     "Des bacs potagers sur la pelouse du bâtiment A, entretenus par les habitants avec la régie de quartier.",
     "9800", "Bâtiment A"),
    ("Boîte à livres devant l'école",
     "Une boîte à livres en bois, fabriquée avec les jeunes du quartier.", "1500", "Les Tilleuls"),
    ("Fresque participative sur le mur du gymnase",
     "Le mur aveugle du gymnase est tagué : une fresque dessinée avec les enfants du centre social.",
     "8000", "Les Tilleuls"),
    ("Terrain multisports couvert",
     "Un grand terrain couvert pour jouer au foot l'hiver.", "180000", "Les Tilleuls"),
    ("Des bancs dans le square",
     "Il manque des bancs dans le square pour les personnes âgées.", "3000", "Les Tilleuls"),
    ("Composteurs collectifs pour la résidence Le Verger",
     "Deux composteurs collectifs près des locaux poubelles, avec un habitant référent.", "2400",
     "Résidence Le Verger"),
]
#: the day each phase began (the campaign moved on by hand, in order)
PHASES = [(PBPhase.PROPOSALS, datetime(2026, 3, 2, 9, tzinfo=UTC)),
          (PBPhase.REVIEW, datetime(2026, 4, 15, 9, tzinfo=UTC)),
          (PBPhase.VOTE, datetime(2026, 5, 20, 9, tzinfo=UTC)),
          (PBPhase.RESULTS, datetime(2026, 6, 22, 9, tzinfo=UTC)),
          (PBPhase.DELIVERY, datetime(2026, 7, 1, 9, tzinfo=UTC))]
#: paper ballots: polling place -> votes per proposal title
PAPER = {
    "Fête de quartier du 13 juin": {"Bancs et table de pique-nique au square des Tilleuls": 31,
                                    "Jardin partagé au pied du bâtiment A": 24, "Boîte à livres devant l'école": 12,
                                    "Fresque participative sur le mur du gymnase": 18,
                                    "Composteurs collectifs pour la résidence Le Verger": 9},
    "Mairie annexe des Tilleuls": {"Bancs et table de pique-nique au square des Tilleuls": 11,
                                   "Jardin partagé au pied du bâtiment A": 7, "Boîte à livres devant l'école": 14,
                                   "Fresque participative sur le mur du gymnase": 5,
                                   "Composteurs collectifs pour la résidence Le Verger": 6},
}


def _photo() -> bytes:
    image = Image.new("RGB", (640, 480), "#9cc5a1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 260, 520, 300), fill="#8a5a2b")  # a bench
    draw.rectangle((150, 300, 170, 380), fill="#5b3a1a")
    draw.rectangle((470, 300, 490, 380), fill="#5b3a1a")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def load(context: dict[str, Any]) -> DemoResult:
    reference = context.get("reference")
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference)) if reference else None
    actor = db.session.scalar(sa.select(User).where(User.email == "coordination@demo.gup.fr"))
    if agreement is None or actor is None or db.session.scalar(
            sa.select(PBCampaign.id).where(PBCampaign.agreement_id == agreement.id).limit(1)):
        return DemoResult(changed=False)
    places = {t.name: t for t in db.session.scalars(sa.select(Territory))}
    neighbourhood = places.get("Les Tilleuls")
    if neighbourhood is None or neighbourhood.kind is not TerritoryKind.NEIGHBOURHOOD:
        return DemoResult(changed=False)
    start = datetime(2026, 2, 1, 9, tzinfo=UTC)
    campaign = services.create_campaign(
        agreement, actor=actor, now=start, title=TITLE, year=2026, envelope="30000", max_cost="20000",
        choices_per_voter=3, neighbourhood=neighbourhood, min_age=11,
        proposals_on=date(2026, 3, 2), review_on=date(2026, 4, 15), vote_on=date(2026, 5, 20),
        results_on=date(2026, 6, 22), delivery_on=date(2026, 7, 1), closed_on=date(2027, 6, 30))
    phases = iter(PHASES)
    phase, at = next(phases)
    services.move_phase(campaign, phase, actor=actor, now=at)
    projects: dict[str, PBProject] = {}
    for i, (title, description, cost, place) in enumerate(PROPOSALS):
        projects[title] = services.submit_proposal(
            campaign, title=title, description=description, estimated_cost=cost, place=places.get(place),
            now=datetime(2026, 3, 5 + 3 * i, 18, tzinfo=UTC))
    lamp = db.session.scalar(sa.select(Finding).where(Finding.agreement_id == agreement.id,
                                                      Finding.description.ilike("%lampadaire%"))
                             .order_by(Finding.id).limit(1))
    if lamp is not None:
        projects["lamp"] = services.proposal_from_finding(
            campaign, lamp, actor=actor, now=datetime(2026, 4, 2, 10, tzinfo=UTC),
            title="Éclairage solaire de l'allée du Verger")
        projects["lamp"].estimated_cost = 7200
    phase, at = next(phases)
    services.move_phase(campaign, phase, actor=actor, now=at)
    review = datetime(2026, 5, 4, 14, tzinfo=UTC)
    services.merge_projects(projects["Des bancs dans le square"],
                            projects["Bancs et table de pique-nique au square des Tilleuls"], actor=actor, now=review,
                            reason="Même demande que « Bancs et table de pique-nique au square des Tilleuls ».")
    services.review_project(projects["Terrain multisports couvert"], eligible=False, actor=actor, now=review,
                            reason="Le coût estimé (180 000 €) dépasse le coût maximum d'un projet (20 000 €) ; "
                                   "la demande est transmise au service des sports pour le plan pluriannuel.")
    reviewed = {"Bancs et table de pique-nique au square des Tilleuls": "7200",
                "Jardin partagé au pied du bâtiment A": "11500", "Fresque participative sur le mur du gymnase": "8000"}
    for key, project in projects.items():
        if project.status is ProjectStatus.SUBMITTED:
            services.review_project(project, eligible=True, actor=actor, now=review, reviewed_cost=reviewed.get(key),
                                    feasibility_note="Faisable sur l'espace public, validé avec les services "
                                                     "techniques de la Ville.")
    phase, at = next(phases)
    services.move_phase(campaign, phase, actor=actor, now=at)
    codes = services.generate_codes(campaign, 80, actor=actor, now=at)
    rng = random.Random(2026)  # noqa: S311  (a reproducible demo, not a secret)
    candidates = services.votable_projects(campaign)
    weights = [6, 5, 2, 3, 1, 4][:len(candidates)]
    for n, code in enumerate(codes[:46]):
        chosen: list[int] = []
        for _ in range(rng.randint(1, 3)):
            pick = rng.choices(candidates, weights=weights)[0].id
            if pick not in chosen:
                chosen.append(pick)
        services.cast_vote(campaign, code, chosen, now=datetime(2026, 5, 21, 19, tzinfo=UTC) + timedelta(hours=13 * n))
    by_title = {p.title: p for p in candidates}
    tally_at = datetime(2026, 6, 15, 17, tzinfo=UTC)
    for place, votes in PAPER.items():
        for title, count in votes.items():
            if title in by_title:
                services.enter_paper_tally(by_title[title], polling_place=place, votes=count, actor=actor,
                                           now=tally_at)
    phase, at = next(phases)
    services.move_phase(campaign, phase, actor=actor, now=at)
    result = services.record_results(campaign, actor=actor, now=at)
    phase, at = next(phases)
    services.move_phase(campaign, phase, actor=actor, now=at)
    town = db.session.scalar(sa.select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY)
                             .order_by(Organisation.id).limit(1))
    delivered = 0
    selected = [p for p in candidates if p.id in set(result.selected)]
    for i, project in enumerate(selected):
        action = services.deliver_project(project, responsible_organisation=town, actor=actor, now=at,
                                          due_on=date(2027, 3, 31) if i else date(2026, 11, 15))
        if i == 0:
            add_action_update(action, note="Commande passée, pose prévue en octobre.", actor=actor,
                              now=datetime(2026, 9, 10, 10, tzinfo=UTC), progress=40,
                              status=ActionStatus.IN_PROGRESS)
            photo = store_photo(_photo(), actor=actor, now=datetime(2026, 10, 20, 15, tzinfo=UTC))
            add_action_update(action, note="Bancs et table posés ; inauguration avec les habitants le 24 octobre.",
                              actor=actor, now=datetime(2026, 10, 20, 15, tzinfo=UTC), status=ActionStatus.DONE,
                              photo=photo)
            delivered += 1
        else:
            add_action_update(action, note="Étude avec les habitants et les services techniques en cours.",
                              actor=actor, now=datetime(2026, 10, 1, 10, tzinfo=UTC), progress=20 + 15 * i,
                              status=ActionStatus.IN_PROGRESS)
    db.session.commit()
    return DemoResult(changed=True, lines=[
        f"Budget participatif : « {TITLE} », {len(campaign.projects)} proposition(s), {len(codes)} code(s) de vote "
        f"({46} utilisé(s)), {len(PAPER)} bureau(x) de vote papier, {len(selected)} projet(s) lauréat(s) dont "
        f"{delivered} réalisé(s)."])
