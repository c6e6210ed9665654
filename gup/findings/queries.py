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
    FindingStatus,
    LandOwnership,
    Priority,
    RoutingRule,
    Transfer,
)
from gup.orm import raise_others
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.territory.queries import Node, descendants, neighbourhood_of, territory_index
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


def territory_choices(agreement: Agreement) -> list[tuple[int, str]]:
    """The agreement's territory tree as indented select options (« Résidence : Les Tilleuls »)."""
    index = territory_index()
    roots = [t.id for t in agreement.territories]
    return [(node.id, "\u00a0\u00a0\u00a0" * depth + f"{node.kind.label} : {node.name}")
            for node, depth in descendants(roots, index)]


# --- findings list -------------------------------------------------------------------------------

def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """SQL form of Finding.is_overdue."""
    return sa.and_(Finding.due_on.is_not(None), Finding.due_on < today,
                   Finding.status.in_(list(OPEN_FINDING_STATUSES)))


def findings_stmt(user: Any, *, today: date, agreement_id: int | None = None, neighbourhood_id: int | None = None,
                  theme_id: int | None = None, organisation_id: int | None = None, status: str | None = None,
                  priority: str | None = None, overdue: bool | None = None, recurring: bool | None = None,
                  walkthrough_id: int | None = None) -> sa.Select:
    """Findings user may read, filtered, oldest due first, with what list rows and the CSV show loaded."""
    stmt = (sa.select(Finding)
            .options(joinedload(Finding.agreement), joinedload(Finding.theme),
                     joinedload(Finding.responsible_organisation), joinedload(Finding.walkthrough),
                     *raise_others(Finding, Finding.agreement, Finding.theme, Finding.responsible_organisation,
                                   Finding.walkthrough))
            .order_by(Finding.due_on.is_(None), Finding.due_on, Finding.id))
    if agreement_id:
        stmt = stmt.where(Finding.agreement_id == agreement_id)
    if walkthrough_id:
        stmt = stmt.where(Finding.walkthrough_id == walkthrough_id)
    if neighbourhood_id:
        nodes = [n.id for n, _depth in descendants([neighbourhood_id], territory_index())] or [-1]
        walks = sa.select(Walkthrough.id).where(Walkthrough.neighbourhood_id == neighbourhood_id)
        stmt = stmt.where(sa.or_(Finding.territory_id.in_(nodes), Finding.walkthrough_id.in_(walks)))
    if theme_id:
        stmt = stmt.where(Finding.theme_id == theme_id)
    if organisation_id:
        stmt = stmt.where(Finding.responsible_organisation_id == organisation_id)
    if status:
        stmt = stmt.where(Finding.status == FindingStatus(status))
    if priority:
        stmt = stmt.where(Finding.priority == Priority(priority))
    if overdue is True:
        stmt = stmt.where(overdue_clause(today))
    elif overdue is False:
        stmt = stmt.where(sa.not_(overdue_clause(today)))
    if recurring:
        stmt = stmt.where(Finding.is_recurring.is_(True))
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
