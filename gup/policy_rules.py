"""Who may do what: every authorization rule and list scope of gup, in one file, registered on gup.policy.

Imported once by the application factory (after the features), never by a feature: features ask
`gup.policy.can` / `authorize` / `visible`. Reviewed and tested as one matrix (tests/test_route_matrix.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select

from gup.actions.models import Action, ActionUpdate
from gup.agreements.models import (
    Agreement,
    Amendment,
    Commitment,
    CommitmentUpdate,
    Partner,
    Signatory,
    Theme,
    agreement_coordinators,
)
from gup.auth.models import ApiToken, Role, User
from gup.budget.models import PaperTally, PBCampaign, PBProject, SelectionOverride
from gup.evaluations.models import Evaluation
from gup.findings.models import PARTNER_MOVES, RESOLVABLE, Finding, FindingStatus, RoutingRule
from gup.governance.models import AgendaItem, Body, BodyMember, Decision, Meeting
from gup.hotline.models import ReportCategory, ResidentReport, ResponseTemplate, resident_report_photos
from gup.media.models import Photo
from gup.notifications.models import OutboundMail
from gup.open311.models import Open311Client
from gup.organisations.models import Organisation
from gup.policy import can, rule, scope
from gup.relays.models import PoolMember, RelayDraw, RelayPool, RelayStatus, ResidentRelay
from gup.relays.work import entrusted_to_user
from gup.territory.models import Territory
from gup.territory.queries import housing_provider_of
from gup.tfpb.models import TfpbAbatement, TfpbAction
from gup.walks.models import Walkthrough

# --- helpers -------------------------------------------------------------------------------------

def coordinates(user: Any, agreement: Agreement | None) -> bool:
    """A coordinator manages the agreements they are named on (or creating a new one)."""
    if user.role is not Role.COORDINATOR or agreement is None:
        return False
    if agreement.id is None:
        return True
    return any(u.id == user.id for u in agreement.coordinators)


def is_party(user: Any, agreement: Agreement) -> bool:
    """A referent's organisation is partner or signatory of the agreement."""
    return user.organisation_id is not None and user.organisation_id in agreement.party_organisation_ids


def reads_everything(user: Any) -> bool:
    """Administrators and observers read every agreement; they change no agreement content."""
    return user.role in (Role.ADMIN, Role.OBSERVER)


def own_organisation(user: Any, organisation_id: int | None) -> bool:
    return (user.role is Role.PARTNER_REFERENT and organisation_id is not None
            and user.organisation_id == organisation_id)


# --- reference data ------------------------------------------------------------------------------

@rule(Organisation, "view")
@rule(Territory, "view")
@rule(Theme, "view")
def _any_user(user: Any, obj: Any) -> bool:
    return True


@rule(Organisation, "create", "update")
@rule(Theme, "create", "update")
def _admin_only(user: Any, obj: Any) -> bool:
    return user.role is Role.ADMIN


@rule(Territory, "create", "update")
def _territory_change(user: Any, obj: Any) -> bool:
    return user.role in (Role.ADMIN, Role.COORDINATOR)


@rule(User, "manage")
def _manage_users(user: Any, obj: Any) -> bool:
    return user.role is Role.ADMIN


@rule(ApiToken, "revoke")
def _revoke_token(user: Any, token: Any) -> bool:
    return token.user_id == user.id or user.role is Role.ADMIN


# --- agreements ----------------------------------------------------------------------------------

@rule(Agreement, "view")
def _view_agreement(user: Any, agreement: Agreement) -> bool:
    return reads_everything(user) or coordinates(user, agreement) or is_party(user, agreement)


@rule(Agreement, "create")
def _create_agreement(user: Any, obj: Any) -> bool:
    return user.role is Role.COORDINATOR


@rule(Agreement, "update", "manage")
def _manage_agreement(user: Any, agreement: Agreement) -> bool:
    return coordinates(user, agreement)


@rule(Partner, "update")
@rule(Signatory, "update")
@rule(Amendment, "update")
def _agreement_part(user: Any, obj: Any) -> bool:
    return coordinates(user, obj.agreement)


@rule(Commitment, "view")
def _view_commitment(user: Any, commitment: Commitment) -> bool:
    return _view_agreement(user, commitment.agreement)


