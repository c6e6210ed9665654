"""Use cases of governance: bodies and members, meetings (draft agenda, attendance, minutes, status), decisions
that create actions, invitations and minutes through the outbox. Flush only; the caller commits."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.actions.models import Action
from gup.actions.services import create_action
from gup.agreements.models import Agreement
from gup.audit.services import acting_as, record_status_change
from gup.auth.links import mail_url
from gup.auth.models import User
from gup.claims import insert_once
from gup.errors import DomainError
from gup.extensions import db
from gup.governance import queries
from gup.governance.models import (
    AgendaItem,
    AgendaSection,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    BodyMember,
    Decision,
    MailingKind,
    Meeting,
    MeetingMailing,
    MeetingStatus,
)
from gup.i18n import local_today
from gup.inputs import DATE_MAX, DATE_MIN
from gup.media import storage
from gup.media.services import WRITTEN_KEY
from gup.notifications.services import queue_notification
from gup.organisations.models import Organisation

logger = logging.getLogger(__name__)

#: what a minutes file may be: extension → (MIME type, the bytes it starts with)
MINUTES_TYPES = {
    "pdf": ("application/pdf", b"%PDF-"),
    "odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
}
MINUTES_MAX_BYTES = 10 * 1024 * 1024


def _actor(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def _text(value: Any) -> str | None:
    return (value or "").strip() or None


def _check_party(agreement: Agreement, organisation: Organisation | None, field: str) -> None:
    if organisation is not None and organisation.id not in agreement.party_organisation_ids:
        raise DomainError(_("Cet organisme n'est pas partenaire de la convention."), field=field)


# --- bodies and members --------------------------------------------------------------------------

def create_body(agreement: Agreement, *, kind: BodyKind, name: str, actor: Any, frequency: str | None = None) -> Body:
    acting_as(db.session, actor)
    body = Body(agreement=agreement, kind=BodyKind(kind), name=_text(name) or "", frequency=_text(frequency))
    _check_body(body)
    db.session.add(body)
    db.session.flush()
    logger.info("body %s created in agreement %s by %s", body.id, agreement.id, _actor(actor))
    return body


def update_body(body: Body, *, actor: Any, **fields: Any) -> Body:
    acting_as(db.session, actor)
    for key in ("kind", "name", "frequency"):
        if key in fields:
            value = fields[key]
            setattr(body, key, BodyKind(value) if key == "kind" else _text(value) or ("" if key == "name" else None))
    _check_body(body)
    db.session.flush()
    logger.info("body %s updated by %s", body.id, _actor(actor))
    return body


def _check_body(body: Body) -> None:
    if not body.name:
        raise DomainError(_("Donnez un nom à l'instance."), field="name")


def add_member(body: Body, *, person_name: str | None, actor: Any, organisation: Organisation | None = None,
               role: str | None = None, email: str | None = None, user: User | None = None) -> BodyMember:
    """A member: a named person (with an optional e-mail for invitations) or a gup account."""
    acting_as(db.session, actor)
    name = _text(person_name) or (user.full_name if user is not None else None)
    if not name:
        raise DomainError(_("Indiquez le nom du membre ou choisissez un compte."), field="person_name")
    email = _text(email)
    if email is not None and ("@" not in email or " " in email or len(email) > 254):
        raise DomainError(_("Adresse e-mail invalide."), field="email")
    if organisation is None and user is not None:
        organisation = user.organisation
    _check_party(body.agreement, organisation, "organisation_id")
    member = BodyMember(body=body, person_name=name[:200], organisation=organisation, role=_text(role),
                        email=email.lower() if email else None, user=user)
    db.session.add(member)
    db.session.flush()
    logger.info("member %s added to body %s by %s", member.id, body.id, _actor(actor))
    return member


def remove_member(member: BodyMember, *, actor: Any) -> None:
    acting_as(db.session, actor)
    logger.info("member %s removed from body %s by %s", member.id, member.body_id, _actor(actor))
    db.session.delete(member)
    db.session.flush()


# --- meetings ------------------------------------------------------------------------------------

def create_meeting(body: Body, *, starts_at: datetime, actor: Any, now: datetime, place: str | None = None,
                   draft_agenda: bool | None = None) -> Meeting:
    """A scheduled meeting. A COTECH's agenda is pre-filled (unless draft_agenda=False) with each partner's
    overdue actions and findings and the pending decisions of earlier meetings."""
    acting_as(db.session, actor)
    _check_moment(starts_at)
    meeting = Meeting(body=body, starts_at=starts_at, place=_text(place), status=MeetingStatus.SCHEDULED)
    db.session.add(meeting)
    db.session.flush()
    record_status_change(meeting, from_status=None, to_status=MeetingStatus.SCHEDULED, actor=actor, at=now)
    if draft_agenda is None:
        draft_agenda = body.kind is BodyKind.TECHNICAL_COMMITTEE
    if draft_agenda:
        meeting.agenda.extend(draft_agenda_items(body.agreement, today=local_today(now), meeting=meeting))
    db.session.flush()
    logger.info("meeting %s of body %s created by %s", meeting.id, body.id, _actor(actor))
    return meeting


def _check_moment(starts_at: datetime | None) -> None:
    if starts_at is None:
        raise DomainError(_("Indiquez la date et l'heure de la réunion."), field="starts_at")
    if not DATE_MIN <= starts_at.date() <= DATE_MAX:
        raise DomainError(_("Date hors limites (entre le 01/01/1950 et le 31/12/2200)."), field="starts_at")


def draft_agenda_items(agreement: Agreement, *, today: date, meeting: Meeting) -> list[AgendaItem]:
    """The next COTECH's proposed agenda: per partner (by name), its overdue actions then overdue findings;
    then the decisions of earlier meetings still to follow up (items not attached yet: the caller adds them)."""
    items: list[AgendaItem] = []
    position = len(meeting.agenda)

    def add(**fields: Any) -> None:
        nonlocal position
        position += 1
        items.append(AgendaItem(position=position, agenda_section=AgendaSection.TECHNICAL, **fields))

    for organisation in queries.party_organisations(agreement):
        late = queries.partner_items(organisation, today=today, agreement_ids=[agreement.id])
        for action in late.overdue_actions:
            add(title=_("Action en retard : %(title)s (échéance %(due)s)", title=action.title,
                        due=action.due_on.strftime("%d/%m/%Y"))[:500],
                organisation=organisation, action=action)
        for finding in late.overdue_findings:
            add(title=_("Constat en retard n° %(id)s : %(text)s (échéance %(due)s)", id=finding.id,
                        text=finding.description[:200], due=finding.due_on.strftime("%d/%m/%Y"))[:500],
                organisation=organisation, finding=finding)
    listed = {item.action.id for item in items if item.action is not None}
    for decision in queries.pending_decisions(agreement, before_meeting=meeting):
        if decision.actions and {a.id for a in decision.actions if not a.is_closed} <= listed:
            continue  # its unfinished actions are on the agenda already, as overdue actions
        add(title=_("Décision à suivre (%(date)s) : %(text)s", date=decision.meeting.starts_at.strftime("%d/%m/%Y"),
                    text=decision.text[:300])[:500],
            organisation=decision.owner_organisation, decision=decision)
    return items


def update_meeting(meeting: Meeting, *, actor: Any, **fields: Any) -> Meeting:
    acting_as(db.session, actor)
    if "starts_at" in fields:
        _check_moment(fields["starts_at"])
        meeting.starts_at = fields["starts_at"]
    if "place" in fields:
        meeting.place = _text(fields["place"])
    if "minutes" in fields:
        meeting.minutes = _text(fields["minutes"])
    db.session.flush()
    logger.info("meeting %s updated by %s", meeting.id, _actor(actor))
    return meeting


def change_meeting_status(meeting: Meeting, *, to: MeetingStatus, actor: Any, now: datetime) -> Meeting:
    acting_as(db.session, actor)
    old = meeting.status
    target = MeetingStatus(to)
    if target is old:
        return meeting
    meeting.move_to(target)
    record_status_change(meeting, from_status=old, to_status=target, actor=actor, at=now)
    db.session.flush()
    logger.info("meeting %s moved from %s to %s by %s", meeting.id, old.value, target.value, _actor(actor))
    return meeting


def add_agenda_item(meeting: Meeting, *, title: str, actor: Any, agenda_section: AgendaSection | None = None,
                    notes: str | None = None) -> AgendaItem:
    acting_as(db.session, actor)
    if not _text(title):
        raise DomainError(_("Donnez un intitulé au point de l'ordre du jour."), field="title")
    if agenda_section is None and meeting.body.kind is BodyKind.STEERING_COMMITTEE:
        raise DomainError(_("Un ordre du jour de COPIL a un volet technique et un volet social : choisissez le "
                            "volet."), field="agenda_section")
    item = AgendaItem(meeting=meeting, title=_text(title)[:500], notes=_text(notes),
                      agenda_section=AgendaSection(agenda_section) if agenda_section else None,
                      position=max((i.position for i in meeting.agenda), default=0) + 1)
    db.session.add(item)
    db.session.flush()
    logger.info("agenda item %s added to meeting %s by %s", item.id, meeting.id, _actor(actor))
    return item


def remove_agenda_item(item: AgendaItem, *, actor: Any) -> None:
    acting_as(db.session, actor)
    logger.info("agenda item %s removed from meeting %s by %s", item.id, item.meeting_id, _actor(actor))
    db.session.delete(item)
    db.session.flush()


def set_attendance(meeting: Meeting, statuses: dict[int, AttendanceStatus | None], *, actor: Any) -> Meeting:
    """Record each member's attendance (member id → status; None removes the record)."""
    acting_as(db.session, actor)
    members = {m.id: m for m in meeting.body.members}
    unknown = set(statuses) - set(members)
    if unknown:
        raise DomainError(_("Ce membre n'appartient pas à l'instance."), field="attendance")
    current = {a.member_id: a for a in meeting.attendance}
    for member_id, status in statuses.items():
        row = current.get(member_id)
        if status is None:
            if row is not None:
                meeting.attendance.remove(row)
        elif row is None:
            meeting.attendance.append(Attendance(member=members[member_id], status=AttendanceStatus(status)))
        else:
            row.status = AttendanceStatus(status)
    db.session.flush()
    logger.info("attendance of meeting %s recorded by %s", meeting.id, _actor(actor))
    return meeting


