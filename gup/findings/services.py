"""Use cases of findings: logging, routing suggestion, hand-over, partner answers, recurrence. Flush only."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.actions import signals as action_signals
from gup.actions.models import Action, ActionKind
from gup.actions.services import create_action
from gup.agreements.models import Agreement, Theme
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.findings.models import (
    FINDING_NEXT,
    RESOLVABLE,
    TAKEABLE,
    Finding,
    FindingKind,
    FindingStatus,
    LandOwnership,
    Priority,
    RoutingRule,
    Transfer,
)
from gup.i18n import local_today
from gup.notifications.partners import notify_organisation
from gup.notifications.services import mail_url
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import distance_m, housing_provider_of, other_housing_provider

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


def suggest_responsible(agreement: Agreement, *, land_ownership: LandOwnership | None, theme: Theme | None,
                        territory: Territory | None = None) -> Organisation | None:
    """Routing suggestion: the agreement's rule for (ownership, theme), then for the ownership alone, then the
    place's housing provider or the partner of the matching kind. A place whose housing provider is known never
    goes to another housing provider: such a rule gives way to the place's own provider (or to no suggestion when
    that provider is not party to the agreement), since only the coordination may choose it, with a reason."""
    suggestion = _suggestion(agreement, land_ownership=land_ownership, theme=theme, territory=territory)
    if other_housing_provider(suggestion, territory) is not None:
        provider = housing_provider_of(territory)
        return provider if provider.id in agreement.party_organisation_ids else None
    return suggestion


def _suggestion(agreement: Agreement, *, land_ownership: LandOwnership | None, theme: Theme | None,
                territory: Territory | None) -> Organisation | None:
    if land_ownership is None:
        return None
    land_ownership = LandOwnership(land_ownership)
    rules = db.session.scalars(sa.select(RoutingRule).where(RoutingRule.agreement_id == agreement.id,
                                                            RoutingRule.land_ownership == land_ownership)).all()
    for wanted in ((theme.id,) if theme is not None else ()) + (None,):
        for rule in rules:
            if rule.theme_id == wanted:
                return rule.organisation
    parties = agreement.party_organisation_ids
    if land_ownership is LandOwnership.HOUSING_PROVIDER:
        provider = housing_provider_of(territory)
        if provider is not None and provider.id in parties:  # a non-partner could not receive the finding
            return provider
    kind = _DEFAULT_KIND.get(land_ownership)
    if kind is None:
        return None
    candidates = {p.organisation.id: p.organisation for p in agreement.partners if p.organisation.kind is kind}
    return next(iter(candidates.values())) if len(candidates) == 1 else None


def default_due_on(priority: Priority, logged_on: date) -> date:
    """Due date from the priority's target time (a setting)."""
    return logged_on + timedelta(days=current_app.config["PRIORITY_DUE_DAYS"][priority.value])


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
    `now` is when the finding was logged. Flags the finding and the twins that fall in one twelve-month
    window with it; returns whether it is recurring."""
    cfg = current_app.config
    if finding.kind is not FindingKind.ISSUE or finding.theme_id is None:
        return False
    window = timedelta(days=cfg["RECURRENCE_WINDOW_DAYS"])
    candidates = db.session.scalars(sa.select(Finding).where(
        Finding.agreement_id == finding.agreement_id, Finding.theme_id == finding.theme_id,
        Finding.kind == FindingKind.ISSUE, Finding.id != finding.id,
        Finding.created_at >= now - window, Finding.created_at <= now + window)).all()
    dated = sorted([(c.created_at, c) for c in candidates if _same_spot(finding, c)] + [(now, finding)],
                   key=lambda pair: pair[0])
    cluster: dict[int, Finding] = {}
    for start, _first in dated:  # every twelve-month window that starts at one of them and holds this finding
        if not start <= now <= start + window:
            continue
        group = [item for at, item in dated if start <= at <= start + window]
        if len(group) >= cfg["RECURRENCE_COUNT"]:
            cluster.update((id(item), item) for item in group)
    for item in cluster.values():
        item.is_recurring = True
    if cluster:
        logger.info("finding %s flagged as recurring with %s others", finding.id, len(cluster) - 1)
    return bool(cluster)


FINDING_FIELDS = frozenset({"kind", "theme", "description", "address", "latitude", "longitude", "territory",
                            "land_ownership", "resident_quote", "priority", "due_on", "walkthrough", "stop"})


def _check_location(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="latitude")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError(_("Coordonnées invalides."), field="latitude")


def _check_links(agreement: Agreement, walk: Any, stop: Any) -> None:
    if walk is not None and walk.agreement_id != agreement.id:
        raise DomainError(_("Ce diagnostic n'appartient pas à la convention."), field="walkthrough_id")
    if stop is not None and (walk is None or stop.walkthrough_id != walk.id):
        raise DomainError(_("Cette halte n'appartient pas au diagnostic."), field="stop_id")


def _clean(value: Any) -> Any:
    return (value.strip() or None) if type(value) is str else value


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
    if theme is None:
        raise DomainError(_("Choisissez une thématique."), field="theme_id")
    _check_location(fields.get("latitude"), fields.get("longitude"))
    _check_links(agreement, fields.get("walkthrough"), fields.get("stop"))
    finding = Finding(agreement=agreement, description=description.strip(), theme=theme, created_by_id=_actor_id(actor),
                      created_at=now, status=FindingStatus.NEW)
    for key, value in fields.items():
        setattr(finding, key, _clean(value))
    finding.kind = finding.kind or FindingKind.ISSUE
    finding.priority = finding.priority or Priority.THIS_YEAR
    if finding.is_positive:  # outside the problem lifecycle: what the form said about acting is ignored
        _clear_problem_fields(finding)
        responsible_organisation = None
    elif finding.due_on is None:
        finding.due_on = default_due_on(finding.priority, local_today(now))
    db.session.add(finding)
    db.session.flush()
    record_status_change(finding, from_status=None, to_status=FindingStatus.NEW, actor=actor, at=now)
    # a chosen organisation always receives the finding; the suggestion only sends issues (a positive point or a
    # proposal waits for the coordinator to pick who should hear of it)
    target = responsible_organisation
    if target is None and finding.kind is FindingKind.ISSUE:
        target = suggest_responsible(agreement, land_ownership=finding.land_ownership, theme=theme,
                                     territory=finding.territory)
    if target is not None:
        route_finding(finding, to=target, reason=routing_reason, actor=actor, now=now)
    flag_recurrence(finding, now=now)
    db.session.flush()
    logger.info("finding %s logged by %s", finding.id, _actor_id(actor))
    return finding


def _clear_problem_fields(finding: Finding) -> None:
    """A positive point has no priority (the column keeps its default), due date or responsible organisation."""
    finding.priority = Priority.THIS_YEAR
    finding.due_on = None
    finding.responsible_organisation = None
    finding.is_recurring = False


def update_finding(finding: Finding, *, actor: Any, **fields: Any) -> Finding:
    """Correct a finding's description, place or priority (not its status or routing)."""
    acting_as(db.session, actor)
    unknown = set(fields) - FINDING_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields = {key: _clean(value) for key, value in fields.items()}
    if "description" in fields and not fields["description"]:
        raise DomainError(_("Décrivez le constat."), field="description")
    if "theme" in fields and fields["theme"] is None:
        raise DomainError(_("Choisissez une thématique."), field="theme_id")
    _check_location(fields.get("latitude", finding.latitude), fields.get("longitude", finding.longitude))
    _check_links(finding.agreement, fields.get("walkthrough", finding.walkthrough), fields.get("stop", finding.stop))
    if fields.get("kind") is not None and FindingKind(fields["kind"]) is FindingKind.STRENGTH \
            and finding.kind is not FindingKind.STRENGTH and finding.status is not FindingStatus.NEW:
        raise DomainError(_("Un constat déjà transmis ne peut pas devenir un point positif."), field="kind")
    for key, value in fields.items():
        setattr(finding, key, value)
    finding.kind = finding.kind or FindingKind.ISSUE
    finding.priority = finding.priority or Priority.THIS_YEAR
    if finding.is_positive:
        _clear_problem_fields(finding)
    elif finding.due_on is None:  # a positive point turned into a problem gets its due date
        finding.due_on = default_due_on(finding.priority, local_today(finding.created_at))
    if fields.keys() & {"kind", "theme", "territory", "latitude", "longitude"}:
        db.session.flush()
        finding.is_recurring = flag_recurrence(finding, now=finding.created_at)
    db.session.flush()
    logger.info("finding %s updated by %s", finding.id, _actor_id(actor))
    return finding