@rule(Partner, "add_commitment")
def _add_commitment(user: Any, partner: Partner) -> bool:
    """Coordinators add any partner's commitments; a referent adds their own organisation's."""
    if coordinates(user, partner.agreement):
        return True
    return own_organisation(user, partner.organisation_id) and is_party(user, partner.agreement)


@rule(Commitment, "update", "add_update")
def _change_commitment(user: Any, commitment: Commitment) -> bool:
    return _add_commitment(user, commitment.partner)


@rule(CommitmentUpdate, "view")
def _view_update(user: Any, update: CommitmentUpdate) -> bool:
    return _view_commitment(user, update.commitment)


# --- walks, findings, actions ------------------------------------------------------------------

def _agreement_of(obj: Any) -> Agreement:
    return obj if isinstance(obj, Agreement) else obj.agreement


@rule(Walkthrough, "view")
@rule(Finding, "view")
@rule(Action, "view")
def _view_agreement_content(user: Any, obj: Any) -> bool:
    return _view_agreement(user, obj.agreement)


@rule(Walkthrough, "create", "update")
@rule(Finding, "manage")
@rule(RoutingRule, "update")
def _coordinates_content(user: Any, obj: Any) -> bool:
    """Planning walks, routing findings, checking them on site: the agreement's coordination."""
    return coordinates(user, _agreement_of(obj))


@rule(Agreement, "log_finding", "create_action")
@rule(Walkthrough, "log_finding")
def _contributes(user: Any, obj: Any) -> bool:
    """Coordinators, and referents of organisations party to the agreement, log findings and actions."""
    agreement = _agreement_of(obj)
    return coordinates(user, agreement) or (user.role is Role.PARTNER_REFERENT and is_party(user, agreement))


#: what a finding says that only the coordination decides when it is logged: who receives it (and why) and its
#: deadline, which lands in that organisation's « Mes actions » (API field names; the HTML form maps its own)
FINDING_COORDINATION_FIELDS = frozenset({"responsible_organisation_id", "routing_reason", "due_on"})


@rule(Agreement, "set_finding_field")
@rule(Walkthrough, "set_finding_field")
def _set_finding_field(user: Any, obj: Any, *, field: str) -> bool:
    """Whether user may give `field` when logging a finding: the logging form withholds, and the API refuses, the
    coordination's fields to everyone else."""
    return field not in FINDING_COORDINATION_FIELDS or coordinates(user, _agreement_of(obj))


@rule(Finding, "respond")
def _respond_finding(user: Any, finding: Finding) -> bool:
    """Accept, refuse, plan, resolve, add photos: the responsible organisation (or the coordination)."""
    return coordinates(user, finding.agreement) or own_organisation(user, finding.responsible_organisation_id)


@rule(Finding, "answer")
def _answer_finding(user: Any, finding: Finding) -> bool:
    """Linking a finding to an action (the action answers it, and finishing the action may resolve it): only who
    may respond to the finding, its responsible organisation or the coordination."""
    return can(user, "respond", finding)


@rule(Commitment, "link_action")
def _link_commitment(user: Any, commitment: Commitment) -> bool:
    """Counting an action under a commitment: the coordination, or the commitment's own organisation."""
    return _change_commitment(user, commitment)


@rule(Action, "update")
def _update_action(user: Any, action: Action) -> bool:
    return coordinates(user, action.agreement) or own_organisation(user, action.responsible_organisation_id)


@rule(Photo, "view")
def _view_photo(user: Any, photo: Photo) -> bool:
    if photo.finding is not None:
        return _view_agreement(user, photo.finding.agreement)
    from gup.extensions import db

    update = db.session.scalar(sa.select(ActionUpdate).where(ActionUpdate.photo_id == photo.id))
    if update is not None:
        return _view_agreement(user, update.action.agreement)
    report = db.session.scalar(sa.select(ResidentReport).join(
        resident_report_photos, resident_report_photos.c.report_id == ResidentReport.id)
        .where(resident_report_photos.c.photo_id == photo.id))
    return report is not None and _view_report(user, report)


@rule(Finding, "move")
def _move_finding(user: Any, finding: Finding, *, target: Any) -> bool:
    """Partner moves (accept, refuse, plan, resolve) belong to the responsible organisation; routing, checking
    and out-of-scope referrals to the coordination."""
    if target in PARTNER_MOVES:
        return can(user, "respond", finding)
    return can(user, "manage", finding)


