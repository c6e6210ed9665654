"""Figures of the dashboard and of the follow-up shown on an agreement's page: commitments due, findings and
actions counted (a constant number of queries), structural problems, the map of findings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from statistics import median
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, raiseload

from gup import policy
from gup.actions.models import CLOSED_ACTION_STATUSES, Action, ActionStatus
from gup.agreements.models import Theme
from gup.agreements.queries import agreements_stmt, commitments_stmt, coordinates_an_agreement
from gup.extensions import db
from gup.features import registry
from gup.findings.models import OPEN_FINDING_STATUSES, POSITIVE_KIND, Finding, FindingStatus
from gup.i18n import local_timezone
from gup.organisations.models import Organisation
from gup.worklist import COORDINATION, GROUP_LIMIT


@dataclass(frozen=True)
class TodoGroup:
    """One group of the coordinator's « À traiter »: the most urgent items of one registered kind, and how many
    there are."""

    kind: str
    title: Any
    items: list[Any]
    count: int
    #: the full list of this kind, built in the request that shows it
    list_endpoint: Callable[[], str] | None

    @property
    def list_url(self) -> str | None:
        return self.list_endpoint() if self.list_endpoint is not None else None

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def todo_groups(user: Any, today: date) -> list[TodoGroup] | None:
    """« À traiter »: the coordination's work items, from the providers the features registered (audience
    « coordination » with a title), group by group, overdue first; None when the user coordinates nothing. A
    constant number of queries: each provider's own (its first items and its count)."""
    if not (user.is_admin or coordinates_an_agreement(user)):
        return None
    providers = sorted((p for p in registry().work_item_providers if p.audience == COORDINATION and p.title),
                       key=lambda p: p.order)
    groups = []
    for provider in providers:
        items = sorted(provider.items(user, today), key=lambda item: not item.overdue)[:GROUP_LIMIT]
        count = provider.count(user, today) if provider.count is not None else len(items)
        groups.append(TodoGroup(provider.kind, provider.title, items, count, provider.list_url))
    return groups


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
    """Aggregates for the charts: three queries whatever the number of findings and actions.

    With `agreement_id` the caller has checked that user may view that agreement; without it, every agreement
    user may read is counted.
    """

    # one pass over the findings, on the covering index by agreement, theme, status and kind: counted per theme,
    # status and kind, the few themes joined to the counts; summed here by status (problems only, as
    # Finding.problem_clause) and by theme (every kind), themes by count, then position and label
    per_group = _scoped(
        sa.select(Finding.theme_id, Finding.status, Finding.kind, sa.func.count(Finding.id).label("n"))
        .group_by(Finding.theme_id, Finding.status, Finding.kind), Finding, user, agreement_id).subquery()
    by_status: dict[Any, int] = {}
    theme_counts: dict[int, list[Any]] = {}  # theme id -> [label, count], in (position, label) order
    for theme_id, label, status, kind, n in db.session.execute(
            sa.select(per_group.c.theme_id, Theme.label, per_group.c.status, per_group.c.kind, per_group.c.n)
            .select_from(per_group).outerjoin(Theme, Theme.id == per_group.c.theme_id)
            .order_by(Theme.position, Theme.label, per_group.c.theme_id)):
        if kind != POSITIVE_KIND:
            by_status[status] = by_status.get(status, 0) + n
        if label is not None:
            theme_counts.setdefault(theme_id, [label, 0])[1] += n
    by_theme = sorted(((label, n) for label, n in theme_counts.values()), key=lambda item: -item[1])  # stable

    overdue = sa.and_(Action.due_on.is_not(None), Action.due_on < today,
                      Action.status.not_in(list(CLOSED_ACTION_STATUSES)))
    done = Action.status == ActionStatus.DONE
    as_int = lambda cond: sa.func.sum(sa.case((cond, 1), else_=0))  # noqa: E731
    actions = db.session.execute(_scoped(
        sa.select(Organisation.name, as_int(done), as_int(sa.and_(sa.not_(done), sa.not_(overdue))), as_int(overdue))
        .join(Organisation, Organisation.id == Action.responsible_organisation_id)
        .where(Action.status != ActionStatus.CANCELLED)
        .group_by(Organisation.id, Organisation.name).order_by(Organisation.name), Action, user, agreement_id)).all()

    # the delay counts from the local day of logging (display time zone), in days computed by the database and
    # counted per organisation and number of days: a few rows, not one per resolved finding
    per_finding = _scoped(
        sa.select(Organisation.name.label("name"), _days_to_resolution(local_timezone().key).label("days"))
        .join(Organisation, Organisation.id == Finding.responsible_organisation_id)
        .where(Finding.resolved_on.is_not(None)), Finding, user, agreement_id).subquery()
    histograms: dict[str, dict[int, int]] = {}
    for name, days, n in db.session.execute(
            sa.select(per_finding.c.name, per_finding.c.days, sa.func.count())
            .group_by(per_finding.c.name, per_finding.c.days)):
        histogram = histograms.setdefault(name, {})
        histogram[max(0, days)] = histogram.get(max(0, days), 0) + n
    delays = {name: [d for d, n in sorted(h.items()) for _ in range(n)] for name, h in histograms.items()}
    return FollowUpStats(
        findings_by_status=[(s, by_status[s]) for s in FindingStatus if by_status.get(s)],
        findings_by_theme=[(label, n) for label, n in by_theme],
        actions_by_organisation=[(name, int(d or 0), int(ok or 0), int(late or 0)) for name, d, ok, late in actions],
        resolution_delays=[(name, float(median(days)), len(days)) for name, days in sorted(delays.items())])


