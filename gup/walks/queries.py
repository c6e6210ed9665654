"""Read side of walks: loading with what pages show, the filtered list, grouping and day/night comparison."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from gup import policy
from gup.agreements.models import Agreement, Partner, Signatory, Theme
from gup.auth.models import Role, User
from gup.db import raise_others
from gup.extensions import db
from gup.findings.models import Finding
from gup.pagination import Page, paginate  # noqa: F401  (re-exported for the feature's views)
from gup.territory.models import Territory, TerritoryKind
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough


def _agreement_options(path: Any) -> list[Any]:
    """What the policy reads on an agreement (coordinators, partners, signatories), loaded up front."""
    return [path.selectinload(Agreement.coordinators), path.selectinload(Agreement.partners).joinedload(
        Partner.organisation), path.selectinload(Agreement.signatories).joinedload(Signatory.organisation),
        path.selectinload(Agreement.territories)]


def walk_or_404(walkthrough_id: int) -> Walkthrough:
    """One walk with its participants, route and findings (and what their rows show), loaded up front."""
    stmt = (sa.select(Walkthrough).where(Walkthrough.id == walkthrough_id)
            .options(*_agreement_options(joinedload(Walkthrough.agreement)),
                     joinedload(Walkthrough.neighbourhood), joinedload(Walkthrough.follow_up_of),
                     selectinload(Walkthrough.organisations), selectinload(Walkthrough.users),
                     selectinload(Walkthrough.grid_themes), selectinload(Walkthrough.stops),
                     selectinload(Walkthrough.findings).options(
                         joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                         joinedload(Finding.stop), selectinload(Finding.photos))))
    walk = db.session.scalar(stmt)
    if walk is None:
        abort(404)
    return walk


def walks_stmt(user: Any, *, agreement_id: int | None = None, neighbourhood_id: int | None = None,
               kind: str | None = None, status: str | None = None) -> sa.Select:
    """Walks user may read, filtered, newest first, with what list rows show eagerly loaded."""
    stmt = (sa.select(Walkthrough)
            .options(joinedload(Walkthrough.agreement), joinedload(Walkthrough.neighbourhood),
                     *raise_others(Walkthrough, Walkthrough.agreement, Walkthrough.neighbourhood))
            .order_by(Walkthrough.walked_on.desc(), Walkthrough.id.desc()))
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
    rows = db.session.execute(sa.select(Finding.walkthrough_id, sa.func.count(Finding.id))
                              .where(Finding.walkthrough_id.in_(walk_ids)).group_by(Finding.walkthrough_id))
    return {walk_id: count for walk_id, count in rows}


def neighbourhood_choices(agreement: Agreement | None = None) -> list[tuple[int, str]]:
    """Neighbourhoods of an agreement's perimeter (or every neighbourhood, for filters)."""
    if agreement is not None:
        nodes = [t for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD]
    else:
        nodes = list(db.session.scalars(sa.select(Territory).where(Territory.kind == TerritoryKind.NEIGHBOURHOOD)
                                        .order_by(Territory.name)))
    return [(t.id, t.name) for t in sorted(nodes, key=lambda t: t.name)]


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


@dataclass
class StopGroup:
    """Findings of one stop (None: outside any stop), grouped by theme."""

    stop: RouteStop | None
    themes: list[tuple[Theme, list[Finding]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(items) for _theme, items in self.themes)


def findings_by_stop(walk: Walkthrough) -> list[StopGroup]:
    """The walk's (already loaded) findings grouped by stop in route order, then by theme; findings outside
    any stop come last."""
    groups = {s.id: StopGroup(stop=s) for s in walk.stops}
    loose = StopGroup(stop=None)
    buckets: dict[int, dict[int, tuple[Theme, list[Finding]]]] = {}
    for item in sorted(walk.findings, key=lambda f: (f.theme.position, f.theme.label, f.id)):
        group = groups.get(item.stop_id, loose) if item.stop_id is not None else loose
        buckets.setdefault(id(group), {}).setdefault(item.theme_id, (item.theme, []))[1].append(item)
    ordered = [*groups.values(), loose]
    for group in ordered:
        group.themes = list(buckets.get(id(group), {}).values())
    return [g for g in ordered if g.stop is not None or g.total]


@dataclass
class Comparison:
    """Findings counted by theme for two walks of the same route (e.g. day and night)."""

    first: Walkthrough
    second: Walkthrough
    rows: list[tuple[Theme, int, int]]

    @property
    def totals(self) -> tuple[int, int]:
        return sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)


def comparisons(walk: Walkthrough) -> list[Comparison]:
    """The walk against the walk it follows up and against the walks that follow it up, counts by theme."""
    others: list[Walkthrough] = []
    if walk.follow_up_of is not None:
        others.append(walk.follow_up_of)
    others += list(db.session.scalars(sa.select(Walkthrough).options(*raise_others(Walkthrough))
                                      .where(Walkthrough.follow_up_of_id == walk.id)
                                      .order_by(Walkthrough.walked_on, Walkthrough.id)))
    if not others:
        return []
    ids = [walk.id] + [o.id for o in others]
    counts: dict[tuple[int, int], int] = {}
    for walk_id, theme_id, count in db.session.execute(
            sa.select(Finding.walkthrough_id, Finding.theme_id, sa.func.count(Finding.id))
            .where(Finding.walkthrough_id.in_(ids)).group_by(Finding.walkthrough_id, Finding.theme_id)):
        counts[(walk_id, theme_id)] = count
    themes = {t.id: t for t in db.session.scalars(
        sa.select(Theme).where(Theme.id.in_({theme_id for _w, theme_id in counts} or {-1})))}
    result = []
    for other in others:
        first, second = (other, walk) if other is walk.follow_up_of else (walk, other)
        rows = [(theme, counts.get((first.id, theme.id), 0), counts.get((second.id, theme.id), 0))
                for theme in sorted(themes.values(), key=lambda t: (t.position, t.label))]
        result.append(Comparison(first=first, second=second, rows=[r for r in rows if r[1] or r[2]]))
    return result


def map_points(walk_findings: list[Finding], url_for_finding: Any) -> list[dict[str, Any]]:
    """Findings with coordinates, as the map macro wants them."""
    return [{"lat": f.latitude, "lng": f.longitude,
             "label": f"{f.theme.label} — {textwrap.shorten(f.description, 90, placeholder='…')}",
             "status": f.status.value, "status_label": str(f.status.label), "url": url_for_finding(f),
             "address": f.address}
            for f in walk_findings if f.latitude is not None and f.longitude is not None]