# --- resident reports (hotline) -----------------------------------------------------------------

def _handles_reports(user: Any, report: ResidentReport) -> bool:
    """The coordination: coordinators of the report's agreement, or any coordinator when no agreement covers
    the place (someone must triage it)."""
    if user.role is not Role.COORDINATOR:
        return False
    return report.agreement is None or coordinates(user, report.agreement)


@rule(ResidentReport, "view")
def _view_report(user: Any, report: ResidentReport) -> bool:
    return (reads_everything(user) or _handles_reports(user, report)
            or own_organisation(user, report.responsible_organisation_id))


@rule(ResidentReport, "view_contact", "triage")
def _triage_report(user: Any, report: ResidentReport) -> bool:
    """Personal data and triage (qualify, route, merge, reject, convert): the coordination only."""
    return _handles_reports(user, report)


@rule(ResidentReport, "respond")
def _respond_report(user: Any, report: ResidentReport) -> bool:
    """Answering (in progress, resolved): the organisation in charge, or the coordination."""
    return _handles_reports(user, report) or own_organisation(user, report.responsible_organisation_id)


@rule(ResidentReport, "disclose")
def _disclose_report(user: Any, report: ResidentReport) -> bool:
    """Publishing a wording of the resident's words (public-disclosure rule): the coordination only."""
    return _handles_reports(user, report)


@rule(ResidentReport, "take_call")
def _take_call(user: Any, obj: Any) -> bool:
    """Phone intake (numéro vert): coordinators act as operators."""
    return user.role is Role.COORDINATOR


@rule(ResidentReport, "erase_contact")
@rule(ReportCategory, "create", "update")
@rule(ResponseTemplate, "create", "update")
@rule(Open311Client, "create", "revoke", "update")
def _hotline_settings(user: Any, obj: Any) -> bool:
    return user.role is Role.ADMIN


@rule(ReportCategory, "view")
@rule(ResponseTemplate, "view")
def _hotline_settings_read(user: Any, obj: Any) -> bool:
    return user.role in (Role.ADMIN, Role.COORDINATOR)


@scope(ResidentReport)
def _visible_reports(user: Any, stmt: Select, model: Any) -> Select:
    """Restrict a select() on ResidentReport to what user may read."""
    if reads_everything(user):
        return stmt
    readable = []
    if user.role is Role.COORDINATOR:
        mine = sa.select(agreement_coordinators.c.agreement_id).where(agreement_coordinators.c.user_id == user.id)
        readable += [ResidentReport.agreement_id.is_(None), ResidentReport.agreement_id.in_(mine)]
    if user.role is Role.PARTNER_REFERENT and user.organisation_id is not None:
        readable.append(ResidentReport.responsible_organisation_id == user.organisation_id)
    return stmt.where(sa.or_(*readable)) if readable else stmt.where(sa.false())


@rule(Action, "resolve_findings")
def _resolve_findings_of(user: Any, action: Action) -> bool:
    """Finishing an action may resolve its open findings only if user may resolve each of them."""
    return all(can(user, "move", finding, target=FindingStatus.RESOLVED) for finding in action.findings
               if finding.status in RESOLVABLE)


# --- list scoping --------------------------------------------------------------------------------

@scope(Agreement)
def _visible_agreements(user: Any, stmt: Select, model: Any = Agreement) -> Select:
    """Restrict a select() on Agreement to what user may read."""
    if reads_everything(user):
        return stmt
    readable = []
    if user.role is Role.COORDINATOR:
        readable.append(Agreement.id.in_(sa.select(agreement_coordinators.c.agreement_id)
                                         .where(agreement_coordinators.c.user_id == user.id)))
    if user.organisation_id is not None:
        readable.append(Agreement.id.in_(sa.select(Partner.agreement_id)
                                         .where(Partner.organisation_id == user.organisation_id)))
        readable.append(Agreement.id.in_(sa.select(Signatory.agreement_id)
                                         .where(Signatory.organisation_id == user.organisation_id)))
    return stmt.where(sa.or_(*readable)) if readable else stmt.where(sa.false())


@scope(Commitment)
def _visible_commitments(user: Any, stmt: Select, model: Any) -> Select:
    """Restrict a select() on Commitment to the agreements user may read."""
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(Commitment.agreement_id.in_(readable))


