"""Use cases of findings: logging, routing suggestion, hand-over, partner answers, recurrence. Flush only."""

from __future__ import annotations

import logging
import math
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.agreements.models import Agreement, Theme
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError
from gup.extensions import db
from gup.findings.models import (Finding, FindingKind, FindingStatus, LandOwnership, Priority, RoutingRule,
                                 Transfer)
from gup.i18n import local_today
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)

#: without a rule, who usually owns a place of each kind (the coordinator confirms or changes it)
_DEFAULT_KIND: dict[LandOwnership, OrganisationKind] = {
    LandOwnership.TOWN: OrganisationKind.MUNICIPALITY,
    LandOwnership.EPCI: OrganisationKind.EPCI,
    LandOwnership.HOUSING_PROVIDER: OrganisationKind.HOUSING_PROVIDER,
    LandOwnership.STATE: OrganisationKind.STATE,
}


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def housing_provider_of(territory: Territory | None) -> Organisation | None:
    """The housing provider of a place, looking up from stairwell to residence."""
    node = territory
    while node is not None:
        if node.housing_provider is not None:
            return node.housing_provider
        node = node.parent
    return None


def suggest_responsible(agreement: Agreement, *, land_ownership: LandOwnership | None, theme: Theme | None,
                        territory: Territory | None = None) -> Organisation | None:
    """Routing suggestion: the agreement's rule for (ownership, theme), then for the ownership alone, then the
    place's housing provider or the partner of the matching kind."""
    if land_ownership is None:
        return None
    rules = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.agreement_id == agreement.id,
                                                            RoutingRule.land_ownership == land_ownership)).all()
    for wanted in (theme.id if theme else None, None):
        for rule in rules:
            if rule.theme_id == wanted:
                return rule.organisation
    if land_ownership is LandOwnership.HOUSING_PROVIDER:
        provider = housing_provider_of(territory)
        if provider is not None:
            return provider
    kind = _DEFAULT_KIND.get(land_ownership)
    candidates = [p.organisation for p in agreement.partners if p.organisation.kind is kind]
    return candidates[0] if len(candidates) == 1 else None


def default_due_on(priority: Priority, logged_on: date) -> date:
    """Due date from the priority's target time (a setting)."""
    return logged_on + timedelta(days=current_app.config["PRIORITY_DUE_DAYS"][priority.value])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def _building_of(territory: Territory | None) -> int | None:
    node = territory
    while node is not None:
        if node.kind is TerritoryKind.BUILDING:
            return node.id
        node = node.parent
    return None


def _same_spot(a: Finding, b: Finding) -> bool:
    building = _building_of(a.territory)
    if building is not None and building == _building_of(b.territory):
        return True
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        return distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= current_app.config["RECURRENCE_RADIUS_M"]
    return False


def flag_recurrence(finding: Finding, *, now: datetime) -> bool:
    """Same theme at the same building or within 50 m, three times in twelve months: a structural problem.
    Flags the finding and its earlier twins; returns whether it is recurring."""
    cfg = current_app.config
    since = now - timedelta(days=cfg["RECURRENCE_WINDOW_DAYS"])
    candidates = db.session.scalars(sa.select(Finding).where(
        Finding.agreement_id == finding.agreement_id, Finding.theme_id == finding.theme_id,
        Finding.kind == FindingKind.ISSUE, Finding.id != finding.id, Finding.created_at >= since)).all()
    twins = [c for c in candidates if _same_spot(finding, c)]
    if finding.kind is FindingKind.ISSUE and len(twins) + 1 >= cfg["RECURRENCE_COUNT"]:
        for item in (finding, *twins):
            item.is_recurring = True
        logger.info("finding %s flagged as recurring with %s others", finding.id, len(twins))
        return True
    return False


FINDING_FIELDS = frozenset({"kind", "theme", "description", "address", "latitude", "longitude", "territory",
                            "land_ownership", "resident_quote", "priority", "due_on", "walkthrough", "stop"})


def _check_location(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="latitude")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError(_("Coordonnées invalides."), field="latitude")


