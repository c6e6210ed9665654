"""Public HTML routes of the hotline (no login): report a problem, follow a report, « is it fixed? ».

The back office lives in gup/hotline/backoffice.py. Public pages use templates/public_base.html, work without
JavaScript, never show personal data, and are rate-limited per address on POST.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from gup.errors import DomainError, is_api_request
from gup.extensions import db, limiter
from gup.forms_common import handle_form, render_form, show_domain_error
from gup.hotline import bp, disclosure, services
from gup.hotline.forms import MAX_PHOTOS, FixedAnswerForm, PublicReportForm, TrackForm
from gup.hotline.models import Channel, ReportCategory
from gup.media.services import PhotoError, _size_label
from gup.orm import now_utc
from gup.territory.models import Territory
from gup.territory.queries import neighbourhood_choices

logger = logging.getLogger(__name__)

#: per address: a resident never needs more; a flood gets 429 with a French page
def public_post_limit() -> str:
    """Per-address limit of the public forms (setting PUBLIC_POST_LIMIT)."""
    return current_app.config["PUBLIC_POST_LIMIT"]
LAST_REFERENCE_KEY = "gup_last_report"
PUBLIC_ENDPOINTS = frozenset({"hotline.public_report", "hotline.public_thanks", "hotline.public_track_form",
                              "hotline.public_track", "hotline.public_fixed", "hotline.public_privacy"})


def _is_public() -> bool:
    return request.endpoint in PUBLIC_ENDPOINTS or not current_user.is_authenticated


# --- /signaler -----------------------------------------------------------------------------------

def _prepare(form: PublicReportForm) -> list[ReportCategory]:
    categories = services.published_categories()
    neighbourhoods = neighbourhood_choices()
    form.category_id.choices = [(c.id, c.label) for c in categories]
    form.category_ids = frozenset(c.id for c in categories)
    form.neighbourhood_id.choices = [("", _("— Je ne sais pas —")), *neighbourhoods]
    form.neighbourhood_ids = frozenset(value for value, _label in neighbourhoods)
    return categories


def _show_error(form: PublicReportForm, exc: DomainError) -> None:
    """A refused photo says that nothing was kept (the media hook removed the files already written)."""
    if isinstance(exc, PhotoError):
        form.photos.errors = [exc.message, _("Rien n'a été enregistré. Les photos ne peuvent pas être "
                                             "conservées : sélectionnez-les à nouveau.")]
    else:
        show_domain_error(form, exc)


def _thanks(reference: str, form: PublicReportForm) -> str:
    session[LAST_REFERENCE_KEY] = {"reference": reference, "contact_dropped": form.contact_dropped}
    return url_for("hotline.public_thanks")


def _submit(form: PublicReportForm, photos: list[bytes]) -> str:  # the reference, read before the commit
    neighbourhood = db.session.get(Territory, form.neighbourhood_id.data) if form.neighbourhood_id.data else None
    contact = {"contact_name": form.contact_name.data or None, "contact_email": form.contact_email.data or None,
               "contact_phone": form.contact_phone.data or None, "contact_consent": True} \
        if form.wants_contact else {}  # without consent, nothing typed in the contact fields is stored
    return services.submit_report(
        channel=Channel.WEB, category=db.session.get(ReportCategory, form.category_id.data),
        description=form.description.data, address=form.address.data or None, latitude=form.latitude.value,
        longitude=form.longitude.value, neighbourhood=neighbourhood, territory=neighbourhood, photos=photos,
        actor=None, now=now_utc(), publish_description=bool(form.publish_description.data), **contact).reference


@bp.route("/signaler", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"])
def public_report():
    form = PublicReportForm()
    categories = _prepare(form)
    if form.is_submitted() and form.is_spam:
        logger.warning("hotline honeypot filled: submission dropped, nothing stored")
        return render_template("hotline/public/thanks.html", report=None, contact_dropped=False)
    return handle_form(form, lambda: _submit(form, [f.read() for f in form.uploads]), success=None,
                       redirect_to=lambda reference: _thanks(reference, form), on_error=_show_error) \
        or render_form("hotline/public/form.html", form, categories=categories, max_photos=MAX_PHOTOS)


@bp.route("/signaler/merci")
def public_thanks():
    last = session.get(LAST_REFERENCE_KEY) or {}
    report = services.public_report(last.get("reference", "")) if isinstance(last, dict) else None
    if report is None:
        return redirect(url_for("hotline.public_report"))
    return render_template("hotline/public/thanks.html", report=report,
                           contact_dropped=bool(last.get("contact_dropped")),
                           mail_queued=report.contact_consent and bool(report.contact_email))


# --- follow-up -----------------------------------------------------------------------------------

@bp.route("/signaler/suivi")
def public_track_form():
    form = TrackForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("hotline.public_track", reference=form.reference.data.strip().upper()))
    return render_template("hotline/public/track_form.html", form=form), 422 if form.errors else 200


@bp.route("/suivi/<reference>")
def public_track(reference: str):
    report = services.public_report(reference)
    if report is None:
        abort(404)
    if reference != report.reference:
        return redirect(url_for("hotline.public_track", reference=report.reference))
    return render_template("hotline/public/track.html", report=report, public=disclosure.public_view(report))


@bp.route("/suivi/<reference>/resolu", methods=["GET", "POST"])
@limiter.limit(public_post_limit, methods=["POST"])
def public_fixed(reference: str):
    report = services.public_report(reference)
    if report is None:
        abort(404)
    form = FixedAnswerForm(token=request.args.get("token", ""))
    token = form.token.data if form.is_submitted() else request.args.get("token", "")
    if not services.check_fixed_token(report, token):
        return render_template("hotline/public/fixed.html", report=report, form=form, invalid=True), 404
    recorded = None
    if form.validate_on_submit():
        try:
            recorded = services.record_fixed_answer(report, fixed=form.answer.data == "yes", now=now_utc())
        except DomainError as exc:
            db.session.rollback()
            logger.warning("fixed answer of report %s refused: %s", report.id, exc.message)
            recorded = False
        else:
            db.session.commit()
    return render_template("hotline/public/fixed.html", report=report, form=form, invalid=False,
                           recorded=recorded), 422 if form.errors else 200


@bp.route(services.PRIVACY_PATH)
def public_privacy():
    """« Données personnelles »: controller, purposes, legal bases, retention, recipients, rights (RGPD art. 13)."""
    return render_template("hotline/public/privacy.html",
                           retention_months=current_app.config["CONTACT_RETENTION_MONTHS"])


# --- error pages of the public side --------------------------------------------------------------

@bp.errorhandler(NotFound)
def public_not_found(exc: NotFound):
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return render_template("errors/404.html", code=404, message=exc.description), 404
    return render_template("hotline/public/404.html"), 404


@bp.errorhandler(CSRFError)
def public_form_expired(exc: CSRFError):
    """A resident's form sent after its session ended: a public page that says the report was not recorded and
    how to send it again (the back office keeps the site's page; none of its forms keeps a draft)."""
    if request.endpoint not in PUBLIC_ENDPOINTS:
        return render_template("errors/generic.html", code=400, message=exc.description, draft_kept=False), 400
    return render_template("hotline/public/400_expired.html"), 400


@bp.errorhandler(RequestEntityTooLarge)
def public_too_large(exc: RequestEntityTooLarge):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return render_template("hotline/public/413.html", size=_size_label(limit) if limit else "",
                           public=_is_public()), 413


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(exc: RateLimitExceeded):
    """Every rate-limited route: JSON for the API and Open311, a French page elsewhere."""
    message = _("Trop de demandes depuis votre connexion : patientez quelques minutes avant de réessayer.")
    retry = getattr(exc, "retry_after", None)
    if is_api_request():
        response = jsonify({"code": 429, "status": "Too Many Requests", "message": message})
    elif request.path.startswith("/open311/"):
        if request.path.endswith(".xml"):
            from xml.sax.saxutils import escape

            xml = ('<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>429</code>'
                   f"<description>{escape(message)}</description></error></errors>")
            response = current_response(xml, "application/xml; charset=utf-8")
        else:
            response = jsonify([{"code": 429, "description": message}])
    elif _is_public():
        response = current_response(render_template("hotline/public/429.html", message=message),
                                    "text/html; charset=utf-8")
    else:
        response = current_response(render_template("errors/generic.html", code=429, message=message),
                                    "text/html; charset=utf-8")
    response.status_code = 429
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


def current_response(body: str, mimetype: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    return response


from gup.hotline import backoffice  # noqa: F401,E402