def save_minutes(meeting: Meeting, *, actor: Any, now: datetime, text: str | None = None,
                 file: tuple[str, bytes] | None = None) -> Meeting:
    """The minutes: text, and optionally a file (PDF, ODT or DOCX, at most 10 Mo) replacing the previous one."""
    acting_as(db.session, actor)
    if not meeting.is_held:
        raise DomainError(_("Le compte rendu se saisit une fois la réunion tenue."), field="minutes")
    meeting.minutes = _text(text)
    if file is not None:
        filename, data = file
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in MINUTES_TYPES or not data.startswith(MINUTES_TYPES[extension][1]):
            raise DomainError(_("Le fichier du compte rendu doit être un PDF, un ODT ou un DOCX."),
                              field="minutes_file")
        if len(data) > MINUTES_MAX_BYTES:
            raise DomainError(_("Le fichier du compte rendu dépasse 10 Mo."), field="minutes_file")
        key = storage.new_key(now, f".{extension}")
        storage.put(key, data)
        db.session.info.setdefault(WRITTEN_KEY, []).append(key)  # removed again if the transaction fails
        meeting.minutes_file_key, meeting.minutes_file_type = key, MINUTES_TYPES[extension][0]
        meeting.minutes_file_name = filename.replace("/", "_").replace("\\", "_")[-255:]
        meeting.minutes_file_size = len(data)
    db.session.flush()
    logger.info("minutes of meeting %s saved by %s", meeting.id, _actor(actor))
    return meeting


