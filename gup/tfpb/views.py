"""HTML routes of the TFPB abatement: valued actions (list, CSV, page, forms), abatements received, the annual
review per provider and its sending to the signatories. Load → authorize → validate → service → commit."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement, Commitment
from gup.agreements.signals import agreement_page
from gup.audit.readable import readable_history
from gup.auth.links import mail_url
from gup.csv_file import csv_response
from gup.extensions import db
from gup.forms_common import flash_error, handle_form, render_form
from gup.i18n import local_today
from gup.organisations.models import Organisation
from gup.orm import now_utc
from gup.pages import Section
from gup.pagination import page_arg
from gup.policy import authorize, can
from gup.territory.models import Territory
from gup.tfpb import bp, queries, services
from gup.tfpb.forms import SendReviewForm, TfpbAbatementForm, TfpbActionForm, TfpbFilterForm
from gup.tfpb.models import YEAR_MAX, YEAR_MIN, TfpbAction

# --- list and CSV export -------------------------------------------------------------------------

def _filters() -> tuple[TfpbFilterForm, dict[str, Any]]:
    """The list's filter form and the query arguments it gives (unknown values are ignored)."""
    filters = TfpbFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + agreement_queries.agreement_choices(current_user)
    filters.provider_id.choices = [("", _("Tous"))] + queries.housing_provider_choices()
    this_year = local_today().year
    filters.year.choices = [("", _("Toutes"))] + [(y, str(y)) for y in range(this_year, this_year - 10, -1)]
    axes = queries.all_axis_choices()
    filters.axis_code.choices = [("", _("Tous"))] + axes
    args: dict[str, Any] = {name: getattr(filters, name).data for name in ("agreement_id", "provider_id", "year")
                            if isinstance(getattr(filters, name).data, int)}
    if args.get("year") is not None and not YEAR_MIN <= args["year"] <= YEAR_MAX:
        args.pop("year")
    if filters.axis_code.data in {code for code, _label in axes}:
        args["axis_code"] = filters.axis_code.data
    return filters, args


@bp.route("/tfpb")
@login_required
def index():
    filters, args = _filters()
    agreement = queries.agreement_by_id(args.get("agreement_id"))
    page = queries.paginate(queries.actions_stmt(current_user, **args), page=page_arg(),
                            per_page=current_app.config["PAGE_SIZE"])
    export_args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("tfpb/index.html", page=page, filters=filters, agreement=agreement,
                           export_url=url_for("tfpb.export", **export_args),
                           can_record=agreement is not None and can(current_user, "record_tfpb", agreement))


@bp.route("/tfpb.csv")
@login_required
def export():
    _form, args = _filters()
    rows = list(db.session.scalars(queries.actions_stmt(current_user, **args)).unique())
    return csv_response([str(h) for h in queries.CSV_HEADERS], queries.csv_rows(rows),
                        filename=f"actions-tfpb-{local_today():%Y-%m-%d}.csv")


# --- one action ----------------------------------------------------------------------------------

@bp.route("/tfpb/actions/<int:tfpb_action_id>")
@login_required
def detail(tfpb_action_id: int):
    action = queries.action_or_404(tfpb_action_id)
    authorize(current_user, "view", action)
    return render_template("tfpb/detail.html", action=action, history=readable_history(action),
                           can_update=can(current_user, "update", action),
                           can_review=can(current_user, "view_tfpb_review", action.agreement, provider=action.provider))


def _action_choices(form: TfpbActionForm, agreement: Agreement, action: TfpbAction | None = None) -> None:
    year = form.year.data if isinstance(form.year.data, int) and YEAR_MIN <= form.year.data <= YEAR_MAX else None
    choices = queries.action_form_choices(agreement, current_user, action, year=year or local_today().year,
                                          provider_id=form.provider_id.data)
    for name, values in choices.items():
        getattr(form, name).choices = [("", _("— Aucun —") if name == "commitment_id" else _("— Choisir —"))] + values
    if len(choices["provider_id"]) == 1 and request.method == "GET" and action is None:
        form.provider_id.data = choices["provider_id"][0][0]


def _form_provider(agreement: Agreement, form: Any) -> Organisation:
    """The provider chosen on a form, which the user must be allowed to record for (403 otherwise)."""
    provider = db.session.get(Organisation, form.provider_id.data)
    if provider is None:
        abort(400)
    authorize(current_user, "record_tfpb", agreement, provider=provider)
    return provider


def _action_fields(agreement: Agreement, form: TfpbActionForm) -> dict[str, Any]:
    return {
        "provider": _form_provider(agreement, form), "year": form.year.data,
        "neighbourhood": db.session.get(Territory, form.neighbourhood_id.data), "axis_code": form.axis_code.data,
        "title": form.title.data, "description": form.description.data, "valued_amount": form.valued_amount.data,
        "commitment": db.session.get(Commitment, form.commitment_id.data) if form.commitment_id.data else None,
    }


@bp.route("/agreements/<int:agreement_id>/tfpb/actions/new", methods=["GET", "POST"])
@login_required
def create(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "record_tfpb", agreement)
    form = TfpbActionForm()
    if request.method == "GET":
        form.year.data = local_today().year - 1  # the review covers the year just ended
    _action_choices(form, agreement)
    return handle_form(form, lambda: services.create_action(agreement, actor=current_user,
                                                            **_action_fields(agreement, form)),
                       success=lambda action: _("Action TFPB « %(title)s » enregistrée.", title=action.title),
                       redirect_to=lambda action: url_for("tfpb.detail", tfpb_action_id=action.id)) \
        or render_form("tfpb/form.html", form, agreement=agreement, action=None)


