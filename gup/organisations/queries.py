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