# --- decisions -----------------------------------------------------------------------------------

def add_decision(meeting: Meeting, *, text: str, actor: Any, owner_organisation: Organisation | None = None,
                 due_on: date | None = None) -> Decision:
    acting_as(db.session, actor)
    if not _text(text):
        raise DomainError(_("Écrivez la décision."), field="text")
    _check_party(meeting.agreement, owner_organisation, "owner_organisation_id")
    decision = Decision(meeting=meeting, text=_text(text), owner_organisation=owner_organisation, due_on=due_on)
    db.session.add(decision)
    db.session.flush()
    logger.info("decision %s of meeting %s recorded by %s", decision.id, meeting.id, _actor(actor))
    return decision


def action_from_decision(decision: Decision, *, actor: Any, now: datetime, title: str | None = None,
                         responsible_organisation: Organisation | None = None,
                         due_on: date | None = None) -> Action:
    """Create an action carrying the decision out (gup.actions.services), linked to the decision."""
    responsible = responsible_organisation or decision.owner_organisation
    action = create_action(decision.meeting.agreement, responsible_organisation=responsible, actor=actor, now=now,
                           title=(_text(title) or decision.text)[:255], due_on=due_on or decision.due_on,
                           description=_("Décidé en %(body)s le %(date)s : %(text)s", body=decision.meeting.body.name,
                                         date=decision.meeting.starts_at.strftime("%d/%m/%Y"), text=decision.text))
    decision.actions = [*decision.actions, action]
    db.session.flush()
    logger.info("action %s created from decision %s by %s", action.id, decision.id, _actor(actor))
    return action


