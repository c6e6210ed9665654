"""One page of a list: a LIMIT/OFFSET select plus one COUNT, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from gup.extensions import db
from gup.inputs import MAX_PAGE, page_number

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: sa.Select, *, page: int, per_page: int) -> Page:
    """Run a select() for one page plus one COUNT query: two queries whatever the page size."""
    page = min(max(1, page), MAX_PAGE)  # OFFSET stays inside the database's integer range
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(_one_page(stmt, limit=per_page, offset=(page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def _one_page(stmt: sa.Select, *, limit: int, offset: int) -> sa.Select:
    """stmt's rows limit..offset. For an ordered select of one mapped entity, the ordering and the LIMIT run on
    the primary keys alone (a narrow sort, none of the eagerly joined columns) and the full rows of that page are
    read by key in the same statement, ordered the same way: the same rows, in the same order, in one query."""
    entity = _single_entity(stmt)
    if entity is None:
        return stmt.limit(limit).offset(offset)
    key = sa.inspect(entity).primary_key[0]
    page_keys = stmt.with_only_columns(key).limit(limit).offset(offset).correlate(None)
    return stmt.where(key.in_(page_keys.scalar_subquery()))


def _single_entity(stmt: sa.Select) -> type | None:
    """The mapped class stmt selects, when it selects one entity and nothing else, ordered, without grouping,
    DISTINCT or a LIMIT of its own, with a one-column primary key (the statements the narrow page applies to); None
    otherwise."""
    if (not stmt._order_by_clauses or stmt._group_by_clauses or stmt._distinct or stmt._limit_clause is not None
            or stmt._offset_clause is not None):
        return None
    described = stmt.column_descriptions
    if len(described) != 1 or described[0].get("entity") is None or described[0].get("expr") is not described[0][
            "entity"]:
        return None
    entity = described[0]["entity"]
    return entity if len(sa.inspect(entity).primary_key) == 1 else None


def page_arg() -> int:
    """The ?page= number of the current request (1 when absent or invalid, MAX_PAGE at most)."""
    from flask import request

    return page_number(request.args.get("page"))
