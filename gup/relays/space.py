"""What relays do, as pages: the relay's phone page (« Mon espace relais »), the report they file for their
neighbours (or the coordination files on their behalf), the progress of actions entrusted to them; and the
relays' parts of the walk and action pages (through those features' page signals)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from gup.actions.models import Action
from gup.actions.signals import action_page
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.hotline.models import ReportCategory
from gup.hotline.services import published_categories
from gup.i18n import local_today
from gup.orm import now_utc
from gup.pages import Section
from gup.policy import authorize, can
from gup.relays import bp, queries, work
from gup.relays.forms import PresenceForm, RelayChoiceForm, RelayProgressForm, RelayReportForm
from gup.relays.models import InvitationStatus, RelayAction, RelayStatus, RelayWalkInvitation, ResidentRelay
from gup.walks.models import Walkthrough
from gup.walks.signals import walk_page

# --- the relay's phone page -----------------------------------------------------------------------

def is_relay(user: Any) -> bool:
    return bool(getattr(user, "is_relay", False))


@bp.route("/relais")
@login_required
def mine():
    """The landing page of a relay's account: their mandate(s); with one, straight to it."""
    if not is_relay(current_user):
        abort(403)
    mandates = [r for r in work.mandates_of(current_user) if can(current_user, "act_as", r)]
    if len(mandates) == 1:
        return redirect(url_for("relays.space", relay_id=mandates[0].id))
    return render_template("relays/mine.html", mandates=mandates)


@bp.route("/relais/<int:relay_id>")
@login_required
def space(relay_id: int):
    relay = queries.relay_or_404(relay_id)
    authorize(current_user, "act_as", relay)
    return _space(relay, _report_form(relay, formdata=None))


def _space(relay: ResidentRelay, form: RelayReportForm, code: int = 200):
    actions = work.actions_of(relay)
    return render_template("relays/space.html", relay=relay, form=form, reports=work.reports_of(relay),
                           actions=actions, invitations=work.invitations_of(relay), today=local_today(),
                           progress_forms={a.id: RelayProgressForm(formdata=None, prefix=f"a{a.id}")
                                           for a in actions}), code


def _report_form(relay: ResidentRelay, **kwargs: Any) -> RelayReportForm:
    form = RelayReportForm(**kwargs)
    form.category_id.choices = [("", _("— Choisissez —"))] + [(c.id, c.label) for c in published_categories()]
    form.territory_id.choices = work.place_choices(relay)
    if form.territory_id.data is None and relay.territory_id is not None:
        form.territory_id.data = relay.territory_id
    return form


@bp.route("/relais/<int:relay_id>/signaler", methods=["GET", "POST"])
@login_required
def file_report(relay_id: int):
    """The relay files a report for a neighbour; the coordination can file one on the relay's behalf."""
    relay = queries.relay_or_404(relay_id)
    authorize(current_user, "file_report", relay)
    form = _report_form(relay)
    own = can(current_user, "act_as", relay)

    def submit():
        category = db.session.get(ReportCategory, form.category_id.data) if form.category_id.data else None
        if category is None or not category.is_published:
            raise DomainError(_("Choisissez une catégorie."), field="category_id")
        return work.file_report(relay, category=category, territory_id=form.territory_id.data,
                                description=form.description.data, address=form.address.data,
                                photos=[f.read() for f in form.uploads], actor=current_user, now=now_utc())

    back = url_for("relays.space", relay_id=relay.id) if own else url_for("relays.relay", relay_id=relay.id)
    response = handle_form(form, submit, redirect_to=back,
                           success=lambda r: _("Signalement %(ref)s envoyé à la coordination. Merci !",
                                               ref=r.reference))
    if response is not None:
        return response
    if own:
        return _space(relay, form, 422 if form.errors else 200)
    return render_form("relays/report_for.html", form, relay=relay, agreement=relay.agreement)


@bp.route("/relais/actions/<int:action_id>/avancement", methods=["POST"])
@login_required
def action_progress(action_id: int):
    action = db.session.get(Action, action_id) or abort(404)
    authorize(current_user, "relay_progress", action)
    form = RelayProgressForm(prefix=f"a{action.id}")
    mandate = next((r for r in work.mandates_of(current_user) if can(current_user, "act_as", r)), None)
    back = url_for("relays.space", relay_id=mandate.id) if mandate else url_for("actions.detail",
                                                                              action_id=action.id)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    return handle_form(None, lambda: work.report_progress(action, note=form.note.data, progress=form.progress.data,
                                                          done=form.done.data, actor=current_user, now=now_utc()),
                       success=_("Merci, l'avancement est enregistré."), redirect_to=back,
                       on_error=lambda f, exc: _flash_error(f, exc) or redirect(back))


def _flash_error(_form: Any, exc: Any):
    flash(exc.message, "error")
    return None


# --- the coordination: account, walks, actions ------------------------------------------------------

@bp.route("/relays/<int:relay_id>/account", methods=["POST"])
@login_required
def open_account(relay_id: int):
    relay = queries.relay_or_404(relay_id)
    authorize(current_user, "manage", relay)
    back = url_for("relays.relay", relay_id=relay.id)
    return handle_form(None, lambda: work.create_account(relay, actor=current_user, now=now_utc()),
                       success=lambda u: _("Compte ouvert : une invitation a été envoyée à %(email)s.",
                                           email=u.email),
                       redirect_to=back, on_error=lambda f, exc: _flash_error(f, exc) or redirect(back))


