"""Read side of agreements and commitments: loading, filters, pagination, policy scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import (
    CLOSED_COMMITMENT_STATUSES,
    Agreement,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Partner,
    Signatory,
    Theme,
)
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)

# --- agreements ----------------------------------------------------------------------------------

def agreement_or_404(agreement_id: int) -> Agreement:
    """One agreement with everything its page shows, loaded up front."""
    stmt = (sa.select(Agreement).where(Agreement.id == agreement_id)
            .options(selectinload(Agreement.partners).joinedload(Partner.organisation),
                     selectinload(Agreement.signatories).joinedload(Signatory.organisation),
                     selectinload(Agreement.amendments), selectinload(Agreement.territories),
                     selectinload(Agreement.themes), selectinload(Agreement.coordinators),
                     joinedload(Agreement.predecessor),
                     selectinload(Agreement.commitments).options(
                         joinedload(Commitment.theme), joinedload(Commitment.partner).joinedload(Partner.organisation))))
    agreement = db.session.scalar(stmt)
    if agreement is None:
        abort(404)
    return agreement


def agreements_stmt(user: Any, *, status: str | None = None, search: str | None = None) -> sa.Select:
    """Agreements user may read, filtered, with what list rows show eagerly loaded."""
    stmt = (sa.select(Agreement)
            .options(selectinload(Agreement.territories), selectinload(Agreement.amendments),
                     )
            .order_by(Agreement.start_on.desc(), Agreement.id.desc()))
    if status:
        stmt = stmt.where(Agreement.status == status)
    if search:
        like = f"%{search.strip()}%"
        stmt = stmt.where(sa.or_(Agreement.reference.ilike(like), Agreement.title.ilike(like)))
    return policy.visible(user, stmt, Agreement)


def agreement_choices(user: Any) -> list[tuple[int, str]]:
    stmt = policy.visible(user, sa.select(Agreement).order_by(Agreement.reference), Agreement)
    return [(a.id, f"{a.reference} — {a.title}") for a in db.session.scalars(stmt)]


def predecessor_choices(exclude_id: int | None = None) -> list[tuple[int, str]]:
    stmt = sa.select(Agreement.id, Agreement.reference, Agreement.title).order_by(Agreement.reference)
    return [(row.id, f"{row.reference} — {row.title}") for row in db.session.execute(stmt) if row.id != exclude_id]


def theme_choices(include_inactive: bool = False) -> list[tuple[int, str]]:
    stmt = sa.select(Theme).order_by(Theme.position, Theme.label)
    if not include_inactive:
        stmt = stmt.where(Theme.is_active.is_(True))
    return [(t.id, t.label) for t in db.session.scalars(stmt)]


def all_themes() -> list[Theme]:
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.label)))


# --- commitments ---------------------------------------------------------------------------------

def commitment_or_404(commitment_id: int) -> Commitment:
    stmt = (sa.select(Commitment).where(Commitment.id == commitment_id)
            .options(joinedload(Commitment.agreement).selectinload(Agreement.partners),
                     joinedload(Commitment.agreement).selectinload(Agreement.signatories),
                     joinedload(Commitment.agreement).selectinload(Agreement.coordinators),
                     joinedload(Commitment.partner).joinedload(Partner.organisation),
                     joinedload(Commitment.theme),
                     selectinload(Commitment.updates).joinedload(CommitmentUpdate.author)))
    commitment = db.session.scalar(stmt)
    if commitment is None:
        abort(404)
    return commitment


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """SQL form of Commitment.is_overdue."""
    return sa.and_(Commitment.due_on.is_not(None), Commitment.due_on < today,
                   Commitment.status.not_in(list(CLOSED_COMMITMENT_STATUSES)))


def commitments_stmt(user: Any, *, today: date, agreement_id: int | None = None, organisation_id: int | None = None,
                     status: str | None = None, theme_id: int | None = None, overdue: bool | None = None,
                     due_within_days: int | None = None) -> sa.Select:
    """Commitments user may read, filtered, ordered by due date, with what list rows show eagerly loaded."""
    stmt = (sa.select(Commitment)
            .join(Commitment.partner)
            .options(joinedload(Commitment.partner).joinedload(Partner.organisation),
                     joinedload(Commitment.theme), joinedload(Commitment.agreement))
            .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.reference))
    if agreement_id:
        stmt = stmt.where(Commitment.agreement_id == agreement_id)
    if organisation_id:
        stmt = stmt.where(Partner.organisation_id == organisation_id)
    if status:
        stmt = stmt.where(Commitment.status == CommitmentStatus(status))
    if theme_id:
        stmt = stmt.where(Commitment.theme_id == theme_id)
    if overdue is True:
        stmt = stmt.where(overdue_clause(today))
    elif overdue is False:
        stmt = stmt.where(sa.not_(overdue_clause(today)))
    if due_within_days is not None:
        stmt = stmt.where(Commitment.due_on >= today, Commitment.due_on <= today + timedelta(days=due_within_days),
                          Commitment.status.not_in(list(CLOSED_COMMITMENT_STATUSES)))
    return policy.visible(user, stmt, Commitment)


def organisation_choices(kind: str | None = None) -> list[tuple[int, str]]:
    stmt = sa.select(Organisation).where(Organisation.is_active.is_(True)).order_by(Organisation.name)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return [(o.id, o.name) for o in db.session.scalars(stmt)]


def partner_choices(agreement: Agreement) -> list[tuple[int, str]]:
    return sorted(((p.id, p.organisation.name) for p in agreement.partners), key=lambda c: c[1])


@dataclass
class PartnerGroup:
    """Commitments of one partner, grouped by theme, for the agreement page."""

    partner: Partner
    themes: list[tuple[Theme, list[Commitment]]]
    total: int
    overdue: int


def commitments_by_partner(agreement: Agreement, today: date) -> list[PartnerGroup]:
    """Group the (already loaded) commitments by partner, then theme."""
    groups: list[PartnerGroup] = []
    for partner in sorted(agreement.partners, key=lambda p: p.organisation.name):
        mine = [c for c in agreement.commitments if c.partner_id == partner.id]
        by_theme: dict[int, tuple[Theme, list[Commitment]]] = {}
        for c in sorted(mine, key=lambda c: (c.theme.position, c.reference)):
            by_theme.setdefault(c.theme_id, (c.theme, []))[1].append(c)
        groups.append(PartnerGroup(partner=partner, themes=list(by_theme.values()), total=len(mine),
                                   overdue=sum(1 for c in mine if c.is_overdue(today))))
    return groups


def status_counts(agreement: Agreement) -> list[tuple[CommitmentStatus, int]]:
    counts = {s: 0 for s in CommitmentStatus}
    for c in agreement.commitments:
        counts[c.status] += 1
    return [(s, n) for s, n in counts.items() if n]


def dashboard_data(user: Any, *, today: date, due_days: int, limit: int = 20) -> dict[str, Any]:
    """Agreements, overdue commitments and those due soon, as user may see them."""
    own_org = user.organisation_id if getattr(user, "is_referent", False) else None
    overdue_stmt = commitments_stmt(user, today=today, overdue=True, organisation_id=own_org)
    soon_stmt = commitments_stmt(user, today=today, due_within_days=due_days, organisation_id=own_org)
    count = lambda stmt: db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))  # noqa: E731
    return {
        "agreements": list(db.session.scalars(agreements_stmt(user).limit(limit))),
        "overdue": list(db.session.scalars(overdue_stmt.limit(limit))),
        "overdue_total": count(overdue_stmt),
        "due_soon": list(db.session.scalars(soon_stmt.limit(limit))),
        "due_soon_total": count(soon_stmt),
        "own_organisation_only": own_org is not None,
    }


def themes_by_ids(ids: list[int]) -> list[Theme]:
    """The themes with these ids (unknown ids are simply absent)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(set(ids))).order_by(Theme.position)))


