"""Work items: what a user must act on, as each feature describes it for « Mes actions » (gup.inbox).

A feature registers a `WorkItemProvider` (`registry.work_items(...)`); the inbox aggregator lists the items of
the providers whose audience the user belongs to and moves the selected ones, without knowing any feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

#: audiences of a provider: a partner referent's organisation, or the coordination of agreements
ORGANISATION = "organisation"
COORDINATION = "coordination"
AUDIENCES = frozenset({ORGANISATION, COORDINATION})


@dataclass(frozen=True)
class WorkItem:
    """One row of « Mes actions »: a record assigned to the user's organisation, or due in an agreement the user
    coordinates."""

    obj: Any
    kind: str
    overdue: bool
    due_on: date | None
    #: the template of its row (it receives `item`, `o` = the record, `selected` and `today`)
    row_template: str
    #: its tie-break rank among items due the same day (findings first, then actions, then reports)
    rank: int
    #: whether its checkbox is offered (the kind can be moved in bulk)
    selectable: bool
    #: for the generic row (templates/_macros/work_item_row.html): its type, what it is, where it opens
    type_label: str | None = None
    text: str | None = None
    #: (endpoint, ((argument, value), ...)): its page, built in the request that shows it (see `url`)
    link: tuple[str, tuple[tuple[str, Any], ...]] | None = None

    @property
    def url(self) -> str | None:
        from flask import url_for

        return url_for(self.link[0], **dict(self.link[1])) if self.link else None

    @property
    def key(self) -> str:
        """The value of its checkbox in the bulk form: <kind>-<id>."""
        return f"{self.kind}-{self.obj.id}"


def link(endpoint: str, **values: Any) -> tuple[str, tuple[tuple[str, Any], ...]]:
    """A WorkItem's link: the endpoint and arguments of its page."""
    return endpoint, tuple(values.items())


@dataclass(frozen=True)
class WorkItemProvider:
    """How one feature lists its work items and moves them in bulk."""

    kind: str
    #: the model of its records
    model: type
    #: items(user, today) -> the user's open items of this kind (a constant number of queries)
    items: Callable[[Any, date], list[WorkItem]]
    #: who it is asked for: ORGANISATION (the items of a referent's organisation) or COORDINATION (the items of
    #: the agreements the user coordinates; every agreement for an administrator)
    audience: str = ORGANISATION
    #: load(ids) -> the records with these ids, loaded with what the policy reads (None: not movable in bulk)
    load: Callable[[list[int]], list[Any]] | None = None
    #: label(obj) -> how a problem names it (« Constat n° 3 »)
    label: Callable[[Any], str] | None = None
    #: target(value) -> the status enum member (ValueError when the kind has no such status)
    target: Callable[[str], Any] | None = None
    #: allowed(obj) -> the statuses it may move to from its own (its status included)
    allowed: Callable[[Any], Any] | None = None
    #: may(user, obj, target) -> whether the policy lets user make this move
    may: Callable[[Any, Any, Any], bool] | None = None
    #: move(obj, target, note, actor, now): the service call (raises DomainError)
    move: Callable[..., Any] | None = None
    #: statuses never reached in bulk (e.g. a finding is never « sent » back from the list)
    refused_targets: frozenset[Any] = frozenset()
    #: the heading of its group in the coordinator's « À traiter » (gup.dashboard); None: not shown there
    title: Any = None
    #: list_url() -> the full list of this kind (the group's « Tout voir » link)
    list_url: Callable[[], str] | None = None
    #: count(user, today) -> how many there are when `items` returns only the most urgent (None: len(items))
    count: Callable[[Any, date], int] | None = None
    #: its order among the groups of « À traiter »
    order: int = 100

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"work item provider {self.kind!r}: unknown audience {self.audience!r}")


#: how many items a coordination group lists (its count says how many there are)
GROUP_LIMIT = 10


def count_rows(stmt: Any) -> int:
    """How many rows a select returns (one query)."""
    import sqlalchemy as sa

    from gup.extensions import db

    return int(db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def first_rows(stmt: Any, limit: int = GROUP_LIMIT) -> list[Any]:
    """The first rows of an ordered select (one query; joined eager loads made unique)."""
    from gup.extensions import db
    from gup.orm import page_select

    return list(db.session.scalars(page_select(stmt, limit=limit, offset=0,
                                               dialect=db.session.get_bind().dialect.name)).unique())