def _relay_choice_form(relays: list[ResidentRelay]) -> RelayChoiceForm:
    form = RelayChoiceForm()
    form.relay_ids.choices = [(r.id, f"{r.person_name} — {r.scope_label}") for r in relays]
    return form


def _chosen(form: RelayChoiceForm, relays: list[ResidentRelay]) -> list[ResidentRelay]:
    by_id = {r.id: r for r in relays}
    return [by_id[i] for i in form.relay_ids.data or [] if i in by_id]


def _flash_form(form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


@walk_page.connect
def walk_relays_section(walk: Walkthrough, *, user: Any, today: date) -> Section | None:
    invitations = work.invitations_of_walk(walk.id)
    manage = can(user, "invite_relays", walk)
    if not invitations and not manage:
        return None
    invitable = work.invitable_relays(walk) if manage else []
    form = RelayChoiceForm(formdata=None)
    form.relay_ids.choices = [(r.id, f"{r.person_name} — {r.scope_label}") for r in invitable]
    return Section("relays/_walk_section.html", {
        "invitations": invitations, "form": form, "can_manage": manage,
        "presence_forms": {i.id: PresenceForm(formdata=None, status=i.status.value, prefix=f"p{i.id}")
                           for i in invitations} if manage else {},
        "present": sum(1 for i in invitations if i.status is InvitationStatus.ATTENDED),
        "show_names": can(user, "view_relays", walk.agreement)}, order=30)


@bp.route("/walks/<int:walkthrough_id>/relays", methods=["POST"])
@login_required
def invite(walkthrough_id: int):
    walk = db.session.get(Walkthrough, walkthrough_id) or abort(404)
    authorize(current_user, "invite_relays", walk)
    relays = work.invitable_relays(walk)
    form = _relay_choice_form(relays)
    back = url_for("walks.detail", walkthrough_id=walk.id) + "#relays-title"
    if not form.validate_on_submit():
        _flash_form(form)
        return redirect(back)
    return handle_form(None, lambda: work.invite_to_walk(walk, _chosen(form, relays), actor=current_user,
                                                         now=now_utc()),
                       success=lambda n: ngettext("%(num)s habitant·e relais invité·e.",
                                                  "%(num)s habitants relais invités.", n),
                       redirect_to=back, on_error=lambda f, exc: _flash_error(f, exc) or redirect(back))


@bp.route("/relay-invitations/<int:invitation_id>", methods=["POST"])
@login_required
def presence(invitation_id: int):
    invitation = db.session.get(RelayWalkInvitation, invitation_id) or abort(404)
    authorize(current_user, "invite_relays", invitation.walkthrough)
    form = PresenceForm(prefix=f"p{invitation.id}")
    back = url_for("walks.detail", walkthrough_id=invitation.walkthrough_id) + "#relays-title"
    if not form.validate_on_submit():
        _flash_form(form)
        return redirect(back)
    return handle_form(None, lambda: work.record_presence(invitation, status=InvitationStatus(form.status.data),
                                                          actor=current_user),
                       success=_("Présence enregistrée."), redirect_to=back)


def _entrustable(action: Action) -> list[ResidentRelay]:
    return [r for r in queries.relays_of(action.agreement) if r.status is RelayStatus.ACTIVE]


@action_page.connect
def action_relays_section(action: Action, *, user: Any, today: date) -> Section | None:
    links = work.relays_of_action(action.id)
    manage = can(user, "entrust_relays", action)
    if not links and not manage:
        return None
    form = RelayChoiceForm(formdata=None)
    if manage:
        taken = {link.relay_id for link in links}
        form.relay_ids.choices = [(r.id, f"{r.person_name} — {r.scope_label}") for r in _entrustable(action)
                                  if r.id not in taken]
    return Section("relays/_action_section.html", {"links": links, "form": form, "can_manage": manage},
                   order=40)


@bp.route("/actions/<int:action_id>/relays", methods=["POST"])
@login_required
def entrust(action_id: int):
    action = db.session.get(Action, action_id) or abort(404)
    authorize(current_user, "entrust_relays", action)
    relays = _entrustable(action)
    form = _relay_choice_form(relays)
    back = url_for("actions.detail", action_id=action.id) + "#relays-title"
    if not form.validate_on_submit():
        _flash_form(form)
        return redirect(back)
    return handle_form(None, lambda: work.entrust_action(action, _chosen(form, relays), actor=current_user,
                                                         now=now_utc()),
                       success=_("Action confiée aux habitants relais choisis."), redirect_to=back,
                       on_error=lambda f, exc: _flash_error(f, exc) or redirect(back))


@bp.route("/relay-actions/<int:link_id>/remove", methods=["POST"])
@login_required
def unentrust(link_id: int):
    link = db.session.get(RelayAction, link_id) or abort(404)
    authorize(current_user, "entrust_relays", link.action)
    back = url_for("actions.detail", action_id=link.action_id) + "#relays-title"
    return handle_form(None, lambda: work.withdraw_action(link, actor=current_user),
                       success=_("L'action n'est plus confiée à cet·te habitant·e relais."), redirect_to=back)
