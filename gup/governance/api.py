"""/api/v1/bodies and /api/v1/meetings: governance bodies of the agreements and their meetings.

Same order as the HTML views (load → authorize → validate → service → commit) and the same policy: anyone who
reads an agreement reads its bodies and meetings; its coordination (and administrators) create and change them.
"""

from __future__ import annotations

from gup import policy
from gup.agreements.payloads import agreement_or_422
from gup.extensions import db
from gup.governance import queries, services
from gup.governance.models import Body, Meeting
from gup.governance.schemas import (
    BodyIn,
    BodyOut,
    BodyQueryArgs,
    MeetingIn,
    MeetingOut,
    MeetingPatchIn,
    MeetingQueryArgs,
)
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

bodies_api = api_blueprint("bodies", "/bodies", "Instances de gouvernance (COPIL, COTECH, groupes de travail).")
meetings_api = api_blueprint("meetings", "/meetings", "Réunions des instances : ordre du jour, présences, décisions.")


# --- bodies --------------------------------------------------------------------------------------

@bodies_api.route("", endpoint="index")
@bodies_api.arguments(BodyQueryArgs, location="query")
@bodies_api.response(200, BodyOut(many=True))
@paginated(bodies_api)
@documents_errors(bodies_api)
def list_bodies(args: dict, pagination_parameters):
    """List the bodies of the agreements the user may read."""
    return list_page(queries.bodies_stmt(api_user(), **args), pagination_parameters)


@bodies_api.route("/<int:body_id>", endpoint="detail")
@bodies_api.response(200, BodyOut)
@documents_errors(bodies_api, 403, 404)
def get_body(body_id: int):
    """Return one body with its members."""
    body = queries.body_or_404(body_id)
    policy.authorize(api_user(), "view", body)
    return body


@bodies_api.route("", methods=["POST"], endpoint="create")
@bodies_api.arguments(BodyIn)
@bodies_api.response(201, BodyOut)
@documents_errors(bodies_api, 400, 403)
def create_body(payload: dict):
    """Create a body in an agreement (its coordination)."""
    user = api_user()
    agreement = agreement_or_422(payload.pop("agreement_id"))
    policy.authorize(user, "manage_governance", agreement)
    with committing():
        body = services.create_body(agreement, actor=user, **payload)
    return queries.body_or_404(body.id)


# --- meetings ------------------------------------------------------------------------------------

@meetings_api.route("", endpoint="index")
@meetings_api.arguments(MeetingQueryArgs, location="query")
@meetings_api.response(200, MeetingOut(many=True))
@paginated(meetings_api)
@documents_errors(meetings_api)
def list_meetings(args: dict, pagination_parameters):
    """List the meetings the user may read, latest first; filters combine."""
    return list_page(queries.meetings_stmt(api_user(), **args), pagination_parameters)


@meetings_api.route("/<int:meeting_id>", endpoint="detail")
@meetings_api.response(200, MeetingOut)
@documents_errors(meetings_api, 403, 404)
def get_meeting(meeting_id: int):
    """Return one meeting with its agenda, attendance and decisions."""
    meeting = queries.meeting_or_404(meeting_id)
    policy.authorize(api_user(), "view", meeting)
    return meeting


@meetings_api.route("", methods=["POST"], endpoint="create")
@meetings_api.arguments(MeetingIn)
@meetings_api.response(201, MeetingOut)
@documents_errors(meetings_api, 400, 403)
def create_meeting(payload: dict):
    """Schedule a meeting of a body; a COTECH's agenda is pre-filled with each partner's overdue items."""
    user = api_user()
    body = db.session.get(Body, payload.pop("body_id"))
    if body is None:
        unprocessable("body_id", "Instance introuvable.")
    policy.authorize(user, "manage", body)
    with committing():
        meeting = services.create_meeting(body, actor=user, now=now_utc(), **payload)
    return queries.meeting_or_404(meeting.id)


@meetings_api.route("/<int:meeting_id>", methods=["PATCH"], endpoint="edit")
@authorized("manage", load=queries.meeting_or_404, arg="meeting_id", into="meeting")
@meetings_api.arguments(MeetingPatchIn)
@meetings_api.response(200, MeetingOut)
@documents_errors(meetings_api, 400, 403, 404, 409)
def edit_meeting(payload: dict, meeting: Meeting):
    """Change a meeting's date, place, minutes or status (along its lifecycle: 409 otherwise)."""
    user = api_user()
    status = payload.pop("status", None)
    with committing():
        services.update_meeting(meeting, actor=user, **payload)
        if status is not None:
            services.change_meeting_status(meeting, to=status, actor=user, now=now_utc())
        if "minutes" in payload and payload["minutes"] and not meeting.is_held:
            unprocessable("minutes", "Le compte rendu se saisit une fois la réunion tenue.")
    return queries.meeting_or_404(meeting.id)
