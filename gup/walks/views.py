"""HTML routes of walks: list, plan, edit, status and walk page (its restitution PDF: gup.reports)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement, Theme
from gup.audit.readable import readable_history
from gup.auth.models import User
from gup.csv_file import csv_response, export_args
from gup.extensions import db
from gup.forms_common import flash_error, handle_form, offer_moves, render_form
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.pages import sections
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.territory.models import Territory
from gup.territory.queries import neighbourhood_choices
from gup.walks import bp, queries, services
from gup.walks.forms import WalkFilterForm, WalkForm, WalkStatusForm
from gup.walks.models import WALK_NEXT, WalkKind, WalkStatus, Walkthrough
from gup.walks.signals import walk_page

# --- list ----------------------------------------------------------------------------------------

def _filters() -> tuple[WalkFilterForm, dict[str, Any]]:
    """The list's filter form and the query arguments it gives (unknown values are ignored)."""
    filters = WalkFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + agreement_queries.agreement_choices(current_user)
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    try:
        ids = {"agreement_id": filters.agreement_id.data, "neighbourhood_id": filters.neighbourhood_id.data}
    except (TypeError, ValueError):
        ids = {}
    kind = filters.kind.data if filters.kind.data in {k.value for k in WalkKind} else None
    status = filters.status.data if filters.status.data in {s.value for s in WalkStatus} else None
    return filters, {"kind": kind, "status": status, **{k: v for k, v in ids.items() if isinstance(v, int)}}


@bp.route("/walks")
@login_required
def index():
    filters, args = _filters()
    page = queries.paginate(queries.walks_stmt(current_user, **args), page=page_arg(),
                            per_page=current_app.config["PAGE_SIZE"])
    return render_template("walks/index.html", page=page, filters=filters,
                           counts=queries.finding_counts([w.id for w in page.items]),
                           export_url=url_for("walks.export", **export_args(request.args)),
                           plannable=queries.agreements_where(current_user, "manage"))


@bp.route("/walks.csv")
@login_required
def export():
    """The list as CSV, with its filters, through the same policy: two queries whatever the number of walks."""
    _form, args = _filters()
    walks = list(db.session.scalars(queries.walks_stmt(current_user, **args)))
    return csv_response(queries.csv_headers(), queries.csv_rows(walks, queries.finding_counts([w.id for w in walks])),
                        filename=f"diagnostics-{local_today():%Y-%m-%d}.csv")


# --- plan and edit -------------------------------------------------------------------------------

def _form_choices(form: WalkForm, agreement: Agreement, walk: Walkthrough | None) -> None:
    none = [("", _("— Choisir —"))]
    form.neighbourhood_id.choices = none + neighbourhood_choices(agreement)
    form.follow_up_of_id.choices = [("", _("— Aucun —"))] + queries.follow_up_choices(
        agreement, walk.id if walk else None)
    form.organisation_ids.choices = queries.party_organisation_choices(agreement)
    form.user_ids.choices = queries.participant_user_choices(agreement)
    form.grid_theme_ids.choices = agreement_queries.theme_choices()


def _walk_fields(form: WalkForm) -> dict:
    return {
        "title": form.title.data, "walked_on": form.walked_on.data, "starts_at": form.starts_at.data,
        "kind": WalkKind(form.kind.data), "route_description": form.route_description.data,
        "residents_count": form.residents_count.data or 0, "other_participants": form.other_participants.data,
        "neighbourhood": db.session.get(Territory, form.neighbourhood_id.data),
        "follow_up_of": db.session.get(Walkthrough, form.follow_up_of_id.data) if form.follow_up_of_id.data else None,
        "organisations": queries.objects_by_ids(Organisation, form.organisation_ids.data),
        "users": queries.objects_by_ids(User, form.user_ids.data),
        "grid_themes": queries.objects_by_ids(Theme, form.grid_theme_ids.data),
    }


@bp.route("/agreements/<int:agreement_id>/walks/new", methods=["GET", "POST"])
@login_required
def create(agreement_id: int):
    agreement = agreement_queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage", agreement)
    form = WalkForm()
    _form_choices(form, agreement, None)
    return handle_form(form, lambda: services.create_walk(agreement, actor=current_user, now=now_utc(),
                                                          stops=form.stop_data(), **_walk_fields(form)),
                       success=lambda walk: _("Diagnostic « %(title)s » enregistré.", title=walk.title),
                       redirect_to=lambda walk: url_for("walks.detail", walkthrough_id=walk.id)) \
        or _form_page(form, agreement, None)


def _form_page(form: WalkForm, agreement: Agreement, walk: Walkthrough | None):
    form.add_blank_rows()
    return render_form("walks/form.html", form, agreement=agreement, walk=walk)


@bp.route("/walks/<int:walkthrough_id>/edit", methods=["GET", "POST"])
@login_required
def edit(walkthrough_id: int):
    walk = queries.walk_or_404(walkthrough_id)
    authorize(current_user, "update", walk)
    form = WalkForm(obj=walk if request.method == "GET" else None)
    _form_choices(form, walk.agreement, walk)
    if request.method == "GET":
        form.kind.data = walk.kind.value
        form.organisation_ids.data = [o.id for o in walk.organisations]
        form.user_ids.data = [u.id for u in walk.users]
        form.grid_theme_ids.data = [t.id for t in walk.grid_themes]
    return handle_form(form, lambda: _update(walk, form), success=_("Diagnostic enregistré."),
                       redirect_to=url_for("walks.detail", walkthrough_id=walk.id)) \
        or _form_page(form, walk.agreement, walk)


def _update(walk: Walkthrough, form: WalkForm) -> None:
    services.update_walk(walk, actor=current_user, **_walk_fields(form))
    services.set_stops(walk, form.stop_data(), actor=current_user)


@bp.route("/walks/<int:walkthrough_id>/status", methods=["POST"])
@login_required
def change_status(walkthrough_id: int):
    walk = queries.walk_or_404(walkthrough_id)
    authorize(current_user, "update", walk)
    form = WalkStatusForm()
    if not form.validate_on_submit():
        flash(_("Choisissez un statut."), "error")
        return redirect(url_for("walks.detail", walkthrough_id=walk.id))
    back = url_for("walks.detail", walkthrough_id=walk.id)
    return handle_form(None, lambda: services.change_walk_status(walk, to=WalkStatus(form.status.data),
                                                                 actor=current_user, now=now_utc()),
                       success=lambda _w: _("Statut du diagnostic : %(s)s.", s=walk.status.label), redirect_to=back,
                       on_error=flash_error) or redirect(back)


# --- walk page -----------------------------------------------------------------------------------

@bp.route("/walks/<int:walkthrough_id>")
@login_required
def detail(walkthrough_id: int):
    walk = queries.walk_or_404(walkthrough_id)
    authorize(current_user, "view", walk)
    return render_template(
        "walks/detail.html", walk=walk, today=local_today(),
        sections=sections(walk_page, walk, user=current_user, today=local_today()),
        status_form=_status_form(walk), can_update=can(current_user, "update", walk),
        can_log=can(current_user, "log_finding", walk), history=readable_history(walk, *walk.stops),
        draft_clear=session.pop("gup_draft_clear", None))


def _status_form(walk: Any) -> WalkStatusForm | None:
    """Only the moves the walk's lifecycle allows (a planned walk is done before its restitution is sent)."""
    form = WalkStatusForm()
    return form if offer_moves(form.status, walk.status, WALK_NEXT) else None