# --- follow-up of findings and actions (charts, structural problems, map) ------------------------

@dataclass(frozen=True)
class FollowUpStats:
    """Figures of the follow-up charts, for one agreement or for every agreement a user may read."""

    findings_by_status: list[tuple[Any, int]]
    findings_by_theme: list[tuple[str, int]]
    #: (organisation name, done, open within their due date, overdue); cancelled actions left out
    actions_by_organisation: list[tuple[str, int, int, int]]
    #: (organisation name, median days from logging to resolution, resolved findings)
    resolution_delays: list[tuple[str, float, int]]

    @property
    def is_empty(self) -> bool:
        return not (self.findings_by_status or self.actions_by_organisation)


def _scoped(stmt: sa.Select, model: Any, user: Any, agreement_id: int | None) -> sa.Select:
    if agreement_id is not None:
        return stmt.where(model.agreement_id == agreement_id)
    return policy.visible(user, stmt, model)


def followup_stats(user: Any, *, today: date, agreement_id: int | None = None) -> FollowUpStats:
    """Aggregates for the charts: four queries whatever the number of findings and actions.

    With `agreement_id` the caller has checked that user may view that agreement; without it, every agreement
    user may read is counted.
    """
    from statistics import median

    from gup.actions.models import CLOSED_ACTION_STATUSES, Action, ActionStatus
    from gup.findings.models import Finding, FindingStatus
    from gup.i18n import local_today

    count = sa.func.count(Finding.id)
    by_status = dict(db.session.execute(
        _scoped(sa.select(Finding.status, count).group_by(Finding.status), Finding, user, agreement_id)).all())
    by_theme = db.session.execute(_scoped(
        sa.select(Theme.label, count).join(Theme, Theme.id == Finding.theme_id)
        .group_by(Theme.id, Theme.label, Theme.position).order_by(count.desc(), Theme.position, Theme.label),
        Finding, user, agreement_id)).all()

    overdue = sa.and_(Action.due_on.is_not(None), Action.due_on < today,
                      Action.status.not_in(list(CLOSED_ACTION_STATUSES)))
    done = Action.status == ActionStatus.DONE
    as_int = lambda cond: sa.func.sum(sa.case((cond, 1), else_=0))  # noqa: E731
    actions = db.session.execute(_scoped(
        sa.select(Organisation.name, as_int(done), as_int(sa.and_(sa.not_(done), sa.not_(overdue))), as_int(overdue))
        .join(Organisation, Organisation.id == Action.responsible_organisation_id)
        .where(Action.status != ActionStatus.CANCELLED)
        .group_by(Organisation.id, Organisation.name).order_by(Organisation.name), Action, user, agreement_id)).all()

    delays: dict[str, list[int]] = {}
    resolved = db.session.execute(_scoped(
        sa.select(Organisation.name, Finding.created_at, Finding.resolved_on)
        .join(Organisation, Organisation.id == Finding.responsible_organisation_id)
        .where(Finding.resolved_on.is_not(None)), Finding, user, agreement_id))
    for name, created_at, resolved_on in resolved:
        delays.setdefault(name, []).append(max(0, (resolved_on - local_today(created_at)).days))
    return FollowUpStats(
        findings_by_status=[(s, by_status[s]) for s in FindingStatus if by_status.get(s)],
        findings_by_theme=[(label, n) for label, n in by_theme],
        actions_by_organisation=[(name, int(d or 0), int(ok or 0), int(late or 0)) for name, d, ok, late in actions],
        resolution_delays=[(name, float(median(days)), len(days)) for name, days in sorted(delays.items())])