def _days_to_resolution(zone: str) -> sa.ColumnElement[int]:
    """SQL: days from a finding's local day of logging (in `zone`) to its resolution date."""
    if db.engine.dialect.name == "postgresql":
        logged_on = sa.cast(sa.func.timezone(zone, Finding.created_at), sa.Date)
        return sa.type_coerce(Finding.resolved_on - logged_on, sa.Integer)
    # SQLite: gup_local_date is registered on each connection (gup.engine)
    return sa.cast(sa.func.julianday(Finding.resolved_on)
                   - sa.func.julianday(sa.func.gup_local_date(Finding.created_at, zone)), sa.Integer)


def recurring_findings(agreement_id: int, limit: int = 50) -> list[Any]:
    """Open findings flagged as structural problems (recurrence), newest first, ready for a list."""

    stmt = (sa.select(Finding)
            .where(Finding.agreement_id == agreement_id, Finding.is_recurring.is_(True),
                   Finding.status.in_(list(OPEN_FINDING_STATUSES)), Finding.problem_clause())
            .options(joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                     joinedload(Finding.territory), raiseload("*"))
            .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def finding_map_points(*, agreement_id: int | None = None, walkthrough_id: int | None = None,
                       link: Any = None, limit: int = 300) -> list[dict[str, Any]]:
    """Located findings as points for the `findings_map` macro: {lat, lng, label, status, status_label, url}.

    One query; `link(finding_id)` gives the URL of a finding's page (or None when there is none).
    """

    stmt = (sa.select(Finding.id, Finding.description, Finding.address, Finding.latitude, Finding.longitude,
                      Finding.status, Finding.kind)
            .where(Finding.latitude.is_not(None), Finding.longitude.is_not(None))
            .order_by(Finding.id.desc()).limit(limit))
    if agreement_id is not None:
        stmt = stmt.where(Finding.agreement_id == agreement_id)
    if walkthrough_id is not None:
        stmt = stmt.where(Finding.walkthrough_id == walkthrough_id)
    points = []
    status_labels: dict[str, str] = {}  # each status translated once, not once per point
    for row in db.session.execute(stmt):
        label = row.description if len(row.description) <= 80 else row.description[:79] + "…"
        positive = row.kind == POSITIVE_KIND  # a positive point has no status of its own
        status = "positive" if positive else FindingStatus(row.status).value
        if status not in status_labels:
            status_labels[status] = _("Point positif") if positive else str(FindingStatus(status).label)
        points.append({"id": row.id, "lat": row.latitude, "lng": row.longitude, "label": label,
                       "address": row.address or "", "status": status, "status_label": status_labels[status],
                       "url": link(row.id) if link else None})
    return points