@scope(Walkthrough, Finding, Action)
def _visible_in_agreements(user: Any, stmt: Select, model: Any) -> Select:
    """Restrict a select() on a model with an agreement_id (walks, findings, actions) to readable agreements."""
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(model.agreement_id.in_(readable))


# --- evaluations -----------------------------------------------------------------------------------

@rule(Evaluation, "view")
def _view_evaluation(user: Any, evaluation: Evaluation) -> bool:
    return _view_agreement(user, evaluation.agreement)


@rule(Evaluation, "manage")
def _manage_evaluation(user: Any, evaluation: Evaluation) -> bool:
    """Preparing, freezing, approving, publishing, writing the report's texts: the agreement's coordination."""
    return coordinates(user, evaluation.agreement)


@rule(Evaluation, "contribute")
def _contribute_evaluation(user: Any, evaluation: Evaluation, *, organisation: Any) -> bool:
    """A partner's section: its own referents, or the coordination on its behalf."""
    if organisation is None or organisation.id not in evaluation.agreement.party_organisation_ids:
        return False
    return coordinates(user, evaluation.agreement) or (own_organisation(user, organisation.id)
                                                       and is_party(user, evaluation.agreement))


@rule(Evaluation, "enter")
def _enter_indicator(user: Any, evaluation: Evaluation, *, indicator: Any) -> bool:
    """A manual indicator's value: the organisation named on it (or the coordination)."""
    if indicator is None or indicator.agreement_id != evaluation.agreement_id:
        return False
    return coordinates(user, evaluation.agreement) or own_organisation(user, indicator.organisation_id)


@scope(Evaluation)
def _visible_evaluations(user: Any, stmt: Select, model: Any) -> Select:
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(Evaluation.agreement_id.in_(readable))


# --- TFPB abatement ------------------------------------------------------------------------------

def _housing_provider_partner(agreement: Agreement, organisation: Any) -> bool:
    from gup.organisations.models import OrganisationKind

    return (organisation is not None and organisation.kind is OrganisationKind.HOUSING_PROVIDER
            and any(p.organisation_id == organisation.id for p in agreement.partners))


@rule(TfpbAction, "view")
@rule(TfpbAbatement, "view")
def _view_tfpb(user: Any, record: Any) -> bool:
    """The coordination and observers read every TFPB record; a referent only their own organisation's."""
    return reads_everything(user) or coordinates(user, record.agreement) or own_organisation(user, record.provider_id)


@rule(TfpbAction, "update")
@rule(TfpbAbatement, "update")
def _update_tfpb(user: Any, record: Any) -> bool:
    return coordinates(user, record.agreement) or own_organisation(user, record.provider_id)


@rule(Agreement, "record_tfpb")
def _record_tfpb(user: Any, agreement: Agreement, *, provider: Any = None) -> bool:
    """Record TFPB actions or abatements: the coordination for any housing provider partner, a referent of such a
    provider for their own organisation (without `provider`: whether the user may record for anyone)."""
    if provider is None:
        return coordinates(user, agreement) or (
            user.role is Role.PARTNER_REFERENT and _housing_provider_partner(agreement, user.organisation))
    return _housing_provider_partner(agreement, provider) and (
        coordinates(user, agreement) or own_organisation(user, provider.id))


@rule(Agreement, "view_tfpb_review")
def _view_tfpb_review(user: Any, agreement: Agreement, *, provider: Any) -> bool:
    """A provider's annual TFPB review: the coordination, observers, the provider itself, and the users of the
    agreement's signatory organisations it is sent to (other housing providers excepted)."""
    from gup.organisations.models import OrganisationKind

    if reads_everything(user) or coordinates(user, agreement) or own_organisation(user, provider.id):
        return True
    organisation = user.organisation
    return (organisation is not None and organisation.kind is not OrganisationKind.HOUSING_PROVIDER
            and any(s.organisation_id == organisation.id for s in agreement.signatories))


@rule(Agreement, "send_tfpb_review")
def _send_tfpb_review(user: Any, agreement: Agreement, *, provider: Any) -> bool:
    """The provider sends its review to the signatories each year, or the coordination does it for it."""
    return coordinates(user, agreement) or own_organisation(user, provider.id)


