"""One page of a list: a LIMIT/OFFSET select plus one COUNT, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from gup.extensions import db
from gup.inputs import MAX_PAGE, page_number
from gup.orm import page_select

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
    dialect = db.session.get_bind().dialect.name
    items = list(db.session.scalars(page_select(stmt, limit=per_page, offset=(page - 1) * per_page,
                                                dialect=dialect)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def page_arg() -> int:
    """The ?page= number of the current request (1 when absent or invalid, MAX_PAGE at most)."""
    from flask import request

    return page_number(request.args.get("page"))
