"""HTML routes of actions and of the partner's "Mes actions": load → authorize → validate → service → commit."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.actions import bp, queries, services, signals
from gup.actions.forms import ActionFilterForm, ActionForm, ActionUpdateForm
from gup.actions.models import Action, ActionKind, ActionStatus
from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement, Commitment
from gup.audit.readable import readable_history, status_timeline
from gup.auth.models import User
from gup.csv_file import csv_response
from gup.extensions import db
from gup.forms_common import OPEN_GROUP, handle_form, render_form
from gup.i18n import local_today
from gup.media.services import store_photo
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
from gup.pages import sections
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.territory.queries import neighbourhood_choices

# --- list and CSV export -------------------------------------------------------------------------

def _filters() -> tuple[ActionFilterForm, dict[str, Any]]:
    """The list's filter form and the query arguments it gives (unknown values are ignored)."""
    filters = ActionFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + agreement_queries.agreement_choices(current_user)
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    filters.theme_id.choices = [("", _("Toutes"))] + agreement_queries.theme_choices(include_inactive=True)
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices()
    args: dict[str, Any] = {name: getattr(filters, name).data for name in
                            ("agreement_id", "neighbourhood_id", "theme_id", "organisation_id")
                            if isinstance(getattr(filters, name).data, int)}
    if filters.status.data in {s.value for s in ActionStatus} | {OPEN_GROUP}:
        args["status"] = filters.status.data
    overdue = {"1": True, "0": False}.get(filters.overdue.data or "")
    if overdue is not None:
        args["overdue"] = overdue
    if isinstance(filters.q.data, str) and filters.q.data:
        args["q"] = filters.q.data
    return filters, args


@bp.route("/actions")
@login_required
def index():
    filters, args = _filters()
    agreement = queries.agreement_by_id(args.get("agreement_id"))  # before the rows, which load it without policy data
    page = queries.paginate(queries.actions_stmt(current_user, today=local_today(), **args), page=page_arg(),
                            per_page=current_app.config["PAGE_SIZE"])
    export_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("actions/index.html", page=page, filters=filters, today=local_today(),
                           export_url=url_for("actions.export", **export_args), agreement=agreement,
                           can_create=agreement is not None and can(current_user, "create_action", agreement))


@bp.route("/actions.csv")
@login_required
def export():
    _filters_form, args = _filters()
    today = local_today()
    actions = list(db.session.scalars(queries.actions_stmt(current_user, today=today, for_export=True, **args))
                   .unique())
    return csv_response([str(h) for h in queries.CSV_HEADERS],
                        queries.csv_rows(actions, today, yes=_("Oui"), no=_("Non")),
                        filename=f"actions-{today:%Y-%m-%d}.csv")


# --- one action ----------------------------------------------------------------------------------

def _detail_page(action: Action, form: ActionUpdateForm, code: int = 200):
    form.offer_statuses(action.status)
    statuses = status_timeline(action)
    return render_template(
        "actions/detail.html", action=action, today=local_today(), update_form=form, statuses=statuses,
        sections=sections(signals.action_page, action, user=current_user, today=local_today()),
        history=readable_history(action, *action.updates), can_update=can(current_user, "update", action),
        offers_resolve=any(answer for _r, answer in signals.offers_resolution.send(action))
        and can(current_user, "resolve_findings", action)), code


@bp.route("/actions/<int:action_id>")
@login_required
def detail(action_id: int):
    action = queries.action_or_404(action_id)
    authorize(current_user, "view", action)
    return _detail_page(action, ActionUpdateForm())


