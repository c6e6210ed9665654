"""Back office: the mails the sender gave up on (administrators), and « Renvoyer »."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.errors import DomainError
from gup.extensions import db
from gup.notifications import bp, services
from gup.notifications.models import OutboundMail
from gup.orm import now_utc
from gup.pagination import page_arg, paginate
from gup.policy import authorize


@bp.route("/admin/courriels")
@login_required
def failed_mails():
    authorize(current_user, "list_failed", OutboundMail)
    page = paginate(services.failed_mails(), page=page_arg(), per_page=current_app.config["PAGE_SIZE"])
    return render_template("notifications/failed_mails.html", page=page)


@bp.route("/admin/courriels/<int:mail_id>/renvoyer", methods=["POST"])
@login_required
def resend(mail_id: int):
    mail = db.session.get(OutboundMail, mail_id) or abort(404)
    authorize(current_user, "resend", mail)
    try:
        services.resend(mail, actor=current_user, now=now_utc())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Le courriel à %(address)s sera renvoyé dans la minute.", address=mail.to_address), "success")
    return redirect(url_for("notifications.failed_mails"))
