"""HTML routes of governance: load → authorize → validate → service → commit."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.actions.queries import assignable_users
from gup.audit.readable import readable_history, status_timeline
from gup.auth.models import User
from gup.extensions import db
from gup.forms_common import flash_error, handle_form, render_form
from gup.governance import bp, queries, services
from gup.governance.forms import (
    AgendaItemForm,
    AttendanceForm,
    BodyForm,
    DecisionActionForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    SendForm,
    StatusForm,
)
from gup.governance.models import (
    MEETING_NEXT,
    AgendaItem,
    AgendaSection,
    AttendanceStatus,
    BodyKind,
    BodyMember,
    Meeting,
    MeetingStatus,
)
from gup.i18n import local_today
from gup.media import storage
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.policy import authorize, can


def _org(org_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, org_id) if org_id else None


def _starts_at(form: MeetingForm) -> datetime:
    """The local date and time typed, in UTC."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
    return datetime.combine(form.day.data, form.time.data, tzinfo=zone).astimezone(ZoneInfo("UTC"))


# --- bodies --------------------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/bodies")
@login_required
def bodies(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "view_governance", agreement)
    rows = list(db.session.scalars(queries.bodies_stmt(current_user, agreement_id=agreement.id)).unique())
    return render_template("governance/bodies.html", agreement=agreement, bodies=rows,
                           can_manage=can(current_user, "manage_governance", agreement))


