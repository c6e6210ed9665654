"""/api/v1/relays, /api/v1/relay-pools and /api/v1/relay-draws: resident relays, their pools and random draws.

Each route follows load → authorize → validate → service → commit, with the HTML views' services and policy:
relays are read by whoever reads their agreement, their contact only by the coordination (the agreement's
coordinators and administrators); pools are for the coordination; a draw's pseudonymised result is for anyone
once published (as on its public page), for the coordination always. Pool members' names never leave gup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import Agreement
from gup.agreements.payloads import agreement_or_422
from gup.errors import DomainError
from gup.extensions import db
from gup.relays import queries, services
from gup.relays.draw import ALGORITHM, verification_command
from gup.relays.models import RelayDraw, RelayPool, RelayStatus, ResidentRelay
from gup.relays.payloads import relay_fields
from gup.relays.schemas import (
    DrawIn,
    DrawQueryArgs,
    PoolQueryArgs,
    RelayDrawOut,
    RelayIn,
    RelayOut,
    RelayPoolOut,
    RelayQueryArgs,
)
from gup.rest import (
    api_blueprint,
    api_user,
    committing,
    documents_errors,
    list_page,
    paginated,
    unprocessable,
)

relays_api = api_blueprint("relays", "/relays", "Habitants relais.")
pools_api = api_blueprint("relay_pools", "/relay-pools", "Viviers d'habitants relais (coordination).")
draws_api = api_blueprint("relay_draws", "/relay-draws", "Tirages au sort d'habitants relais.")


# --- relays --------------------------------------------------------------------------------------

@dataclass
class _Shown:
    """A relay as the API shows it to one user: `contact` is the relay itself for the coordination, else None."""

    relay: ResidentRelay
    contact: ResidentRelay | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.relay, name)


def _shown(relay: ResidentRelay) -> _Shown:
    return _Shown(relay, relay if policy.can(api_user(), "view_contact", relay) else None)


def _relay_loading() -> tuple[Any, ...]:
    # the agreement's coordinators decide who sees the contact: loaded in one query for the whole page
    return (joinedload(ResidentRelay.agreement).selectinload(Agreement.coordinators),
            joinedload(ResidentRelay.territory), joinedload(ResidentRelay.theme),
            joinedload(ResidentRelay.neighbourhood))


def _relay_or_404(relay_id: int) -> ResidentRelay:
    from flask import abort

    stmt = sa.select(ResidentRelay).where(ResidentRelay.id == relay_id).options(*_relay_loading())
    return db.session.scalar(stmt) or abort(404)


@relays_api.route("", endpoint="index")
@relays_api.arguments(RelayQueryArgs, location="query")
@relays_api.response(200, RelayOut(many=True))
@paginated(relays_api)
@documents_errors(relays_api)
def list_relays(args: dict, pagination_parameters):
    """List the relays of the agreements the user may read; filters combine."""
    stmt = sa.select(ResidentRelay).options(*_relay_loading()).order_by(ResidentRelay.id)
    if args.get("agreement_id") is not None:
        stmt = stmt.where(ResidentRelay.agreement_id == args["agreement_id"])
    if args.get("status") is not None:
        stmt = stmt.where(ResidentRelay.status == RelayStatus(args["status"]))
    if args.get("territory_id") is not None:
        stmt = stmt.where(ResidentRelay.territory_id == args["territory_id"])
    stmt = policy.visible(api_user(), stmt, ResidentRelay)
    return [_shown(relay) for relay in list_page(stmt, pagination_parameters)]


@relays_api.route("/<int:relay_id>", endpoint="detail")
@relays_api.response(200, RelayOut)
@documents_errors(relays_api, 403, 404)
def get_relay(relay_id: int):
    """Return one relay (with their contact for the coordination)."""
    relay = _relay_or_404(relay_id)
    policy.authorize(api_user(), "view", relay)
    return _shown(relay)


@relays_api.route("", methods=["POST"], endpoint="create")
@relays_api.arguments(RelayIn)
@relays_api.response(201, RelayOut)
@documents_errors(relays_api, 400, 403, 422)
def create_relay(payload: dict):
    """Record a relay's mandate; for the coordination of the agreement (its coordinators, administrators).

    A rule of the mandate the body breaks (no place nor theme and neighbourhood, end before start…) is a 422
    naming the field.
    """
    user = api_user()
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "manage_relays", agreement)
    fields = relay_fields(payload, agreement)
    try:
        with committing():
            relay = services.create_relay(agreement, actor=user, **fields)
    except DomainError as exc:
        unprocessable(exc.field or "person_name", exc.message)
    return _shown(_relay_or_404(relay.id))


# --- pools ---------------------------------------------------------------------------------------

def _pool_loading() -> tuple[Any, ...]:
    return (joinedload(RelayPool.agreement), selectinload(RelayPool.members))


@pools_api.route("", endpoint="index")
@pools_api.arguments(PoolQueryArgs, location="query")
@pools_api.response(200, RelayPoolOut(many=True))
@paginated(pools_api)
@documents_errors(pools_api)
def list_pools(args: dict, pagination_parameters):
    """List the pools of the agreements the user coordinates (members by pseudonym and gender only)."""
    stmt = sa.select(RelayPool).options(*_pool_loading()).order_by(RelayPool.id)
    if args.get("agreement_id") is not None:
        stmt = stmt.where(RelayPool.agreement_id == args["agreement_id"])
    stmt = policy.visible(api_user(), stmt, RelayPool)
    return list_page(stmt, pagination_parameters)


@pools_api.route("/<int:pool_id>", endpoint="detail")
@pools_api.response(200, RelayPoolOut)
@documents_errors(pools_api, 403, 404)
def get_pool(pool_id: int):
    """Return one pool, for the coordination of its agreement."""
    pool = queries.pool_or_404(pool_id)
    policy.authorize(api_user(), "view", pool)
    return pool


# --- draws ---------------------------------------------------------------------------------------

@dataclass
class _DrawShown:
    draw: RelayDraw

    def __getattr__(self, name: str) -> Any:
        return getattr(self.draw, name)

    @property
    def algorithm(self) -> str:
        return ALGORITHM

    @property
    def verification(self) -> str:
        return verification_command(self.draw.pool_ids, self.draw.seats, self.draw.seed, self.draw.parity)


def _draw_or_404(draw_id: int) -> RelayDraw:
    from flask import abort

    stmt = (sa.select(RelayDraw).where(RelayDraw.id == draw_id)
            .options(joinedload(RelayDraw.pool).joinedload(RelayPool.agreement).selectinload(Agreement.coordinators)))
    return db.session.scalar(stmt) or abort(404)


@draws_api.route("", endpoint="index")
@draws_api.arguments(DrawQueryArgs, location="query")
@draws_api.response(200, RelayDrawOut(many=True))
@paginated(draws_api)
@documents_errors(draws_api)
def list_draws(args: dict, pagination_parameters):
    """List the draws the user may read (the published ones; every draw of the agreements coordinated), newest
    first."""
    stmt = sa.select(RelayDraw).order_by(RelayDraw.ran_at.desc(), RelayDraw.id.desc())
    if args.get("pool_id") is not None:
        stmt = stmt.where(RelayDraw.pool_id == args["pool_id"])
    if args.get("published") is not None:
        stmt = stmt.where(RelayDraw.published.is_(args["published"]))
    stmt = policy.visible(api_user(), stmt, RelayDraw)
    return [_DrawShown(draw) for draw in list_page(stmt, pagination_parameters)]


@draws_api.route("/<int:draw_id>", endpoint="detail")
@draws_api.response(200, RelayDrawOut)
@documents_errors(draws_api, 403, 404)
def get_draw(draw_id: int):
    """Return one draw: published, or of an agreement the user coordinates."""
    record = _draw_or_404(draw_id)
    policy.authorize(api_user(), "view_result", record)
    return _DrawShown(record)


@draws_api.route("", methods=["POST"], endpoint="create")
@draws_api.arguments(DrawIn)
@draws_api.response(201, RelayDrawOut)
@documents_errors(draws_api, 400, 403, 422)
def run_draw(payload: dict):
    """Run a draw in a pool, for the coordination of its agreement; it is recorded unpublished (publish it from
    its page). Without `seed`, a random seed is drawn; more seats than volunteers is a 422."""
    user = api_user()
    pool = db.session.scalar(sa.select(RelayPool).where(RelayPool.id == payload["pool_id"])
                             .options(*_pool_loading()))
    if pool is None:
        unprocessable("pool_id", f"Vivier introuvable : {payload['pool_id']}.")
    policy.authorize(user, "manage", pool)
    try:
        with committing():
            record = services.run_draw(pool, seats=payload["seats"], parity=payload["parity"], actor=user,
                                       seed=payload.get("seed"))
    except DomainError as exc:
        unprocessable(exc.field or "seats", exc.message)
    return _DrawShown(_draw_or_404(record.id))