# --- invitations and minutes by mail -------------------------------------------------------------

def recipients(meeting: Meeting) -> list[BodyMember]:
    """Members with an address, one per address."""
    seen: set[str] = set()
    found = []
    for member in meeting.body.members:
        address = (member.mail_address or "").lower()
        if address and address not in seen:
            seen.add(address)
            found.append(member)
    return found


def send_invitations(meeting: Meeting, *, actor: Any, now: datetime, resend: bool = False) -> int:
    """Queue the invitation to every member with an address who has not had it (all of them with resend)."""
    if meeting.status is not MeetingStatus.SCHEDULED:
        raise DomainError(_("Les invitations s'envoient pour une réunion prévue."), field="status")
    return _mail_members(meeting, MailingKind.INVITATION, "meeting_invitation", actor=actor, now=now, resend=resend)


def send_minutes(meeting: Meeting, *, actor: Any, now: datetime, resend: bool = False) -> int:
    """Queue the minutes to every member with an address who has not had them (all of them with resend)."""
    if not meeting.is_held or not (meeting.minutes or meeting.minutes_file_key):
        raise DomainError(_("Saisissez le compte rendu avant de le diffuser."), field="minutes")
    return _mail_members(meeting, MailingKind.MINUTES, "meeting_minutes", actor=actor, now=now, resend=resend)


def _mail_members(meeting: Meeting, kind: MailingKind, template: str, *, actor: Any, now: datetime,
                  resend: bool) -> int:
    acting_as(db.session, actor)
    members = recipients(meeting)
    if not members:
        raise DomainError(_("Aucun membre de l'instance n'a d'adresse électronique."), field="members")
    context = mail_context(meeting)
    queued = 0
    for member in members:
        address = member.mail_address.lower()
        if not _claim(meeting, kind, address, now=now, resend=resend):
            continue
        queue_notification(template, to=address, context={**context, "member": member},
                           cause_kind=f"meeting_{kind.value}", cause_id=meeting.id)
        queued += 1
    db.session.flush()
    logger.info("%s %s mail(s) queued for meeting %s", queued, kind.value, meeting.id)
    return queued


def _claim(meeting: Meeting, kind: MailingKind, address: str, *, now: datetime, resend: bool) -> bool:
    """Record that address gets this mail; False when it had it already (and no resend was asked). The unique
    (meeting, kind, address) row makes a second click, or a second request at the same time, queue nothing."""
    where = (MeetingMailing.meeting_id == meeting.id, MeetingMailing.kind == kind, MeetingMailing.email == address)
    existing = db.session.scalar(sa.select(MeetingMailing.id).where(*where))
    if existing is not None:
        if not resend:
            return False
        db.session.execute(sa.update(MeetingMailing).where(MeetingMailing.id == existing)
                           .values(queued_at=now, times=MeetingMailing.times + 1))
        return True
    return insert_once(MeetingMailing, meeting_id=meeting.id, kind=kind.value, email=address, queued_at=now,
                       times=1) is not None


def mail_context(meeting: Meeting) -> dict[str, Any]:
    return {"meeting": meeting, "body": meeting.body, "agreement": meeting.agreement,
            "agenda": meeting.agenda, "decisions": meeting.decisions,
            "url": mail_url("governance.meeting", meeting_id=meeting.id),
            "site": current_app.config.get("PUBLIC_BASE_URL") or ""}
