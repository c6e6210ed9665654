"""/api/v1/agreements and /api/v1/commitments: conventions GUP, partners' commitments and their progress updates.

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing the user may see) are refused with a 422
naming the field.
"""

from __future__ import annotations

from typing import Any

from gup import policy
from gup.agreements import queries, services
from gup.agreements.models import Agreement, Commitment, Partner
from gup.agreements.payloads import agreement_or_422, theme_or_422
from gup.agreements.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatchIn,
    AgreementQueryArgs,
    AgreementSummaryOut,
    CommitmentIn,
    CommitmentOut,
    CommitmentPatchIn,
    CommitmentQueryArgs,
    CommitmentUpdateIn,
    CommitmentUpdateOut,
)
from gup.extensions import db
from gup.i18n import local_today
from gup.orm import now_utc
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
from gup.territory.queries import territories_by_ids

agreements_api = api_blueprint("agreements", "/agreements", "Conventions GUP.")
commitments_api = api_blueprint("commitments", "/commitments", "Engagements des partenaires.")


# --- references named in bodies ------------------------------------------------------------------

def _all_or_422(found: list[Any], wanted: list[int], field: str, what: str) -> list[Any]:
    missing = sorted(set(wanted) - {obj.id for obj in found})
    if missing:
        unprocessable(field, f"{what} introuvable(s) : {', '.join(map(str, missing))}.")
    return found


def _agreement_fields(payload: dict[str, Any], user: Any) -> dict[str, Any]:
    """Turn the body's ids into the objects update_agreement / create_agreement take."""
    fields = dict(payload)
    if "predecessor_id" in fields:
        predecessor_id = fields.pop("predecessor_id")
        predecessor = db.session.get(Agreement, predecessor_id) if predecessor_id is not None else None
        if predecessor_id is not None and (predecessor is None or not policy.can(user, "view", predecessor)):
            unprocessable("predecessor_id", f"Convention précédente introuvable : {predecessor_id}.")
        fields["predecessor"] = predecessor
    if "territory_ids" in fields:
        ids = fields.pop("territory_ids")
        fields["territories"] = _all_or_422(territories_by_ids(ids), ids, "territory_ids", "Territoire(s)")
    if "theme_ids" in fields:
        ids = fields.pop("theme_ids")
        fields["themes"] = _all_or_422(queries.themes_by_ids(ids), ids, "theme_ids", "Thématique(s)")
    return fields


def _partner_or_422(agreement: Agreement, partner_id: int | None, organisation_id: int | None) -> Partner:
    """The agreement's partner named by partner_id, or by the organisation it stands for."""
    if partner_id is not None:
        partner = next((p for p in agreement.partners if p.id == partner_id), None)
        if partner is None:
            unprocessable("partner_id", f"Le partenaire {partner_id} n'est pas partie à la convention.")
        if organisation_id is not None and partner.organisation_id != organisation_id:
            unprocessable("organisation_id", "L'organisme ne correspond pas au partenaire indiqué.")
        return partner
    partner = next((p for p in agreement.partners if p.organisation_id == organisation_id), None)
    if partner is None:
        unprocessable("organisation_id", f"L'organisme {organisation_id} n'est pas partenaire de la convention.")
    return partner


# --- agreements ----------------------------------------------------------------------------------

@agreements_api.route("", endpoint="index")
@agreements_api.arguments(AgreementQueryArgs, location="query")
@agreements_api.response(200, AgreementSummaryOut(many=True))
@paginated(agreements_api)
@documents_errors(agreements_api)
def list_agreements(args: dict, pagination_parameters):
    """List the agreements the user may read, filtered by `status` or a search `q` in reference and title."""
    stmt = queries.agreements_stmt(api_user(), status=args.get("status"), search=args.get("q"))
    return list_page(stmt, pagination_parameters)


@agreements_api.route("/<int:agreement_id>", endpoint="detail")
@agreements_api.response(200, AgreementOut)
@documents_errors(agreements_api, 403, 404)
def get_agreement(agreement_id: int):
    """Return one agreement with its partners, signatories, amendments, themes and perimeter."""
    agreement = queries.agreement_or_404(agreement_id)
    policy.authorize(api_user(), "view", agreement)
    return agreement


@agreements_api.route("", methods=["POST"], endpoint="create")
@authorized("create", Agreement)
@agreements_api.arguments(AgreementIn)
@agreements_api.response(201, AgreementOut)
@documents_errors(agreements_api, 400, 403)
def create_agreement(payload: dict):
    """Create a draft agreement (coordinators); its creator becomes one of its coordinators."""
    user = api_user()
    fields = _agreement_fields(payload, user)
    with committing():
        agreement = services.create_agreement(actor=user, **fields)
    return queries.agreement_or_404(agreement.id)


