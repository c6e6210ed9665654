"""/api/v1/findings: findings (constats), their routing to the responsible organisation, answers and photos.

Each route follows load → authorize → validate → service → commit, like the HTML views, and calls the same
services and policy. Ids in a body that name nothing (or nothing that fits the agreement) are refused with a
422 naming the field.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.payloads import agreement_or_422
from gup.errors import DomainError, NotAllowed
from gup.findings import queries, services
from gup.findings.models import Finding, FindingStatus
from gup.findings.payloads import (
    finding_fields,
    organisation_or_422,
    walk_or_422,
    within_upload_limit,
)
from gup.findings.schemas import (
    FindingIn,
    FindingOut,
    FindingPatchIn,
    FindingQueryArgs,
    PhotoUploadArgs,
    PhotoUploadSchema,
)
from gup.i18n import local_today
from gup.media.schemas import PhotoOut
from gup.media.services import store_photo
from gup.orm import now_utc, raise_others
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

findings_api = api_blueprint("findings", "/findings", "Constats.")

#: what an API list row shows, loaded up front; any other relationship raises (a forgotten one fails a test)
_LOADED = (Finding.agreement, Finding.theme, Finding.responsible_organisation, Finding.photos, Finding.transfers,
           Finding.actions)


#: what an API list row shows, loaded up front (the filters are the HTML list's: queries.findings_stmt)
_ROW_LOADING = (joinedload(Finding.agreement), joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                selectinload(Finding.photos), selectinload(Finding.transfers), selectinload(Finding.actions))


# --- references named in bodies ------------------------------------------------------------------


# --- routes --------------------------------------------------------------------------------------

@findings_api.route("", endpoint="index")
@findings_api.arguments(FindingQueryArgs, location="query")
@findings_api.response(200, FindingOut(many=True))
@paginated(findings_api)
@documents_errors(findings_api)
def list_findings(args: dict, pagination_parameters):
    """List the findings the user may read, oldest due date first; filters combine."""
    loading = (*_ROW_LOADING, *raise_others(Finding, *_LOADED))
    stmt = queries.findings_stmt(api_user(), today=local_today(), loading=loading, **args)
    return list_page(stmt, pagination_parameters)


@findings_api.route("/<int:finding_id>", endpoint="detail")
@findings_api.response(200, FindingOut)
@documents_errors(findings_api, 403, 404)
def get_finding(finding_id: int):
    """Return one finding with its photos, hand-overs and the actions answering it."""
    finding = queries.finding_or_404(finding_id)
    policy.authorize(api_user(), "view", finding)
    return finding


@findings_api.route("", methods=["POST"], endpoint="create")
@findings_api.arguments(FindingIn)
@findings_api.response(201, FindingOut)
@documents_errors(findings_api, 400, 403)
def create_finding(payload: dict):
    """Log a finding, during a walk (`walkthrough_id`) or outside one.

    Coordinators of the agreement and referents of organisations party to it log findings. Without
    `responsible_organisation_id`, the agreement's routing table suggests one from the land ownership and the
    theme; an issue with a responsible organisation is sent to it at once. The due date defaults to the
    priority's target time. `responsible_organisation_id`, `routing_reason` and `due_on` are the coordination's:
    anyone else giving one gets a 403 naming the field (the web form does not offer them either).
    """
    user = api_user()
    agreement_id = payload.pop("agreement_id", None)
    agreement = agreement_or_422(agreement_id) if agreement_id is not None else None
    walk = walk_or_422(agreement, payload.get("walkthrough_id"))
    agreement = agreement or walk.agreement
    policy.authorize(user, "view", agreement)
    policy.authorize(user, "log_finding", walk or agreement)
    for field, value in payload.items():  # the fields the logging form withholds from this user are refused, by name
        if value is not None and not policy.can(user, "set_finding_field", walk or agreement, field=field):
            raise NotAllowed("set_finding_field", agreement, field=field,
                             message=f"Le champ {field} est réservé à la coordination de la convention.")
    responsible = None
    if payload.get("responsible_organisation_id") is not None:
        responsible = organisation_or_422(agreement, payload["responsible_organisation_id"])
    payload.pop("responsible_organisation_id", None)
    fields = finding_fields(payload, agreement, None)
    try:
        with committing():
            finding = services.create_finding(agreement, actor=user, now=now_utc(),
                                              responsible_organisation=responsible, **fields)
    except DomainError as exc:  # the routing's reason is `routing_reason` in this body
        if exc.field == "reason":
            unprocessable("routing_reason", exc.message)
        raise
    return queries.finding_or_404(finding.id)


@findings_api.route("/<int:finding_id>", methods=["PATCH"], endpoint="edit")
@authorized("respond", load=queries.finding_or_404, arg="finding_id", into="finding")
@findings_api.arguments(FindingPatchIn)
@findings_api.response(200, FindingOut)
@documents_errors(findings_api, 400, 403, 404, 409)
def edit_finding(payload: dict, finding: Finding):
    """Change a finding: its description, place, priority or due date, its routing, or its status.

    Definition fields and `responsible_organisation_id` (with `reason` when the organisation changes): the
    agreement's coordinators. `status` (with `note`): accepting, refusing (note required), planning, starting
    and resolving belong to the responsible organisation's referent; sending, checking on site and referring
    out of scope (note required) to the coordinators. A move the lifecycle does not allow is a 409.
    """
    user = api_user()
    status, note = payload.pop("status", None), payload.pop("note", None)
    routing = "responsible_organisation_id" in payload
    organisation_id, reason = payload.pop("responsible_organisation_id", None), payload.pop("reason", None)
    if payload or routing:
        policy.authorize(user, "manage", finding)
    if status is not None and status is not finding.status and not policy.can(user, "move", finding, target=status):
        raise NotAllowed("move", finding)
    fields = finding_fields(payload, finding.agreement, finding)
    target = None
    if routing:
        if organisation_id is None:
            unprocessable("responsible_organisation_id", "Choisissez l'organisme responsable.")
        target = organisation_or_422(finding.agreement, organisation_id)
        current = finding.responsible_organisation_id
        if current is not None and current != target.id and not (reason or "").strip():
            unprocessable("reason", "Indiquez pourquoi le constat change d'organisme.")
    elif status is FindingStatus.SENT and status is not finding.status:
        target = finding.responsible_organisation  # sent again to the organisation already responsible
        if target is None:
            unprocessable("responsible_organisation_id", "Pour transmettre un constat, choisissez l'organisme "
                                                         "responsable.")
        reason = note
    with committing():
        if fields:
            services.update_finding(finding, actor=user, **fields)
        if target is not None:
            services.route_finding(finding, to=target, reason=reason, actor=user, now=now_utc())
        if status is not None and status is not finding.status:
            services.change_finding_status(finding, to=status, actor=user, now=now_utc(), note=note)
    return queries.finding_or_404(finding.id)


@findings_api.route("/<int:finding_id>/photos", methods=["POST"], endpoint="add_photo")
@authorized("respond", load=queries.finding_or_404, arg="finding_id", into="finding")
@within_upload_limit
@findings_api.arguments(PhotoUploadArgs, location="query")
@findings_api.arguments(PhotoUploadSchema, location="files")
@findings_api.response(201, PhotoOut)
@findings_api.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@documents_errors(findings_api, 400, 403, 404)
def add_photo(args: dict, files: dict, finding: Finding):
    """Add a photo to a finding (multipart/form-data, one file in the field `photo`).

    The responsible organisation's referent or the agreement's coordinators add photos. The image is decoded,
    re-encoded as JPEG, resized, stripped of its metadata (GPS position included) and
    given a thumbnail; anything that is not a readable image, or is too large, is refused with a 422 naming
    `photo`.
    """
    user = api_user()
    limit = current_app.config["MAX_PHOTO_BYTES"]
    data = files["photo"].stream.read(limit + 1)  # one byte more than allowed is enough to refuse it
    with committing():
        photo = store_photo(data, actor=user, now=now_utc(), finding=finding, is_resolution=args["is_resolution"])
    return photo
