"""Report data: the database is read here, once, into frozen dataclasses that builders only lay out.

Residents' personal data never enters these dataclasses: no free-text participant names
(`Walkthrough.other_participants`), no user names (professionals are counted). Residents' quotes are printed: the
form asks for them without a name or anything that identifies the speaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from gup.actions.models import Action
from gup.agreements.models import Agreement
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.media import storage
from gup.organisations.models import Organisation
from gup.territory.models import Territory
from gup.territory.queries import Node, place_path, territory_index
from gup.walks.models import RouteStop, Walkthrough, walk_organisations, walk_users

#: order of the restitution: what was done first, then what is under way, then what is waiting or refused
RESTITUTION_ORDER: tuple[FindingStatus, ...] = (
    FindingStatus.CHECKED, FindingStatus.RESOLVED, FindingStatus.IN_PROGRESS, FindingStatus.PLANNED,
    FindingStatus.ACCEPTED, FindingStatus.SENT, FindingStatus.NEW, FindingStatus.REFUSED,
    FindingStatus.OUT_OF_SCOPE,
)
#: thumbnails printed per finding (before and after photos)
MAX_THUMBNAILS = 3


@dataclass(frozen=True)
class Thumbnail:
    """A stored thumbnail file and its proportions."""

    path: str
    width: int
    height: int
    is_resolution: bool


@dataclass(frozen=True)
class PlannedAction:
    """What a partner does about a finding, and when."""

    title: str
    organisation: str
    status: str
    due_on: date | None
    done_on: date | None
    is_closed: bool
    is_overdue: bool


@dataclass(frozen=True)
class FindingEntry:
    """One finding as the restitution shows it."""

    id: int
    kind: str
    description: str
    theme: str
    place: str | None
    priority: str
    due_on: date | None
    status_code: str
    status: str
    responsible: str | None
    is_overdue: bool
    is_recurring: bool
    resolved_on: date | None
    resolution_note: str | None
    refusal_reason: str | None
    referral: str | None
    actions: tuple[PlannedAction, ...]
    thumbnails: tuple[Thumbnail, ...]
    is_positive: bool = False
    resident_quote: str | None = None
    stop_position: int | None = None


@dataclass(frozen=True)
class StopFindings:
    """One stop of the route (position None: findings outside any stop) with its findings and residents' quotes."""

    position: int | None
    name: str | None
    findings: tuple[FindingEntry, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class ThemeCount:
    """Problems and positive points of one theme."""

    theme: str
    problems: int
    positives: int


@dataclass(frozen=True)
class PartnerFindings:
    """The findings of one status for which one organisation is responsible (None: not routed yet)."""

    organisation: str | None
    findings: tuple[FindingEntry, ...]


@dataclass(frozen=True)
class StatusSection:
    """All findings in one status, by responsible organisation."""

    code: str
    label: str
    count: int
    partners: tuple[PartnerFindings, ...]


@dataclass(frozen=True)
class NextStep:
    """An open action answering a finding of the walk."""

    due_on: date | None
    title: str
    organisation: str
    status: str
    is_overdue: bool


@dataclass(frozen=True)
class WalkRestitution:
    """Everything the walk restitution PDF prints, and nothing about residents as persons."""

    walk_id: int
    title: str
    agreement: str
    neighbourhood: str
    walked_on: date
    starts_at: time | None
    kind: str
    walk_status: str
    restitution_on: date | None
    organisations: tuple[str, ...]
    residents_count: int
    professionals_count: int
    route_description: str | None
    stops: tuple[tuple[int, str], ...]
    finding_count: int
    summary: tuple[tuple[str, str, int], ...]
    sections: tuple[StatusSection, ...]
    next_steps: tuple[NextStep, ...]
    today: date
    by_stop: tuple[StopFindings, ...] = ()
    themes: tuple[ThemeCount, ...] = ()
    positives: tuple[FindingEntry, ...] = ()


def _thumbnails(finding: Finding) -> tuple[Thumbnail, ...]:
    """Stored thumbnails of the finding (files that went missing are skipped), before ones first."""
    found: list[Thumbnail] = []
    for photo in sorted(finding.photos, key=lambda p: (p.is_resolution, p.id)):
        try:
            path = storage.path_for(photo.thumbnail_key)
        except ValueError:
            continue
        if Path(path).is_file() and photo.width and photo.height:
            found.append(Thumbnail(str(path), photo.width, photo.height, photo.is_resolution))
    if len(found) > MAX_THUMBNAILS:  # keep one "after" photo when there is one
        after = [t for t in found if t.is_resolution][:1]
        found = [t for t in found if not t.is_resolution][:MAX_THUMBNAILS - len(after)] + after
    return tuple(found)


def _planned(action: Action, today: date) -> PlannedAction:
    return PlannedAction(title=action.title, organisation=action.responsible_organisation.name,
                         status=str(action.status.label), due_on=action.due_on, done_on=action.done_on,
                         is_closed=action.is_closed, is_overdue=action.is_overdue(today))


def _place(finding: Finding, index: dict[int, Node]) -> str | None:
    """Address and place with its parents (the stop is the section the finding is printed in)."""
    parts = []
    if finding.address:
        parts.append(finding.address)
    if finding.territory_id is not None:
        parts.append(place_path(finding.territory_id, index))
    return " — ".join(p for p in parts if p) or None


def _entry(finding: Finding, today: date, index: dict[int, Node]) -> FindingEntry:
    return FindingEntry(
        id=finding.id, kind=str(finding.kind.label), description=finding.description, theme=finding.theme.label,
        place=_place(finding, index), priority=str(finding.priority.label), due_on=finding.due_on,
        status_code=finding.status.value, status=str(finding.status.label),
        responsible=finding.responsible_organisation.name if finding.responsible_organisation else None,
        is_overdue=finding.is_overdue(today), is_recurring=finding.is_recurring, resolved_on=finding.resolved_on,
        resolution_note=finding.resolution_note, refusal_reason=finding.refusal_reason, referral=finding.referral,
        actions=tuple(_planned(a, today) for a in finding.actions if a.status.value != "cancelled"),
        thumbnails=_thumbnails(finding), is_positive=finding.is_positive, resident_quote=finding.resident_quote,
        stop_position=finding.stop.position if finding.stop is not None else None)


def _by_stop(stops: tuple[tuple[int, str], ...], entries: list[FindingEntry]) -> tuple[StopFindings, ...]:
    """Findings by stop in route order, the findings without a stop last (one pass: linear in the findings)."""
    grouped: dict[int | None, list[FindingEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry.stop_position, []).append(entry)
    out = [StopFindings(position, name, tuple(grouped.get(position, ())),
                        tuple(e.resident_quote for e in grouped.get(position, ()) if e.resident_quote))
           for position, name in stops]
    if grouped.get(None):
        out.append(StopFindings(None, None, tuple(grouped[None]),
                                tuple(e.resident_quote for e in grouped[None] if e.resident_quote)))
    return tuple(out)


def _themes(entries: list[FindingEntry]) -> tuple[ThemeCount, ...]:
    counts: dict[str, list[int]] = {}
    for entry in entries:
        counts.setdefault(entry.theme, [0, 0])[1 if entry.is_positive else 0] += 1
    return tuple(ThemeCount(theme, p, n) for theme, (p, n) in
                 sorted(counts.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0].casefold())))