@agreements_api.route("/<int:agreement_id>", methods=["PATCH"], endpoint="edit")
@authorized("update", load=queries.agreement_or_404, arg="agreement_id", into="agreement")
@agreements_api.arguments(AgreementPatchIn)
@agreements_api.response(200, AgreementOut)
@documents_errors(agreements_api, 400, 403, 404, 409)
def edit_agreement(payload: dict, agreement: Agreement):
    """Change some fields of an agreement (its coordinators); `status` follows the lifecycle, else 409."""
    user = api_user()
    status = payload.pop("status", None)
    fields = _agreement_fields(payload, user)
    with committing():
        services.update_agreement(agreement, actor=user, **fields)
        if status is not None and status is not agreement.status:
            services.change_agreement_status(agreement, to=status, actor=user)
    return queries.agreement_or_404(agreement.id)


# --- commitments ---------------------------------------------------------------------------------

@commitments_api.route("", endpoint="index")
@commitments_api.arguments(CommitmentQueryArgs, location="query")
@commitments_api.response(200, CommitmentOut(many=True))
@paginated(commitments_api)
@documents_errors(commitments_api)
def list_commitments(args: dict, pagination_parameters):
    """List the commitments the user may read, by due date; filters combine."""
    stmt = queries.commitments_stmt(api_user(), today=local_today(), **args)
    return list_page(stmt, pagination_parameters)


@commitments_api.route("/<int:commitment_id>", endpoint="detail")
@commitments_api.response(200, CommitmentOut)
@documents_errors(commitments_api, 403, 404)
def get_commitment(commitment_id: int):
    """Return one commitment."""
    commitment = queries.commitment_or_404(commitment_id)
    policy.authorize(api_user(), "view", commitment)
    return commitment


@commitments_api.route("", methods=["POST"], endpoint="create")
@commitments_api.arguments(CommitmentIn)
@commitments_api.response(201, CommitmentOut)
@documents_errors(commitments_api, 400, 403)
def create_commitment(payload: dict):
    """Add a commitment (status `proposed`) for a partner named by `partner_id` or `organisation_id`.

    Coordinators of the agreement add any partner's commitments; a referent adds their own organisation's.
    """
    user = api_user()
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "view", agreement)
    partner = _partner_or_422(agreement, payload.pop("partner_id", None), payload.pop("organisation_id", None))
    policy.authorize(user, "add_commitment", partner)
    payload["theme"] = theme_or_422(payload.pop("theme_id"))
    with committing():
        commitment = services.create_commitment(agreement, partner=partner, actor=user, **payload)
    return queries.commitment_or_404(commitment.id)


@commitments_api.route("/<int:commitment_id>", methods=["PATCH"], endpoint="edit")
@authorized("update", load=queries.commitment_or_404, arg="commitment_id", into="commitment")
@commitments_api.arguments(CommitmentPatchIn)
@commitments_api.response(200, CommitmentOut)
@documents_errors(commitments_api, 400, 403, 404, 409)
def edit_commitment(payload: dict, commitment: Commitment):
    """Change some fields of a commitment; `status` follows the lifecycle, else 409.

    Moving it to another partner also needs the right to add commitments for that partner.
    """
    user = api_user()
    partner = None
    if "partner_id" in payload or "organisation_id" in payload:
        partner = _partner_or_422(commitment.agreement, payload.pop("partner_id", None),
                                  payload.pop("organisation_id", None))
        policy.authorize(user, "add_commitment", partner)
    if "theme_id" in payload:
        payload["theme"] = theme_or_422(payload.pop("theme_id"))
    with committing():
        services.update_commitment(commitment, actor=user, partner=partner, **payload)
    return queries.commitment_or_404(commitment.id)


@commitments_api.route("/<int:commitment_id>/updates", endpoint="updates")
@commitments_api.response(200, CommitmentUpdateOut(many=True))
@documents_errors(commitments_api, 403, 404)
def list_updates(commitment_id: int):
    """List a commitment's progress updates, newest first."""
    commitment = queries.commitment_or_404(commitment_id)
    policy.authorize(api_user(), "view", commitment)
    return commitment.updates


@commitments_api.route("/<int:commitment_id>/updates", methods=["POST"], endpoint="add_update")
@authorized("add_update", load=queries.commitment_or_404, arg="commitment_id", into="commitment")
@commitments_api.arguments(CommitmentUpdateIn)
@commitments_api.response(201, CommitmentUpdateOut)
@documents_errors(commitments_api, 400, 403, 404, 409)
def add_update(payload: dict, commitment: Commitment):
    """Add a progress update (note, optional progress and status) to a commitment; returns the update."""
    user = api_user()
    with committing():
        update = services.add_commitment_update(commitment, actor=user, now=now_utc(), **payload)
    return update
