"""Expected audience of the resident relays routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.route_expectations.roles import EVERYONE, LOGGED, READERS

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
    # /api/v1: lists are scoped by the policy (an empty page for those who may read nothing)
    "api_relays.index": {"GET": LOGGED},
    "api_relays.detail": {"GET": READERS},
    "api_relays.create": {"POST": MANAGE},
    "api_relay_pools.index": {"GET": LOGGED},
    "api_relay_pools.detail": {"GET": MANAGE},
    "api_relay_draws.index": {"GET": LOGGED},
    #: the sample draw is published: anyone signed in reads its pseudonymised result, as on its public page
    "api_relay_draws.detail": {"GET": LOGGED},
    "api_relay_draws.create": {"POST": MANAGE},
}

#: endpoint -> function(params, role) giving a valid body, so that only the policy can refuse it
BODIES: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
    "api_relays.create": lambda p, role: {
        "agreement_id": p["agreement_id"], "person_name": f"Relais de {role}", "territory_id": p["relay_building_id"],
        "mandate_start_on": "2026-03-01", "email": "relais@example.org", "consent_given_on": "2026-03-01",
        "consent_channels": ["email"]},
    "api_relay_draws.create": lambda p, role: {"pool_id": p["pool_id"], "seats": 1, "parity": False},
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
            "link_id": link.id,
            "relay_building_id": building.id}
