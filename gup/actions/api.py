"""/api/v1/actions: actions (fiches action), the shared unit of follow-up, and their progress updates.

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing that fits the agreement) are refused with a
422 naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.actions import queries, services
from gup.actions.models import Action, ActionKind, ActionStatus, answered_model
from gup.actions.schemas import ActionIn, ActionOut, ActionPatchIn, ActionQueryArgs, ActionUpdateIn, ActionUpdateOut
from gup.agreements.models import Agreement, Commitment
from gup.auth.models import User
from gup.errors import NotAllowed
from gup.extensions import db
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.orm import now_utc, raise_others
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    page_items,
    page_number,
    paginated,
    unprocessable,
)

actions_api = api_blueprint("actions", "/actions", "Actions.")

#: what an API list row shows, loaded up front; any other relationship raises (a forgotten one fails a test)
_LOADED = (Action.agreement, Action.responsible_organisation, Action.assignee, Action.contributors, Action.findings)


def _actions_stmt(user: Any, *, today: date, agreement_id: int | None = None, organisation_id: int | None = None,
                  commitment_id: int | None = None, finding_id: int | None = None, kind: ActionKind | None = None,
                  status: ActionStatus | None = None, overdue: bool | None = None) -> sa.Select:
    """Actions user may read, filtered, by due date (the order of the HTML list), with their API rows loaded."""
    stmt = (sa.select(Action)
            .options(joinedload(Action.agreement), joinedload(Action.responsible_organisation),
                     joinedload(Action.assignee), selectinload(Action.contributors), selectinload(Action.findings),
                     *raise_others(Action, *_LOADED))
            .order_by(Action.due_on.is_(None), Action.due_on, Action.id))
    equal = {Action.agreement_id: agreement_id, Action.responsible_organisation_id: organisation_id,
             Action.commitment_id: commitment_id, Action.kind: kind, Action.status: status}
    stmt = stmt.where(*(column == value for column, value in equal.items() if value is not None))
    if finding_id is not None:
        stmt = stmt.where(Action.findings.any(id=finding_id))
    if overdue is not None:
        late = queries.overdue_clause(today)
        stmt = stmt.where(late if overdue else sa.not_(late))
    return policy.visible(user, stmt, Action)


# --- references named in bodies ------------------------------------------------------------------

def _agreement_or_422(agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None:
        unprocessable("agreement_id", f"Convention introuvable : {agreement_id}.")
    return agreement


def _responsible_or_422(agreement: Agreement, organisation_id: int, user: Any) -> Organisation:
    """An organisation party to the agreement; a referent may only name their own (403 otherwise)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.id not in agreement.party_organisation_ids:
        unprocessable("responsible_organisation_id",
                      f"L'organisme {organisation_id} n'est pas partenaire de la convention.")
    if not policy.can(user, "manage", agreement) and organisation.id != user.organisation_id:
        raise NotAllowed("assign", organisation)
    return organisation


def _all_or_422(found: list[Any], wanted: list[int], field: str, what: str) -> list[Any]:
    missing = sorted(set(wanted) - {obj.id for obj in found})
    if missing:
        unprocessable(field, f"{what} introuvable(s) dans la convention : {', '.join(map(str, missing))}.")
    return found


def _action_fields(payload: dict[str, Any], agreement: Agreement, responsible: Organisation) -> dict[str, Any]:
    """Turn the body's ids into the objects create_action / update_action take."""
    fields = dict(payload)
    if "assignee_id" in fields:
        assignee_id = fields.pop("assignee_id")
        assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
        if assignee_id is not None and (assignee is None or assignee.organisation_id != responsible.id):
            unprocessable("assignee_id", f"La personne {assignee_id} n'appartient pas à l'organisme responsable.")
        fields["assignee"] = assignee
    if "contributor_ids" in fields:
        ids = fields.pop("contributor_ids")
        found = [o for o in queries.organisations_by_ids(ids) if o.id in agreement.party_organisation_ids]
        fields["contributors"] = _all_or_422(found, ids, "contributor_ids", "Organisme(s)")
    if "commitment_id" in fields:
        commitment_id = fields.pop("commitment_id")
        commitment = db.session.get(Commitment, commitment_id) if commitment_id is not None else None
        if commitment_id is not None and (commitment is None or commitment.agreement_id != agreement.id):
            unprocessable("commitment_id", f"Engagement introuvable dans la convention : {commitment_id}.")
        fields["commitment"] = commitment
    if "finding_ids" in fields:
        ids = fields.pop("finding_ids")
        finding = answered_model()
        found = list(db.session.scalars(sa.select(finding).where(finding.id.in_(ids or [-1]),
                                                                 finding.agreement_id == agreement.id)))
        fields["findings"] = _all_or_422(found, ids, "finding_ids", "Constat(s)")
    return fields


