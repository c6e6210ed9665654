"""Administration of user accounts (create and invite, edit, disable, mail a password link)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required
from sqlalchemy.orm import joinedload

from gup.admin import bp
from gup.admin.forms import NewUserForm, PasswordLinkForm, UserForm
from gup.audit.readable import readable_history
from gup.auth import services
from gup.auth.models import Role, User
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
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
    return handle_form(form, lambda: _create_and_invite(form),
                       success=lambda user: _("Compte créé pour %(name)s : une invitation a été envoyée à %(email)s.",
                                              name=user.full_name, email=user.email),
                       redirect_to=url_for("admin.users"), on_error=_error) \
        or render_form("admin/user_form.html", form, user=None)


def _create_and_invite(form: NewUserForm) -> User:
    """The account has no password: the person chooses one through the invitation mail."""
    user = services.create_user(email=form.email.data, full_name=form.full_name.data, role=Role(form.role.data),
                                organisation=_org(form), actor=current_user)
    services.send_invitation(user, actor=current_user, now=now_utc())
    return user


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
                       success=lambda _u: _("Compte enregistré : %(name)s.", name=user.full_name),
                       redirect_to=url_for("admin.users"), on_error=_error) \
        or render_form("admin/user_form.html", form, user=user, link_form=PasswordLinkForm(),
                       has_password=services.has_usable_password(user), history=readable_history(user))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@fresh_login_required
def reset_password(user_id: int):
    """Mail the person a link to choose a new password (nobody else ever knows it)."""
    return _mail_link(user_id, services.send_reset_link,
                      lambda user: _("Un lien pour choisir un nouveau mot de passe a été envoyé à %(email)s.",
                                     email=user.email))


@bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
@fresh_login_required
def resend_invitation(user_id: int):
    """Send the invitation again; the links of the earlier ones stop working."""
    return _mail_link(user_id, services.send_invitation,
                      lambda user: _("Invitation renvoyée à %(email)s.", email=user.email))


def _mail_link(user_id: int, send, message):
    authorize(current_user, "manage", User)
    user = db.session.get(User, user_id) or abort(404)
    back = url_for("admin.edit_user", user_id=user.id)

    def refused(_form, exc: DomainError):
        flash(exc.message, "error")
        return redirect(back)
    return handle_form(PasswordLinkForm(), lambda: send(user, actor=current_user, now=now_utc()),
                       success=lambda _mail: message(user), redirect_to=back, on_error=refused) or redirect(back)
