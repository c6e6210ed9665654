"""Pages of « Mes actions »: the list and the bulk status change."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from gup.errors import DomainError
from gup.extensions import db
from gup.i18n import local_today
from gup.inbox import bp, services
from gup.inbox.forms import BulkStatusForm
from gup.orm import now_utc
from gup.pagination import page_arg


def _page(form: BulkStatusForm, code: int = 200):
    today = local_today()
    audiences = services.audiences(current_user)
    page = services.my_page(current_user, today, page=page_arg(), per_page=current_app.config["INBOX_PAGE_SIZE"],
                            among=audiences)
    items = page.items
    return render_template("inbox/index.html", items=items, page=page, form=form, today=today, audiences=audiences,
                           bulk=any(item.selectable for item in items), selected=set(form.items.data or [])), code


@bp.route("/mes-actions")
@login_required
def index():
    return _page(BulkStatusForm())


@bp.route("/mes-actions/bulk", methods=["POST"])
@login_required
def bulk():
    form = BulkStatusForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    user = current_user._get_current_object()
    items, unknown = services.items_by_keys(form.items.data)
    try:
        moved, problems = services.bulk_status(items, to=form.status.data, note=form.note.data, actor=user,
                                               now=now_utc(), may=services.may_move(user))
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inbox.index"))
    db.session.commit()
    flash(ngettext("%(num)s élément mis à jour.", "%(num)s éléments mis à jour.", moved),
          "success" if moved else "info")
    for message in [*problems, *(_("%(item)s : élément introuvable.", item=key) for key in unknown)]:
        flash(message, "warning")
    return redirect(url_for("inbox.index"))