def create_finding(agreement: Agreement, *, actor: Any, now: datetime, description: str, theme: Theme,
                   responsible_organisation: Organisation | None = None, routing_reason: str | None = None,
                   **fields: Any) -> Finding:
    """Log a finding; the responsible organisation defaults to the routing suggestion and the due date to the
    priority's target time. A suggested or chosen organisation sends the finding at once."""
    acting_as(db.session, actor)
    unknown = set(fields) - FINDING_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if not (description or "").strip():
        raise DomainError(_("Décrivez le constat."), field="description")
    _check_location(fields.get("latitude"), fields.get("longitude"))
    walk = fields.get("walkthrough")
    if walk is not None and walk.agreement_id != agreement.id:
        raise DomainError(_("Ce diagnostic n'appartient pas à la convention."), field="walkthrough_id")
    stop = fields.get("stop")
    if stop is not None and (walk is None or stop.walkthrough_id != walk.id):
        raise DomainError(_("Cette halte n'appartient pas au diagnostic."), field="stop_id")
    finding = Finding(agreement=agreement, description=description.strip(), theme=theme, created_by_id=_actor_id(actor),
                      created_at=now, status=FindingStatus.NEW)
    for key, value in fields.items():
        setattr(finding, key, (value.strip() or None) if type(value) is str else value)
    finding.priority = finding.priority or Priority.THIS_YEAR
    if finding.due_on is None:
        finding.due_on = default_due_on(finding.priority, local_today(now))
    db.session.add(finding)
    db.session.flush()
    record_status_change(finding, from_status=None, to_status=FindingStatus.NEW, actor=actor, at=now)
    target = responsible_organisation or suggest_responsible(agreement, land_ownership=finding.land_ownership,
                                                             theme=theme, territory=finding.territory)
    if target is not None and finding.kind is FindingKind.ISSUE:
        route_finding(finding, to=target, reason=routing_reason, actor=actor, now=now)
    flag_recurrence(finding, now=now)
    db.session.flush()
    logger.info("finding %s logged by %s", finding.id, _actor_id(actor))
    return finding


def update_finding(finding: Finding, *, actor: Any, **fields: Any) -> Finding:
    """Correct a finding's description, place or priority (not its status or routing)."""
    acting_as(db.session, actor)
    unknown = set(fields) - FINDING_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_location(fields.get("latitude", finding.latitude), fields.get("longitude", finding.longitude))
    for key, value in fields.items():
        setattr(finding, key, value)
    if not (finding.description or "").strip():
        raise DomainError(_("Décrivez le constat."), field="description")
    db.session.flush()
    logger.info("finding %s updated by %s", finding.id, _actor_id(actor))
    return finding


def route_finding(finding: Finding, *, to: Organisation, reason: str | None, actor: Any, now: datetime) -> Finding:
    """Send the finding to the organisation that must act; every hand-over is kept, and a change of
    organisation needs its reason. The due date does not move: the clock keeps running."""
    acting_as(db.session, actor)
    previous = finding.responsible_organisation
    reason = (reason or "").strip() or None
    if previous is not None and previous.id != to.id and reason is None:
        raise DomainError(_("Indiquez pourquoi le constat change d'organisme."), field="reason")
    if to.id not in finding.agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field="organisation_id")
    finding.responsible_organisation = to
    db.session.add(Transfer(finding=finding, from_organisation=previous, to_organisation=to, reason=reason,
                            by_id=_actor_id(actor), at=now))
    if finding.status is not FindingStatus.SENT:
        old = finding.status
        finding.move_to(FindingStatus.SENT, on=local_today(now))
        finding.refusal_reason = None
        record_status_change(finding, from_status=old, to_status=FindingStatus.SENT, actor=actor, at=now,
                             note=reason)
    db.session.flush()
    logger.info("finding %s routed to organisation %s by %s", finding.id, to.id, _actor_id(actor))
    return finding


def change_finding_status(finding: Finding, *, to: FindingStatus, actor: Any, now: datetime,
                          note: str | None = None) -> Finding:
    """Move a finding: a refusal needs its reason, an out-of-scope referral says who to contact instead,
    a resolution keeps its note."""
    acting_as(db.session, actor)
    note = (note or "").strip() or None
    if to is FindingStatus.SENT:
        raise DomainError(_("Pour transmettre un constat, choisissez l'organisme responsable."), field="status")
    if to is FindingStatus.REFUSED and not note:
        raise DomainError(_("Indiquez la raison du refus."), field="note")
    if to is FindingStatus.OUT_OF_SCOPE and not note:
        raise DomainError(_("Indiquez vers qui le constat est réorienté."), field="note")
    old = finding.status
    finding.move_to(to, on=local_today(now))
    if to is FindingStatus.REFUSED:
        finding.refusal_reason = note
    elif to is FindingStatus.OUT_OF_SCOPE:
        finding.referral = note
    elif to is FindingStatus.RESOLVED and note:
        finding.resolution_note = note
    record_status_change(finding, from_status=old, to_status=to, actor=actor, at=now, note=note)
    db.session.flush()
    logger.info("finding %s moved %s -> %s by %s", finding.id, old.value, to.value, _actor_id(actor))
    return finding