def recurring_findings(agreement_id: int, limit: int = 50) -> list[Any]:
    """Open findings flagged as structural problems (recurrence), newest first, ready for a list."""
    from sqlalchemy.orm import raiseload

    from gup.findings.models import OPEN_FINDING_STATUSES, Finding

    stmt = (sa.select(Finding)
            .where(Finding.agreement_id == agreement_id, Finding.is_recurring.is_(True),
                   Finding.status.in_(list(OPEN_FINDING_STATUSES)))
            .options(joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                     joinedload(Finding.territory), raiseload("*"))
            .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def finding_map_points(*, agreement_id: int | None = None, walkthrough_id: int | None = None,
                       link: Any = None, limit: int = 300) -> list[dict[str, Any]]:
    """Located findings as points for the `findings_map` macro: {lat, lng, label, status, status_label, url}.

    One query; `link(finding_id)` gives the URL of a finding's page (or None when there is none).
    """
    from gup.findings.models import Finding, FindingStatus

    stmt = (sa.select(Finding.id, Finding.description, Finding.address, Finding.latitude, Finding.longitude,
                      Finding.status)
            .where(Finding.latitude.is_not(None), Finding.longitude.is_not(None))
            .order_by(Finding.id.desc()).limit(limit))
    if agreement_id is not None:
        stmt = stmt.where(Finding.agreement_id == agreement_id)
    if walkthrough_id is not None:
        stmt = stmt.where(Finding.walkthrough_id == walkthrough_id)
    points = []
    for row in db.session.execute(stmt):
        label = row.description if len(row.description) <= 80 else row.description[:79] + "…"
        status = FindingStatus(row.status)
        points.append({"id": row.id, "lat": row.latitude, "lng": row.longitude, "label": label,
                       "address": row.address or "", "status": status.value, "status_label": str(status.label),
                       "url": link(row.id) if link else None})
    return points