def route_finding(finding: Finding, *, to: Organisation, reason: str | None, actor: Any, now: datetime) -> Finding:
    """Send the finding to the organisation that must act; every hand-over is kept, and a change of
    organisation needs its reason. The due date does not move: the clock keeps running."""
    acting_as(db.session, actor)
    previous = finding.responsible_organisation
    reason = (reason or "").strip() or None
    if to is None:
        raise DomainError(_("Choisissez l'organisme responsable."), field="organisation_id")
    if finding.is_positive:
        raise DomainError(_("Un point positif n'est transmis à aucun organisme : il est restitué avec le "
                            "diagnostic."), field="organisation_id")
    if finding.status is not FindingStatus.SENT and FindingStatus.SENT not in FINDING_NEXT[finding.status]:
        # checked before anything changes: an accepted or planned finding is no longer handed over
        raise InvalidTransition(finding.status.label, FindingStatus.SENT.label)
    if previous is not None and previous.id != to.id and reason is None:
        raise DomainError(_("Indiquez pourquoi le constat change d'organisme."), field="reason")
    if to.id not in finding.agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field="organisation_id")
    own = other_housing_provider(to, finding.territory)
    if own is not None and reason is None:
        raise DomainError(_("Ce lieu est géré par %(own)s : indiquez pourquoi le constat va à %(other)s.",
                            own=own.name, other=to.name), field="reason")
    if own is not None:
        logger.warning("finding %s sent to %s instead of the place's provider %s by %s: %s", finding.id, to.id,
                       own.id, _actor_id(actor), reason)
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
    if previous is None or previous.id != to.id:
        notify_organisation(to, kind="finding_sent", obj=finding, actor=actor, now=now,
                            url=mail_url("findings.detail", finding_id=finding.id),
                            text=_("Constat n° %(id)s (%(agreement)s) transmis à %(organisation)s : %(what)s",
                                   id=finding.id, agreement=finding.agreement.reference, organisation=to.name,
                                   what=finding.description[:120]))
    logger.info("finding %s routed to organisation %s by %s", finding.id, to.id, _actor_id(actor))
    return finding