@bp.route("/tfpb/actions/<int:tfpb_action_id>/edit", methods=["GET", "POST"])
@login_required
def edit(tfpb_action_id: int):
    action = queries.action_or_404(tfpb_action_id)
    authorize(current_user, "update", action)
    form = TfpbActionForm(obj=action)
    _action_choices(form, action.agreement, action)
    return handle_form(form, lambda: services.update_action(action, actor=current_user,
                                                            **_action_fields(action.agreement, form)),
                       success=_("Action TFPB enregistrée."),
                       redirect_to=url_for("tfpb.detail", tfpb_action_id=action.id)) \
        or render_form("tfpb/form.html", form, agreement=action.agreement, action=action)


# --- abatements received -------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/tfpb/abatements", methods=["GET", "POST"])
@login_required
def abatements(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "view", agreement)
    can_record = can(current_user, "record_tfpb", agreement)
    form = TfpbAbatementForm()
    form.provider_id.choices = [("", _("— Choisir —"))] + queries.provider_choices(agreement, current_user)
    form.neighbourhood_id.choices = [("", _("— Choisir —"))] + queries.qpv_choices(agreement)
    if request.method == "POST":
        authorize(current_user, "record_tfpb", agreement)
    elif len(form.provider_id.choices) == 2:
        form.provider_id.data = queries.provider_choices(agreement, current_user)[0][0]
    if request.method == "GET":
        form.year.data = local_today().year - 1
    done = handle_form(form, lambda: services.record_abatement(
        agreement, provider=_form_provider(agreement, form),
        neighbourhood=db.session.get(Territory, form.neighbourhood_id.data), year=form.year.data,
        abatement_amount=form.abatement_amount.data, dwellings=form.dwellings.data, actor=current_user),
        success=_("Abattement enregistré."), redirect_to=url_for("tfpb.abatements", agreement_id=agreement.id))
    if done:
        return done
    rows = list(db.session.scalars(queries.abatements_stmt(current_user, agreement_id=agreement.id)))
    reviews = queries.review_links(agreement, current_user)
    return render_form("tfpb/abatements.html", form, agreement=agreement, rows=rows, can_record=can_record,
                       reviews=reviews)


# --- the annual review ---------------------------------------------------------------------------

def _review_target(agreement_id: int, organisation_id: int, year: int) -> tuple[Agreement, Organisation]:
    agreement = queries.agreement_or_404(agreement_id)
    provider = queries.organisation_or_404(organisation_id)
    if not YEAR_MIN <= year <= YEAR_MAX:
        abort(404)
    authorize(current_user, "view_tfpb_review", agreement, provider=provider)
    return agreement, provider


def _review_page(agreement: Agreement, provider: Organisation, year: int, form: SendReviewForm, code: int = 200):
    data = queries.review(agreement, provider, year)
    return render_template(
        "tfpb/review.html", agreement=agreement, provider=provider, year=year, data=data, form=form,
        sendings=services.sendings_of(agreement, provider, year),
        recipients=services.review_recipients(agreement, provider),
        can_send=can(current_user, "send_tfpb_review", agreement, provider=provider)), code


@bp.route("/agreements/<int:agreement_id>/tfpb/review/<int:organisation_id>/<int:year>")
@login_required
def review(agreement_id: int, organisation_id: int, year: int):
    agreement, provider = _review_target(agreement_id, organisation_id, year)
    return _review_page(agreement, provider, year, SendReviewForm())


@bp.route("/agreements/<int:agreement_id>/tfpb/review/<int:organisation_id>/<int:year>/send", methods=["POST"])
@login_required
def send_review(agreement_id: int, organisation_id: int, year: int):
    agreement, provider = _review_target(agreement_id, organisation_id, year)
    authorize(current_user, "send_tfpb_review", agreement, provider=provider)
    form = SendReviewForm()
    values = {"agreement_id": agreement.id, "organisation_id": provider.id, "year": year}
    links = {"review_url": mail_url("tfpb.review", **values), "pdf_url": mail_url("reports.tfpb_review", **values)}
    return handle_form(form, lambda: services.send_review(agreement, provider, year, links=links, actor=current_user,
                                                          now=now_utc(), again=form.again.data),
                       success=lambda sending: _("Bilan envoyé à %(n)s destinataire(s) des organismes signataires.",
                                                 n=sending.recipient_count),
                       redirect_to=url_for("tfpb.review", **values), on_error=flash_error) \
        or _review_page(agreement, provider, year, form, 422)


# --- on the agreement page -----------------------------------------------------------------------

@agreement_page.connect
def agreement_section(agreement: Agreement, *, user: Any, today: Any) -> Section | None:
    """The TFPB links of an agreement page: actions, abatements, the reviews the user may read (the caller
    checked that user may view the agreement)."""
    if not queries.has_housing_provider(agreement):
        return None
    return Section("tfpb/_agreement_section.html", {
        "reviews": queries.review_links(agreement, user)[:6],
        "can_record": can(user, "record_tfpb", agreement)}, order=20)
