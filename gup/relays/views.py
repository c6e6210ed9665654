"""HTML routes of resident relays: load → authorize → validate → service → commit."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.agreements.models import Agreement, agreement_coordinators
from gup.auth.models import Role
from gup.extensions import db
from gup.forms_common import handle_form, render_form
from gup.i18n import local_today
from gup.policy import authorize, can
from gup.relays import bp, queries, services, work
from gup.relays.draw import ALGORITHM, verification_command, women_of
from gup.relays.forms import DrawForm, EndForm, PoolForm, PoolMemberForm, RelayForm, WithdrawForm
from gup.relays.models import EndReason, RelayStatus, place_label
from gup.relays.services import SCOPE_KINDS
from gup.territory.models import Territory, TerritoryKind
from gup.territory.queries import descendants, territory_index


def _place_choices(agreement: Agreement) -> list[tuple[Any, str]]:
    index = territory_index()
    return [("", _("— Mandat thématique —"))] + [
        (node.id, f"{'  ' * depth}{place_label(node.kind, node.name)}")
        for node, depth in descendants([t.id for t in agreement.territories], index) if node.kind in SCOPE_KINDS]


def _relay_form(agreement: Agreement, obj: Any = None) -> RelayForm:
    form = RelayForm(obj=obj)
    form.territory_id.choices = _place_choices(agreement)
    form.theme_id.choices = [("", _("— Aucune —"))] + [(t.id, t.label) for t in agreement.themes]
    form.neighbourhood_id.choices = [("", _("— Aucun —"))] + [
        (t.id, t.name) for t in agreement.territories if t.kind is TerritoryKind.NEIGHBOURHOOD]
    if obj is not None and request.method == "GET":
        form.designation_method.data = obj.designation_method.value
        form.age_bracket.data = obj.age_bracket.value if obj.age_bracket else ""
        form.gender.data = obj.gender.value if obj.gender else ""
        form.consent_channels.data = sorted(obj.channels)
    return form


def _fields(form: RelayForm) -> dict[str, Any]:
    territory = db.session.get(Territory, form.territory_id.data) if form.territory_id.data else None
    return {"person_name": form.person_name.data, "territory": territory, "theme_id": form.theme_id.data,
            "neighbourhood_id": form.neighbourhood_id.data, "designation_method": form.designation_method.data,
            "charter_signed_on": form.charter_signed_on.data, "email": form.email.data, "phone": form.phone.data,
            "consent_given_on": form.consent_given_on.data, "consent_channels": form.consent_channels.data or [],
            "age_bracket": form.age_bracket.data, "gender": form.gender.data}


# --- menu landing ----------------------------------------------------------------------------------

def coordinates_something(user: Any) -> bool:
    return user.role in (Role.ADMIN, Role.COORDINATOR)


@bp.route("/relays")
@login_required
def home():
    """The agreements whose relays the user manages."""
    if not coordinates_something(current_user):
        abort(403)
    stmt = sa.select(Agreement).order_by(Agreement.reference)
    if current_user.role is not Role.ADMIN:
        stmt = stmt.where(Agreement.id.in_(sa.select(agreement_coordinators.c.agreement_id)
                                           .where(agreement_coordinators.c.user_id == current_user.id)))
    return render_template("relays/home.html", agreements=list(db.session.scalars(stmt)),
                           ending=queries.ending_soon_for(current_user, local_today()))


# --- relays ----------------------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/relays")
@login_required
def index(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "view_relays", agreement)
    today = local_today()
    return render_template("relays/index.html", agreement=agreement, relays=queries.relays_of(agreement),
                           coverage=queries.coverage(agreement, today=today), today=today,
                           can_manage=can(current_user, "manage_relays", agreement))


@bp.route("/agreements/<int:agreement_id>/relays/new", methods=["GET", "POST"])
@login_required
def create(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage_relays", agreement)
    form = _relay_form(agreement)
    return handle_form(form, lambda: services.create_relay(agreement, actor=current_user,
                                                           mandate_start_on=form.mandate_start_on.data,
                                                           mandate_end_on=form.mandate_end_on.data, **_fields(form)),
                       success=lambda r: _("Habitant·e relais « %(name)s » enregistré·e.", name=r.person_name),
                       redirect_to=lambda r: url_for("relays.relay", relay_id=r.id)) \
        or render_form("relays/relay_form.html", form, agreement=agreement, relay=None)


@bp.route("/relays/<int:relay_id>")
@login_required
def relay(relay_id: int):
    item = queries.relay_or_404(relay_id)
    authorize(current_user, "view", item)
    return render_template("relays/relay.html", relay=item, agreement=item.agreement,
                           show_contact=can(current_user, "view_contact", item),
                           can_manage=can(current_user, "manage", item), end_form=EndForm(formdata=None,
                                                                                          on=local_today()),
                           withdraw_form=WithdrawForm(formdata=None, on=local_today()), active=RelayStatus.ACTIVE,
                           reports=work.reports_of(item) if can(current_user, "manage", item) else [])


@bp.route("/relays/<int:relay_id>/edit", methods=["GET", "POST"])
@login_required
def edit(relay_id: int):
    item = queries.relay_or_404(relay_id)
    authorize(current_user, "manage", item)
    form = _relay_form(item.agreement, item)
    return handle_form(form, lambda: services.update_relay(item, actor=current_user,
                                                           mandate_start_on=form.mandate_start_on.data,
                                                           mandate_end_on=form.mandate_end_on.data
                                                           or item.mandate_end_on, **_fields(form)),
                       success=_("Habitant·e relais enregistré·e."),
                       redirect_to=url_for("relays.relay", relay_id=item.id)) \
        or render_form("relays/relay_form.html", form, agreement=item.agreement, relay=item)


@bp.route("/relays/<int:relay_id>/end", methods=["POST"])
@login_required
def end(relay_id: int):
    item = queries.relay_or_404(relay_id)
    authorize(current_user, "manage", item)
    form = EndForm()
    return handle_form(form, lambda: services.end_mandate(item, reason=EndReason(form.reason.data), on=form.on.data,
                                                          actor=current_user),
                       success=_("Mandat terminé."), redirect_to=url_for("relays.relay", relay_id=item.id),
                       on_error=_flash) or _back(item, form)


@bp.route("/relays/<int:relay_id>/withdraw", methods=["POST"])
@login_required
def withdraw(relay_id: int):
    item = queries.relay_or_404(relay_id)
    authorize(current_user, "manage", item)
    form = WithdrawForm()
    return handle_form(form, lambda: services.withdraw_consent(item, on=form.on.data, actor=current_user),
                       success=_("Consentement retiré : plus aucun contact, coordonnées effacées."),
                       redirect_to=url_for("relays.relay", relay_id=item.id), on_error=_flash) or _back(item, form)


def _flash(form: Any, exc: Any):
    from gup.forms_common import flash_error

    flash_error(form, exc)


def _back(item: Any, form: Any):
    from flask import flash, redirect

    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")
    return redirect(url_for("relays.relay", relay_id=item.id))


# --- pools and draws --------------------------------------------------------------------------------

@bp.route("/agreements/<int:agreement_id>/relay-pools", methods=["GET", "POST"])
@login_required
def pools(agreement_id: int):
    agreement = queries.agreement_or_404(agreement_id)
    authorize(current_user, "manage_relays", agreement)
    form = PoolForm()
    form.territory_id.choices = [("", _("— Aucun —"))] + _place_choices(agreement)[1:]

    def create():
        place = db.session.get(Territory, form.territory_id.data) if form.territory_id.data else None
        return services.create_pool(agreement, name=form.name.data, territory=place, actor=current_user)

    return handle_form(form, create, success=_("Vivier créé."),
                       redirect_to=lambda p: url_for("relays.pool", pool_id=p.id)) \
        or render_form("relays/pools.html", form, agreement=agreement, pools=queries.pools_of(agreement))


@bp.route("/relay-pools/<int:pool_id>")
@login_required
def pool(pool_id: int):
    item = queries.pool_or_404(pool_id)
    authorize(current_user, "view", item)
    return render_template("relays/pool.html", pool=item, agreement=item.agreement,
                           member_form=PoolMemberForm(formdata=None), draw_form=DrawForm(formdata=None, seats=1))


@bp.route("/relay-pools/<int:pool_id>/members", methods=["POST"])
@login_required
def add_member(pool_id: int):
    item = queries.pool_or_404(pool_id)
    authorize(current_user, "manage", item)
    form = PoolMemberForm()
    return handle_form(form, lambda: services.add_pool_member(item, person_name=form.person_name.data,
                                                              gender=form.gender.data, actor=current_user),
                       success=lambda m: _("%(name)s ajouté·e au vivier (%(id)s).", name=m.person_name,
                                           id=m.pseudonym),
                       redirect_to=url_for("relays.pool", pool_id=item.id)) \
        or render_form("relays/pool.html", form, pool=item, agreement=item.agreement, member_form=form,
                       draw_form=DrawForm(formdata=None, seats=1))


@bp.route("/relay-pools/<int:pool_id>/draws", methods=["POST"])
@login_required
def run_draw(pool_id: int):
    item = queries.pool_or_404(pool_id)
    authorize(current_user, "manage", item)
    form = DrawForm()
    return handle_form(form, lambda: services.run_draw(item, seats=form.seats.data, parity=form.parity.data,
                                                       actor=current_user),
                       success=_("Tirage au sort effectué."),
                       redirect_to=lambda d: url_for("relays.draw", draw_id=d.id)) \
        or render_form("relays/pool.html", form, pool=item, agreement=item.agreement,
                       member_form=PoolMemberForm(formdata=None), draw_form=form)


def _draw_context(item: Any) -> dict[str, Any]:
    return {"draw": item, "algorithm": ALGORITHM, "verify_ok": services.verify(item),
            "women": women_of(item.pool_genders) if item.parity else None,
            "command": verification_command(item.pool_ids, item.seats, item.seed, item.pool_genders)}


@bp.route("/relay-draws/<int:draw_id>")
@login_required
def draw(draw_id: int):
    item = queries.draw_or_404(draw_id)
    authorize(current_user, "view", item)
    names = {m.pseudonym: m.person_name for m in item.pool.members}
    return render_template("relays/draw.html", agreement=item.pool.agreement, names=names, **_draw_context(item))


@bp.route("/relay-draws/<int:draw_id>/publish", methods=["POST"])
@login_required
def publish(draw_id: int):
    item = queries.draw_or_404(draw_id)
    authorize(current_user, "manage", item)
    return handle_form(None, lambda: services.publish_draw(item, actor=current_user),
                       success=_("Tirage publié."), redirect_to=url_for("relays.draw", draw_id=item.id))


@bp.route("/tirages/<int:draw_id>")
def public_draw(draw_id: int):
    """The published draw, for anyone: seed, pool size, method, pseudonymised result; no names."""
    item = queries.draw_or_404(draw_id)
    if not item.published:
        abort(404)
    return render_template("relays/public_draw.html", **_draw_context(item))
