"""Demo relays of the Bellerive agreement: relays on several buildings (one mandate ending within 60 days), one
building left uncovered, a pool of volunteers and its published draw. Idempotent; fictional people, no contact
details."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.extensions import db
from gup.features import DemoResult
from gup.i18n import local_today
from gup.relays import services
from gup.relays.models import AgeBracket, DesignationMethod, Gender, RelayPool, ResidentRelay
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import subtree

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
    for (person, age, gender, method, start), building in zip(RELAYS, buildings[:-1], strict=False):
        end = today + timedelta(days=45) if created == 0 else None  # the first mandate ends within 60 days
        services.create_relay(agreement, actor=actor, mandate_start_on=start, mandate_end_on=end,
                              person_name=person, age_bracket=age, gender=gender, designation_method=method,
                              territory=building, charter_signed_on=start)
        created += 1
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
        f"un tirage au sort publié ({db.session.get(RelayPool, pool.id).name})."])
