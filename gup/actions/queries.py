"""Read side of actions: loading, list filters, the "Mes actions" worklist, form choices, CSV rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, raiseload, selectinload

from gup import policy
from gup.actions.models import (
    CLOSED_ACTION_STATUSES,
    Action,
    ActionKind,
    ActionStatus,
    ActionUpdate,
    answered_model,
)
from gup.agreements.models import Agreement, Commitment
from gup.auth.models import User
from gup.csv_file import Number
from gup.extensions import db
from gup.forms_common import OPEN_GROUP
from gup.organisations.models import Organisation
from gup.orm import text_search
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.territory.queries import subtree

#: what "Mes actions" lists: findings waiting for the partner or being handled, actions not finished


def _agreement_for_policy():
    """Load what the policy reads on an agreement (coordinators, partners, signatories)."""
    return (selectinload(Agreement.coordinators), selectinload(Agreement.partners),
            selectinload(Agreement.signatories))


# --- one action ----------------------------------------------------------------------------------

def action_or_404(action_id: int) -> Action:
    """One action with everything its page and its forms show, loaded up front."""
    stmt = (sa.select(Action).where(Action.id == action_id)
            .options(joinedload(Action.agreement).options(*_agreement_for_policy(),
                                                          selectinload(Agreement.commitments)),
                     joinedload(Action.responsible_organisation), joinedload(Action.assignee),
                     joinedload(Action.commitment), selectinload(Action.contributors),
                     selectinload(Action.findings).joinedload(answered_model().theme),
                     selectinload(Action.updates).options(joinedload(ActionUpdate.author),
                                                          joinedload(ActionUpdate.photo))))
    action = db.session.scalar(stmt)
    if action is None:
        abort(404)
    return action


def agreement_by_id(agreement_id: int | None) -> Agreement | None:
    """The agreement an action is created in, with its parties and commitments."""
    if agreement_id is None:
        return None
    stmt = (sa.select(Agreement).where(Agreement.id == agreement_id)
            .options(*_agreement_for_policy(), selectinload(Agreement.commitments)))
    return db.session.scalar(stmt)


def agreement_or_404(agreement_id: int) -> Agreement:
    agreement = agreement_by_id(agreement_id)
    if agreement is None:
        abort(404)
    return agreement


# --- the list ------------------------------------------------------------------------------------

def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """SQL form of Action.is_overdue."""
    return sa.and_(Action.due_on.is_not(None), Action.due_on < today,
                   Action.status.not_in(list(CLOSED_ACTION_STATUSES)))


def _linked_finding(*conditions: Any) -> sa.ColumnElement[bool]:
    """EXISTS a finding answered by the action and matching conditions."""
    return Action.findings.any(sa.and_(*conditions))


def in_neighbourhood(neighbourhood_id: int) -> sa.ColumnElement[bool]:
    """An action is in a neighbourhood when one of the findings it answers was noted there (its place, or the
    walk it was noted on). Actions that answer no finding have no place and match no neighbourhood."""
    finding = answered_model()
    return _linked_finding(sa.or_(finding.territory_id.in_(subtree(neighbourhood_id)),
                                  finding.walkthrough.has(neighbourhood_id=neighbourhood_id)))


def with_theme(theme_id: int) -> sa.ColumnElement[bool]:
    """An action is about a theme through its commitment or through one of the findings it answers."""
    commitments = sa.select(Commitment.id).where(Commitment.theme_id == theme_id)
    return sa.or_(Action.commitment_id.in_(commitments), _linked_finding(answered_model().theme_id == theme_id))


def actions_stmt(user: Any, *, today: date, loading: tuple[Any, ...] | None = None,
                 agreement_id: int | None = None, neighbourhood_id: int | None = None, theme_id: int | None = None,
                 organisation_id: int | None = None, commitment_id: int | None = None, finding_id: int | None = None,
                 kind: ActionKind | str | None = None, status: ActionStatus | str | None = None,
                 overdue: bool | None = None, for_export: bool = False, q: str | None = None) -> sa.Select:
    """Actions user may read, filtered, by due date: the one list query of the HTML list, its CSV and the API.
    `loading` replaces what the HTML rows (or CSV rows) load."""
    if loading is None:
        loading = (joinedload(Action.agreement).raiseload("*"), joinedload(Action.responsible_organisation),
                   # the assignee may be the signed-in user, whose organisation the page header shows
                   joinedload(Action.assignee).lazyload("*"), joinedload(Action.commitment).raiseload("*"))
        if for_export:
            loading += (selectinload(Action.contributors), selectinload(Action.findings).raiseload("*"))
        loading += (raiseload("*"),)
    stmt = sa.select(Action).options(*loading).order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    equal = {Action.agreement_id: agreement_id, Action.responsible_organisation_id: organisation_id,
             Action.commitment_id: commitment_id, Action.kind: ActionKind(kind) if kind else None,
             Action.status: ActionStatus(status) if status and status != OPEN_GROUP else None}
    stmt = stmt.where(*(column == value for column, value in equal.items() if value is not None))
    if status == OPEN_GROUP:  # « en cours »: every status that is not closed
        stmt = stmt.where(Action.status.notin_(list(CLOSED_ACTION_STATUSES)))
    if (search := text_search(q, Action.title, Action.description, id_column=Action.id)) is not None:
        stmt = stmt.where(search)
    if neighbourhood_id:
        stmt = stmt.where(in_neighbourhood(neighbourhood_id))
    if theme_id:
        stmt = stmt.where(with_theme(theme_id))
    if finding_id is not None:
        stmt = stmt.where(Action.findings.any(id=finding_id))
    if overdue is not None:
        late = overdue_clause(today)
        stmt = stmt.where(late if overdue else sa.not_(late))
    return policy.visible(user, stmt, Action)


# --- CSV export ----------------------------------------------------------------------------------

CSV_HEADERS = (_l("N°"), _l("Intitulé"), _l("Convention"), _l("Type"), _l("Public visé"),
               _l("Organisme responsable"), _l("Personne chargée"), _l("Organismes contributeurs"), _l("Échéance"),
               _l("En retard"), _l("Statut"), _l("Avancement (%)"), _l("Coût (€)"), _l("Engagement"),
               _l("Constats liés"), _l("Réalisée le"))


def _csv_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _csv_amount(value: Decimal | None) -> str:
    """1250.5 → « 1250,50 »: comma decimals, no thousands separator, so spreadsheets read a number."""
    return Number(f"{value:.2f}".replace(".", ",")) if value is not None else ""


def csv_rows(actions: list[Action], today: date, *, yes: str, no: str) -> list[list[Any]]:
    """One list of cells per action, in the order of CSV_HEADERS (gup.csv_file defuses every text cell)."""
    return [[a.id, a.title, a.agreement.reference, str(a.kind.label), a.audience, a.responsible_organisation.name,
             a.assignee.full_name if a.assignee else "", ", ".join(o.name for o in a.contributors),
             _csv_date(a.due_on), yes if a.is_overdue(today) else no, str(a.status.label), a.progress,
             _csv_amount(a.cost), a.commitment.reference if a.commitment else "",
             ", ".join(str(f.id) for f in a.findings), _csv_date(a.done_on)]
            for a in actions]


# --- form choices --------------------------------------------------------------------------------

def party_organisations(agreement: Agreement) -> list[Organisation]:
    ids = agreement.party_organisation_ids
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.name)))


def assignable_users(organisation_ids: list[int]) -> list[User]:
    """Active accounts of these organisations, by organisation then name."""
    if not organisation_ids:
        return []
    stmt = (sa.select(User).join(User.organisation)
            .where(User.organisation_id.in_(organisation_ids), User.is_active_account.is_(True))
            .options(joinedload(User.organisation)).order_by(Organisation.name, User.full_name))
    return list(db.session.scalars(stmt))


def organisations_by_ids(ids: list[int]) -> list[Organisation]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.name)))
