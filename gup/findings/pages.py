"""What the finding pages show and read: form choices, the routing suggestion, the fields of the logging form, the
finding page and its forms, photo handling and the error display shared by the finding routes."""

from __future__ import annotations

from flask import current_app, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gup.agreements import queries as agreement_queries
from gup.agreements.models import Agreement, Theme
from gup.audit.readable import readable_history, status_timeline
from gup.errors import DomainError
from gup.extensions import db
from gup.findings import queries, services
from gup.findings.forms import (
    ActionForm,
    FindingFilterForm,
    FindingForm,
    PhotosForm,
    RouteForm,
    StatusForm,
)
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority
from gup.findings.signals import finding_page
from gup.forms_common import OPEN_GROUP, show_domain_error
from gup.i18n import local_today
from gup.inputs import id_or_none
from gup.media import services as media_services
from gup.media.services import PhotoError
from gup.organisations.models import Organisation
from gup.organisations.queries import organisation_choices
from gup.orm import now_utc
from gup.pages import sections
from gup.policy import can
from gup.territory.models import Territory
from gup.territory.queries import neighbourhood_choices
from gup.walks.models import RouteStop, Walkthrough
from gup.walks.queries import party_organisation_choices

#: set in the session once a draft is saved, so the page's script clears its local copy
DRAFT_KEY = "gup_draft_clear"


def store_photos(files, *, finding: Finding, is_resolution: bool = False) -> None:
    """Store each uploaded file (a refused one rolls back; the media hook removes the files already written)."""
    for upload in files:
        media_services.store_photo(upload.read(), finding=finding, actor=current_user, now=now_utc(),
                                   is_resolution=is_resolution)


def photo_error(field, exc: PhotoError) -> None:
    field.errors = [*field.errors, exc.message,
                    _("Rien n'a été enregistré. Les photos ne peuvent pas être conservées : sélectionnez-les à "
                      "nouveau.")]


def show_error(form, exc: DomainError) -> None:
    """A refused photo goes under the photo field with a word on what was lost; other refusals as usual."""
    if isinstance(exc, PhotoError):
        photo_error(form.photos if "photos" in form else form.photo, exc)
    else:
        show_domain_error(form, exc)


def logging_choices(form, agreement: Agreement, walk: Walkthrough | None) -> None:
    form.theme_id.choices = [("", _("— Choisir —"))] + agreement_queries.theme_choices()
    form.territory_id.choices = [("", _("— Non précisé —"))] + queries.territory_choices(agreement, walk)
    if walk is not None:
        form.stop_id.choices = [("", _("— Hors halte —"))] + [(s.id, f"{s.position}. {s.name}") for s in walk.stops]
    else:
        del form.stop_id
    if "responsible_organisation_id" in form:
        form.responsible_organisation_id.choices = [("", _("— Organisme proposé par la table d'orientation —"))] \
            + party_organisation_choices(agreement)


def logging_form(agreement: Agreement, walk: Walkthrough | None, **kwargs) -> FindingForm:
    """The logging form with its choices, without the fields the policy keeps for the coordination (the API asks
    the same verb, set_finding_field, and refuses them by name)."""
    form = FindingForm(**kwargs)
    for name, field in (("responsible_organisation_id", "responsible_organisation_id"), ("reason", "routing_reason")):
        if not can(current_user, "set_finding_field", walk or agreement, field=field):
            delattr(form, name)
    logging_choices(form, agreement, walk)
    return form


def routing_context(agreement: Agreement, form) -> dict:
    """The routing suggestion and the line « sera transmis à … » of the logging form (the form learns the
    suggestion, which its reason check needs)."""
    suggestion = routing_suggestion(agreement, form)
    form.suggested_id = suggestion.id if suggestion else None
    return {"suggestion": suggestion, "recipient": recipient(agreement, form, suggestion)[1]}


def routing_suggestion(agreement: Agreement, form) -> Organisation | None:
    """The routing table's suggestion for what the form says (land ownership, theme, place)."""
    try:
        ownership = LandOwnership(form.land_ownership.data) if form.land_ownership.data else None
    except ValueError:
        return None
    theme = db.session.get(Theme, form.theme_id.data) if isinstance(form.theme_id.data, int) else None
    place = db.session.get(Territory, form.territory_id.data) if isinstance(form.territory_id.data, int) else None
    return services.suggest_responsible(agreement, land_ownership=ownership, theme=theme, territory=place)


