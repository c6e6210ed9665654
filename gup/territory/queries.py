"""Read side of the territory tree: neighbourhood lists and one node with its descendants."""

from __future__ import annotations

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
