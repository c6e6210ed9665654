"""Administration of user accounts (create, edit, disable, reset password)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required
from sqlalchemy.orm import joinedload

from gup.admin import bp
from gup.admin.forms import NewUserForm, ResetPasswordForm, UserForm
from gup.audit.services import history_of
from gup.auth import services
from gup.auth.models import Role, User
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.pagination import page_arg, paginate
from gup.policy import authorize


def _org(form) -> Organisation | None:
    return db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None


def _error(form, exc: DomainError) -> None:
    (getattr(form, exc.field or "", None) or form.email).errors.append(exc.message)


@bp.route("/admin/users")
@login_required
def users():
    authorize(current_user, "manage", User)
    stmt = sa.select(User).options(joinedload(User.organisation)).order_by(User.full_name)
    page = paginate(stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@fresh_login_required
def create_user():
    authorize(current_user, "manage", User)
    form = NewUserForm()
    form.organisation_id.choices = [("", _("— Aucun —"))] + organisation_choices()
    return handle_form(form, lambda: services.create_user(email=form.email.data, full_name=form.full_name.data,
                                                          role=Role(form.role.data), password=form.password.data,
                                                          organisation=_org(form), actor=current_user),
                       success=lambda user: _("Compte de %(name)s créé.", name=user.full_name),
                       redirect_to=url_for("admin.users"), on_error=_error) \
        or render_form("admin/user_form.html", form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@fresh_login_required
def edit_user(user_id: int):
    authorize(current_user, "manage", User)
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user)
    form.email.render_kw = {"readonly": True}
    form.organisation_id.choices = [("", _("— Aucun —"))] + organisation_choices()
    if request.method == "GET":
        form.role.data, form.organisation_id.data, form.is_active.data = (user.role.value, user.organisation_id,
                                                                           user.is_active_account)
    return handle_form(form, lambda: services.update_user(user, full_name=form.full_name.data,
                                                          role=Role(form.role.data), organisation=_org(form),
                                                          is_active=form.is_active.data, actor=current_user),
                       success=lambda _u: _("Compte de %(name)s enregistré.", name=user.full_name),
                       redirect_to=url_for("admin.users"), on_error=_error) \
        or render_form("admin/user_form.html", form, user=user, reset_form=ResetPasswordForm(),
                       history=history_of(user))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@fresh_login_required
def reset_password(user_id: int):
    authorize(current_user, "manage", User)
    user = db.session.get(User, user_id) or abort(404)
    form = ResetPasswordForm()
    saved = handle_form(form, lambda: services.set_password(user, password=form.password.data, actor=current_user),
                        success=lambda _u: _("Mot de passe de %(name)s réinitialisé.", name=user.full_name),
                        redirect_to=url_for("admin.edit_user", user_id=user.id),
                        on_error=lambda f, exc: f.password.errors.append(exc.message))
    if saved:
        return saved
    edit_form = UserForm(obj=user)
    edit_form.organisation_id.choices = [("", _("— Aucun —"))] + organisation_choices()
    edit_form.role.data = user.role.value
    return render_template("admin/user_form.html", form=edit_form, user=user, reset_form=form,
                           history=history_of(user)), 422
