"""Read side of findings: loading a finding with its page, the filtered list, territory tree, routing table."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.actions.models import Action
from gup.agreements.models import Agreement, Partner, Signatory, Theme
from gup.extensions import db
from gup.findings.models import (
    OPEN_FINDING_STATUSES,
    Finding,
    FindingKind,
    FindingStatus,
    LandOwnership,
    Priority,
    RoutingRule,
    Transfer,
)
from gup.forms_common import OPEN_GROUP
from gup.orm import raise_others, text_search
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.territory.queries import (
    Node,
    descendants,
    neighbourhood_of,
    place_path,
    subtree,
    territory_index,
)
from gup.walks.models import Walkthrough


def _agreement_options(path: Any) -> list[Any]:
    """What the policy and the forms read on an agreement, loaded up front."""
    return [path.selectinload(Agreement.coordinators),
            path.selectinload(Agreement.partners).joinedload(Partner.organisation),
            path.selectinload(Agreement.signatories).joinedload(Signatory.organisation),
            path.selectinload(Agreement.territories)]


def finding_or_404(finding_id: int) -> Finding:
    """One finding with everything its page shows, loaded up front."""
    stmt = (sa.select(Finding).where(Finding.id == finding_id)
            .options(*_agreement_options(joinedload(Finding.agreement)),
                     joinedload(Finding.walkthrough).selectinload(Walkthrough.stops),
                     joinedload(Finding.stop), joinedload(Finding.theme),
                     joinedload(Finding.territory), joinedload(Finding.responsible_organisation),
                     joinedload(Finding.created_by), selectinload(Finding.photos),
                     selectinload(Finding.transfers).options(joinedload(Transfer.from_organisation),
                                                             joinedload(Transfer.to_organisation),
                                                             joinedload(Transfer.by)),
                     selectinload(Finding.actions).options(joinedload(Action.responsible_organisation))))
    finding = db.session.scalar(stmt)
    if finding is None:
        abort(404)
    return finding


def walk_for_logging(walkthrough_id: int) -> Walkthrough:
    """A walk with its agreement and stops, for the logging form."""
    stmt = (sa.select(Walkthrough).where(Walkthrough.id == walkthrough_id)
            .options(*_agreement_options(joinedload(Walkthrough.agreement)),
                     joinedload(Walkthrough.neighbourhood), selectinload(Walkthrough.stops),
                     selectinload(Walkthrough.grid_themes)))
    walk = db.session.scalar(stmt)
    if walk is None:
        abort(404)
    return walk


def agreement_or_404(agreement_id: int) -> Agreement:
    """An agreement with what the policy and the forms read."""
    stmt = sa.select(Agreement).where(Agreement.id == agreement_id).options(
        selectinload(Agreement.coordinators), selectinload(Agreement.partners).joinedload(Partner.organisation),
        selectinload(Agreement.signatories).joinedload(Signatory.organisation),
        selectinload(Agreement.territories))
    agreement = db.session.scalar(stmt)
    if agreement is None:
        abort(404)
    return agreement


def territory_choices(agreement: Agreement, walk: Walkthrough | None = None) -> list[tuple[int, str]]:
    """The places a finding may name, in tree order, each with its parents (« Les Tilleuls › Résidence Les
    Acacias › Bâtiment A › A1 »): the walk's neighbourhood for a walk's finding, else the agreement's perimeter."""
    index = territory_index()
    roots = [walk.neighbourhood_id] if walk is not None else [t.id for t in agreement.territories]
    return [(node.id, place_path(node.id, index)) for node, _depth in descendants(roots, index)]


def place_label(territory_id: int | None) -> str:
    """A finding's place with its parents (empty without a place)."""
    return place_path(territory_id, territory_index()) if territory_id is not None else ""


# --- findings list -------------------------------------------------------------------------------

def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """SQL form of Finding.is_overdue."""
    return sa.and_(Finding.due_on.is_not(None), Finding.due_on < today,
                   Finding.status.in_(list(OPEN_FINDING_STATUSES)), Finding.problem_clause())


