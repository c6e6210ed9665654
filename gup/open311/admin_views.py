"""Administration of Open311 client applications and their API keys (on the admin blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, login_required

from gup.admin import bp
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import show_domain_error
from gup.notifications.services import mail_url
from gup.open311 import services
from gup.open311.forms import ClientForm, RightsForm
from gup.open311.models import Open311Client
from gup.orm import now_utc
from gup.policy import authorize


def _page(form: ClientForm, new_key: str | None = None, status: int = 200):
    clients = services.list_clients()
    rights = {c.id: RightsForm(formdata=None, prefix=f"c{c.id}", obj=c) for c in clients}
    # the address client applications use: the site's public one, never the Host header of this request
    discovery_url = mail_url("open311.discovery", fmt="xml")
    return render_template("open311/clients.html", form=form, clients=clients, rights=rights,
                           new_key=new_key, discovery_url=discovery_url), status


@bp.route("/admin/open311")
@login_required
def open311_clients():
    authorize(current_user, "create", Open311Client)
    return _page(ClientForm())


@bp.route("/admin/open311", methods=["POST"])
@fresh_login_required
def open311_create_client():
    authorize(current_user, "create", Open311Client)
    form = ClientForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        client, raw = services.create_client(name=form.name.data, actor=current_user, now=now_utc(),
                                             public_intake=form.public_intake.data,
                                             reads_private=form.reads_private.data)
    except DomainError as exc:
        db.session.rollback()
        show_domain_error(form, exc)
        return _page(form, status=422)
    db.session.commit()
    flash(_("Clé créée pour %(name)s : copiez-la maintenant, elle ne sera plus affichée.", name=client.name),
          "success")
    return _page(ClientForm(formdata=None), new_key=raw)


@bp.route("/admin/open311/<int:client_id>/revoke", methods=["POST"])
@fresh_login_required
def open311_revoke_client(client_id: int):
    client = db.session.get(Open311Client, client_id) or abort(404)
    authorize(current_user, "revoke", client)
    services.revoke_client(client, actor=current_user, now=now_utc())
    db.session.commit()
    flash(_("Clé de l'application %(name)s révoquée.", name=client.name), "success")
    return redirect(url_for("admin.open311_clients"))


@bp.route("/admin/open311/<int:client_id>/rights", methods=["POST"])
@fresh_login_required
def open311_client_rights(client_id: int):
    client = db.session.get(Open311Client, client_id) or abort(404)
    authorize(current_user, "update", client)
    form = RightsForm(prefix=f"c{client.id}")
    if not form.validate_on_submit():
        return _page(ClientForm(formdata=None), status=422)
    services.set_client_rights(client, public_intake=form.public_intake.data, reads_private=form.reads_private.data,
                               actor=current_user)
    db.session.commit()
    flash(_("Droits de l'application %(name)s enregistrés.", name=client.name), "success")
    return redirect(url_for("admin.open311_clients"))