def _form_choices(form: ActionForm, agreement: Agreement, action: Action | None = None) -> list[Organisation]:
    """Coordinators choose any organisation party to the agreement; a referent only their own."""
    parties = queries.party_organisations(agreement)
    responsible = parties if can(current_user, "manage", agreement) else \
        [o for o in parties if o.id == current_user.organisation_id]
    if action is not None and action.responsible_organisation not in responsible:
        responsible = [action.responsible_organisation, *responsible]
    form.responsible_organisation_id.choices = [("", _("— Choisir —"))] + [(o.id, o.name) for o in responsible]
    users = queries.assignable_users([o.id for o in responsible])
    if action is not None and action.assignee is not None and action.assignee not in users:
        users.append(action.assignee)
    form.assignee_id.choices = [("", _("— Personne en particulier —"))] + [
        (u.id, f"{u.full_name} ({u.organisation.name})" if u.organisation else u.full_name) for u in users]
    form.contributor_ids.choices = [(o.id, o.name) for o in parties]
    form.commitment_id.choices = [("", _("— Aucun —"))] + [  # the policy decides, as in the service
        (c.id, f"{c.reference} — {c.title}") for c in agreement.commitments
        if can(current_user, "link_action", c) or (action is not None and c.id == action.commitment_id)]
    return responsible


def _action_fields(form: ActionForm) -> dict[str, Any]:
    return {
        "title": form.title.data, "description": form.description.data, "kind": ActionKind(form.kind.data),
        "audience": form.audience.data,
        "responsible_organisation": db.session.get(Organisation, form.responsible_organisation_id.data),
        "assignee": db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None,
        "contributors": queries.organisations_by_ids(form.contributor_ids.data or []),
        "due_on": form.due_on.data, "cost": form.cost.data,
        "commitment": db.session.get(Commitment, form.commitment_id.data) if form.commitment_id.data else None,
    }


@bp.route("/agreements/<int:agreement_id>/actions/new", methods=["GET", "POST"])
@login_required
def create(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "create_action", agreement)
    form = ActionForm()
    responsible = _form_choices(form, agreement)
    if request.method == "GET" and len(responsible) == 1:
        form.responsible_organisation_id.data = responsible[0].id
    return handle_form(form, lambda: services.create_action(agreement, actor=current_user, now=now_utc(),
                                                            **_action_fields(form)),
                       success=lambda action: _("Action « %(title)s » créée.", title=action.title),
                       redirect_to=lambda action: url_for("actions.detail", action_id=action.id)) \
        or render_form("actions/form.html", form, agreement=agreement, action=None)


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(action_id: int):
    action = queries.action_or_404(action_id)
    authorize(current_user, "update", action)
    form = ActionForm(obj=action)
    _form_choices(form, action.agreement, action)
    if request.method == "GET":
        form.kind.data = action.kind.value
        form.contributor_ids.data = [o.id for o in action.contributors]
    return handle_form(form, lambda: services.update_action(action, actor=current_user, **_action_fields(form)),
                       success=_("Action enregistrée."), redirect_to=url_for("actions.detail", action_id=action.id)) \
        or render_form("actions/form.html", form, agreement=action.agreement, action=action)


@bp.route("/actions/<int:action_id>/updates", methods=["POST"])
@login_required
def add_update(action_id: int):
    action = queries.action_or_404(action_id)
    authorize(current_user, "update", action)
    form = ActionUpdateForm()
    return handle_form(form, lambda: _add_update(action, form), success=_("Point d'avancement ajouté."),
                       redirect_to=url_for("actions.detail", action_id=action.id)) \
        or _detail_page(queries.action_or_404(action_id), form, 422)


def _add_update(action: Action, form: ActionUpdateForm) -> None:
    """The update and its photo (written first: a refused update rolls back and the media hook removes it)."""
    now = now_utc()  # the service refuses (403) to resolve findings the user may not resolve
    photo = store_photo(form.photo.data.read(), actor=current_user, now=now) if form.photo.data else None
    services.add_action_update(action, note=form.note.data, progress=form.progress.data,
                               status=ActionStatus(form.status.data) if form.status.data else None,
                               photo=photo, resolve_findings=form.resolve_findings.data, actor=current_user, now=now)
