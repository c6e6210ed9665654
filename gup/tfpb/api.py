"""/api/v1/tfpb-actions: the actions housing providers value against their TFPB abatement.

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy: the coordination and observers read every record, a housing-provider referent only their
own organisation's (and records only for it). Ids in a body that name nothing are refused with a 422 naming the
field; a business rule (axis not in force that year, QPV outside the perimeter…) is a 400 naming it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import joinedload

from gup import policy
from gup.agreements.models import Commitment
from gup.agreements.payloads import agreement_or_422
from gup.agreements.queries import tfpb_axes_valid_on
from gup.extensions import db
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.orm import raise_others
from gup.rest import (
    api_blueprint,
    api_user,
    authorized,
    committing,
    documents_errors,
    list_page,
    paginated,
    unprocessable,
)
from gup.territory.models import Territory
from gup.tfpb import queries, services
from gup.tfpb.models import TfpbAction
from gup.tfpb.schemas import (
    TfpbActionIn,
    TfpbActionOut,
    TfpbActionPatchIn,
    TfpbActionQueryArgs,
    TfpbAxisOut,
    TfpbAxisQueryArgs,
)

tfpb_api = api_blueprint("tfpb_actions", "/tfpb-actions",
                         "Actions valorisées au titre de l'abattement de TFPB (par bailleur, axe, QPV et année).")

tfpb_axes_api = api_blueprint("tfpb_axes", "/tfpb-axes",
                              "Axes du cadre national de l'abattement de TFPB (table de référence versionnée).")

_LOADED = (TfpbAction.agreement, TfpbAction.provider, TfpbAction.neighbourhood, TfpbAction.axis)
_ROW_LOADING = (joinedload(TfpbAction.agreement), joinedload(TfpbAction.provider),
                joinedload(TfpbAction.neighbourhood), joinedload(TfpbAction.axis))


def _fields(payload: dict[str, Any], agreement: Any) -> dict[str, Any]:
    """The body's ids turned into the objects the services take (422 when one names nothing)."""
    fields = dict(payload)
    user = api_user()
    if "provider_id" in fields:
        provider = db.session.get(Organisation, fields.pop("provider_id"))
        if provider is None:
            unprocessable("provider_id", "Bailleur introuvable.")
        policy.authorize(user, "record_tfpb", agreement, provider=provider)
        fields["provider"] = provider
    if "neighbourhood_id" in fields:
        neighbourhood = db.session.get(Territory, fields.pop("neighbourhood_id"))
        if neighbourhood is None:
            unprocessable("neighbourhood_id", "Quartier introuvable.")
        fields["neighbourhood"] = neighbourhood
    if "commitment_id" in fields:
        commitment_id = fields.pop("commitment_id")
        commitment = db.session.get(Commitment, commitment_id) if commitment_id is not None else None
        if commitment_id is not None and (commitment is None or commitment.agreement_id != agreement.id):
            unprocessable("commitment_id", f"Engagement introuvable dans la convention : {commitment_id}.")
        fields["commitment"] = commitment
    return fields


@tfpb_api.route("", endpoint="index")
@tfpb_api.arguments(TfpbActionQueryArgs, location="query")
@tfpb_api.response(200, TfpbActionOut(many=True))
@paginated(tfpb_api)
@documents_errors(tfpb_api)
def list_tfpb_actions(args: dict, pagination_parameters):
    """List the TFPB actions the user may read, latest year first; filters combine."""
    loading = (*_ROW_LOADING, *raise_others(TfpbAction, *_LOADED))
    stmt = queries.actions_stmt(api_user(), loading=loading, **args)
    return list_page(stmt, pagination_parameters)


@tfpb_api.route("/<int:tfpb_action_id>", endpoint="detail")
@tfpb_api.response(200, TfpbActionOut)
@documents_errors(tfpb_api, 403, 404)
def get_tfpb_action(tfpb_action_id: int):
    """Return one TFPB action."""
    action = queries.action_or_404(tfpb_action_id)
    policy.authorize(api_user(), "view", action)
    return action


@tfpb_api.route("", methods=["POST"], endpoint="create")
@tfpb_api.arguments(TfpbActionIn)
@tfpb_api.response(201, TfpbActionOut)
@documents_errors(tfpb_api, 400, 403, 422)
def create_tfpb_action(payload: dict):
    """Record a TFPB action of a housing provider partner of the agreement, on an axis in force that year.

    The agreement's coordinators record for any housing provider partner; a provider's referent for their own
    organisation only (403 otherwise)."""
    user = api_user()
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "record_tfpb", agreement)
    fields = _fields(payload, agreement)
    with committing():
        action = services.create_action(agreement, actor=user, **fields)
    return queries.action_or_404(action.id)


@tfpb_api.route("/<int:tfpb_action_id>", methods=["PATCH"], endpoint="edit")
@authorized("update", load=queries.action_or_404, arg="tfpb_action_id", into="action")
@tfpb_api.arguments(TfpbActionPatchIn)
@tfpb_api.response(200, TfpbActionOut)
@documents_errors(tfpb_api, 400, 403, 404, 422)
def edit_tfpb_action(payload: dict, action: TfpbAction):
    """Change some fields of a TFPB action; a referent cannot hand it to another provider (403)."""
    fields = _fields(payload, action.agreement)
    with committing():
        services.update_action(action, actor=api_user(), **fields)
    return queries.action_or_404(action.id)


@tfpb_axes_api.route("", endpoint="index")
@tfpb_axes_api.arguments(TfpbAxisQueryArgs, location="query")
@tfpb_axes_api.response(200, TfpbAxisOut(many=True))
@documents_errors(tfpb_axes_api)
def list_tfpb_axes(args: dict):
    """List the TFPB axes in force on a date (today by default), by number: the codes commitments
    (`tfpb_axis`) and TFPB actions (`axis_code`) accept."""
    return tfpb_axes_valid_on(args.get("on") or local_today())
