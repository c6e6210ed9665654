"""Use cases of actions: create, update, progress updates. Flush only.

Actions import no other feature: findings create actions (findings.services.action_from_finding) and resolve
themselves when an action they are answered by is finished (the `action_finished` signal)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from gup.actions import signals
from gup.actions.models import Action, ActionKind, ActionStatus, ActionUpdate
from gup.agreements.models import Agreement
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError, NotAllowed
from gup.extensions import db
from gup.i18n import local_today
from gup.notifications.partners import notify_organisation
from gup.notifications.services import mail_url
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.policy import can

logger = logging.getLogger(__name__)

ACTION_FIELDS = frozenset({"title", "description", "kind", "audience", "assignee", "contributors", "due_on",
                           "cost", "commitment", "progress"})


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


def _check_links(action: Action, actor: Any, *, findings: Iterable[Any] = (), commitment_changed: bool) -> None:
    """Links to other records are writes on them: the policy must let the actor answer each finding (verb
    "answer": the finding's organisation or the coordination) and count work under the commitment (verb
    "link_action"). Every path (HTML, API, findings turned into actions) goes through here."""
    for finding in findings:
        if not can(actor, "answer", finding):
            raise NotAllowed("answer", finding, field="finding_ids",
                             message=_("Vous ne pouvez pas rattacher le constat n° %(id)s : il est suivi par un "
                                       "autre organisme.", id=finding.id))
    if commitment_changed and action.commitment is not None and not can(actor, "link_action", action.commitment):
        raise NotAllowed("link_action", action.commitment, field="commitment_id",
                         message=_("Cet engagement est celui d'un autre organisme."))


def create_action(agreement: Agreement, *, responsible_organisation: Organisation, actor: Any, now: datetime,
                  findings: Iterable[Any] = (), **fields: Any) -> Action:
    """Create a planned action, optionally answering findings of the same agreement."""
    acting_as(db.session, actor)
    if responsible_organisation is None:
        raise DomainError(_("Choisissez l'organisme responsable."), field="responsible_organisation_id")
    action = Action(agreement=agreement, responsible_organisation=responsible_organisation,
                    status=ActionStatus.PLANNED, progress=0, kind=ActionKind.INTERVENTION,
                    created_at=now)  # recorded when the service says (evaluations count actions by this date)
    _apply(action, fields)
    findings = list(findings)
    if any(f.agreement_id != agreement.id for f in findings):
        raise DomainError(_("Un constat lié appartient à une autre convention."), field="finding_ids")
    _check(action)
    _check_links(action, actor, findings=findings, commitment_changed=True)
    db.session.add(action)
    action.findings = findings  # linked once the action is in the session (a refused one touches no finding)
    db.session.flush()
    record_status_change(action, from_status=None, to_status=ActionStatus.PLANNED, actor=actor, at=now)
    _notify_assigned(action, actor=actor, now=now)
    logger.info("action %s created by %s", action.id, _actor_id(actor))
    return action


def update_action(action: Action, *, actor: Any, responsible_organisation: Organisation | None = None,
                  **fields: Any) -> Action:
    """Edit an action's definition (its status moves through progress updates)."""
    acting_as(db.session, actor)
    previous_commitment = action.commitment
    previous_organisation_id = action.responsible_organisation_id
    _apply(action, fields)
    if responsible_organisation is not None:
        action.responsible_organisation = responsible_organisation
    _check(action)
    _check_links(action, actor, commitment_changed=action.commitment is not previous_commitment)
    db.session.flush()
    if action.responsible_organisation_id != previous_organisation_id:
        _notify_assigned(action, actor=actor, now=now_utc())
    logger.info("action %s updated by %s", action.id, _actor_id(actor))
    return action


def _notify_assigned(action: Action, *, actor: Any, now: datetime) -> None:
    """Tell the referents of the action's organisation that it is theirs (gup.notifications.partners)."""
    notify_organisation(action.responsible_organisation, kind="action_assigned", obj=action, actor=actor, now=now,
                        url=mail_url("actions.detail", action_id=action.id),
                        text=_("Action « %(title)s » (%(agreement)s) confiée à %(organisation)s",
                               title=action.title, agreement=action.agreement.reference,
                               organisation=action.responsible_organisation.name))


def add_action_update(action: Action, *, note: str, actor: Any, now: datetime, progress: int | None = None,
                      status: ActionStatus | None = None, reason: str | None = None, photo: Any = None,
                      resolve_findings: bool = False) -> ActionUpdate:
    """Record progress: a note, maybe a new percentage or status and a photo. On a finished action (finished now
    or before), `resolve_findings` resolves the findings it answers with the same note, only if the actor may
    resolve every one of them (policy verb "resolve_findings"; NotAllowed otherwise, before anything changes):
    every path (HTML, API, inbox, demo) asks the same rule here."""
    acting_as(db.session, actor)
    note = (note or "").strip()
    status = ActionStatus(status) if status is not None else None
    resolving = bool(resolve_findings) and (status or action.status) is ActionStatus.DONE
    if resolving and not can(actor, "resolve_findings", action):
        raise NotAllowed("resolve_findings", action)
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
    if resolving and action.status is ActionStatus.DONE:
        signals.action_finished.send(action, actor=actor, now=now, note=note)  # findings resolves its own
    db.session.flush()
    logger.info("progress update %s on action %s by %s", update.id, action.id, _actor_id(actor))
    return update