def change_finding_status(finding: Finding, *, to: FindingStatus, actor: Any, now: datetime,
                          note: str | None = None) -> Finding:
    """Move a finding: a refusal needs its reason, an out-of-scope referral says who to contact instead,
    a resolution keeps its note."""
    acting_as(db.session, actor)
    to = FindingStatus(to)
    note = (note or "").strip() or None
    if to is finding.status:  # nothing moves, nothing is written
        return finding
    if finding.is_positive:
        raise DomainError(_("Un point positif ne suit pas le parcours d'un problème : il est restitué avec le "
                            "diagnostic."), field="status")
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


# --- routing table (added with the HTML routing page) ----------------------------------------------

def save_routing_rule(agreement: Agreement, *, land_ownership: LandOwnership, theme: Theme | None,
                      organisation: Organisation, actor: Any) -> RoutingRule:
    """Add the rule (land ownership, theme or every theme) → organisation, or replace the organisation of the
    existing rule for that pair."""
    acting_as(db.session, actor)
    if organisation.id not in agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field="organisation_id")
    theme_match = RoutingRule.theme_id.is_(None) if theme is None else RoutingRule.theme_id == theme.id
    rule = db.session.scalar(sa.select(RoutingRule).where(RoutingRule.agreement_id == agreement.id,
                                                          RoutingRule.land_ownership == land_ownership, theme_match))
    if rule is None:
        rule = RoutingRule(agreement=agreement, land_ownership=land_ownership, theme=theme)
        db.session.add(rule)
    rule.organisation = organisation
    db.session.flush()
    logger.info("routing rule %s of agreement %s saved by %s", rule.id, agreement.id, _actor_id(actor))
    return rule


def delete_routing_rule(rule: RoutingRule, *, actor: Any) -> None:
    """Remove a rule of the routing table (findings already routed keep their organisation)."""
    acting_as(db.session, actor)
    db.session.delete(rule)
    db.session.flush()
    logger.info("routing rule %s of agreement %s deleted by %s", rule.id, rule.agreement_id, _actor_id(actor))


# --- findings answered by actions ----------------------------------------------------------------

def action_from_finding(finding: Finding, *, actor: Any, now: datetime, title: str | None = None,
                        due_on: date | None = None, kind: ActionKind = ActionKind.INTERVENTION) -> Action:
    """Turn a finding into an action of its responsible organisation in one step; the finding becomes planned
    (a finding still waiting for its answer is accepted on the way: taking it on is the answer)."""
    if finding.is_positive:
        raise DomainError(_("Un point positif ne devient pas une action."), field="finding_id")
    if finding.responsible_organisation is None or finding.status is FindingStatus.NEW:
        raise DomainError(_("Transmettez d'abord le constat à un organisme."), field="responsible_organisation_id")
    if finding.status not in TAKEABLE:
        raise DomainError(_("Un constat « %(status)s » ne peut pas devenir une action.",
                            status=finding.status.label), field="finding_id")
    action = create_action(finding.agreement, responsible_organisation=finding.responsible_organisation,
                           actor=actor, now=now, findings=[finding], kind=kind,
                           title=(title or "").strip() or finding.description[:200],
                           description=finding.description, due_on=due_on or finding.due_on)
    note = _("Action n° %(id)s créée.", id=action.id)
    if finding.status is FindingStatus.SENT:
        change_finding_status(finding, to=FindingStatus.ACCEPTED, actor=actor, now=now, note=note)
    if finding.status is FindingStatus.ACCEPTED:
        change_finding_status(finding, to=FindingStatus.PLANNED, actor=actor, now=now, note=note)
    return action


@action_signals.action_finished.connect
def _resolve_answered_findings(action: Any, *, actor: Any, now: datetime, note: str) -> None:
    """A finished action resolves the findings it answers that are still being worked on, with its note."""
    for finding in action.findings:
        if finding.status in RESOLVABLE:
            change_finding_status(finding, to=FindingStatus.RESOLVED, actor=actor, now=now, note=note)


@action_signals.offers_resolution.connect
def _has_resolvable_findings(action: Any) -> bool:
    return any(finding.status in RESOLVABLE for finding in action.findings)
