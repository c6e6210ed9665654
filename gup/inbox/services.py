"""Use cases of « Mes actions »: list the registered work items of the user's audiences, move several at once.
Flush only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from gup.agreements.queries import coordinates_an_agreement  # noqa: F401  (re-exported)
from gup.errors import DomainError
from gup.features import registry
from gup.pagination import Page
from gup.worklist import COORDINATION, ORGANISATION, WorkItem, WorkItemProvider

logger = logging.getLogger(__name__)


def providers() -> list[WorkItemProvider]:
    return list(registry().work_item_providers)


def audiences(user: Any) -> frozenset[str]:
    """Whose work the user sees in « Mes actions »: their organisation's (a partner referent with an
    organisation), the coordination's (an administrator, or a coordinator of some agreement), both or none."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    out = set()
    if user.is_referent and user.organisation_id is not None:
        out.add(ORGANISATION)
    if user.is_admin or coordinates_an_agreement(user):
        out.add(COORDINATION)
    return frozenset(out)


def may_have_items(user: Any) -> bool:
    """Whether « Mes actions » is offered in the menu (no query: referents, coordinators and administrators)."""
    return bool(getattr(user, "is_referent", False) or getattr(user, "is_coordinator", False)
                or getattr(user, "is_admin", False))


def my_items(user: Any, today: date, *, among: frozenset[str] | None = None) -> list[WorkItem]:
    """The open items of the providers whose audience the user belongs to (`among`, computed when not given):
    their organisation's and/or those of the agreements they coordinate; overdue first, then by due date (a
    constant number of queries: each provider's own)."""
    among = audiences(user) if among is None else among
    rows = [item for provider in providers() if provider.audience in among for item in provider.items(user, today)]
    rows.sort(key=lambda item: (not item.overdue, item.due_on is None, item.due_on or today, item.rank,
                                item.obj.id))
    return rows


def my_page(user: Any, today: date, *, page: int, per_page: int,
            among: frozenset[str] | None = None) -> Page[WorkItem]:
    """One page of `my_items` (the same queries whatever the page; only that page's rows are rendered)."""
    rows = my_items(user, today, among=among)
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(1, page), pages)
    return Page(items=rows[(page - 1) * per_page:page * per_page], page=page, per_page=per_page, total=len(rows))


def items_by_keys(keys: list[str]) -> tuple[list[Any], list[str]]:
    """The records named <kind>-<id> (movable kinds only), in the given order; the keys naming nothing are
    returned apart."""
    movable = {p.kind: p for p in providers() if p.load is not None}
    wanted: list[tuple[str, int]] = []
    unknown: list[str] = []
    for key in dict.fromkeys(keys):
        kind, _sep, number = key.partition("-")
        if kind in movable and number.isdigit() and len(number) < 12:
            wanted.append((kind, int(number)))
        else:
            unknown.append(key)
    found: dict[tuple[str, int], Any] = {}
    for kind, provider in movable.items():
        ids = [i for k, i in wanted if k == kind]
        if ids:
            found.update(((kind, obj.id), obj) for obj in provider.load(ids))
    items = [found[w] for w in wanted if w in found]
    unknown += [f"{k}-{i}" for k, i in wanted if (k, i) not in found]
    return items, unknown


def _provider_of(item: Any) -> WorkItemProvider | None:
    return next((p for p in providers() if p.move is not None and isinstance(item, p.model)), None)


def bulk_status(items: Iterable[Any], *, to: str, note: str, actor: Any, now: datetime,
                may: Callable[[Any, Any], bool]) -> tuple[int, list[str]]:
    """Move several records at once. Each item is checked first (permission through `may(item, status)`,
    lifecycle, required note); those that cannot move are reported and left unchanged.
    Returns (moved count, messages)."""
    moved, problems = 0, []
    for item in items:
        provider = _provider_of(item)
        if provider is None:
            continue
        label = provider.label(item)
        try:
            target = provider.target(to)
        except ValueError:
            problems.append(_("%(item)s : statut inconnu pour cet élément.", item=label))
            continue
        if not may(item, target):
            problems.append(_("%(item)s : vous ne pouvez pas le modifier.", item=label))
        elif target not in provider.allowed(item) or target in provider.refused_targets:
            problems.append(_("%(item)s : passage impossible de « %(a)s » à « %(b)s ».", item=label,
                              a=item.status.label, b=target.label))
        elif not (note or "").strip():
            problems.append(_("%(item)s : une note est nécessaire.", item=label))
        else:
            try:
                provider.move(item, target, note=note, actor=actor, now=now)
            except DomainError as exc:
                problems.append(_("%(item)s : %(error)s", item=label, error=exc.message))
            else:
                moved += 1
    logger.info("bulk status %s: %s moved by %s", to, moved, getattr(actor, "id", None))
    return moved, problems


def may_move(user: Any) -> Callable[[Any, Any], bool]:
    """The policy question of each move, asked through the item's provider."""
    def may(item: Any, target: Any) -> bool:
        provider = _provider_of(item)
        return provider is not None and provider.may(user, item, target)
    return may
