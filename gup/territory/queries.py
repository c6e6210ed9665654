"""Read side of the territory tree, written once for every feature: neighbourhood lists and choices, one node
with its descendants, the subtree of a node, the neighbourhood of a place, the distance between two points."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from gup.extensions import db
from gup.territory.models import Territory, TerritoryKind


def neighbourhoods_stmt(*, qpv: bool | None = None, search: str | None = None) -> sa.Select:
    """Neighbourhoods (the roots of the tree) ordered by name, optionally only QPVs or only the others."""
    stmt = (sa.select(Territory).where(Territory.kind == TerritoryKind.NEIGHBOURHOOD)
            .order_by(Territory.name, Territory.id))
    has_code = sa.and_(Territory.qpv_code.is_not(None), Territory.qpv_code != "")
    if qpv is True:
        stmt = stmt.where(has_code)
    elif qpv is False:
        stmt = stmt.where(sa.not_(has_code))
    if search and search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(sa.or_(Territory.name.ilike(like), Territory.code.ilike(like),
                                 Territory.qpv_code.ilike(like)))
    return stmt


def neighbourhood_tree_or_404(territory_id: int) -> Territory:
    """A neighbourhood with all its descendants loaded: one query per level of the tree."""
    stmt = (sa.select(Territory)
            .where(Territory.id == territory_id, Territory.kind == TerritoryKind.NEIGHBOURHOOD)
            .options(selectinload(Territory.children, recursion_depth=-1)))
    node = db.session.scalar(stmt)
    if node is None:
        abort(404)
    return node


def territories_by_ids(ids: list[int]) -> list[Territory]:
    """The territory nodes with these ids (unknown ids are simply absent)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Territory).where(Territory.id.in_(set(ids))).order_by(Territory.name)))


# --- territory tree ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Node:
    """A territory node as the tree helpers need it (no ORM object, no lazy load)."""

    id: int
    parent_id: int | None
    kind: TerritoryKind
    name: str


class _Shared:
    """What a `shared_territory_index()` block read: the index, and its children lists (both on first use)."""

    def __init__(self) -> None:
        self.index: dict[int, Node] | None = None
        self.children: dict[int | None, list[Node]] | None = None


_shared: ContextVar[_Shared | None] = ContextVar("shared_territory_index", default=None)


def _read_index() -> dict[int, Node]:
    rows = db.session.execute(sa.select(Territory.id, Territory.parent_id, Territory.kind, Territory.name))
    return {r.id: Node(r.id, r.parent_id, r.kind, r.name) for r in rows}


def territory_index() -> dict[int, Node]:
    """Every territory node, in one query (a few thousand nodes usually; 30,000 at load scale). Inside a
    `shared_territory_index()` block the tree is read once, at the first call, and that index is reused."""
    shared = _shared.get()
    if shared is None:
        return _read_index()
    if shared.index is None:
        shared.index = _read_index()
    return shared.index


@contextmanager
def shared_territory_index() -> Iterator[None]:
    """Read the territory tree at most once in this block, for a batch during which it does not change (an
    evaluation's snapshot computes a dozen indicators each needing the tree; the draft job builds hundreds). The
    index is read-only; nested blocks reuse the outer one."""
    if _shared.get() is not None:
        yield
        return
    token = _shared.set(_Shared())
    try:
        yield
    finally:
        _shared.reset(token)


def _children(index: dict[int, Node]) -> dict[int | None, list[Node]]:
    shared = _shared.get()
    if shared is not None and shared.index is index and shared.children is not None:
        return shared.children
    children: dict[int | None, list[Node]] = {}
    for node in index.values():
        children.setdefault(node.parent_id, []).append(node)
    if shared is not None and shared.index is index:
        shared.children = children
    return children


def neighbourhood_of(node_id: int | None, index: dict[int, Node]) -> Node | None:
    """The neighbourhood a node belongs to (itself, or its ancestor)."""
    seen = set()
    node = index.get(node_id) if node_id is not None else None
    while node is not None and node.id not in seen:
        if node.kind is TerritoryKind.NEIGHBOURHOOD:
            return node
        seen.add(node.id)
        node = index.get(node.parent_id) if node.parent_id is not None else None
    return None


def place_path(node_id: int | None, index: dict[int, Node]) -> str:
    """« Les Tilleuls › Résidence Les Acacias › Bâtiment A › A1 »: a place with its parents (empty when unknown)."""
    names, seen = [], set()
    node = index.get(node_id) if node_id is not None else None
    while node is not None and node.id not in seen:
        seen.add(node.id)
        names.append(node.name)
        node = index.get(node.parent_id) if node.parent_id is not None else None
    return " › ".join(reversed(names))


def descendants(root_ids: list[int], index: dict[int, Node]) -> list[tuple[Node, int]]:
    """The roots and every node under them, depth first (tree order), each with its depth."""
    children = _children(index)
    out: list[tuple[Node, int]] = []

    def walk(node: Node, depth: int) -> None:
        out.append((node, depth))
        for child in sorted(children.get(node.id, []), key=lambda n: n.name):
            walk(child, depth + 1)

    for root in sorted((index[i] for i in root_ids if i in index), key=lambda n: n.name):
        walk(root, 0)
    return out


def subtree(root_id: int) -> sa.Select:
    """Ids of a territory node and of every node under it (residences, buildings, stairwells), as a subquery."""
    tree = sa.select(Territory.id).where(Territory.id == root_id).cte("territory_subtree", recursive=True)
    tree = tree.union_all(sa.select(Territory.id).where(Territory.parent_id == tree.c.id))
    return sa.select(tree.c.id)


def neighbourhood_above(territory: Territory | None) -> Territory | None:
    """The neighbourhood a loaded place belongs to (itself, or its ancestor), walking its parents."""
    node = territory
    while node is not None and node.kind is not TerritoryKind.NEIGHBOURHOOD:
        node = node.parent
    return node


def housing_provider_of(territory: Territory | None) -> Any:
    """The housing provider of a place, looking up from stairwell to residence (None when no node names one)."""
    node = territory
    while node is not None:
        if node.housing_provider is not None:
            return node.housing_provider
        node = node.parent
    return None


def other_housing_provider(organisation: Any, territory: Territory | None) -> Any:
    """The place's own housing provider when `organisation` is a different housing provider, else None.

    The ownership rule of routing (findings and resident reports): work on a place whose housing provider is
    known never goes to another housing provider by a rule or a suggestion; only the coordination sends it
    there, explicitly and with a reason that stays in the history."""
    from gup.organisations.models import OrganisationKind

    provider = housing_provider_of(territory)
    if organisation is None or provider is None or organisation.id == provider.id:
        return None
    return provider if organisation.kind is OrganisationKind.HOUSING_PROVIDER else None


def neighbourhood_choices(agreement: Any = None) -> list[tuple[int, str]]:
    """Neighbourhoods of an agreement's perimeter (or every neighbourhood, for filters), by name."""
    if agreement is not None:
        nodes = [t for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD]
    else:
        nodes = list(db.session.scalars(sa.select(Territory).where(Territory.kind == TerritoryKind.NEIGHBOURHOOD)
                                        .order_by(Territory.name)))
    return [(t.id, t.name) for t in sorted(nodes, key=lambda t: t.name)]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))