def recipient(agreement: Agreement, form, suggestion: Organisation | None) -> tuple[Organisation | None, str]:
    """Who will receive the finding the form describes, and the sentence that says it (shown on the form before
    saving, computed by the server: the same rule as create_finding)."""
    chosen = form.responsible_organisation_id.data if "responsible_organisation_id" in form else None
    organisation = db.session.get(Organisation, chosen) if isinstance(chosen, int) else None
    is_issue = (form.kind.data or FindingKind.ISSUE.value) == FindingKind.ISSUE.value
    if organisation is None and is_issue:
        organisation = suggestion
    if organisation is not None:
        return organisation, _("À l'enregistrement, ce constat sera transmis à %(name)s.", name=organisation.name)
    if not is_issue:
        return None, _("Un point fort ou une proposition n'est transmis à personne : la coordination choisira qui "
                       "doit en être informé.")
    return None, _("Aucun organisme n'est désigné pour ce lieu et cette thématique : la coordination choisira "
                   "l'organisme qui doit agir.")


def finding_fields(form, walk: Walkthrough | None) -> dict:
    fields = {
        "kind": FindingKind(form.kind.data), "theme": db.session.get(Theme, form.theme_id.data),
        "description": form.description.data, "resident_quote": form.resident_quote.data or None,
        "address": form.address.data or None, "latitude": form.latitude.value, "longitude": form.longitude.value,
        "territory": db.session.get(Territory, form.territory_id.data) if form.territory_id.data else None,
        "land_ownership": LandOwnership(form.land_ownership.data) if form.land_ownership.data else None,
        "priority": Priority(form.priority.data),
    }
    if fields["kind"] is FindingKind.STRENGTH:  # a positive point has no priority or due date (server side too)
        fields["priority"] = Priority.THIS_YEAR
    if walk is not None and "stop_id" in form:
        fields["stop"] = db.session.get(RouteStop, form.stop_id.data) if form.stop_id.data else None
    return fields


def targets(finding: Finding) -> list[FindingStatus]:
    """Statuses this finding may move to by a status change (sending goes through routing)."""
    return [t for t in FindingStatus if t in finding.next_statuses() and t is not FindingStatus.SENT]


def render_detail(finding: Finding, *, code: int = 200, **forms):
    user = current_user
    moves = [t for t in targets(finding) if can(user, "move", finding, target=t)]
    route_form = forms.get("route_form") or RouteForm(formdata=None,
                                                      organisation_id=finding.responsible_organisation_id)
    route_form.organisation_id.choices = [("", _("— Choisir —"))] + party_organisation_choices(finding.agreement)
    status_form = forms.get("status_form") or StatusForm(formdata=None)
    status_form.set_targets(moves)
    action_form = forms.get("action_form") or ActionForm(formdata=None, title=finding.description[:200],
                                                         due_on=finding.due_on)
    can_manage = can(user, "manage", finding)
    return render_template(
        "findings/detail.html", finding=finding, today=local_today(), moves=moves,
        route_form=route_form, status_form=status_form,
        photos_form=forms.get("photos_form") or PhotosForm(formdata=None),
        action_form=action_form, can_manage=can_manage, can_respond=can(user, "respond", finding),
        suggestion=services.suggest_responsible(finding.agreement, land_ownership=finding.land_ownership,
                                                theme=finding.theme, territory=finding.territory)
        if can_manage and not finding.is_positive else None,
        place=queries.place_label(finding.territory_id),
        status_history_items=status_timeline(finding), history=readable_history(finding),
        action_url=action_url, draft_clear=session.pop(DRAFT_KEY, None),
        sections=sections(finding_page, finding, user=user)), code


def action_url(action) -> str | None:
    """Link to an action's page (written by the actions feature), if it is there."""
    if "actions.detail" in current_app.view_functions:
        return url_for("actions.detail", action_id=action.id)
    return None


def filtered():
    """The filter form of the list and the export, and the select() it describes."""
    filters = FindingFilterForm(request.args)
    filters.agreement_id.choices = [("", _("Toutes"))] + agreement_queries.agreement_choices(current_user)
    filters.neighbourhood_id.choices = [("", _("Tous"))] + neighbourhood_choices()
    filters.theme_id.choices = [("", _("Toutes"))] + agreement_queries.theme_choices(include_inactive=True)
    filters.organisation_id.choices = [("", _("Tous"))] + organisation_choices()
    ids = {name: getattr(filters, name).data for name in ("agreement_id", "neighbourhood_id", "theme_id",
                                                          "organisation_id")}
    stmt = queries.findings_stmt(
        current_user, today=local_today(), **{k: v for k, v in ids.items() if isinstance(v, int)},
        walkthrough_id=id_or_none(request.args.get("walkthrough_id")),
        status=filters.status.data if filters.status.data in {s.value for s in FindingStatus} | {OPEN_GROUP} else None,
        priority=filters.priority.data if filters.priority.data in {p.value for p in Priority} else None,
        overdue={"1": True,
                 "0": False}.get(filters.overdue.data or ""), recurring=True if filters.recurring.data == "1" else None,
        q=filters.q.data if isinstance(filters.q.data, str) else None)
    return filters, stmt
