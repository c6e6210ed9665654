"""Read side of organisations: filtered lists."""

from __future__ import annotations

import sqlalchemy as sa

from gup.organisations.models import Organisation, OrganisationKind


def organisations_stmt(*, kind: OrganisationKind | str | None = None, search: str | None = None) -> sa.Select:
    """Organisations ordered by name, optionally of one kind or matching a search."""
    stmt = sa.select(Organisation).order_by(Organisation.name, Organisation.id)
    if kind:
        stmt = stmt.where(Organisation.kind == OrganisationKind(kind))
    if search and search.strip():
        like = f"%{search.strip()}%"
        stmt = stmt.where(sa.or_(Organisation.name.ilike(like), Organisation.code.ilike(like)))
    return stmt


def organisation_choices(kind: OrganisationKind | str | None = None, *,
                         include_inactive: bool = False) -> list[tuple[int, str]]:
    """Organisations for a select, by name: active ones only (nothing is sent to an organisation that left),
    unless a list filter also wants the inactive ones (their records stay searchable)."""
    from gup.extensions import db

    stmt = sa.select(Organisation).order_by(Organisation.name)
    if not include_inactive:
        stmt = stmt.where(Organisation.is_active.is_(True))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return [(o.id, o.name) for o in db.session.scalars(stmt)]