def findings_stmt(user: Any, *, today: date, loading: tuple[Any, ...] | None = None,
                  agreement_id: int | None = None, walkthrough_id: int | None = None,
                  neighbourhood_id: int | None = None, theme_id: int | None = None, organisation_id: int | None = None,
                  kind: FindingKind | str | None = None, status: FindingStatus | str | None = None,
                  priority: Priority | str | None = None, overdue: bool | None = None,
                  recurring: bool | None = None, q: str | None = None) -> sa.Select:
    """Findings user may read, filtered, oldest due first: the one list query of the HTML list, its CSV and the
    API. `loading` replaces what the HTML rows load (the API loads what its rows show)."""
    if loading is None:
        loading = (joinedload(Finding.agreement), joinedload(Finding.theme),
                   joinedload(Finding.responsible_organisation), joinedload(Finding.walkthrough),
                   *raise_others(Finding, Finding.agreement, Finding.theme, Finding.responsible_organisation,
                                 Finding.walkthrough))
    stmt = sa.select(Finding).options(*loading).order_by(Finding.due_on.is_(None), Finding.due_on, Finding.id)
    equal = {Finding.agreement_id: agreement_id, Finding.walkthrough_id: walkthrough_id,
             Finding.theme_id: theme_id, Finding.responsible_organisation_id: organisation_id,
             Finding.kind: FindingKind(kind) if kind else None,
             Finding.status: FindingStatus(status) if status and status != OPEN_GROUP else None,
             Finding.priority: Priority(priority) if priority else None, Finding.is_recurring: recurring}
    stmt = stmt.where(*(column == value for column, value in equal.items() if value is not None))
    if status == OPEN_GROUP:  # « en cours »: every status that is not closed
        stmt = stmt.where(Finding.status.in_(list(OPEN_FINDING_STATUSES)))
    if (search := text_search(q, Finding.description, Finding.address, id_column=Finding.id)) is not None:
        stmt = stmt.where(search)
    if neighbourhood_id:  # the place's neighbourhood, or the neighbourhood of the walk
        walks = sa.select(Walkthrough.id).where(Walkthrough.neighbourhood_id == neighbourhood_id)
        stmt = stmt.where(sa.or_(Finding.territory_id.in_(subtree(neighbourhood_id)),
                                 Finding.walkthrough_id.in_(walks)))
    if overdue is not None:
        late = overdue_clause(today)
        stmt = stmt.where(late if overdue else sa.not_(late))
    return policy.visible(user, stmt, Finding)


def neighbourhoods_for(findings: list[Finding], index: dict[int, Node] | None = None) -> dict[int, str]:
    """Name of each finding's neighbourhood (from its place, else from its walk), without a query per row."""
    index = index if index is not None else territory_index()
    result = {}
    for f in findings:
        node = neighbourhood_of(f.territory_id, index) or (
            index.get(f.walkthrough.neighbourhood_id) if f.walkthrough is not None else None)
        result[f.id] = node.name if node else ""
    return result


# --- routing table -------------------------------------------------------------------------------

def routing_rules(agreement: Agreement) -> list[RoutingRule]:
    """The agreement's routing rules, by land ownership then theme (« toutes » first)."""
    stmt = (sa.select(RoutingRule).where(RoutingRule.agreement_id == agreement.id)
            .options(joinedload(RoutingRule.theme), joinedload(RoutingRule.organisation)))
    rules = list(db.session.scalars(stmt))
    order = list(LandOwnership)
    return sorted(rules, key=lambda r: (order.index(r.land_ownership), r.theme is not None,
                                        r.theme.position if r.theme else 0))


def routing_rule_or_404(agreement: Agreement, rule_id: int) -> RoutingRule:
    rule = db.session.get(RoutingRule, rule_id)
    if rule is None or rule.agreement_id != agreement.id:
        abort(404)
    return rule


def theme_or_none(theme_id: int | None) -> Theme | None:
    return db.session.get(Theme, theme_id) if theme_id else None
