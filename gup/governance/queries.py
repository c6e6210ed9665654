"""Read side of governance: bodies and meetings through the policy, a partner's overdue and due-soon items (the
next COTECH's draft agenda and the weekly digest read the same query), indicator figures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.actions.models import CLOSED_ACTION_STATUSES, Action
from gup.agreements.models import Agreement, Partner, Signatory
from gup.extensions import db
from gup.findings.models import OPEN_FINDING_STATUSES, Finding
from gup.governance.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Decision,
    Meeting,
)
from gup.organisations.models import Organisation
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)

#: « bientôt dû » in the weekly digest: due within this many days
DUE_SOON_DAYS = 14


def _agreement_for_policy() -> tuple[Any, ...]:
    return (selectinload(Agreement.coordinators), selectinload(Agreement.partners),
            selectinload(Agreement.signatories))


# --- bodies --------------------------------------------------------------------------------------

def agreement_or_404(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.id == agreement_id)
                                  .options(*_agreement_for_policy()))
    if agreement is None:
        abort(404)
    return agreement


def body_or_404(body_id: int) -> Body:
    stmt = (sa.select(Body).where(Body.id == body_id)
            .options(joinedload(Body.agreement).options(*_agreement_for_policy()),
                     selectinload(Body.members).options(joinedload(BodyMember.organisation),
                                                        joinedload(BodyMember.user)),
                     selectinload(Body.meetings)))
    body = db.session.scalar(stmt)
    if body is None:
        abort(404)
    return body


def bodies_stmt(user: Any, *, agreement_id: int | None = None) -> sa.Select:
    """Bodies user may read, by agreement, kind and name."""
    stmt = (sa.select(Body).options(joinedload(Body.agreement), selectinload(Body.members).options(
                joinedload(BodyMember.organisation), joinedload(BodyMember.user)))
            .order_by(Body.agreement_id, Body.kind, Body.name, Body.id))
    if agreement_id is not None:
        stmt = stmt.where(Body.agreement_id == agreement_id)
    return policy.visible(user, stmt, Body)


# --- meetings ------------------------------------------------------------------------------------

def meeting_or_404(meeting_id: int) -> Meeting:
    """One meeting with everything its page shows."""
    stmt = (sa.select(Meeting).where(Meeting.id == meeting_id)
            .options(joinedload(Meeting.body).options(
                         joinedload(Body.agreement).options(*_agreement_for_policy()),
                         selectinload(Body.members).options(joinedload(BodyMember.organisation),
                                                            joinedload(BodyMember.user))),
                     selectinload(Meeting.agenda).options(joinedload(AgendaItem.organisation),
                                                          joinedload(AgendaItem.action),
                                                          joinedload(AgendaItem.finding),
                                                          joinedload(AgendaItem.decision)),
                     selectinload(Meeting.attendance).joinedload(Attendance.member),
                     selectinload(Meeting.decisions).options(joinedload(Decision.owner_organisation),
                                                             selectinload(Decision.actions))))
    meeting = db.session.scalar(stmt)
    if meeting is None:
        abort(404)
    return meeting


def decision_or_404(decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        abort(404)
    return decision


def meetings_stmt(user: Any, *, agreement_id: int | None = None, body_id: int | None = None) -> sa.Select:
    """Meetings user may read, latest first."""
    stmt = (sa.select(Meeting).join(Meeting.body)
            .options(joinedload(Meeting.body).joinedload(Body.agreement), selectinload(Meeting.agenda),
                     selectinload(Meeting.attendance),
                     selectinload(Meeting.decisions).options(selectinload(Decision.actions),
                                                             joinedload(Decision.owner_organisation)))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))
    if agreement_id is not None:
        stmt = stmt.where(Body.agreement_id == agreement_id)
    if body_id is not None:
        stmt = stmt.where(Meeting.body_id == body_id)
    return policy.visible(user, stmt, Meeting)


def decisions_of_actions(action_ids: Iterable[int]) -> list[Decision]:
    """Decisions that created these actions (the action page shows where an action was decided)."""
    ids = list(action_ids)
    if not ids:
        return []
    stmt = (sa.select(Decision).where(Decision.actions.any(Action.id.in_(ids)))
            .options(joinedload(Decision.meeting).joinedload(Meeting.body)).order_by(Decision.id))
    return list(db.session.scalars(stmt).unique())


def pending_decisions(agreement: Agreement, *, before_meeting: Meeting | None = None) -> list[Decision]:
    """Decisions of the agreement's earlier meetings still to follow up (no action yet, or one unfinished)."""
    stmt = (sa.select(Decision).join(Decision.meeting).join(Meeting.body)
            .where(Body.agreement_id == agreement.id)
            .options(selectinload(Decision.actions), joinedload(Decision.meeting).joinedload(Meeting.body),
                     joinedload(Decision.owner_organisation))
            .order_by(Meeting.starts_at, Decision.id))
    if before_meeting is not None and before_meeting.id is not None:
        stmt = stmt.where(Decision.meeting_id != before_meeting.id)
    return [d for d in db.session.scalars(stmt).unique() if d.is_pending]


