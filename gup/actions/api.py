"""/api/v1/actions: actions (fiches action), the shared unit of follow-up, and their progress updates.

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing that fits the agreement) are refused with a
422 naming the field.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.actions import queries, services
from gup.actions.models import Action
from gup.actions.payloads import action_fields, responsible_or_422
from gup.actions.schemas import ActionIn, ActionOut, ActionPatchIn, ActionQueryArgs, ActionUpdateIn, ActionUpdateOut
from gup.agreements.payloads import agreement_or_422
from gup.i18n import local_today
from gup.orm import now_utc, raise_others
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    list_page,
    paginated,
)

actions_api = api_blueprint("actions", "/actions", "Actions.")

#: what an API list row shows, loaded up front; any other relationship raises (a forgotten one fails a test)
_LOADED = (Action.agreement, Action.responsible_organisation, Action.assignee, Action.contributors, Action.findings)


#: what an API list row shows, loaded up front (the filters are the HTML list's: queries.actions_stmt)
_ROW_LOADING = (joinedload(Action.agreement), joinedload(Action.responsible_organisation), joinedload(Action.assignee),
                selectinload(Action.contributors), selectinload(Action.findings))


# --- references named in bodies ------------------------------------------------------------------


# --- actions -------------------------------------------------------------------------------------

@actions_api.route("", endpoint="index")
@actions_api.arguments(ActionQueryArgs, location="query")
@actions_api.response(200, ActionOut(many=True))
@paginated(actions_api)
@documents_errors(actions_api)
def list_actions(args: dict, pagination_parameters):
    """List the actions the user may read, by due date; filters combine."""
    loading = (*_ROW_LOADING, *raise_others(Action, *_LOADED))
    stmt = queries.actions_stmt(api_user(), today=local_today(), loading=loading, **args)
    return list_page(stmt, pagination_parameters)


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
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "view", agreement)
    policy.authorize(user, "create_action", agreement)
    responsible = responsible_or_422(agreement, payload.pop("responsible_organisation_id"), user)
    fields = action_fields(payload, agreement, responsible)
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
        responsible = responsible_or_422(action.agreement, payload.pop("responsible_organisation_id"), user)
    fields = action_fields(payload, action.agreement, responsible or action.responsible_organisation)
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
    with committing():  # the service refuses (403) to resolve findings the user may not resolve
        update = services.add_action_update(action, actor=api_user(), now=now_utc(), **payload)
    return update
