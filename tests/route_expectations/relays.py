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
}


def params(f, w) -> dict[str, Any]:
    """A relay of a building of the sample agreement, a pool with two volunteers and a published draw."""
    from datetime import date

    from gup.relays import services
    from gup.territory.models import TerritoryKind

    coordinator = w["coordinator"]
    nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
    w["agreement"].territories.append(nbh)
    building = f.make_territory(TerritoryKind.BUILDING, f.make_territory(TerritoryKind.RESIDENCE, nbh))
    relay = services.create_relay(w["agreement"], actor=coordinator, person_name="Relais", territory=building,
                                  mandate_start_on=date(2026, 1, 1))
    pool = services.create_pool(w["agreement"], name="Vivier", territory=building, actor=coordinator)
    services.add_pool_member(pool, person_name="Une", actor=coordinator)
    services.add_pool_member(pool, person_name="Deux", actor=coordinator)
    draw = services.run_draw(pool, seats=1, parity=False, actor=coordinator)
    services.publish_draw(draw, actor=coordinator)
    return {"relay_id": relay.id, "pool_id": pool.id, "draw_id": draw.id}