# --- a partner's overdue and due-soon items (draft agenda, weekly digest) -------------------------

@dataclass
class PartnerItems:
    """What one organisation must deal with: actions and findings it is responsible for, late or due soon."""

    organisation: Organisation
    overdue_actions: list[Action] = field(default_factory=list)
    due_soon_actions: list[Action] = field(default_factory=list)
    overdue_findings: list[Finding] = field(default_factory=list)
    due_soon_findings: list[Finding] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue_actions) + len(self.overdue_findings)

    @property
    def count(self) -> int:
        return self.overdue_count + len(self.due_soon_actions) + len(self.due_soon_findings)


def party_agreement_ids(organisation_id: int) -> sa.Select:
    """Agreements the organisation is a partner or signatory of."""
    return sa.union(sa.select(Partner.agreement_id).where(Partner.organisation_id == organisation_id),
                    sa.select(Signatory.agreement_id).where(Signatory.organisation_id == organisation_id))


def partner_items(organisation: Organisation, *, today: date, agreement_ids: Iterable[int] | None = None,
                  due_soon_days: int = 0) -> PartnerItems:
    """The organisation's open actions and findings past their due date (before `today`) and, with
    `due_soon_days`, those due from today to today + due_soon_days; in the given agreements, or in every
    agreement it is party to. The one definition of « en retard / bientôt dû » for governance."""
    return partner_items_by_organisation([organisation], today=today, agreement_ids=agreement_ids,
                                         due_soon_days=due_soon_days)[organisation.id]


def partner_items_by_organisation(organisations: Iterable[Organisation], *, today: date,
                                  agreement_ids: Iterable[int] | None = None,
                                  due_soon_days: int = 0) -> dict[int, PartnerItems]:
    """`partner_items` of several organisations at once (organisation id → items), in two queries whatever
    their number (the weekly digest's hundreds of referents)."""
    by_id = {o.id: o for o in organisations}
    ids = list(agreement_ids) if agreement_ids is not None else None
    horizon = today + timedelta(days=due_soon_days)
    last_day = horizon if due_soon_days else today - timedelta(days=1)

    def scope(agreement_id: Any, organisation_id: Any) -> Any:
        """In the given agreements, or in one the responsible organisation is party to (correlated)."""
        if ids is not None:
            return agreement_id.in_(ids)
        return sa.or_(
            agreement_id.in_(sa.select(Partner.agreement_id).where(Partner.organisation_id == organisation_id)),
            agreement_id.in_(sa.select(Signatory.agreement_id).where(Signatory.organisation_id == organisation_id)))

    items = {oid: PartnerItems(o) for oid, o in by_id.items()}
    if not items:
        return items
    actions = db.session.scalars(
        sa.select(Action).where(Action.responsible_organisation_id.in_(list(by_id)),
                                scope(Action.agreement_id, Action.responsible_organisation_id),
                                Action.due_on.is_not(None), Action.due_on <= last_day,
                                Action.status.not_in(list(CLOSED_ACTION_STATUSES)))
        .options(joinedload(Action.agreement)).order_by(Action.due_on, Action.id)).unique().all()
    findings = db.session.scalars(
        sa.select(Finding).where(Finding.responsible_organisation_id.in_(list(by_id)),
                                 scope(Finding.agreement_id, Finding.responsible_organisation_id),
                                 Finding.due_on.is_not(None), Finding.due_on <= last_day,
                                 Finding.status.in_(list(OPEN_FINDING_STATUSES)), Finding.problem_clause())
        .options(joinedload(Finding.agreement), joinedload(Finding.theme))
        .order_by(Finding.due_on, Finding.id)).unique().all()
    for action in actions:
        mine = items[action.responsible_organisation_id]
        (mine.overdue_actions if action.due_on < today else mine.due_soon_actions).append(action)
    for finding in findings:
        mine = items[finding.responsible_organisation_id]
        (mine.overdue_findings if finding.due_on < today else mine.due_soon_findings).append(finding)
    return items


def party_organisations(agreement: Agreement) -> list[Organisation]:
    ids = agreement.party_organisation_ids
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))
                                   .order_by(Organisation.name)))


def organisation_choices(agreement: Agreement) -> list[tuple[int, str]]:
    return [(o.id, o.name) for o in party_organisations(agreement)]
