"""HTML routes of the territory tree (neighbourhoods, residences, buildings, stairwells)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from gup.audit.readable import readable_history
from gup.errors import DomainError
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.inputs import id_or_none
from gup.organisations.models import Organisation, OrganisationKind
from gup.policy import authorize, can
from gup.territory import bp, services
from gup.territory.forms import TerritoryForm
from gup.territory.models import Territory, TerritoryKind

_TREE = selectinload(Territory.children).selectinload(Territory.children).selectinload(Territory.children)


@bp.route("/territory")
@login_required
def index():
    neighbourhoods = db.session.scalars(
        sa.select(Territory).where(Territory.kind == TerritoryKind.NEIGHBOURHOOD)
        .options(_TREE, selectinload(Territory.housing_provider)).order_by(Territory.name)).all()
    return render_template("territory/index.html", neighbourhoods=neighbourhoods,
                           can_create=can(current_user, "create", Territory))


@bp.route("/territory/<int:territory_id>")
@login_required
def detail(territory_id: int):
    node = db.session.scalar(sa.select(Territory).where(Territory.id == territory_id).options(_TREE)) or abort(404)
    authorize(current_user, "view", node)
    return render_template("territory/detail.html", node=node, history=readable_history(node),
                           can_edit=can(current_user, "update", node))


def _choices(form: TerritoryForm, node: Territory | None) -> None:
    parents = db.session.scalars(sa.select(Territory).where(Territory.kind != TerritoryKind.STAIRWELL)
                                 .order_by(Territory.kind, Territory.name)).all()
    form.parent_id.choices = [("", _("— Aucun (quartier) —"))] + [
        (p.id, f"{p.kind.label} : {p.name}") for p in parents if node is None or p.id != node.id]
    providers = db.session.scalars(sa.select(Organisation).where(
        Organisation.kind == OrganisationKind.HOUSING_PROVIDER).order_by(Organisation.name)).all()
    form.housing_provider_id.choices = [("", _("— Aucun —"))] + [(o.id, o.name) for o in providers]


@bp.route("/territory/new", methods=["GET", "POST"], endpoint="create")
@bp.route("/territory/<int:territory_id>/edit", methods=["GET", "POST"], endpoint="edit")
@login_required
def save(territory_id: int | None = None):
    node = (db.session.get(Territory, territory_id) or abort(404)) if territory_id else None
    authorize(current_user, "update" if node else "create", node or Territory)
    form = TerritoryForm(obj=node)
    _choices(form, node)
    if request.method == "GET":
        if node:
            form.kind.data = node.kind.value
        elif id_or_none(request.args.get("parent_id")):
            form.parent_id.data = id_or_none(request.args.get("parent_id"))
    return handle_form(form, lambda: _save(node, form),
                       success=lambda saved: _("%(kind)s « %(name)s » enregistré(e).", kind=saved.kind.label,
                                               name=saved.name),
                       redirect_to=lambda saved: url_for("territory.detail", territory_id=saved.id), on_error=_error) \
        or render_form("territory/form.html", form, node=node)


def _save(node: Territory | None, form: TerritoryForm) -> Territory:
    fields = {"kind": TerritoryKind(form.kind.data), "code": form.code.data, "name": form.name.data,
              "parent": db.session.get(Territory, form.parent_id.data) if form.parent_id.data else None,
              "qpv_code": form.qpv_code.data or None, "address": form.address.data or None,
              "housing_provider": db.session.get(Organisation, form.housing_provider_id.data)
              if form.housing_provider_id.data else None}
    if node is None:
        return services.create_territory(actor=current_user, **fields)
    services.update_territory(node, actor=current_user, **fields)
    return node


def _error(form: TerritoryForm, exc: DomainError) -> None:
    target = getattr(form, exc.field, None) or getattr(form, f"{exc.field}_id", None) or form.name
    target.errors.append(exc.message)
