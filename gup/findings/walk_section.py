"""The findings part of a walk's page: findings by stop and theme, day/night comparisons, map points.

Contributed to the walk page through `gup.walks.signals.walk_page` (walks know nothing of findings).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from gup.agreements.models import Theme
from gup.extensions import db
from gup.findings.models import Finding
from gup.orm import raise_others
from gup.pages import Section
from gup.walks.models import RouteStop, Walkthrough
from gup.walks.signals import walk_page


def _load_rows(walk: Walkthrough) -> list[Finding]:
    """The walk's findings with what their rows show (the walk's own list gets them through the identity map)."""
    stmt = (sa.select(Finding).where(Finding.walkthrough_id == walk.id)
            .options(joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                     joinedload(Finding.stop), selectinload(Finding.photos)))
    return list(db.session.scalars(stmt).unique())


@walk_page.connect
def walk_findings_section(walk: Walkthrough, *, user: Any, today: date) -> Section:
    """Findings of the walk (the caller checked that user may view it)."""
    _load_rows(walk)
    return Section("findings/_walk_findings.html", {
        "groups": findings_by_stop(walk), "comparisons": comparisons(walk),
        "map_points": map_points(walk.findings, lambda f: url_for("findings.detail", finding_id=f.id)),
    }, order=10)


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