# --- actions -------------------------------------------------------------------------------------

@actions_api.route("", endpoint="index")
@actions_api.arguments(ActionQueryArgs, location="query")
@actions_api.response(200, ActionOut(many=True))
@paginated(actions_api)
@documents_errors(actions_api)
def list_actions(args: dict, pagination_parameters):
    """List the actions the user may read, by due date; filters combine."""
    stmt = _actions_stmt(api_user(), today=local_today(), **args)
    page = queries.paginate(stmt, page=page_number(pagination_parameters), per_page=pagination_parameters.page_size)
    return page_items(page, pagination_parameters)


@actions_api.route("/<int:action_id>", endpoint="detail")
@actions_api.response(200, ActionOut)
@documents_errors(actions_api, 403, 404)
def get_action(action_id: int):
    """Return one action."""
    action = queries.action_or_404(action_id)
    policy.authorize(api_user(), "view", action)
    return action


@actions_api.route("", methods=["POST"], endpoint="create")
@actions_api.arguments(ActionIn)
@actions_api.response(201, ActionOut)
@documents_errors(actions_api, 400, 403)
def create_action(payload: dict):
    """Create an action (status `planned`), possibly answering findings of the same agreement.

    Coordinators of the agreement name any organisation party to it as responsible; a referent of a party
    organisation creates actions of their own organisation only (403 otherwise).
    """
    user = api_user()
    agreement = _agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "view", agreement)
    policy.authorize(user, "create_action", agreement)
    responsible = _responsible_or_422(agreement, payload.pop("responsible_organisation_id"), user)
    fields = _action_fields(payload, agreement, responsible)
    with committing():
        action = services.create_action(agreement, responsible_organisation=responsible, actor=user, now=now_utc(),
                                        **fields)
    return queries.action_or_404(action.id)


@actions_api.route("/<int:action_id>", methods=["PATCH"], endpoint="edit")
@authorized("update", load=queries.action_or_404, arg="action_id", into="action")
@actions_api.arguments(ActionPatchIn)
@actions_api.response(200, ActionOut)
@documents_errors(actions_api, 400, 403, 404)
def edit_action(payload: dict, action: Action):
    """Change some fields of an action's definition; its status moves through progress updates.

    The agreement's coordinators and the responsible organisation's referent edit an action; a referent cannot
    hand it to another organisation (403).
    """
    user = api_user()
    responsible = None
    if "responsible_organisation_id" in payload:
        responsible = _responsible_or_422(action.agreement, payload.pop("responsible_organisation_id"), user)
    fields = _action_fields(payload, action.agreement, responsible or action.responsible_organisation)
    if responsible is not None and "assignee_id" not in payload and action.assignee is not None \
            and action.assignee.organisation_id != responsible.id:
        fields["assignee"] = None  # the person in charge belonged to the previous organisation
    with committing():
        services.update_action(action, actor=user, responsible_organisation=responsible, **fields)
    return queries.action_or_404(action.id)


# --- progress updates ----------------------------------------------------------------------------

@actions_api.route("/<int:action_id>/updates", endpoint="updates")
@actions_api.response(200, ActionUpdateOut(many=True))
@documents_errors(actions_api, 403, 404)
def list_updates(action_id: int):
    """List an action's progress updates, newest first."""
    action = queries.action_or_404(action_id)
    policy.authorize(api_user(), "view", action)
    return action.updates


@actions_api.route("/<int:action_id>/updates", methods=["POST"], endpoint="add_update")
@authorized("update", load=queries.action_or_404, arg="action_id", into="action")
@actions_api.arguments(ActionUpdateIn)
@actions_api.response(201, ActionUpdateOut)
@documents_errors(actions_api, 400, 403, 404, 409)
def add_update(payload: dict, action: Action):
    """Add a progress update (note, optional progress and status) to an action; returns the update.

    A move the lifecycle does not allow is a 409. With `resolve_findings` and the status `done`, the findings
    the action answers are resolved too, with the same note (each needs the right to resolve it).
    """
    user = api_user()
    if payload["resolve_findings"] and (payload.get("status") or action.status) is ActionStatus.DONE \
            and not policy.can(user, "resolve_findings", action):
        raise NotAllowed("resolve_findings", action)
    with committing():
        update = services.add_action_update(action, actor=user, now=now_utc(), **payload)
    return update
