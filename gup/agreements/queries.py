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
    agreement_coordinators,
)
from gup.csv_file import day, headers, yes_no
from gup.extensions import db
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
                         joinedload(Commitment.theme),
                         joinedload(Commitment.partner).joinedload(Partner.organisation))))
    agreement = db.session.scalar(stmt)
    if agreement is None:
        abort(404)
    return agreement


def coordinates_an_agreement(user: Any) -> bool:
    """The user is one of the coordinators of at least one agreement (one query)."""
    stmt = sa.select(sa.exists().where(agreement_coordinators.c.user_id == user.id))
    return bool(db.session.scalar(stmt))


def coordinated(user: Any, stmt: sa.Select, agreement_id: Any) -> sa.Select:
    """Only the rows of the agreements the user coordinates (every agreement for an administrator): what the
    coordination's « À traiter » and « Mes actions » list."""
    if user.is_admin:
        return stmt
    mine = sa.select(agreement_coordinators.c.agreement_id).where(agreement_coordinators.c.user_id == user.id)
    return stmt.where(agreement_id.in_(mine))


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


def commitment_csv_headers() -> list[str]:
    return headers("reference", "title", "agreement", "partner", "theme", "due_on", "overdue", "status", "progress")


def commitment_csv_rows(commitments: list[Commitment], today: date) -> list[list[Any]]:
    """One list of cells per commitment, the columns of the HTML list (gup.csv_file defuses every text cell)."""
    return [[c.reference, c.title, c.agreement.reference, c.partner.organisation.name, c.theme.label, day(c.due_on),
             yes_no(c.is_overdue(today)), str(c.status.label), c.progress] for c in commitments]


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


def themes_by_ids(ids: list[int]) -> list[Theme]:
    """The themes with these ids (unknown ids are simply absent)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(set(ids))).order_by(Theme.position)))


def by_ids_for_policy(model: Any, ids: list[int]) -> list[Any]:
    """Records of a model belonging to an agreement, with what the policy reads on their agreement loaded up
    front (coordinators, partners, signatories)."""
    agreement = joinedload(model.agreement)
    stmt = sa.select(model).where(model.id.in_(ids)).options(
        agreement.selectinload(Agreement.coordinators), agreement.selectinload(Agreement.partners),
        agreement.selectinload(Agreement.signatories))
    return list(db.session.scalars(stmt))


def tfpb_axes_valid_on(day: Any) -> list[Any]:
    """The TFPB axes (versioned reference table) a record dated `day` may be given, by number."""
    from gup.agreements.models import TfpbAxisRef

    return list(db.session.scalars(
        sa.select(TfpbAxisRef).where(TfpbAxisRef.valid_from <= day,
                                     sa.or_(TfpbAxisRef.valid_to.is_(None), TfpbAxisRef.valid_to >= day))
        .order_by(TfpbAxisRef.number, TfpbAxisRef.code)))


def tfpb_axis_choices(day: Any, commitment: Any = None) -> list[tuple[str, str]]:
    """(code, label) of the axes valid on `day` (a commitment form offers only the axes in force), plus the
    commitment's current axis when it has closed since it was given."""
    from gup.agreements.models import TfpbAxis

    keep = commitment.tfpb_axis.value if commitment is not None and commitment.tfpb_axis else None
    # a commitment stores a code of TfpbAxis: a revision bringing new codes adds them there too (with a migration)
    axes = [a for a in tfpb_axes_valid_on(day) if a.code in {m.value for m in TfpbAxis}]
    choices = [(a.code, str(a)) for a in axes]
    if keep and keep not in {a.code for a in axes}:
        from gup.agreements.models import TfpbAxisRef

        current = db.session.get(TfpbAxisRef, keep)
        if current is not None:
            choices.append((current.code, str(current)))
    return choices