@bp.route("/agreements/<int:agreement_id>/bodies/new", methods=["GET", "POST"])
@login_required
def create_body(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage_governance", agreement)
    form = BodyForm()
    return handle_form(form, lambda: services.create_body(agreement, kind=BodyKind(form.kind.data), name=form.name.data,
                                                          frequency=form.frequency.data, actor=current_user),
                       success=lambda body: _("Instance « %(name)s » créée.", name=body.name),
                       redirect_to=lambda body: url_for("governance.body", body_id=body.id)) \
        or render_form("governance/body_form.html", form, agreement=agreement, body=None)


def _member_form(body: Any) -> MemberForm:
    form = MemberForm()
    form.organisation_id.choices = [("", _("— Aucun —"))] + queries.organisation_choices(body.agreement)
    users = assignable_users(body.agreement.party_organisation_ids)
    form.user_id.choices = [("", _("— Aucun —"))] + [(u.id, f"{u.full_name} ({u.organisation.name})") for u in users]
    return form


@bp.route("/bodies/<int:body_id>")
@login_required
def body(body_id: int):
    item = queries.body_or_404(body_id)
    authorize(current_user, "view", item)
    return _body_page(item, _member_form(item))


def _body_page(item: Any, member_form: MemberForm):
    return render_form("governance/body.html", member_form, body=item, agreement=item.agreement,
                       member_form=member_form, can_manage=can(current_user, "manage", item),
                       history=readable_history(item, *item.members))


@bp.route("/bodies/<int:body_id>/edit", methods=["GET", "POST"])
@login_required
def edit_body(body_id: int):
    item = queries.body_or_404(body_id)
    authorize(current_user, "manage", item)
    form = BodyForm(obj=item)
    if request.method == "GET":
        form.kind.data = item.kind.value
    return handle_form(form, lambda: services.update_body(item, actor=current_user, kind=form.kind.data,
                                                          name=form.name.data, frequency=form.frequency.data),
                       success=_("Instance enregistrée."), redirect_to=url_for("governance.body", body_id=item.id)) \
        or render_form("governance/body_form.html", form, agreement=item.agreement, body=item)


@bp.route("/bodies/<int:body_id>/members", methods=["POST"])
@login_required
def add_member(body_id: int):
    item = queries.body_or_404(body_id)
    authorize(current_user, "manage", item)
    form = _member_form(item)
    return handle_form(form, lambda: services.add_member(
        item, person_name=form.person_name.data, organisation=_org(form.organisation_id.data), role=form.role.data,
        email=form.email.data, user=db.session.get(User, form.user_id.data) if form.user_id.data else None,
        actor=current_user), success=_("Membre ajouté."), redirect_to=url_for("governance.body", body_id=item.id)) \
        or _body_page(queries.body_or_404(body_id), form)


@bp.route("/members/<int:member_id>/delete", methods=["POST"])
@login_required
def remove_member(member_id: int):
    member = db.session.get(BodyMember, member_id) or abort(404)
    authorize(current_user, "manage", member)
    body_id = member.body_id
    return handle_form(None, lambda: services.remove_member(member, actor=current_user), on_error=flash_error,
                       success=_("Membre retiré."), redirect_to=url_for("governance.body", body_id=body_id))


# --- meetings ------------------------------------------------------------------------------------

@bp.route("/bodies/<int:body_id>/meetings/new", methods=["GET", "POST"])
@login_required
def create_meeting(body_id: int):
    item = queries.body_or_404(body_id)
    authorize(current_user, "manage", item)
    form = MeetingForm()
    if request.method == "GET":
        form.draft_agenda.data = item.kind is BodyKind.TECHNICAL_COMMITTEE
    return handle_form(form, lambda: services.create_meeting(
        item, starts_at=_starts_at(form), place=form.place.data, draft_agenda=form.draft_agenda.data,
        actor=current_user, now=now_utc()),
        success=_("Réunion programmée."), redirect_to=lambda m: url_for("governance.meeting", meeting_id=m.id)) \
        or render_form("governance/meeting_form.html", form, body=item, agreement=item.agreement, meeting=None)


def _meeting_page(meeting: Meeting, code: int = 200, **forms: Any):
    """The meeting page, with its forms (those given keep what was typed and its errors)."""
    organisations = [("", _("— Aucun —"))] + queries.organisation_choices(meeting.agreement)
    decision_form = forms.get("decision_form") or DecisionForm(formdata=None)
    decision_form.owner_organisation_id.choices = organisations
    action_form = DecisionActionForm(formdata=None)
    action_form.responsible_organisation_id.choices = organisations
    minutes_form = forms.get("minutes_form") or MinutesForm(formdata=None, minutes=meeting.minutes)
    status_form = StatusForm(formdata=None)
    status_form.status.choices = [(s.value, s.label) for s in MeetingStatus if s in MEETING_NEXT[meeting.status]]
    return render_template(
        "governance/meeting.html", meeting=meeting, body=meeting.body, agreement=meeting.agreement,
        can_manage=can(current_user, "manage", meeting), today=local_today(), decision_form=decision_form,
        action_form=action_form, minutes_form=minutes_form, status_form=status_form, send_form=SendForm(formdata=None),
        agenda_form=forms.get("agenda_form") or AgendaItemForm(formdata=None), AgendaSection=AgendaSection,
        attendance={a.member_id: a.status.value for a in meeting.attendance}, AttendanceStatus=AttendanceStatus,
        statuses=status_timeline(meeting),
        history=readable_history(meeting, *meeting.agenda, *meeting.decisions)), code


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    item = queries.meeting_or_404(meeting_id)
    authorize(current_user, "view", item)
    return _meeting_page(item)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    item = queries.meeting_or_404(meeting_id)
    authorize(current_user, "manage", item)
    form = MeetingForm()
    if request.method == "GET":
        zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
        local = item.starts_at.astimezone(zone)
        form.day.data, form.time.data, form.place.data = local.date(), local.time(), item.place
    return handle_form(form, lambda: services.update_meeting(item, starts_at=_starts_at(form), place=form.place.data,
                                                             actor=current_user),
                       success=_("Réunion enregistrée."), redirect_to=_back(item)) \
        or render_form("governance/meeting_form.html", form, body=item.body, agreement=item.agreement, meeting=item)


def _manage_meeting(meeting_id: int) -> Meeting:
    item = queries.meeting_or_404(meeting_id)
    authorize(current_user, "manage", item)
    return item


def _back(item: Meeting, anchor: str = "") -> str:
    return url_for("governance.meeting", meeting_id=item.id) + anchor


@bp.route("/meetings/<int:meeting_id>/status", methods=["POST"])
@login_required
def change_status(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = StatusForm()
    return handle_form(form, lambda: services.change_meeting_status(item, to=MeetingStatus(form.status.data),
                                                                    actor=current_user, now=now_utc()),
                       on_error=flash_error, success=_("Statut de la réunion modifié."), redirect_to=_back(item)) \
        or handle_form(None, lambda: None, success=None, redirect_to=_back(item))


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@login_required
def add_agenda_item(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = AgendaItemForm()
    return handle_form(form, lambda: services.add_agenda_item(item, title=form.title.data, notes=form.notes.data,
                                                              agenda_section=form.agenda_section.data or None,
                                                              actor=current_user),
                       success=_("Point ajouté à l'ordre du jour."), redirect_to=_back(item, "#agenda")) \
        or _meeting_page(queries.meeting_or_404(meeting_id), 422, agenda_form=form)


@bp.route("/agenda-items/<int:item_id>/delete", methods=["POST"])
@login_required
def remove_agenda_item(item_id: int):
    entry = db.session.get(AgendaItem, item_id) or abort(404)
    authorize(current_user, "manage", entry)
    meeting_id = entry.meeting_id
    return handle_form(None, lambda: services.remove_agenda_item(entry, actor=current_user), on_error=flash_error,
                       success=_("Point retiré de l'ordre du jour."),
                       redirect_to=url_for("governance.meeting", meeting_id=meeting_id) + "#agenda")


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@login_required
def attendance(meeting_id: int):
    item = _manage_meeting(meeting_id)
    allowed = {s.value for s in AttendanceStatus}
    choices = {m.id: request.form.get(f"member-{m.id}", "") for m in item.body.members}
    statuses = {mid: AttendanceStatus(v) if v in allowed else None for mid, v in choices.items()}
    return handle_form(AttendanceForm(), lambda: services.set_attendance(item, statuses, actor=current_user),
                       on_error=flash_error, success=_("Présences enregistrées."),
                       redirect_to=_back(item, "#attendance")) \
        or handle_form(None, lambda: None, success=None, redirect_to=_back(item, "#attendance"))


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["POST"])
@login_required
def minutes(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = MinutesForm()
    upload = form.minutes_file.data
    return handle_form(form, lambda: services.save_minutes(
        item, text=form.minutes.data, file=(upload.filename or "", upload.read()) if upload else None,
        actor=current_user, now=now_utc()), success=_("Compte rendu enregistré."),
        redirect_to=_back(item, "#minutes")) \
        or _meeting_page(queries.meeting_or_404(meeting_id), 422, minutes_form=form)


@bp.route("/meetings/<int:meeting_id>/minutes-file")
@login_required
def minutes_file(meeting_id: int):
    item = queries.meeting_or_404(meeting_id)
    authorize(current_user, "view", item)
    if not item.minutes_file_key:
        abort(404)
    try:
        data = storage.read(item.minutes_file_key)
    except (ValueError, OSError):
        abort(404)
    return send_file(io.BytesIO(data), mimetype=item.minutes_file_type, as_attachment=True,
                     download_name=item.minutes_file_name or "compte-rendu")


@bp.route("/meetings/<int:meeting_id>/decisions", methods=["POST"])
@login_required
def add_decision(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = DecisionForm()
    form.owner_organisation_id.choices = [("", "")] + queries.organisation_choices(item.agreement)
    return handle_form(form, lambda: services.add_decision(item, text=form.text.data, due_on=form.due_on.data,
                                                           owner_organisation=_org(form.owner_organisation_id.data),
                                                           actor=current_user),
                       success=_("Décision enregistrée."), redirect_to=_back(item, "#decisions")) \
        or _meeting_page(queries.meeting_or_404(meeting_id), 422, decision_form=form)


@bp.route("/decisions/<int:decision_id>/action", methods=["POST"])
@login_required
def decision_action(decision_id: int):
    decision = queries.decision_or_404(decision_id)
    authorize(current_user, "manage", decision)
    form = DecisionActionForm()
    form.responsible_organisation_id.choices = queries.organisation_choices(decision.meeting.agreement)
    back = url_for("governance.meeting", meeting_id=decision.meeting_id) + "#decisions"
    return handle_form(form, lambda: services.action_from_decision(
        decision, title=form.title.data, responsible_organisation=_org(form.responsible_organisation_id.data),
        due_on=form.due_on.data, actor=current_user, now=now_utc()), on_error=flash_error,
        success=lambda a: _("Action « %(title)s » créée.", title=a.title), redirect_to=back) \
        or handle_form(None, lambda: None, success=_("Choisissez l'organisme responsable de l'action."),
                       redirect_to=back)


@bp.route("/meetings/<int:meeting_id>/invitations", methods=["POST"])
@login_required
def send_invitations(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = SendForm()
    return handle_form(form, lambda: services.send_invitations(item, resend=form.resend.data, actor=current_user,
                                                               now=now_utc()), on_error=flash_error,
                       success=_sent_message, redirect_to=_back(item)) \
        or handle_form(None, lambda: None, success=None, redirect_to=_back(item))


@bp.route("/meetings/<int:meeting_id>/minutes/send", methods=["POST"])
@login_required
def send_minutes(meeting_id: int):
    item = _manage_meeting(meeting_id)
    form = SendForm()
    return handle_form(form, lambda: services.send_minutes(item, resend=form.resend.data, actor=current_user,
                                                           now=now_utc()), on_error=flash_error,
                       success=_sent_message, redirect_to=_back(item, "#minutes")) \
        or handle_form(None, lambda: None, success=None, redirect_to=_back(item, "#minutes"))


def _sent_message(count: int):
    if count:
        return _("%(n)s courriel(s) mis en file d'envoi.", n=count)
    return [(_("Tous les membres l'ont déjà reçu : rien n'a été renvoyé (cochez « Renvoyer » pour l'envoyer à "
               "nouveau)."), "info")]
