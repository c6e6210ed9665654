"""Public pages of participatory budgets (no account): the campaigns, a campaign with its proposal form, the
online vote with a voting code, the results and the delivery of the winners.

They use templates/public_base.html, work without JavaScript, are rate-limited per address on POST (setting
PUBLIC_POST_LIMIT, like the hotline's /signaler) and never show personal data: no author, no contact, no staff
name, no progress note (only dates, statuses and percentages of the delivery actions).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound

from gup.budget import services
from gup.budget.forms import PublicProposalForm, VoteForm
from gup.budget.models import PBCampaign, PBPhase, ProjectSource
from gup.budget.selection import RULE_TEXT
from gup.errors import DomainError
from gup.extensions import db, limiter
from gup.forms_common import handle_form, show_domain_error
from gup.media import storage
from gup.orm import now_utc
from gup.territory.models import Territory

logger = logging.getLogger(__name__)

public_bp = Blueprint("budget_public", __name__)

PROPOSAL_KEY = "gup_budget_proposal"
VOTE_KEY = "gup_budget_vote"
#: the phases residents see on a campaign's calendar (preparation is the coordination's)
PUBLIC_PHASES = [p for p in PBPhase if p is not PBPhase.PREPARATION]


def public_post_limit() -> str:
    """Per-address limit of the public forms (setting PUBLIC_POST_LIMIT)."""
    return current_app.config["PUBLIC_POST_LIMIT"]


def _campaign_or_404(campaign_id: int) -> PBCampaign:
    return services.public_campaign(campaign_id) or abort(404)


@public_bp.route("/budget-participatif")
def index():
    return render_template("budget/public/index.html", campaigns=services.public_campaigns())


# --- a campaign and its proposal form --------------------------------------------------------------------

def _prepare(form: PublicProposalForm, campaign: PBCampaign) -> None:
    places = services.eligible_places(campaign)
    form.place_id.choices = [("", _("— Pas de lieu précis —"))] + [
        (pid, "\u00a0\u00a0" * depth + name) for pid, name, depth in places]
    form.place_ids = frozenset(pid for pid, _name, _depth in places)
    form.set_min_age(campaign.min_age)


def _campaign_page(campaign: PBCampaign, form: PublicProposalForm, status: int = 200) -> tuple[str, int]:
    return render_template("budget/public/campaign.html", campaign=campaign, form=form, phases=PUBLIC_PHASES,
                           listing=services.public_projects(campaign)), status


def _submit(campaign: PBCampaign, form: PublicProposalForm) -> Any:
    place = db.session.get(Territory, form.place_id.data) if form.place_id.data else None
    contact = services.Contact(name=form.contact_name.data or None, email=form.contact_email.data or None,
                               phone=form.contact_phone.data or None, consent=True) \
        if form.wants_contact else None  # without consent, nothing typed in the contact fields is stored
    return services.submit_proposal(campaign, title=form.title.data, description=form.description.data,
                                    place=place, estimated_cost=form.estimated_cost.data or None,
                                    source=ProjectSource.PUBLIC, contact=contact, actor=None, now=now_utc())


def _thanks(campaign: PBCampaign, project: Any, form: PublicProposalForm) -> str:
    session[PROPOSAL_KEY] = {"campaign": campaign.id, "project": project.id,
                             "contact_dropped": form.contact_dropped, "contact_kept": form.wants_contact}
    return url_for("budget_public.proposal_thanks", campaign_id=campaign.id)


@public_bp.route("/budget-participatif/<int:campaign_id>", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"])
def campaign(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    form = PublicProposalForm()
    _prepare(form, item)
    if request.method != "POST":
        return _campaign_page(item, form)
    if item.phase is not PBPhase.PROPOSALS:
        return _campaign_page(item, form, 409)  # the page says the proposals are closed, without the form
    if form.is_submitted() and form.is_spam:
        logger.warning("budget proposal honeypot filled: submission dropped, nothing stored")
        return render_template("budget/public/proposal_thanks.html", campaign=item, project=None)
    done = handle_form(form, lambda: _submit(item, form), success=None,
                       redirect_to=lambda project: _thanks(item, project, form))
    return done or _campaign_page(item, form, 422)


@public_bp.route("/budget-participatif/<int:campaign_id>/merci")
def proposal_thanks(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    last = session.get(PROPOSAL_KEY)
    project = None
    if isinstance(last, dict) and last.get("campaign") == item.id:
        project = next((p for p in item.projects if p.id == last.get("project")), None)
    if project is None:
        return redirect(url_for("budget_public.campaign", campaign_id=item.id))
    return render_template("budget/public/proposal_thanks.html", campaign=item, project=project,
                           contact_dropped=bool(last.get("contact_dropped")),
                           contact_kept=bool(last.get("contact_kept")))


# --- the online vote -------------------------------------------------------------------------------------

def _vote_page(campaign: PBCampaign, form: VoteForm | None, status: int = 200) -> tuple[str, int]:
    return render_template("budget/public/vote.html", campaign=campaign, form=form,
                           projects=services.votable_projects(campaign)), status


@public_bp.route("/budget-participatif/<int:campaign_id>/voter", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"])
def vote(campaign_id: int):
    """A voting code and 1 to K projects: 400 with the form kept on an error, 409 for a code already used."""
    item = _campaign_or_404(campaign_id)
    if item.phase is not PBPhase.VOTE:
        return _vote_page(item, None, 409 if request.method == "POST" else 200)
    form = VoteForm()
    form.max_choices = item.choices_per_voter
    form.set_min_age(item.min_age)
    if request.method != "POST":
        return _vote_page(item, form)
    status = 400
    if form.validate():
        try:
            services.cast_vote(item, form.code.data, form.project_ids.data, now=now_utc())
        except services.CodeAlreadyUsed:
            db.session.rollback()
            form.code.errors = [*form.code.errors, _(
                "Ce code a déjà servi : un code ne permet de voter qu'une fois, pour tout le foyer. Si vous "
                "n'avez pas voté avec ce code, contactez la coordination du budget participatif.")]
            status = 409
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            db.session.commit()
            session[VOTE_KEY] = {"campaign": item.id, "projects": list(form.project_ids.data)}
            return redirect(url_for("budget_public.vote_thanks", campaign_id=item.id))
    return _vote_page(item, form, status)


@public_bp.route("/budget-participatif/<int:campaign_id>/voter/merci")
def vote_thanks(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    last = session.get(VOTE_KEY)
    if not isinstance(last, dict) or last.get("campaign") != item.id:
        return redirect(url_for("budget_public.vote", campaign_id=item.id))
    chosen = set(last.get("projects") or [])
    return render_template("budget/public/vote_thanks.html", campaign=item,
                           projects=[p for p in services.votable_projects(item) if p.id in chosen])


# --- results and delivery --------------------------------------------------------------------------------

@public_bp.route("/budget-participatif/<int:campaign_id>/resultats")
def results(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    return render_template("budget/public/results.html", campaign=item, rule_text=RULE_TEXT,
                           results=services.public_results(item) if item.results_published else None)


@public_bp.route("/budget-participatif/<int:campaign_id>/realisations")
def deliveries(campaign_id: int):
    item = _campaign_or_404(campaign_id)
    return render_template("budget/public/deliveries.html", campaign=item,
                           deliveries=services.deliveries(item) if item.delivery_started else None)


@public_bp.route("/budget-participatif/<int:campaign_id>/realisations/<int:project_id>/photo")
def delivery_photo(campaign_id: int, project_id: int):
    """The photo of a delivered project (a progress photo of its finished action), for everyone."""
    photo = services.delivery_photo(_campaign_or_404(campaign_id), project_id)
    if photo is None:
        abort(404)
    try:
        path = storage.path_for(photo.storage_key)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", conditional=True, max_age=3600)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@public_bp.errorhandler(NotFound)
def not_found(_exc: NotFound):
    return render_template("budget/public/404.html"), 404
