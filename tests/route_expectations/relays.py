"""Expected audience of the resident relays routes."""

from __future__ import annotations

from typing import Any

from tests.route_expectations.roles import EVERYONE, READERS

#: the coordination: the agreement's coordinator and administrators
MANAGE = {"coordinator", "admin"}

EXPECTED: dict[str, dict[str, set[str]]] = {
    "relays.home": {"GET": {"coordinator", "other_coordinator", "admin"}},
    "relays.index": {"GET": READERS},
    "relays.create": {"GET": MANAGE, "POST": MANAGE},
    "relays.relay": {"GET": READERS},
    "relays.edit": {"GET": MANAGE, "POST": MANAGE},
    "relays.end": {"POST": MANAGE},
    "relays.withdraw": {"POST": MANAGE},
    "relays.pools": {"GET": MANAGE, "POST": MANAGE},
    "relays.pool": {"GET": MANAGE},
    "relays.add_member": {"POST": MANAGE},
    "relays.run_draw": {"POST": MANAGE},
    "relays.draw": {"GET": MANAGE},
    "relays.publish": {"POST": MANAGE},
    "relays.public_draw": {"GET": EVERYONE},
    # what relays do: the relay's own pages, reports filed by them or on their behalf, walks and actions
    "relays.mine": {"GET": {"relay"}},
    "relays.space": {"GET": {"relay"}},
    "relays.file_report": {"GET": {"relay"} | MANAGE, "POST": {"relay"} | MANAGE},
    #: the relay the action is entrusted to, and those who may update the action (its organisation's referent)
    "relays.action_progress": {"POST": {"relay", "coordinator", "referent1"}},
    "relays.open_account": {"POST": MANAGE},
    "relays.invite": {"POST": {"coordinator"}},
    "relays.presence": {"POST": {"coordinator"}},
    "relays.entrust": {"POST": {"coordinator"}},
    "relays.unentrust": {"POST": {"coordinator"}},
}


def params(f, w) -> dict[str, Any]:
    """A relay of a building of the sample agreement, a pool with two volunteers and a published draw."""
    from datetime import date

    import sqlalchemy as sa

    from gup.actions.models import Action
    from gup.extensions import db
    from gup.relays import services
    from gup.relays.models import RelayAction, RelayWalkInvitation
    from gup.territory.models import TerritoryKind
    from gup.walks.models import Walkthrough

    coordinator = w["coordinator"]
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(nbh)
    building = f.make_territory(TerritoryKind.BUILDING, f.make_territory(TerritoryKind.RESIDENCE, nbh))
    relay = services.create_relay(w["agreement"], actor=coordinator, person_name="Relais", territory=building,
                                  mandate_start_on=date(2026, 1, 1))
    relay.user = w["relay"]  # the relay's account acts for this mandate
    pool = services.create_pool(w["agreement"], name="Vivier", territory=building, actor=coordinator)
    services.add_pool_member(pool, person_name="Une", actor=coordinator)
    services.add_pool_member(pool, person_name="Deux", actor=coordinator)
    draw = services.run_draw(pool, seats=1, parity=False, actor=coordinator)
    services.publish_draw(draw, actor=coordinator)
    # the sample walk and action of the other modules (made before: modules load in name order)
    walk = db.session.scalars(sa.select(Walkthrough).where(Walkthrough.agreement_id == w["agreement"].id)
                              .order_by(Walkthrough.id)).first()
    walk.neighbourhood = nbh
    invitation = RelayWalkInvitation(walkthrough=walk, relay=relay)
    links = [RelayAction(action=action, relay=relay)  # every sample action: whichever module names action_id
             for action in db.session.scalars(sa.select(Action).where(Action.agreement_id == w["agreement"].id))]
    link = links[0]
    db.session.add_all([invitation, *links])
    db.session.flush()
    return {"relay_id": relay.id, "pool_id": pool.id, "draw_id": draw.id, "invitation_id": invitation.id,
            "link_id": link.id}
