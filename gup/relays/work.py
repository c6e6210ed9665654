"""What relays do (GUIDE §3.8): their account, the reports they file for their neighbours (channel relay), the
walk-throughs they are invited to, and the small actions entrusted to them. Flush only; the views commit."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.actions.models import Action, ActionStatus
from gup.actions.services import add_action_update
from gup.audit.services import acting_as
from gup.auth import services as accounts
from gup.auth.models import Role, User
from gup.errors import DomainError
from gup.extensions import db
from gup.hotline.models import Channel, ReportCategory
from gup.hotline.services import submit_report
from gup.relays.models import (
    InvitationStatus,
    RelayAction,
    RelayReport,
    RelayStatus,
    RelayWalkInvitation,
    ResidentRelay,
    place_label,
)
from gup.territory.models import Territory
from gup.territory.queries import descendants, territory_index
from gup.walks.models import Walkthrough

logger = logging.getLogger(__name__)


# --- scope ----------------------------------------------------------------------------------------

def scope_root_id(relay: ResidentRelay) -> int | None:
    """The node under which the relay's neighbours live: the mandate's place, or the neighbourhood of a theme."""
    return relay.territory_id if relay.territory_id is not None else relay.neighbourhood_id


def scope_ids(relay: ResidentRelay, index: dict | None = None) -> set[int]:
    """The ids of the mandate's place (or theme's neighbourhood) and of every node under it."""
    root = scope_root_id(relay)
    if root is None:
        return set()
    index = index if index is not None else territory_index()
    return {node.id for node, _depth in descendants([root], index)}


def place_choices(relay: ResidentRelay) -> list[tuple[int, str]]:
    """The places a relay may report for, in tree order (their scope and what is under it)."""
    root = scope_root_id(relay)
    if root is None:
        return []
    return [(node.id, f"{'  ' * depth}{place_label(node.kind, node.name)}")
            for node, depth in descendants([root], territory_index())]


def _check_active(relay: ResidentRelay) -> None:
    if relay.status is not RelayStatus.ACTIVE:
        raise DomainError(_("Le mandat de cet·te habitant·e relais est terminé."))


# --- account --------------------------------------------------------------------------------------

def create_account(relay: ResidentRelay, *, actor: Any, now: datetime, password: str | None = None) -> User:
    """Open the relay's own account (role relay, no organisation) and mail the invitation to choose a password.
    Needs an active mandate and consent to be contacted by e-mail: the invitation is a contact."""
    _check_active(relay)
    if relay.consent_withdrawn_on is not None:
        raise DomainError(_("Cet·te habitant·e a retiré son consentement : aucun contact n'est possible."))
    if relay.user_id is not None:
        raise DomainError(_("Cet·te habitant·e relais a déjà un compte."))
    address = relay.mail_address()
    if address is None:
        raise DomainError(_("Il faut une adresse e-mail et l'accord de l'habitant·e pour être contacté·e par "
                            "courriel avant d'ouvrir son compte."))
    if accounts.user_by_email(address) is not None:
        raise DomainError(_("Un compte existe déjà avec l'adresse %(email)s.", email=address))
    user = accounts.create_user(email=address, full_name=relay.person_name, role=Role.RELAY, organisation=None,
                                actor=actor, password=password)
    relay.user = user
    db.session.flush()
    if password is None:  # the demo gives one; everyone else chooses theirs through the invitation
        accounts.send_invitation(user, actor=actor, now=now)
    logger.info("account %s opened for relay %s", user.id, relay.id)
    return user


def close_account(relay: ResidentRelay, *, actor: Any) -> None:
    """The mandate is over or consent withdrawn: the account can no longer log in (sessions end at once), unless
    the same person holds another active mandate."""
    user = relay.user
    if user is None:
        return
    others = db.session.scalar(sa.select(sa.func.count()).select_from(ResidentRelay).where(
        ResidentRelay.user_id == user.id, ResidentRelay.id != relay.id,
        ResidentRelay.status == RelayStatus.ACTIVE, ResidentRelay.consent_withdrawn_on.is_(None)))
    if others:
        return
    acting_as(db.session, actor)
    user.is_active_account = False
    accounts.end_sessions(user)


def mandates_of(user: Any) -> list[ResidentRelay]:
    """The active mandates of a relay's account (most people hold one)."""
    if getattr(user, "id", None) is None:
        return []
    return list(db.session.scalars(sa.select(ResidentRelay).where(
        ResidentRelay.user_id == user.id, ResidentRelay.status == RelayStatus.ACTIVE)
        .order_by(ResidentRelay.mandate_start_on, ResidentRelay.id)))


# --- reports for the neighbours ---------------------------------------------------------------------

def file_report(relay: ResidentRelay, *, category: ReportCategory, territory_id: int | None, description: str,
                actor: Any, now: datetime, address: str | None = None, photos: Any = ()) -> Any:
    """A report for the relay's neighbours: channel relay, in the relay's scope, without any resident's contact
    (the relay is the one the coordination calls back). It enters the triage queue like every report."""
    _check_active(relay)
    allowed = scope_ids(relay)
    if territory_id is None:
        territory_id = relay.territory_id
    if territory_id is None or territory_id not in allowed:
        raise DomainError(_("Choisissez un lieu de votre secteur."), field="territory_id")
    territory = db.session.get(Territory, territory_id)
    report = submit_report(channel=Channel.RELAY, category=category, description=description, actor=actor,
                           now=now, territory=territory, address=address, photos=photos)
    db.session.add(RelayReport(report=report, relay=relay, filed_by_id=getattr(actor, "id", None), created_at=now))
    db.session.flush()
    logger.info("report %s filed for relay %s by user %s", report.id, relay.id, getattr(actor, "id", None))
    return report