def _sections(entries: list[FindingEntry]) -> tuple[StatusSection, ...]:
    sections = []
    for status in RESTITUTION_ORDER:
        mine = [e for e in entries if e.status_code == status.value]
        if not mine:
            continue
        by_partner: dict[str | None, list[FindingEntry]] = {}
        for entry in mine:
            by_partner.setdefault(entry.responsible, []).append(entry)
        partners = tuple(PartnerFindings(name, tuple(items)) for name, items in
                         sorted(by_partner.items(), key=lambda kv: (kv[0] is None, (kv[0] or "").casefold())))
        sections.append(StatusSection(status.value, str(status.label), len(mine), partners))
    return tuple(sections)


def walk_restitution_data(walk: Walkthrough, today: date) -> WalkRestitution:
    """Read a walk, its participants, route and findings (with theme, organisation, photos, actions).

    A constant number of queries, whatever the number of findings.
    """
    head = db.session.execute(
        sa.select(Walkthrough.title, Walkthrough.walked_on, Walkthrough.starts_at, Walkthrough.kind,
                  Walkthrough.status, Walkthrough.restitution_on, Walkthrough.residents_count,
                  Walkthrough.route_description, Territory.name.label("neighbourhood"),
                  Agreement.reference, Agreement.title.label("agreement_title"))
        .join(Territory, Territory.id == Walkthrough.neighbourhood_id)
        .join(Agreement, Agreement.id == Walkthrough.agreement_id)
        .where(Walkthrough.id == walk.id)).one()
    organisations = tuple(db.session.scalars(
        sa.select(Organisation.name).join(walk_organisations, walk_organisations.c.organisation_id == Organisation.id)
        .where(walk_organisations.c.walkthrough_id == walk.id).order_by(Organisation.name)))
    professionals = db.session.scalar(
        sa.select(sa.func.count()).select_from(walk_users).where(walk_users.c.walkthrough_id == walk.id)) or 0
    stops = tuple((row.position, row.name) for row in db.session.execute(
        sa.select(RouteStop.position, RouteStop.name).where(RouteStop.walkthrough_id == walk.id)
        .order_by(RouteStop.position)))
    findings = db.session.scalars(
        sa.select(Finding).where(Finding.walkthrough_id == walk.id)
        .options(joinedload(Finding.theme), joinedload(Finding.responsible_organisation),
                 joinedload(Finding.stop), joinedload(Finding.territory), selectinload(Finding.photos),
                 selectinload(Finding.actions).joinedload(Action.responsible_organisation))
        .order_by(Finding.id)).unique().all()

    index = territory_index()
    entries = [_entry(f, today, index) for f in findings]
    counts = {s: 0 for s in RESTITUTION_ORDER}
    for f in findings:
        if not f.is_positive:
            counts[f.status] += 1
    seen: dict[int, NextStep] = {}
    for f in findings:
        for action in f.actions:
            if not action.is_closed and action.id not in seen:
                seen[action.id] = NextStep(due_on=action.due_on, title=action.title,
                                           organisation=action.responsible_organisation.name,
                                           status=str(action.status.label), is_overdue=action.is_overdue(today))
    next_steps = sorted(seen.values(), key=lambda s: (s.due_on is None, s.due_on or today, s.title))
    return WalkRestitution(
        walk_id=walk.id, title=head.title, agreement=f"{head.reference} — {head.agreement_title}",
        neighbourhood=head.neighbourhood, walked_on=head.walked_on, starts_at=head.starts_at,
        kind=str(head.kind.label), walk_status=str(head.status.label), restitution_on=head.restitution_on,
        organisations=organisations, residents_count=head.residents_count or 0, professionals_count=professionals,
        route_description=head.route_description, stops=stops,
        finding_count=sum(1 for e in entries if not e.is_positive),
        by_stop=_by_stop(stops, entries), themes=_themes(entries),
        positives=tuple(e for e in entries if e.is_positive),
        summary=tuple((s.value, str(s.label), n) for s, n in counts.items() if n),
        sections=_sections([e for e in entries if not e.is_positive]), next_steps=tuple(next_steps), today=today)

