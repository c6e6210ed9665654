"""Read side of walks: loading with what pages show, the filtered list, grouping and day/night comparison."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import Agreement, Partner, Signatory
from gup.auth.models import Role, User
from gup.csv_file import day, headers
from gup.extensions import db
from gup.orm import raise_others
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.walks.models import WalkKind, WalkStatus, Walkthrough


def _agreement_options(path: Any) -> list[Any]:
    """What the policy reads on an agreement (coordinators, partners, signatories), loaded up front."""
    return [path.selectinload(Agreement.coordinators), path.selectinload(Agreement.partners).joinedload(
        Partner.organisation), path.selectinload(Agreement.signatories).joinedload(Signatory.organisation),
        path.selectinload(Agreement.territories)]


def walk_or_404(walkthrough_id: int) -> Walkthrough:
    """One walk with its participants, route and findings, loaded up front (the findings section of its page
    loads what their rows show: gup.findings.walk_section)."""
    stmt = (sa.select(Walkthrough).where(Walkthrough.id == walkthrough_id)
            .options(*_agreement_options(joinedload(Walkthrough.agreement)),
                     joinedload(Walkthrough.neighbourhood), joinedload(Walkthrough.follow_up_of),
                     selectinload(Walkthrough.organisations), selectinload(Walkthrough.users),
                     selectinload(Walkthrough.grid_themes), selectinload(Walkthrough.stops),
                     selectinload(Walkthrough.findings)))
    walk = db.session.scalar(stmt)
    if walk is None:
        abort(404)
    return walk


def walks_stmt(user: Any, *, loading: tuple[Any, ...] | None = None, agreement_id: int | None = None,
               neighbourhood_id: int | None = None,
               kind: str | None = None, status: str | None = None) -> sa.Select:
    """Walks user may read, filtered, newest first: the one list query of the HTML list and the API. `loading`
    replaces what the HTML rows load."""
    if loading is None:
        loading = (joinedload(Walkthrough.agreement), joinedload(Walkthrough.neighbourhood),
                   *raise_others(Walkthrough, Walkthrough.agreement, Walkthrough.neighbourhood))
    stmt = sa.select(Walkthrough).options(*loading).order_by(Walkthrough.walked_on.desc(), Walkthrough.id.desc())
    if agreement_id:
        stmt = stmt.where(Walkthrough.agreement_id == agreement_id)
    if neighbourhood_id:
        stmt = stmt.where(Walkthrough.neighbourhood_id == neighbourhood_id)
    if kind:
        stmt = stmt.where(Walkthrough.kind == WalkKind(kind))
    if status:
        stmt = stmt.where(Walkthrough.status == WalkStatus(status))
    return policy.visible(user, stmt, Walkthrough)


def agreements_where(user: Any, verb: str) -> list[Agreement]:
    """Agreements user reads and may `verb` (e.g. plan a walk: "manage", log a finding: "log_finding")."""
    stmt = policy.visible(user, sa.select(Agreement).order_by(Agreement.reference), Agreement).options(
        selectinload(Agreement.coordinators), selectinload(Agreement.partners), selectinload(Agreement.signatories))
    return [a for a in db.session.scalars(stmt) if policy.can(user, verb, a)]


def finding_counts(walk_ids: list[int]) -> dict[int, int]:
    """Number of findings of each walk, in one query."""
    if not walk_ids:
        return {}
    rows = db.session.execute(sa.select(Walkthrough.id, sa.func.count()).join(Walkthrough.findings)
                              .where(Walkthrough.id.in_(walk_ids)).group_by(Walkthrough.id))
    return {walk_id: count for walk_id, count in rows}


def csv_headers() -> list[str]:
    """The export's header row, read in the request's language."""
    return headers("date", "walk", "kind", "neighbourhood", "agreement", "findings", "status")


def csv_rows(walks: list[Walkthrough], counts: dict[int, int]) -> list[list[Any]]:
    """One list of cells per walk, the columns of the HTML list (gup.csv_file defuses every text cell)."""
    return [[day(w.walked_on), w.title, str(w.kind.label), w.neighbourhood.name, w.agreement.reference,
             counts.get(w.id, 0), str(w.status.label)] for w in walks]


def party_organisation_choices(agreement: Agreement) -> list[tuple[int, str]]:
    """Organisations party to the agreement (partners and signatories), by name."""
    orgs = {p.organisation.id: p.organisation for p in agreement.partners}
    orgs.update({s.organisation.id: s.organisation for s in agreement.signatories})
    return sorted(((o.id, o.name) for o in orgs.values()), key=lambda c: c[1])


def participant_user_choices(agreement: Agreement) -> list[tuple[int, str]]:
    """Active accounts of the agreement's coordination and of its party organisations."""
    party = agreement.party_organisation_ids
    coordinators = [u.id for u in agreement.coordinators]
    stmt = (sa.select(User).options(joinedload(User.organisation))
            .where(User.is_active_account.is_(True), User.role != Role.ADMIN,
                   sa.or_(User.organisation_id.in_(party or [-1]), User.id.in_(coordinators or [-1])))
            .order_by(User.full_name))
    return [(u.id, f"{u.full_name} ({u.organisation.name})" if u.organisation else u.full_name)
            for u in db.session.scalars(stmt)]


def follow_up_choices(agreement: Agreement, exclude_id: int | None = None) -> list[tuple[int, str]]:
    """Other walks of the agreement that a walk may follow up (e.g. the day walk of a night walk)."""
    stmt = (sa.select(Walkthrough).where(Walkthrough.agreement_id == agreement.id)
            .options(*raise_others(Walkthrough)).order_by(Walkthrough.walked_on.desc(), Walkthrough.id.desc()))
    return [(w.id, f"{w.walked_on:%d/%m/%Y} — {w.title} ({w.kind.label})")
            for w in db.session.scalars(stmt) if w.id != exclude_id]


def objects_by_ids(model: Any, ids: list[int] | None) -> list[Any]:
    """Rows of model with these ids (unknown ids are simply absent)."""
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(set(ids)))))