@scope(TfpbAction, TfpbAbatement)
def _visible_tfpb(user: Any, stmt: Select, model: Any) -> Select:
    """Coordinators see their agreements' TFPB records, referents their own organisation's; observers all."""
    if reads_everything(user):
        return stmt
    readable = []
    if user.role is Role.COORDINATOR:
        readable.append(model.agreement_id.in_(sa.select(agreement_coordinators.c.agreement_id)
                                               .where(agreement_coordinators.c.user_id == user.id)))
    if user.role is Role.PARTNER_REFERENT and user.organisation_id is not None:
        readable.append(model.provider_id == user.organisation_id)
    return stmt.where(sa.or_(*readable)) if readable else stmt.where(sa.false())


# --- governance (bodies, meetings, decisions) ---------------------------------------------------

def _body_agreement(obj: Any) -> Agreement:
    """The agreement a governance record belongs to (an agreement, a body, a member, a meeting, a decision)."""
    if isinstance(obj, Agreement):
        return obj
    if isinstance(obj, Body):
        return obj.agreement
    if isinstance(obj, BodyMember):
        return obj.body.agreement
    if isinstance(obj, Meeting):
        return obj.body.agreement
    return obj.meeting.body.agreement  # Decision, AgendaItem


@rule(Body, "view")
@rule(Meeting, "view")
@rule(Decision, "view")
@rule(Agreement, "view_governance")
def _view_governance(user: Any, obj: Any) -> bool:
    """Bodies and meetings are read by whoever reads their agreement (its coordination, its partners' referents,
    administrators and observers); never by another agreement's partners."""
    return _view_agreement(user, _body_agreement(obj))


@rule(Agreement, "manage_governance")
@rule(Body, "manage")
@rule(BodyMember, "manage")
@rule(Meeting, "manage")
@rule(Decision, "manage")
@rule(AgendaItem, "manage")
def _manage_governance(user: Any, obj: Any) -> bool:
    """The coordination runs the bodies: the agreement's coordinators, and administrators."""
    return user.role is Role.ADMIN or coordinates(user, _body_agreement(obj))


@scope(Body)
def _visible_bodies(user: Any, stmt: Select, model: Any) -> Select:
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(Body.agreement_id.in_(readable))


@scope(Meeting)
def _visible_meetings(user: Any, stmt: Select, model: Any) -> Select:
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(Meeting.body_id.in_(sa.select(Body.id).where(Body.agreement_id.in_(readable))))


# --- resident relays ------------------------------------------------------------------------------

def _relay_agreement(obj: Any) -> Agreement:
    if isinstance(obj, Agreement):
        return obj
    if isinstance(obj, RelayDraw):
        return obj.pool.agreement
    if isinstance(obj, PoolMember):
        return obj.pool.agreement
    return obj.agreement  # ResidentRelay, RelayPool


@rule(ResidentRelay, "view")
@rule(Agreement, "view_relays")
def _view_relays(user: Any, obj: Any) -> bool:
    """Relays' names, scopes and mandates are read by whoever reads their agreement."""
    return _view_agreement(user, _relay_agreement(obj))


@rule(ResidentRelay, "view_contact", "manage")
@rule(Agreement, "manage_relays")
@rule(RelayPool, "view", "manage")
@rule(RelayDraw, "view", "manage")
def _manage_relays(user: Any, obj: Any) -> bool:
    """Contact details, pools (volunteers' names) and draws are for the coordination only: the agreement's
    coordinators and administrators; partners' referents never see a relay's contact."""
    return user.role is Role.ADMIN or coordinates(user, _relay_agreement(obj))


@rule(ResidentRelay, "act_as")
def _act_as_relay(user: Any, relay: ResidentRelay) -> bool:
    """A relay's own account acts for their active mandate only (their phone page)."""
    return (user.role is Role.RELAY and relay.user_id == user.id and relay.status is RelayStatus.ACTIVE
            and relay.consent_withdrawn_on is None)


@rule(ResidentRelay, "file_report")
def _file_report_for_relay(user: Any, relay: ResidentRelay) -> bool:
    """Reports for the neighbours: the relay themself, or the coordination on their behalf."""
    return _act_as_relay(user, relay) or _manage_relays(user, relay)


@rule(Walkthrough, "invite_relays")
@rule(Action, "entrust_relays")
def _relays_on_content(user: Any, obj: Any) -> bool:
    """Inviting relays to a walk and entrusting them a small action: the agreement's coordination."""
    return coordinates(user, obj.agreement)


