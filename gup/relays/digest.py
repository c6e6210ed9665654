"""The relays' monthly digest (récapitulatif mensuel): what happened in a relay's scope during one calendar month.

What a digest lists, for one relay and one month (local calendar month, Europe/Paris):
- the resident reports located in the scope, the findings located there, and the actions of that place (actions
  have no place of their own: those linked to a finding or a report of the scope, and those entrusted to the
  relay), each created or changed during the month;
- the scope is the mandate's place and its subtree (a building and its stairwells; a residence and its
  buildings); for a theme relay, the theme within the neighbourhood: reports whose category belongs to the theme
  and findings of the theme, located in the neighbourhood's subtree (or, for a report, filed for the
  neighbourhood itself).

What a line says, and only that: a reference (« GUP-2026-000123 », « n° 12 »), a short label that never carries a
resident's words (a report's category, a finding's kind and theme; an action's title, written by the
coordination or a partner), the place's name, the French label of the status and a link. No name, contact,
address, description or photo of any report or finding ever goes into a digest. Reports link to their public
follow-up page (`/suivi/<référence>`, open to anyone and showing only what the disclosure rule publishes);
an action entrusted to the relay links to their « Mon espace relais » page; other actions and findings have no
link: their pages in gup carry residents' quotes and photos and open only to those who read the agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from gup.actions.models import Action
from gup.auth.links import mail_url
from gup.extensions import db
from gup.findings.models import Finding, finding_actions
from gup.hotline.models import ReportCategory, ResidentReport
from gup.relays.models import RelayAction, ResidentRelay, place_label
from gup.relays.work import scope_ids


@dataclass(frozen=True)
class DigestLine:
    """One line of a digest: reference, safe label, place, French status label, link; `new` if created then."""

    reference: str
    label: str
    place: str
    status: str
    url: str
    new: bool


@dataclass
class Digest:
    """The reports, findings and actions of a relay's scope for one month."""

    relay: ResidentRelay
    month: date
    reports: list[DigestLine] = field(default_factory=list)
    findings: list[DigestLine] = field(default_factory=list)
    actions: list[DigestLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reports) + len(self.findings) + len(self.actions)


def previous_month(today: date) -> date:
    """The first day of the calendar month before today's."""
    first = today.replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a local calendar month (its first local midnight to the next month's)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)

    return midnight(month), midnight(next_month(month))


def _changed(model: Any, start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """Created or changed during [start, end)."""
    return sa.or_(sa.and_(model.created_at >= start, model.created_at < end),
                  sa.and_(model.updated_at >= start, model.updated_at < end))


def _place(territory_id: int | None, index: dict) -> str:
    node = index.get(territory_id) if territory_id is not None else None
    return place_label(node.kind, node.name) if node is not None else ""


def _report_filter(relay: ResidentRelay, area: set[int]) -> list[Any]:
    if relay.territory_id is not None:
        return [ResidentReport.territory_id.in_(area)]
    return [ReportCategory.theme_id == relay.theme_id,
            sa.or_(ResidentReport.territory_id.in_(area), ResidentReport.neighbourhood_id == relay.neighbourhood_id)]


def _finding_filter(relay: ResidentRelay, area: set[int]) -> list[Any]:
    where = [Finding.territory_id.in_(area)]
    if relay.territory_id is None:
        where.append(Finding.theme_id == relay.theme_id)
    return where


def build(relay: ResidentRelay, month: date, index: dict) -> Digest:
    """The digest of `relay` for `month` (its first day); `index` is gup.territory.queries.territory_index()."""
    digest = Digest(relay=relay, month=month)
    area = scope_ids(relay, index)
    if not area:
        return digest
    start, end = month_bounds(month)

    def is_new(row: Any) -> bool:
        return start <= row.created_at < end

    in_scope_reports = (sa.select(ResidentReport.id)
                        .join(ReportCategory, ReportCategory.id == ResidentReport.category_id)
                        .where(*_report_filter(relay, area)))
    reports = db.session.scalars(
        sa.select(ResidentReport).where(ResidentReport.id.in_(in_scope_reports), _changed(ResidentReport, start, end))
        .options(joinedload(ResidentReport.category)).order_by(ResidentReport.created_at, ResidentReport.id))
    digest.reports = [
        DigestLine(reference=r.reference or f"#{r.id}", label=r.category.label, place=_place(r.territory_id, index),
                   status=str(r.status.label), new=is_new(r),
                   url=mail_url("hotline.public_track", reference=r.reference) if r.reference else "")
        for r in reports]

    in_scope_findings = sa.select(Finding.id).where(*_finding_filter(relay, area))
    findings = db.session.scalars(
        sa.select(Finding).where(Finding.id.in_(in_scope_findings), _changed(Finding, start, end))
        .options(joinedload(Finding.theme)).order_by(Finding.created_at, Finding.id))
    digest.findings = [
        DigestLine(reference=str(f.id), label=f"{f.kind.label}, {f.theme.label}", place=_place(f.territory_id, index),
                   status=str(f.status.label), new=is_new(f), url="")
        for f in findings]

    entrusted = sa.select(RelayAction.action_id).where(RelayAction.relay_id == relay.id)
    of_place = sa.or_(
        Action.id.in_(sa.select(finding_actions.c.action_id)
                      .where(finding_actions.c.finding_id.in_(in_scope_findings))),
        Action.id.in_(sa.select(ResidentReport.action_id).where(ResidentReport.id.in_(in_scope_reports),
                                                                ResidentReport.action_id.is_not(None))),
        Action.id.in_(entrusted))
    actions = db.session.scalars(
        sa.select(Action).where(of_place, _changed(Action, start, end))
        .order_by(Action.created_at, Action.id))
    mine = set(db.session.scalars(entrusted))
    digest.actions = [
        DigestLine(reference=str(a.id), label=a.title, place="", status=str(a.status.label), new=is_new(a),
                   url=mail_url("relays.space", relay_id=relay.id) if a.id in mine else "")
        for a in actions]
    return digest
