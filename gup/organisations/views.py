"""HTML routes of organisations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.audit.readable import readable_history
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.organisations import bp, services
from gup.organisations.forms import OrganisationForm
from gup.organisations.models import Organisation, OrganisationKind
from gup.pagination import page_arg, paginate
from gup.policy import authorize, can


@bp.route("/organisations")
@login_required
def index():
    kind = request.args.get("kind") if request.args.get("kind") in {k.value for k in OrganisationKind} else None
    stmt = sa.select(Organisation).order_by(Organisation.name)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    page = paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("organisations/index.html", page=page, kind=kind, kinds=OrganisationKind,
                           can_create=can(current_user, "create", Organisation))


@bp.route("/organisations/<int:organisation_id>")
@login_required
def detail(organisation_id: int):
    org = db.session.get(Organisation, organisation_id) or abort(404)
    authorize(current_user, "view", org)
    return render_template("organisations/detail.html", org=org, history=readable_history(org),
                           can_edit=can(current_user, "update", org))


@bp.route("/organisations/new", methods=["GET", "POST"], endpoint="create")
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"], endpoint="edit")
@login_required
def save(organisation_id: int | None = None):
    org = (db.session.get(Organisation, organisation_id) or abort(404)) if organisation_id else None
    authorize(current_user, "update" if org else "create", org or Organisation)
    form = OrganisationForm(obj=org)
    if request.method == "GET" and org:
        form.kind.data = org.kind.value
    return handle_form(form, lambda: _save(org, form),
                       success=lambda saved: _("Organisme %(name)s enregistré.", name=saved.name),
                       redirect_to=lambda saved: url_for("organisations.detail", organisation_id=saved.id),
                       on_error=_error) \
        or render_form("organisations/form.html", form, org=org)


def _save(org: Organisation | None, form: OrganisationForm) -> Organisation:
    if org is None:
        org = services.create_organisation(code=form.code.data, name=form.name.data,
                                           kind=OrganisationKind(form.kind.data), actor=current_user)
        if not form.is_active.data:
            services.update_organisation(org, actor=current_user, is_active=False)
    else:
        services.update_organisation(org, actor=current_user, code=form.code.data, name=form.name.data,
                                     kind=OrganisationKind(form.kind.data), is_active=form.is_active.data)
    return org


def _error(form: OrganisationForm, exc: DomainError) -> None:
    (getattr(form, exc.field, None) or form.code).errors.append(exc.message)