@rule(Action, "relay_progress")
def _relay_progress(user: Any, action: Action) -> bool:
    """A relay reports the progress of an action entrusted to them (as do those who may update it)."""
    if user.role is Role.RELAY:
        return entrusted_to_user(action, user)
    return _update_action(user, action)


@scope(ResidentRelay)
def _visible_relays(user: Any, stmt: Select, model: Any) -> Select:
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(ResidentRelay.agreement_id.in_(readable))


@rule(RelayDraw, "view_result")
def _view_draw_result(user: Any, record: RelayDraw) -> bool:
    """A draw's pseudonymised result (seed, pool pseudonyms, result; never names): anyone once it is published,
    as on its public page (relays.public_draw); the coordination always."""
    return record.published or _manage_relays(user, record)


def _coordinated_agreements(user: Any) -> Select:
    return sa.select(agreement_coordinators.c.agreement_id).where(agreement_coordinators.c.user_id == user.id)


@scope(RelayPool)
def _visible_pools(user: Any, stmt: Select, model: Any) -> Select:
    """Pools, as their "view" rule: the coordination of their agreement."""
    if user.role is Role.ADMIN:
        return stmt
    if user.role is not Role.COORDINATOR:
        return stmt.where(sa.false())
    return stmt.where(RelayPool.agreement_id.in_(_coordinated_agreements(user)))


@scope(RelayDraw)
def _visible_draws(user: Any, stmt: Select, model: Any) -> Select:
    """Draws, as their "view_result" rule: the published ones, and every draw of the agreements coordinated."""
    if user.role is Role.ADMIN:
        return stmt
    if user.role is not Role.COORDINATOR:
        return stmt.where(RelayDraw.published.is_(True))
    mine = sa.select(RelayPool.id).where(RelayPool.agreement_id.in_(_coordinated_agreements(user)))
    return stmt.where(sa.or_(RelayDraw.published.is_(True), RelayDraw.pool_id.in_(mine)))


# --- participatory budgets ------------------------------------------------------------------------

def _budget_agreement(obj: Any) -> Agreement:
    if isinstance(obj, Agreement):
        return obj
    if isinstance(obj, PBCampaign):
        return obj.agreement
    if isinstance(obj, PBProject):
        return obj.campaign.agreement
    return obj.project.campaign.agreement  # PaperTally, SelectionOverride


@rule(PBCampaign, "view")
@rule(PBProject, "view")
def _view_budget(user: Any, obj: Any) -> bool:
    """Campaigns and their projects (with the review) are read by whoever reads the agreement; authors' contacts
    are for those who review (view_contact)."""
    return _view_agreement(user, _budget_agreement(obj))


@rule(Agreement, "manage_budgets")
@rule(PBCampaign, "manage", "generate_codes", "enter_tally", "override", "deliver")
@rule(PaperTally, "manage")
@rule(SelectionOverride, "manage")
def _manage_budget(user: Any, obj: Any) -> bool:
    """Campaigns, phases, voting codes, paper tallies, overrides and delivery: the agreement's coordination."""
    return user.role is Role.ADMIN or coordinates(user, _budget_agreement(obj))


@rule(PBProject, "review", "view_contact")
def _review_project(user: Any, project: PBProject) -> bool:
    """The coordination reviews every proposal; a housing provider's referent those on its own places (the
    organisation responsible for the place, looking up from stairwell to residence)."""
    if _manage_budget(user, project):
        return True
    provider = housing_provider_of(project.place)
    return (provider is not None and own_organisation(user, provider.id)
            and is_party(user, project.campaign.agreement))


@rule(PBProject, "merge")
def _merge_projects(user: Any, project: PBProject) -> bool:
    return _manage_budget(user, project)


@scope(PBCampaign)
def _visible_campaigns(user: Any, stmt: Select, model: Any) -> Select:
    readable = _visible_agreements(user, sa.select(Agreement.id))
    return stmt.where(PBCampaign.agreement_id.in_(readable))


# --- notifications --------------------------------------------------------------------------------

@rule(OutboundMail, "list_failed", "resend")
def _failed_mails(user: Any, obj: Any) -> bool:
    """Failed mails (recipients' addresses, errors) are for administrators only."""
    return user.role is Role.ADMIN
