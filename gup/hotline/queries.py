"""Read side of resident reports: the triage queue, a report's page, choices, referents' open reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.actions.models import Action
from gup.agreements.models import Agreement, Partner, Signatory
from gup.extensions import db
from gup.hotline.models import (
    CLOSED_REPORT_STATUSES,
    CategoryRoute,
    ReportCategory,
    ReportStatus,
    ReportUpdate,
    ResidentReport,
    ResponseTemplate,
)
from gup.orm import text_search
from gup.pagination import Page, paginate

PER_PAGE = 25
#: the queue's default: the open reports (every status but the closed ones)
OPEN = "open"
#: the queue's filter value that shows every status
ALL = "all"
#: statuses of the reports a partner referent must answer
REFERENT_STATUSES = (ReportStatus.SENT, ReportStatus.IN_PROGRESS)


def _agreement_options(path: Any) -> list[Any]:
    """What the policy reads on an agreement, loaded up front."""
    return [path.selectinload(Agreement.coordinators),
            path.selectinload(Agreement.partners).joinedload(Partner.organisation),
            path.selectinload(Agreement.signatories).joinedload(Signatory.organisation)]


def _list_options() -> list[Any]:
    return [joinedload(ResidentReport.category), joinedload(ResidentReport.responsible_organisation),
            joinedload(ResidentReport.suggested_organisation),
            joinedload(ResidentReport.neighbourhood), joinedload(ResidentReport.territory),
            *_agreement_options(joinedload(ResidentReport.agreement))]


def report_or_404(report_id: int) -> ResidentReport:
    """One report with everything its page shows, loaded up front."""
    stmt = (sa.select(ResidentReport).where(ResidentReport.id == report_id)
            .options(*_list_options(), joinedload(ResidentReport.duplicate_of), joinedload(ResidentReport.created_by),
                     selectinload(ResidentReport.photos),
                     selectinload(ResidentReport.updates).options(joinedload(ReportUpdate.organisation),
                                                                  joinedload(ReportUpdate.author))))
    report = db.session.scalar(stmt)
    if report is None:
        abort(404)
    return report


def report_by_reference(reference: str) -> ResidentReport | None:
    reference = (reference or "").strip().upper()
    if not reference or len(reference) > 20:
        return None
    return db.session.scalar(sa.select(ResidentReport).where(ResidentReport.reference == reference)
                             .options(*_list_options()))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """SQL twin of ResidentReport.is_overdue: open, and past the first-answer time while unanswered or past the
    resolution time. The times depend on the category, so the clause names each category (a short list)."""
    parts = []
    for cat_id, first_days, resolution_days in db.session.execute(
            sa.select(ReportCategory.id, ReportCategory.first_answer_days, ReportCategory.resolution_days)):
        # today > created_on + days  ⟺  created_at < start of (today - days)
        first_cut = _day_start(today - timedelta(days=first_days))
        resolution_cut = _day_start(today - timedelta(days=resolution_days))
        parts.append(sa.and_(ResidentReport.category_id == cat_id, sa.or_(
            sa.and_(ResidentReport.first_answer_at.is_(None), ResidentReport.created_at < first_cut),
            ResidentReport.created_at < resolution_cut)))
    if not parts:
        return sa.false()
    return sa.and_(ResidentReport.status.notin_(list(CLOSED_REPORT_STATUSES)), sa.or_(*parts))


def due_order() -> sa.ColumnElement[Any]:
    """The SLA resolution due date as a sortable number (days)."""
    if db.engine.dialect.name == "postgresql":
        day = sa.extract("epoch", ResidentReport.created_at) / 86400
    else:
        day = sa.func.julianday(ResidentReport.created_at)
    return day + ReportCategory.resolution_days


def queue_stmt(user: Any, *, today: date, status: str | None = None, category_id: int | None = None,
               channel: str | None = None, neighbourhood_id: int | None = None, organisation_id: int | None = None,
               overdue: bool | None = None, reference: str | None = None, q: str | None = None) -> sa.Select:
    """The triage queue: new reports first (received, then qualified), then by SLA due date; scoped by policy.
    `status` is one status, or OPEN for the open ones (not closed: resolved, not our remit, duplicate, rejected)."""
    stmt = sa.select(ResidentReport).join(ReportCategory, ReportCategory.id == ResidentReport.category_id)
    if status == OPEN:
        stmt = stmt.where(ResidentReport.status.notin_(list(CLOSED_REPORT_STATUSES)))
    elif status:
        stmt = stmt.where(ResidentReport.status == status)
    if category_id:
        stmt = stmt.where(ResidentReport.category_id == category_id)
    if channel:
        stmt = stmt.where(ResidentReport.channel == channel)
    if neighbourhood_id:
        stmt = stmt.where(ResidentReport.neighbourhood_id == neighbourhood_id)
    if organisation_id:
        stmt = stmt.where(ResidentReport.responsible_organisation_id == organisation_id)
    if overdue is not None:
        clause = overdue_clause(today)
        stmt = stmt.where(clause if overdue else sa.not_(clause))
    if reference:
        stmt = stmt.where(ResidentReport.reference.ilike(f"%{reference.strip()[:20]}%"))
    if (search := text_search(q, ResidentReport.reference, ResidentReport.description,
                              ResidentReport.address)) is not None:
        stmt = stmt.where(search)
    rank = sa.case((ResidentReport.status == ReportStatus.RECEIVED, 0),
                   (ResidentReport.status == ReportStatus.QUALIFIED, 1), else_=2)
    stmt = stmt.order_by(rank, due_order(), ResidentReport.id).options(*_list_options())
    return policy.visible(user, stmt, ResidentReport)


def queue_page(user: Any, *, today: date, page: int, per_page: int = PER_PAGE, **filters: Any) -> Page:
    return paginate(queue_stmt(user, today=today, **filters), page=page, per_page=per_page)


def csv_headers() -> list[str]:
    from gup.csv_file import headers

    return headers("reference", "category", "description", "address", "neighbourhood", "channel", "received_at",
                   "organisation", "suggested_organisation", "status", "overdue", "duplicates")


def csv_rows(reports: list[ResidentReport], *, today: date, duplicates: dict[int, int]) -> list[list[Any]]:
    """One list of cells per report, what the queue shows (no contact detail: gup.csv_file defuses every text cell)."""
    from gup.csv_file import day_time, yes_no

    return [[r.reference, r.category.label, r.description, r.address or (r.territory.name if r.territory else ""),
             r.neighbourhood.name if r.neighbourhood else "", str(r.channel.label), day_time(r.created_at),
             r.responsible_organisation.name if r.responsible_organisation else "",
             r.suggested_organisation.name if r.suggested_organisation else "", str(r.status.label),
             yes_no(r.is_overdue(today)), duplicates.get(r.id, 0)] for r in reports]


# --- page helpers --------------------------------------------------------------------------------

def photo_counts(report_ids: list[int]) -> dict[int, int]:
    from gup.hotline.models import resident_report_photos as rrp

    if not report_ids:
        return {}
    rows = db.session.execute(sa.select(rrp.c.report_id, sa.func.count()).where(rrp.c.report_id.in_(report_ids))
                              .group_by(rrp.c.report_id))
    return dict(rows.all())


def action_choices(report: ResidentReport) -> list[tuple[int, str]]:
    if report.agreement_id is None:
        return []
    return [(a.id, f"{a.title} — {a.responsible_organisation.name}") for a in db.session.scalars(
        sa.select(Action).where(Action.agreement_id == report.agreement_id)
        .options(joinedload(Action.responsible_organisation)).order_by(Action.title))]


def category_choices(*, published_only: bool = False) -> list[tuple[int, str]]:
    stmt = sa.select(ReportCategory).order_by(ReportCategory.position, ReportCategory.label)
    if published_only:
        stmt = stmt.where(ReportCategory.is_published.is_(True))
    return [(c.id, c.label) for c in db.session.scalars(stmt)]


def categories() -> list[ReportCategory]:
    return list(db.session.scalars(sa.select(ReportCategory).order_by(ReportCategory.position, ReportCategory.label)
                                   .options(joinedload(ReportCategory.theme),
                                            joinedload(ReportCategory.default_organisation),
                                            selectinload(ReportCategory.routes).options(
                                                joinedload(CategoryRoute.neighbourhood),
                                                joinedload(CategoryRoute.organisation)))).unique())


def category_or_404(category_id: int) -> ReportCategory:
    category = db.session.get(ReportCategory, category_id)
    if category is None:
        abort(404)
    return category


def templates() -> list[ResponseTemplate]:
    return list(db.session.scalars(sa.select(ResponseTemplate).options(joinedload(ResponseTemplate.category))
                                   .order_by(ResponseTemplate.category_id.is_not(None), ResponseTemplate.category_id,
                                             ResponseTemplate.status)))


def template_or_404(template_id: int) -> ResponseTemplate:
    template = db.session.get(ResponseTemplate, template_id)
    if template is None:
        abort(404)
    return template


def find_template(category_id: int | None, status: ReportStatus) -> ResponseTemplate | None:
    return db.session.scalar(sa.select(ResponseTemplate).where(
        ResponseTemplate.status == status,
        ResponseTemplate.category_id.is_(None) if category_id is None else ResponseTemplate.category_id == category_id))


def reports_with_contact(email: str) -> list[ResidentReport]:
    """Reports still holding contact data of this e-mail address (administrator on-request erasure)."""
    email = (email or "").strip().lower()
    if not email:
        return []
    return list(db.session.scalars(sa.select(ResidentReport).where(
        sa.func.lower(ResidentReport.contact_email) == email, ResidentReport.contact_erased_at.is_(None))
        .options(joinedload(ResidentReport.category)).order_by(ResidentReport.id)))


def report_for_finding(finding_id: int) -> ResidentReport | None:
    """The resident report opened from a finding, if any."""
    return db.session.scalar(sa.select(ResidentReport).where(ResidentReport.finding_id == finding_id))
