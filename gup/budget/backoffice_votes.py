"""Coordination pages of a campaign's vote: paper tallies per polling place, the results with the selection
rule, its overrides (always with a reason) and their publication, and the winners delivered as actions."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gup.actions.queries import party_organisations
from gup.budget import bp, services
from gup.budget.forms import DeliverForm, OverrideForm, TallyForm
from gup.budget.models import PBCampaign, PBPhase, ProjectStatus
from gup.budget.selection import RULE_TEXT
from gup.budget.views import _campaign_or_404, _flash_error, _project_or_404
from gup.forms_common import handle_form
from gup.orm import now_utc
from gup.policy import authorize, can

TALLY_PHASES = (PBPhase.VOTE, PBPhase.RESULTS)


# --- paper tallies -----------------------------------------------------------------------------------------

def _tallies_page(campaign: PBCampaign, form: TallyForm, *, typed: dict[int, str] | None = None,
                  errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    places = services.paper_by_place(campaign)
    if typed is None:  # « Corriger » a place: its figures are typed in again
        typed = {pid: str(n) for pid, n in places.get(form.polling_place.data or "", {}).items()}
    return render_template("budget/tallies.html", campaign=campaign, form=form, places=places,
                           projects=services.votable_projects(campaign), counts=services.count_votes(campaign),
                           typed=typed, errors=errors or {},
                           can_enter=can(current_user, "enter_tally", campaign) and campaign.phase in TALLY_PHASES
                           ), status


@bp.route("/budgets/<int:campaign_id>/tallies", methods=["GET", "POST"])
@login_required
def tallies(campaign_id: int):
    """Paper votes per project and polling place; online, paper and total votes per project."""
    item = _campaign_or_404(campaign_id)
    if request.method == "GET":
        authorize(current_user, "view", item)
        return _tallies_page(item, TallyForm(formdata=None, polling_place=request.args.get("place", "")[:200]))
    authorize(current_user, "enter_tally", item)
    form = TallyForm()
    typed = {p.id: request.form.get(f"votes-{p.id}", "") for p in services.votable_projects(item)}
    errors: dict[str, str] = {}

    def on_error(_form: Any, exc: Any) -> None:
        errors[exc.field or "votes"] = exc.message
        form.form_errors.append(exc.message)

    return handle_form(form, lambda: services.enter_paper_tallies(
        item, polling_place=form.polling_place.data, votes=typed, actor=current_user, now=now_utc()),
        success=lambda rows: _("Dépouillement de « %(place)s » enregistré (%(n)s projets).",
                               place=form.polling_place.data, n=len(rows)),
        redirect_to=url_for("budget.tallies", campaign_id=item.id), on_error=on_error) \
        or _tallies_page(item, form, typed=typed, errors=errors, status=422)


# --- results, overrides, publication -----------------------------------------------------------------------

def _results_page(campaign: PBCampaign, *, given: dict[str, Any] | None = None,
                  status: int = 200) -> tuple[str, int]:
    given = given or {}
    results = services.results(campaign) if campaign.phase.index >= PBPhase.VOTE.index else None
    overriding = can(current_user, "override", campaign) and campaign.phase in TALLY_PHASES
    delivering = can(current_user, "deliver", campaign) and campaign.phase in (PBPhase.RESULTS, PBPhase.DELIVERY)
    organisations = [("", _("— Choisir —"))] + [(o.id, o.name) for o in party_organisations(campaign.agreement)]
    override_forms, deliver_forms = {}, {}
    for row in results.rows if results else []:
        pid = row.project.id
        if overriding or f"p{pid}" in given:
            override_forms[pid] = given.get(f"p{pid}") or OverrideForm(prefix=f"p{pid}", formdata=None)
        if f"d{pid}" in given or (delivering and row.project.status is ProjectStatus.SELECTED
                                  and row.project.action_id is None):
            deliver_forms[pid] = given.get(f"d{pid}") or DeliverForm(prefix=f"d{pid}", formdata=None)
            deliver_forms[pid].responsible_organisation_id.choices = organisations
    return render_template("budget/results.html", campaign=campaign, results=results, rule_text=RULE_TEXT,
                           overrides=services.overrides_of(campaign), override_forms=override_forms,
                           deliver_forms=deliver_forms,
                           can_publish=can(current_user, "manage", campaign) and campaign.phase is PBPhase.RESULTS
                           ), status


@bp.route("/budgets/<int:campaign_id>/results")
@login_required
def results(campaign_id: int):
    """The selection the rule computes, the envelopes' use, the overrides and their reasons."""
    item = _campaign_or_404(campaign_id)
    authorize(current_user, "view", item)
    return _results_page(item)


@bp.route("/budget-projects/<int:project_id>/override", methods=["POST"])
@login_required
def override(project_id: int):
    """Select or leave out a project against the ranking, with the reason published with the results."""
    item = _project_or_404(project_id)
    authorize(current_user, "override", item.campaign)
    form = OverrideForm(prefix=f"p{item.id}")
    return handle_form(form, lambda: services.override_selection(
        item, selected=form.decision.data == "in", reason=form.reason.data, actor=current_user, now=now_utc()),
        success=lambda o: _("Décision sur « %(title)s » enregistrée.", title=item.title),
        redirect_to=url_for("budget.results", campaign_id=item.campaign_id)) \
        or _results_page(item.campaign, given={f"p{item.id}": form}, status=422)


@bp.route("/budgets/<int:campaign_id>/results/publish", methods=["POST"])
@login_required
def publish_results(campaign_id: int):
    """« Publier les résultats »: write selected / not selected on every candidate (phase « Résultats »)."""
    item = _campaign_or_404(campaign_id)
    authorize(current_user, "manage", item)
    back = url_for("budget.results", campaign_id=item.id)
    return handle_form(None, lambda: services.record_results(item, actor=current_user, now=now_utc()),
                       success=lambda s: _("Résultats publiés : %(n)s projets lauréats.", n=len(s.selected)),
                       redirect_to=back, on_error=_flash_error(back))


@bp.route("/budget-projects/<int:project_id>/deliver", methods=["POST"])
@login_required
def deliver(project_id: int):
    """« Créer l'action »: a selected project becomes an action of the campaign's agreement."""
    item = _project_or_404(project_id)
    authorize(current_user, "deliver", item.campaign)
    form = DeliverForm(prefix=f"d{item.id}")
    parties = {o.id: o for o in party_organisations(item.campaign.agreement)}
    form.responsible_organisation_id.choices = [("", "")] + [(oid, o.name) for oid, o in parties.items()]
    return handle_form(form, lambda: services.deliver_project(
        item, responsible_organisation=parties.get(form.responsible_organisation_id.data), actor=current_user,
        now=now_utc(), due_on=form.due_on.data),
        success=lambda a: _("Action « %(title)s » créée pour le projet lauréat.", title=a.title),
        redirect_to=url_for("budget.results", campaign_id=item.campaign_id)) \
        or _results_page(item.campaign, given={f"d{item.id}": form}, status=422)
