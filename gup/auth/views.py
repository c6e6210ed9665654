"""Login, logout, « mot de passe oublié », password links, account page (password, API tokens), language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required, login_user, logout_user

from gup import policy
from gup.auth import bp, services
from gup.auth.forms import (
    ChoosePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NotificationPreferenceForm,
    PasswordChangeForm,
    TokenForm,
)
from gup.auth.links import LinkPurpose
from gup.auth.models import ApiToken, User
from gup.extensions import db
from gup.features import registry
from gup.forms_common import handle_form, render_form
from gup.orm import now_utc


def _safe_next(target: str | None) -> str | None:
    """Follow `next` only to a local path."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        if services.is_throttled(email=form.email.data, ip_address=ip, now=now_utc()):
            form.form_errors.append(_("Trop de tentatives de connexion : réessayez dans quelques minutes."))
            status = 429
        else:
            user = services.authenticate(email=form.email.data, password=form.password.data, ip_address=ip,
                                         now=now_utc())
            db.session.commit()
            if user is not None:
                login_user(user, remember=form.remember.data)
                flash(_("Bienvenue, %(name)s.", name=user.full_name), "success")
                return redirect(_safe_next(request.args.get("next")) or url_for(registry().landing_for(user)))
            form.form_errors.append(_("Adresse e-mail ou mot de passe incorrect."))
            status = 401
    elif form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # a copied session or remember-me cookie carries the session token: a new one makes it worthless
        services.end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password():
    """The same answer, after the same work, whether the address has an account or not."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_form("auth/forgot_password.html", form)
    try:
        services.request_password_reset(email=form.email.data, ip_address=request.remote_addr or "unknown",
                                        now=now_utc())
    except services.TooManyRequests as exc:
        db.session.rollback()
        form.form_errors.append(exc.message)
        return render_template("auth/forgot_password.html", form=form), 429
    db.session.commit()
    return render_template("auth/forgot_password_sent.html")


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
def choose_password(token: str):
    """The page of an invitation or password link: choose a password, once."""
    link = services.account_for_link(token, now=now_utc())
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    user, purpose = link
    form = ChoosePasswordForm()
    form.account = user
    return handle_form(form, lambda: _choose_password(user, form), redirect_to=url_for("auth.login"),
                       success=_("Mot de passe enregistré : vous pouvez vous connecter."),
                       on_error=lambda f, exc: f.password.errors.append(exc.message)) \
        or render_form("auth/choose_password.html", form, user=user,
                       invitation=purpose is LinkPurpose.INVITATION)


def _choose_password(user: User, form: ChoosePasswordForm) -> None:
    services.choose_password(user, password=form.password.data)
    logout_user()  # whoever was logged in on this browser: the person now logs in with the new password


def _preference_form() -> NotificationPreferenceForm:
    return NotificationPreferenceForm(formdata=None,
                                      notification_preference=current_user.notification_preference.value)


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return render_template("auth/account.html", password_form=PasswordChangeForm(), token_form=TokenForm(),
                           tokens=current_user.tokens, new_token=None, preference_form=_preference_form())


@bp.route("/account/notifications", methods=["POST"])
@login_required
def set_notifications():
    form = NotificationPreferenceForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", password_form=PasswordChangeForm(), token_form=TokenForm(),
                               tokens=current_user.tokens, new_token=None, preference_form=form), 422
    services.set_notification_preference(current_user, preference=form.notification_preference.data,
                                         actor=current_user)
    db.session.commit()
    flash(_("Préférence de courriels enregistrée."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["POST"])
@fresh_login_required
def change_password():
    form = PasswordChangeForm()
    form.account = current_user
    return handle_form(form, lambda: _change_password(form),
                       success=_("Mot de passe modifié. Vos autres sessions ont été fermées."),
                       redirect_to=url_for("auth.account"),
                       on_error=lambda f, exc: getattr(f, exc.field or "password").errors.append(exc.message)) \
        or (render_template("auth/account.html", password_form=form, token_form=TokenForm(),
                           tokens=current_user.tokens, new_token=None, preference_form=_preference_form()), 422)


def _change_password(form: PasswordChangeForm) -> None:
    """Change the password, then log this session in again (the service rotated the session token)."""
    services.change_own_password(current_user, current=form.current_password.data, new=form.password.data)
    login_user(current_user._get_current_object())


@bp.route("/account/tokens", methods=["POST"])
@fresh_login_required
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("auth/account.html", password_form=PasswordChangeForm(), token_form=form,
                               tokens=current_user.tokens, new_token=None, preference_form=_preference_form()), 422
    token, raw = services.create_token(current_user, name=form.name.data, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("Jeton créé : copiez-le maintenant, il ne sera plus affiché."), "success")
    return render_template("auth/account.html", password_form=PasswordChangeForm(), token_form=TokenForm(),
                           tokens=current_user.tokens, new_token=raw, preference_form=_preference_form())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    policy.authorize(current_user, "revoke", token)
    services.revoke_token(token, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("Jeton révoqué."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/language", methods=["POST"])
def set_language():
    lang = request.form.get("lang")
    if lang in ("fr", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.login"))