def reports_of(relay: ResidentRelay, limit: int = 30) -> list[Any]:
    """The reports filed for this relay, newest first."""
    return list(db.session.scalars(sa.select(RelayReport).where(RelayReport.relay_id == relay.id)
                                   .options(sa.orm.joinedload(RelayReport.report))
                                   .order_by(RelayReport.created_at.desc()).limit(limit)))


def relay_of_report(report_id: int) -> ResidentRelay | None:
    link = db.session.get(RelayReport, report_id)
    return link.relay if link is not None else None


# --- walk-throughs --------------------------------------------------------------------------------

def invitable_relays(walk: Walkthrough) -> list[ResidentRelay]:
    """The agreement's active relays whose scope lies in the walk's neighbourhood and who are not yet invited."""
    index = territory_index()
    area = {node.id for node, _d in descendants([walk.neighbourhood_id], index)}
    invited = sa.select(RelayWalkInvitation.relay_id).where(RelayWalkInvitation.walkthrough_id == walk.id)
    relays = db.session.scalars(sa.select(ResidentRelay).where(
        ResidentRelay.agreement_id == walk.agreement_id, ResidentRelay.status == RelayStatus.ACTIVE,
        ResidentRelay.id.not_in(invited)).order_by(ResidentRelay.person_name, ResidentRelay.id))
    return [r for r in relays if scope_root_id(r) in area]


def invite_to_walk(walk: Walkthrough, relays: list[ResidentRelay], *, actor: Any, now: datetime) -> int:
    """Invite relays of the walk's neighbourhood; those already invited or out of it are left out."""
    acting_as(db.session, actor)
    wanted = {r.id for r in invitable_relays(walk)}
    count = 0
    for relay in relays:
        if relay.id in wanted:
            db.session.add(RelayWalkInvitation(walkthrough=walk, relay=relay, invited_at=now))
            count += 1
    if not count:
        raise DomainError(_("Choisissez au moins un·e habitant·e relais du quartier non encore invité·e."),
                          field="relay_ids")
    db.session.flush()
    return count


def record_presence(invitation: RelayWalkInvitation, *, status: InvitationStatus, actor: Any) -> None:
    """Present or absent on the day: the present ones count among the walk's participants."""
    acting_as(db.session, actor)
    invitation.status = InvitationStatus(status)
    db.session.flush()


def invitations_of_walk(walk_id: int) -> list[RelayWalkInvitation]:
    return list(db.session.scalars(sa.select(RelayWalkInvitation).where(RelayWalkInvitation.walkthrough_id == walk_id)
                                   .options(sa.orm.joinedload(RelayWalkInvitation.relay))
                                   .order_by(RelayWalkInvitation.id)))


def invitations_of(relay: ResidentRelay) -> list[RelayWalkInvitation]:
    return list(db.session.scalars(sa.select(RelayWalkInvitation).where(RelayWalkInvitation.relay_id == relay.id)
                                   .join(Walkthrough).options(sa.orm.joinedload(RelayWalkInvitation.walkthrough))
                                   .order_by(Walkthrough.walked_on.desc())))


# --- actions entrusted to residents -------------------------------------------------------------------

def entrust_action(action: Action, relays: list[ResidentRelay], *, actor: Any, now: datetime) -> int:
    """Make relays of the action's agreement the responsible party of a small action (a group: several)."""
    acting_as(db.session, actor)
    already = set(db.session.scalars(sa.select(RelayAction.relay_id).where(RelayAction.action_id == action.id)))
    count = 0
    for relay in relays:
        if relay.agreement_id != action.agreement_id or relay.status is not RelayStatus.ACTIVE:
            raise DomainError(_("%(name)s n'est pas habitant·e relais en mandat sur cette convention.",
                                name=relay.person_name), field="relay_ids")
        if relay.id not in already:
            db.session.add(RelayAction(action=action, relay=relay, entrusted_at=now))
            count += 1
    if not count:
        raise DomainError(_("Choisissez au moins un·e habitant·e relais."), field="relay_ids")
    db.session.flush()
    return count


def withdraw_action(link: RelayAction, *, actor: Any) -> None:
    acting_as(db.session, actor)
    db.session.delete(link)
    db.session.flush()


def relays_of_action(action_id: int) -> list[RelayAction]:
    return list(db.session.scalars(sa.select(RelayAction).where(RelayAction.action_id == action_id)
                                   .options(sa.orm.joinedload(RelayAction.relay)).order_by(RelayAction.id)))


def actions_of(relay: ResidentRelay) -> list[Action]:
    return list(db.session.scalars(sa.select(Action).join(RelayAction, RelayAction.action_id == Action.id)
                                   .where(RelayAction.relay_id == relay.id)
                                   .order_by(Action.status, Action.due_on, Action.id)))


def entrusted_to_user(action: Action, user: Any) -> bool:
    """The action is entrusted to an active mandate of this relay's account (the policy asks it)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(RelayAction)
                             .join(ResidentRelay, ResidentRelay.id == RelayAction.relay_id)
                             .where(RelayAction.action_id == action.id, ResidentRelay.user_id == user.id,
                                    ResidentRelay.status == RelayStatus.ACTIVE)) > 0


def report_progress(action: Action, *, note: str, actor: Any, now: datetime, progress: int | None = None,
                    done: bool = False) -> Any:
    """A relay tells how their action goes: a note, a percentage, or that it is done."""
    status = ActionStatus.DONE if done else None
    if status is None and action.status is ActionStatus.PLANNED and progress:
        status = ActionStatus.IN_PROGRESS
    return add_action_update(action, note=note, actor=actor, now=now, progress=progress, status=status)
