"""Use cases of actions: create (also from a finding), update, progress updates, bulk status. Flush only."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from gup.actions.models import ACTION_NEXT, Action, ActionKind, ActionStatus, ActionUpdate
from gup.agreements.models import Agreement
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError
from gup.extensions import db
from gup.findings.models import Finding, FindingStatus
from gup.findings.services import change_finding_status
from gup.i18n import local_today
from gup.organisations.models import Organisation

logger = logging.getLogger(__name__)

ACTION_FIELDS = frozenset({"title", "description", "kind", "audience", "assignee", "contributors", "due_on",
                           "cost", "commitment", "progress"})
#: finding statuses from which a finished action can resolve its findings
RESOLVABLE = frozenset({FindingStatus.ACCEPTED, FindingStatus.PLANNED, FindingStatus.IN_PROGRESS})
#: finding statuses that can be turned into an action (sent ones are accepted on the way)
TAKEABLE = RESOLVABLE | {FindingStatus.SENT}


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def _apply(action: Action, fields: dict[str, Any]) -> None:
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key, value in fields.items():
        if type(value) is str:
            value = value.strip() if key == "title" else (value.strip() or None)
        setattr(action, key, value)
    action.kind = action.kind or ActionKind.INTERVENTION
    action.progress = action.progress or 0


def _check(action: Action) -> None:
    if not (action.title or "").strip():
        raise DomainError(_("Donnez un intitulé à l'action."), field="title")
    if action.responsible_organisation.id not in action.agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."),
                          field="responsible_organisation_id")
    if action.commitment is not None and action.commitment.agreement_id != action.agreement.id:
        raise DomainError(_("Cet engagement n'appartient pas à la convention."), field="commitment_id")
    if action.cost is not None and action.cost < Decimal(0):
        raise DomainError(_("Le coût ne peut pas être négatif."), field="cost")
    if not 0 <= (action.progress or 0) <= 100:
        raise DomainError(_("L'avancement est un pourcentage entre 0 et 100."), field="progress")
    if action.assignee is not None and action.assignee.organisation_id != action.responsible_organisation.id:
        raise DomainError(_("La personne chargée de l'action doit appartenir à l'organisme responsable."),
                          field="assignee_id")


def create_action(agreement: Agreement, *, responsible_organisation: Organisation, actor: Any, now: datetime,
                  findings: Iterable[Finding] = (), **fields: Any) -> Action:
    """Create a planned action, optionally answering findings of the same agreement."""
    acting_as(db.session, actor)
    if responsible_organisation is None:
        raise DomainError(_("Choisissez l'organisme responsable."), field="responsible_organisation_id")
    action = Action(agreement=agreement, responsible_organisation=responsible_organisation,
                    status=ActionStatus.PLANNED, progress=0, kind=ActionKind.INTERVENTION)
    _apply(action, fields)
    findings = list(findings)
    if any(f.agreement_id != agreement.id for f in findings):
        raise DomainError(_("Un constat lié appartient à une autre convention."), field="finding_ids")
    _check(action)
    db.session.add(action)
    action.findings = findings  # linked once the action is in the session (a refused one touches no finding)
    db.session.flush()
    record_status_change(action, from_status=None, to_status=ActionStatus.PLANNED, actor=actor, at=now)
    logger.info("action %s created by %s", action.id, _actor_id(actor))
    return action


def action_from_finding(finding: Finding, *, actor: Any, now: datetime, title: str | None = None,
                        due_on: date | None = None, kind: ActionKind = ActionKind.INTERVENTION) -> Action:
    """Turn a finding into an action of its responsible organisation in one step; the finding becomes planned
    (a finding still waiting for its answer is accepted on the way: taking it on is the answer)."""
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


def update_action(action: Action, *, actor: Any, responsible_organisation: Organisation | None = None,
                  **fields: Any) -> Action:
    """Edit an action's definition (its status moves through progress updates)."""
    acting_as(db.session, actor)
    _apply(action, fields)
    if responsible_organisation is not None:
        action.responsible_organisation = responsible_organisation
    _check(action)
    db.session.flush()
    logger.info("action %s updated by %s", action.id, _actor_id(actor))
    return action


def add_action_update(action: Action, *, note: str, actor: Any, now: datetime, progress: int | None = None,
                      status: ActionStatus | None = None, reason: str | None = None, photo: Any = None,
                      resolve_findings: bool = False) -> ActionUpdate:
    """Record progress: a note, maybe a new percentage or status and a photo. Finishing the action can resolve
    the findings it answers, with the same note."""
    acting_as(db.session, actor)
    note = (note or "").strip()
    status = ActionStatus(status) if status is not None else None
    if not note:
        raise DomainError(_("Le point d'avancement doit contenir une note."), field="note")
    if progress is not None and not 0 <= progress <= 100:
        raise DomainError(_("L'avancement est un pourcentage entre 0 et 100."), field="progress")
    if status is not None and status is not action.status:
        old = action.status
        action.move_to(status, on=local_today(now), reason=(reason or "").strip() or note)  # checks first
        record_status_change(action, from_status=old, to_status=status, actor=actor, at=now, note=note)
    if progress is not None and action.status is not ActionStatus.DONE:  # done means 100 %
        action.progress = progress
    update = ActionUpdate(action=action, author_id=_actor_id(actor), created_at=now, note=note,
                          progress=action.progress if progress is not None or status is ActionStatus.DONE else None,
                          status=status, photo=photo)
    db.session.add(update)
    if resolve_findings and action.status is ActionStatus.DONE:
        for finding in action.findings:
            if finding.status in RESOLVABLE:
                change_finding_status(finding, to=FindingStatus.RESOLVED, actor=actor, now=now, note=note)
    db.session.flush()
    logger.info("progress update %s on action %s by %s", update.id, action.id, _actor_id(actor))
    return update


def bulk_status(items: Iterable[Action | Finding], *, to: str, note: str, actor: Any, now: datetime,
                may: Any) -> tuple[int, list[str]]:
    """Move several actions and findings at once. Each item is checked first (permission through
    `may(item, status)`, lifecycle, required note); those that cannot move are reported and left unchanged.
    Returns (moved count, messages)."""
    from gup.findings.models import FINDING_NEXT

    moved, problems = 0, []
    for item in items:
        is_action = isinstance(item, Action)
        label = _("Action n° %(id)s", id=item.id) if is_action else _("Constat n° %(id)s", id=item.id)
        try:
            target = ActionStatus(to) if is_action else FindingStatus(to)
        except ValueError:
            problems.append(_("%(item)s : statut inconnu pour cet élément.", item=label))
            continue
        allowed = (ACTION_NEXT if is_action else FINDING_NEXT)[item.status] | {item.status}
        if not may(item, target):
            problems.append(_("%(item)s : vous ne pouvez pas le modifier.", item=label))
        elif target not in allowed or target is FindingStatus.SENT:
            problems.append(_("%(item)s : passage impossible de « %(a)s » à « %(b)s ».", item=label,
                              a=item.status.label, b=target.label))
        elif not (note or "").strip():
            problems.append(_("%(item)s : une note est nécessaire.", item=label))
        else:
            try:
                if is_action:
                    add_action_update(item, note=note, status=target, actor=actor, now=now)
                else:
                    change_finding_status(item, to=target, actor=actor, now=now, note=note)
            except DomainError as exc:
                problems.append(_("%(item)s : %(error)s", item=label, error=exc.message))
            else:
                moved += 1
    return moved, problems
