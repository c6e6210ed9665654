"""Demo relays of the Bellerive agreement: relays on several buildings (one mandate ending within 60 days), one
building left uncovered, a pool of volunteers and its published draw. Idempotent; fictional people, no contact
details."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from gup.actions.services import create_action
from gup.agreements.demo import DEMO_PASSWORD
from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.extensions import db
from gup.features import DemoResult
from gup.hotline.models import ReportCategory
from gup.i18n import local_today
from gup.organisations.models import OrganisationKind
from gup.orm import now_utc
from gup.relays import services, work
from gup.relays.models import AgeBracket, DesignationMethod, Gender, InvitationStatus, RelayPool, ResidentRelay
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import neighbourhood_of, subtree, territory_index
from gup.walks.models import Walkthrough

#: the demo relay's account (password: the demo accounts' one)
RELAY_ACCOUNT = "relais@demo.gup.fr"

#: (person, age bracket, gender, designation, start) — one relay per building of the perimeter but the last
RELAYS = [
    ("Fatou D.", AgeBracket.FROM_40_TO_59, Gender.WOMAN, DesignationMethod.RANDOM_DRAW, date(2025, 3, 1)),
    ("Karim B.", AgeBracket.FROM_25_TO_39, Gender.MAN, DesignationMethod.VOLUNTEER, date(2025, 2, 1)),
    ("Odile M.", AgeBracket.FROM_60_TO_74, Gender.WOMAN, DesignationMethod.CO_OPTED, date(2025, 4, 15)),
    ("Yanis T.", AgeBracket.UNDER_25, Gender.MAN, DesignationMethod.VOLUNTEER, date(2025, 9, 1)),
]
POOL = [("Amina K.", Gender.WOMAN), ("Bernard L.", Gender.MAN), ("Chloé R.", Gender.WOMAN),
        ("Driss H.", Gender.MAN), ("Élise P.", Gender.WOMAN), ("Franck V.", Gender.MAN)]


def load(context: dict[str, Any]) -> DemoResult:
    reference = context.get("reference")
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference)) if reference else None
    actor = db.session.scalar(sa.select(User).where(User.email == "coordination@demo.gup.fr"))
    if agreement is None or actor is None or db.session.scalar(
            sa.select(ResidentRelay.id).where(ResidentRelay.agreement_id == agreement.id).limit(1)):
        return DemoResult(changed=False)
    ids = {i for t in agreement.territories for i in db.session.scalars(subtree(t.id))}
    buildings = list(db.session.scalars(sa.select(Territory).where(Territory.id.in_(ids),
                                                                   Territory.kind == TerritoryKind.BUILDING)
                                        .order_by(Territory.id)))
    today = local_today()
    created = 0
    relays = []
    for (person, age, gender, method, start), building in zip(RELAYS, buildings[:-1], strict=False):
        end = today + timedelta(days=45) if created == 0 else None  # the first mandate ends within 60 days
        relays.append(services.create_relay(agreement, actor=actor, mandate_start_on=start, mandate_end_on=end,
                                            person_name=person, age_bracket=age, gender=gender,
                                            designation_method=method, territory=building, charter_signed_on=start))
        created += 1
    at_work = _relay_at_work(agreement, relays[1], actor) if len(relays) > 1 else []
    pool = services.create_pool(agreement, name="Volontaires du Clos-Fleuri 2026", actor=actor,
                                territory=buildings[-1] if buildings else None)
    for person, gender in POOL:
        services.add_pool_member(pool, person_name=person, gender=gender, actor=actor)
    record = services.run_draw(pool, seats=2, parity=True, actor=actor, seed="bellerive-2026-demo")
    services.publish_draw(record, actor=actor)
    db.session.flush()
    uncovered = buildings[-1].name if buildings else "—"
    return DemoResult(changed=True, lines=[
        f"Habitants relais de démonstration : {created} relais, un bâtiment non couvert ({uncovered}), "
        f"un tirage au sort publié ({db.session.get(RelayPool, pool.id).name}).", *at_work])


def _relay_at_work(agreement: Agreement, relay: ResidentRelay, actor: Any) -> list[str]:
    """One relay with an account (relais@demo.gup.fr): a report for the neighbours, an invitation to the next
    walk of their neighbourhood, a small action entrusted to them."""
    now = now_utc()
    services.update_relay(relay, actor=actor, email=RELAY_ACCOUNT, consent_given_on=relay.mandate_start_on,
                          consent_channels=["email"])
    work.create_account(relay, actor=actor, now=now, password=DEMO_PASSWORD)
    lines = [f"Compte habitant·e relais : {RELAY_ACCOUNT} (mot de passe : {DEMO_PASSWORD}), {relay.scope_label}."]
    category = db.session.scalar(sa.select(ReportCategory).where(ReportCategory.is_published.is_(True))
                                 .order_by(ReportCategory.position, ReportCategory.id))
    if category is not None:
        report = work.file_report(relay, category=category, territory_id=relay.territory_id, actor=relay.user,
                                  now=now - timedelta(days=3), address="Hall d'entrée, boîtes aux lettres",
                                  description="Les boîtes aux lettres du hall sont forcées depuis le week-end ; "
                                              "plusieurs voisins ne reçoivent plus leur courrier.")
        lines.append(f"Signalement d'habitant relais : {report.reference}.")
    index = territory_index()
    neighbourhood = neighbourhood_of(relay.territory_id, index)
    walk = db.session.scalar(sa.select(Walkthrough).where(Walkthrough.agreement_id == agreement.id,
                                                          Walkthrough.neighbourhood_id == getattr(neighbourhood,
                                                                                                  "id", None))
                             .order_by(Walkthrough.walked_on.desc())) if neighbourhood else None
    if walk is not None:
        work.invite_to_walk(walk, [relay], actor=actor, now=now)
        if walk.walked_on < local_today():  # a walk already held: the relay came
            work.record_presence(work.invitations_of_walk(walk.id)[0], status=InvitationStatus.ATTENDED, actor=actor)
        lines.append(f"Habitant relais invité au diagnostic « {walk.title} ».")
    town = next((p.organisation for p in agreement.partners if p.organisation.kind is OrganisationKind.MUNICIPALITY),
                None)
    if town is not None:
        action = create_action(agreement, responsible_organisation=town, actor=actor, now=now,
                               title=f"Fleurissement du pied d'immeuble — {relay.territory.name}",
                               description="Jardinières plantées et entretenues par les habitants, graines et "
                                           "terreau fournis par la ville.", due_on=local_today() + timedelta(days=90))
        work.entrust_action(action, [relay], actor=actor, now=now)
        work.report_progress(action, note="Jardinières installées, plantation prévue samedi avec les voisins.",
                             progress=30, actor=relay.user, now=now)
        lines.append(f"Action confiée à l'habitant relais : {action.title}.")
    return lines
