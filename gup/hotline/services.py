"""Use cases of resident reports: intake by every channel, triage, routing, public answers, mail, privacy.

Services flush, never commit. E-mails are written to the shared outbox (gup.notifications) in the same
transaction as their cause, with the report as their cause (`cause_kind="resident_report"`); the scheduler's
outbox job delivers them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from gup.agreements.models import Agreement, AgreementStatus, agreement_territories
from gup.audit.services import acting_as, record_status_change
from gup.errors import DomainError
from gup.extensions import db
from gup.hotline import disclosure
from gup.hotline.models import (
    CLOSED_REPORT_STATUSES,
    CategoryRoute,
    Channel,
    ReportCategory,
    ReportStatus,
    ReportUpdate,
    ResidentReport,
    ResponseTemplate,
)
from gup.notifications import services as notifications
from gup.notifications.models import OutboundMail
from gup.notifications.partners import notify_organisation
from gup.organisations.models import Organisation
from gup.territory.models import Territory
from gup.territory.queries import distance_m, housing_provider_of, neighbourhood_above, other_housing_provider

logger = logging.getLogger(__name__)

#: how the outbox names a resident report as the cause of a mail
CAUSE_KIND = "resident_report"
#: the public « Données personnelles » page (hotline.public_privacy)
PRIVACY_PATH = "/donnees-personnelles"

#: built-in public explanations, used when no editable template exists for (category, status)
DEFAULT_TEXTS: dict[ReportStatus, str] = {
    ReportStatus.RECEIVED: "Votre signalement {reference} a bien été reçu. Il sera examiné par la coordination GUP.",
    ReportStatus.QUALIFIED: "Votre signalement {reference} a été vérifié par la coordination GUP.",
    ReportStatus.SENT: "Votre signalement a été transmis à {organisation}, qui est chargé de le traiter.",
    ReportStatus.IN_PROGRESS: "{organisation} a pris en charge votre signalement : une intervention est prévue.",
    ReportStatus.RESOLVED: "{organisation} indique que le problème est réglé. Merci de votre signalement.",
    ReportStatus.NOT_OUR_REMIT: "Ce problème ne relève pas des partenaires de la GUP. Pour le faire traiter, "
                                "contactez : {referral}.",
    ReportStatus.DUPLICATE: "Ce problème avait déjà été signalé : suivez le signalement {duplicate_of}.",
    ReportStatus.REJECTED: "Votre signalement n'a pas pu être retenu.",
}


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


# --- reference data ------------------------------------------------------------------------------

def published_categories() -> list[ReportCategory]:
    return list(db.session.scalars(sa.select(ReportCategory).where(ReportCategory.is_published.is_(True))
                                   .order_by(ReportCategory.position, ReportCategory.label)))


def published_category(code: str) -> ReportCategory | None:
    """The published category of this code (Open311's service_code), else None."""
    return db.session.scalar(sa.select(ReportCategory).where(ReportCategory.code == code,
                                                             ReportCategory.is_published.is_(True)))


def agreement_for(neighbourhood: Territory | None) -> Agreement | None:
    """The agreement in force (else the latest) whose perimeter covers the neighbourhood."""
    if neighbourhood is None:
        return None
    stmt = (sa.select(Agreement).join(agreement_territories)
            .where(agreement_territories.c.territory_id == neighbourhood.id)
            .order_by((Agreement.status == AgreementStatus.IN_FORCE).desc(), Agreement.start_on.desc()))
    return db.session.scalars(stmt).first()


def responsible_for(category: ReportCategory, neighbourhood: Territory | None) -> Organisation | None:
    """Default organisation of a category in a neighbourhood (editable table), else the category's default."""
    if neighbourhood is not None:
        route = db.session.scalar(sa.select(CategoryRoute).where(CategoryRoute.category_id == category.id,
                                                                 CategoryRoute.neighbourhood_id == neighbourhood.id))
        if route is not None:
            return route.organisation
    return category.default_organisation


def suggested_for(category: ReportCategory, neighbourhood: Territory | None,
                  territory: Territory | None) -> Organisation | None:
    """Triage's proposal: the category's organisation (per neighbourhood, else by default), except that a place
    whose housing provider is known is proposed to that provider rather than to another one (or to nobody).
    A proposal gives the organisation nothing: the report is its own once the coordination routes it."""
    suggestion = responsible_for(category, neighbourhood)
    own = housing_provider_of(territory)
    if own is not None and (suggestion is None or other_housing_provider(suggestion, territory) is not None):
        return own
    return suggestion


def template_text(category: ReportCategory | None, status: ReportStatus) -> str:
    """The editable response template for (category, status), else the one for all categories, else built-in."""
    candidates = db.session.scalars(sa.select(ResponseTemplate).where(
        ResponseTemplate.status == status,
        sa.or_(ResponseTemplate.category_id.is_(None),
               ResponseTemplate.category_id == (category.id if category else None)))).all()
    for wanted in ((category.id if category else None), None):
        for tpl in candidates:
            if tpl.category_id == wanted:
                return tpl.text
    return DEFAULT_TEXTS[status]


def render_text(text: str, report: ResidentReport, **extra: Any) -> str:
    """Fill {reference}, {organisation}, {referral}, {duplicate_of} in a template; unknown names stay as typed."""
    values = {"reference": report.reference or "",
              "organisation": report.responsible_organisation.name if report.responsible_organisation else
              _("l'organisme compétent"),
              "referral": extra.get("referral") or "", "duplicate_of":
                  report.duplicate_of.reference if report.duplicate_of else ""}

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return text.format_map(_Keep(values))
    except (ValueError, IndexError):
        return text


# --- mail ----------------------------------------------------------------------------------------

def tracking_url(report: ResidentReport) -> str:
    return notifications.mail_url("hotline.public_track", reference=report.reference)


def privacy_url() -> str:
    """The « Données personnelles » page, linked from every e-mail to residents."""
    return notifications.mail_url("hotline.public_privacy")


def _recipients(report: ResidentReport, *, new: bool = False) -> list[tuple[str, ResidentReport]]:
    """Reporters who consented to be contacted: this report's and those merged into it (none yet into a report
    being received: `new` saves the query)."""
    reports = [report] if new else [report, *db.session.scalars(sa.select(ResidentReport).where(
        ResidentReport.duplicate_of_id == report.id))]
    return [(r.contact_email, r) for r in reports if r.contact_consent and r.contact_email and
            r.contact_erased_at is None]


def queue_mail(*, to: str, subject: str, body: str, report: ResidentReport | None) -> OutboundMail:
    """Queue a hand-written mail about a report (or about nothing in particular)."""
    return notifications.queue_mail(to=to, subject=subject, body=body, cause_kind=CAUSE_KIND if report else None,
                                    cause_id=report.id if report else None)


def queue_report_mail(template: str, *, to: str, report: ResidentReport, **context: Any) -> OutboundMail:
    """Queue the mail template `template` (templates/notifications/mail/) about a report, in French: reports do
    not record the reporter's language."""
    context = {"reference": report.reference, "privacy_url": privacy_url(),
               "operator": current_app.config["OPERATOR_NAME"], **context}
    return notifications.queue_notification(template, to=to, context=context,
                                            cause_kind=CAUSE_KIND, cause_id=report.id)


def _notify(report: ResidentReport, text: str, *, new: bool = False) -> None:
    for address, own in _recipients(report, new=new):
        queue_report_mail("report_update", to=address, report=own, text=text, url=tracking_url(own))


# --- intake --------------------------------------------------------------------------------------

def _check_location(report: ResidentReport) -> None:
    if (report.latitude is None) != (report.longitude is None):
        raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="latitude")
    if report.latitude is not None and not (-90 <= report.latitude <= 90 and -180 <= report.longitude <= 180):
        raise DomainError(_("Coordonnées invalides."), field="latitude")
    if not (report.address or report.latitude is not None or report.territory is not None
            or report.neighbourhood is not None or report.address_id):
        raise DomainError(_("Indiquez où se trouve le problème (adresse, lieu ou point sur la carte)."),
                          field="address")


# --- extra questions of a category (Open311 service definition attributes) ------------------------

#: datatypes of an attribute (the same list checks a category's definition in forms.parse_attributes)
ATTRIBUTE_DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})


def attribute_definitions(category: ReportCategory) -> list[dict[str, Any]]:
    """The category's extra questions as service definition attributes, in their order, with defaults."""
    attributes = [a for a in (category.attributes or []) if isinstance(a, dict) and a.get("code")]
    attributes.sort(key=lambda a: (a.get("order") or 0))
    out = []
    for position, attr in enumerate(attributes, start=1):
        datatype = attr.get("datatype") if attr.get("datatype") in ATTRIBUTE_DATATYPES else "string"
        out.append({
            "variable": bool(attr.get("variable", True)),
            "code": str(attr["code"]),
            "datatype": datatype,
            "required": bool(attr.get("required", False)),
            "datatype_description": attr.get("datatype_description"),
            "order": attr.get("order") or position,
            "description": attr.get("description") or "",
            "values": [{"key": str(v.get("key")), "name": v.get("name") or str(v.get("key"))}
                       for v in attr.get("values") or [] if isinstance(v, dict)]
            if datatype in ("singlevaluelist", "multivaluelist") else [],
        })
    return out


def _attribute_value(attr: dict[str, Any], value: str, check_datetime: Any) -> str:
    code, datatype = attr["code"], attr["datatype"]
    if datatype == "singlevaluelist" and value not in {v["key"] for v in attr["values"]}:
        raise DomainError(_("attribute[%(code)s] : valeur inconnue.", code=code), field=f"attribute[{code}]")
    if datatype == "number":
        try:
            float(value)
        except ValueError:
            raise DomainError(_("attribute[%(code)s] : nombre attendu.", code=code),
                              field=f"attribute[{code}]") from None
    if datatype == "datetime":
        check_datetime(value, f"attribute[{code}]")
    if len(value) > 1000:
        raise DomainError(_("attribute[%(code)s] : 1000 caractères au plus.", code=code), field=f"attribute[{code}]")
    return value


def attribute_values(category: ReportCategory, posted: dict[str, list[str]], *,
                     check_datetime: Any) -> dict[str, Any]:
    """Answers to the category's extra questions ({code: [values]}), checked against its definition: required
    ones given, list values known, numbers and datetimes (check_datetime(value, name)) readable."""
    values: dict[str, Any] = {}
    for attr in attribute_definitions(category):
        code, given = attr["code"], posted.get(attr["code"], [])
        if not attr["variable"]:
            continue
        if not given:
            if attr["required"]:
                raise DomainError(_("attribute[%(code)s] est obligatoire.", code=code), field=f"attribute[{code}]")
            continue
        if attr["datatype"] == "multivaluelist":
            if any(v not in {k["key"] for k in attr["values"]} for v in given):
                raise DomainError(_("attribute[%(code)s] : valeur inconnue.", code=code), field=f"attribute[{code}]")
            values[code] = given
            continue
        values[code] = _attribute_value(attr, given[0], check_datetime)
    return values


def submit_report(*, channel: Channel, category: ReportCategory, description: str, actor: Any, now: datetime,
                  address: str | None = None, address_id: str | None = None, latitude: float | None = None,
                  longitude: float | None = None, territory: Territory | None = None,
                  neighbourhood: Territory | None = None, contact_name: str | None = None,
                  contact_email: str | None = None, contact_phone: str | None = None, contact_consent: bool = False,
                  callback_preference: str | None = None, attribute_values: dict | None = None,
                  media_url: str | None = None, photos: Iterable[bytes] = (), open311_client: Any = None,
                  publish_description: bool = False) -> ResidentReport:
    """Record a report from any channel: reference for life, suggested organisation, public acknowledgement,
    acknowledgement e-mail when the reporter gave an address and consented. `publish_description`: the
    resident agreed on the public form that their description and address are published (disclosure rule)."""
    acting_as(db.session, actor)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Décrivez le problème."), field="description")
    if not category.is_published and channel in (Channel.WEB, Channel.OPEN311):
        raise DomainError(_("Cette catégorie n'est pas proposée."), field="category_id")
    neighbourhood = neighbourhood or neighbourhood_above(territory)
    clean = lambda v: (v.strip() or None) if isinstance(v, str) else v  # noqa: E731
    report = ResidentReport(
        channel=channel, category=category, description=description, address=clean(address),
        address_id=clean(address_id), latitude=latitude, longitude=longitude, territory=territory,
        neighbourhood=neighbourhood, agreement=agreement_for(neighbourhood), contact_name=clean(contact_name),
        contact_email=(clean(contact_email) or None) and contact_email.strip().lower(),
        contact_phone=clean(contact_phone),
        contact_consent=bool(contact_consent) and bool(contact_email or contact_phone),
        callback_preference=clean(callback_preference), attribute_values=attribute_values or {},
        media_url=clean(media_url), status=ReportStatus.RECEIVED, created_by_id=_actor_id(actor),
        open311_client_id=getattr(open311_client, "id", None), created_at=now)
    _check_location(report)
    disclosure.intake_disclosure(report, channel=channel, resident_agreed=publish_description,
                                 open311_client=open311_client)
    report.suggested_organisation = suggested_for(category, neighbourhood, territory)  # nobody is in charge yet
    template = template_text(category, ReportStatus.RECEIVED)  # read before the report exists: no autoflush
    # a new report's collections start empty and loaded: appending to them, or reading them once flushed, never
    # reloads them from the database
    report.updates, report.photos = [], []
    db.session.add(report)
    db.session.flush()  # the id makes the reference; everything else goes in the last flush
    with db.session.no_autoflush:
        report.reference = f"GUP-{now.year}-{report.id:06d}"
        if photos:
            from gup.media.services import store_photo

            for data in photos:
                report.photos.append(store_photo(data, actor=actor, now=now))
        text = render_text(template, report)
        db.session.add(ReportUpdate(report=report, status=ReportStatus.RECEIVED, public_text=text, at=now,
                                    author_id=_actor_id(actor)))
        record_status_change(report, from_status=None, to_status=ReportStatus.RECEIVED, actor=actor, at=now)
        _notify(report, text, new=True)
    db.session.flush()
    logger.info("resident report %s received through %s", report.id, channel.value)
    return report


# --- triage and answers --------------------------------------------------------------------------

def change_status(report: ResidentReport, *, to: ReportStatus, actor: Any, now: datetime,
                  public_text: str | None = None, referral: str | None = None) -> ReportUpdate:
    """Move a report and publish the explanation (the template, as adjusted by the operator); the reporter is
    told by e-mail when they consented. A referral is required outside our remit."""
    acting_as(db.session, actor)
    referral = (referral or "").strip() or None
    if to is ReportStatus.NOT_OUR_REMIT and not referral:
        raise DomainError(_("Indiquez à qui s'adresser (réorientation)."), field="referral")
    if to is ReportStatus.SENT and report.responsible_organisation is None:
        raise DomainError(_("Choisissez l'organisme responsable."), field="organisation_id")
    if to is ReportStatus.DUPLICATE and report.duplicate_of is None:
        raise DomainError(_("Pour un doublon, fusionnez-le avec le signalement d'origine."), field="status")
    old = report.status
    report.move_to(to, at=now)
    text = render_text((public_text or "").strip() or template_text(report.category, to), report, referral=referral)
    if referral and referral not in text:  # the operator's wording dropped the placeholder: the referral is told
        text = f"{text}\n" + _("Pour le faire traiter, contactez : %(referral)s.", referral=referral)
    update = ReportUpdate(report=report, status=to, public_text=text, at=now, author_id=_actor_id(actor),
                          organisation_id=report.responsible_organisation_id)
    db.session.add(update)
    if report.first_answer_at is None and to is not ReportStatus.RECEIVED:
        report.first_answer_at = now
    if to is ReportStatus.RESOLVED:
        report.fixed_question_sent_at, report.fixed_answer = None, None
    record_status_change(report, from_status=old, to_status=to, actor=actor, at=now, note=text)
    _notify(report, text)
    db.session.flush()
    logger.info("resident report %s moved %s -> %s by %s", report.id, old.value, to.value, _actor_id(actor))
    return update


def route_report(report: ResidentReport, *, to: Organisation, actor: Any, now: datetime,
                 public_text: str | None = None, reason: str | None = None) -> ReportUpdate:
    """Send (or re-route) the report to the organisation in charge, which from then on reads and answers it; the
    history is kept and the SLA clock keeps running from the day it was received. Another housing provider than
    the place's own needs the reason, kept on the report (and in its history)."""
    acting_as(db.session, actor)
    reason = (reason or "").strip() or None
    if report.is_closed:
        raise DomainError(_("Rouvrez d'abord le signalement."), field="status")
    if to is None:
        raise DomainError(_("Choisissez l'organisme responsable."), field="organisation_id")
    own = other_housing_provider(to, report.territory)
    if own is not None and reason is None:
        raise DomainError(_("Ce lieu est géré par %(own)s : indiquez pourquoi le signalement va à %(other)s.",
                            own=own.name, other=to.name), field="reason")
    report.routing_reason = reason if own is not None else None
    previous_id = report.responsible_organisation_id
    report.responsible_organisation = to
    db.session.flush()
    if report.status is ReportStatus.RECEIVED:
        report.move_to(ReportStatus.QUALIFIED, at=now)
    update = change_status(report, to=ReportStatus.SENT, actor=actor, now=now, public_text=public_text)
    if previous_id != to.id:
        notify_organisation(to, kind="report_sent", obj=report, actor=actor, now=now,
                            url=notifications.mail_url("hotline.detail", report_id=report.id),
                            text=_("Signalement %(reference)s transmis à %(organisation)s : %(what)s",
                                   reference=report.reference or report.id, organisation=to.name,
                                   what=(report.description or "")[:120]))
    return update


def _candidates_stmt(now: datetime) -> sa.Select:
    """Reports a duplicate may be merged into: recent, not themselves duplicates, not rejected; newest first."""
    since = now - timedelta(days=current_app.config["DUPLICATE_WINDOW_DAYS"])
    return (sa.select(ResidentReport).where(ResidentReport.created_at >= since,
                                            ResidentReport.duplicate_of_id.is_(None),
                                            ResidentReport.status != ReportStatus.REJECTED)
            .order_by(ResidentReport.created_at.desc(), ResidentReport.id.desc()))


def _looks_like(report: Any, other: Any, radius_m: float | None = None) -> bool:
    """The duplicate rule: the same address, or the same category within the radius."""
    if other.id == report.id:
        return False
    address = _address_key(report.address)
    if address and _address_key(other.address) == address:
        return True
    return (other.category_id == report.category_id and None not in (
        report.latitude, report.longitude, other.latitude, other.longitude) and
        distance_m(report.latitude, report.longitude, other.latitude, other.longitude)
        <= (current_app.config["DUPLICATE_RADIUS_M"] if radius_m is None else radius_m))


def _address_key(address: str | None) -> str:
    return (address or "").strip().lower()


def duplicate_candidates(report: ResidentReport, *, now: datetime, limit: int = 10) -> list[ResidentReport]:
    """Possible duplicates: same category within the radius, or the same address, in the last 30 days. The
    `limit` most recent are kept and offered oldest first: the original report comes before the newer ones."""
    found = []
    for other in db.session.scalars(_candidates_stmt(now).where(ResidentReport.id != report.id).limit(200)):
        if _looks_like(report, other):
            found.append(other)
        if len(found) >= limit:
            break
    return sorted(found, key=lambda r: (r.created_at, r.id))


def duplicate_counts(reports: list[ResidentReport], *, now: datetime) -> dict[int, int]:
    """Number of possible duplicates of each open report of a list page, in one query whatever the page size
    (the candidates of every report are the same recent reports)."""
    open_reports = [r for r in reports if not r.is_closed]
    if not open_reports:
        return {}
    recent = list(db.session.execute(_candidates_stmt(now).with_only_columns(
        ResidentReport.id, ResidentReport.address, ResidentReport.category_id, ResidentReport.latitude,
        ResidentReport.longitude).limit(2000)))
    # the rule only matches the same category or the same address: each report is compared with those alone
    # (the same category, then the same address in another category: nobody is counted twice)
    by_category: dict[Any, list[Any]] = {}
    by_address: dict[str, list[Any]] = {}
    for other in recent:
        by_category.setdefault(other.category_id, []).append(other)
        if key := _address_key(other.address):
            by_address.setdefault(key, []).append(other)
    radius = current_app.config["DUPLICATE_RADIUS_M"]
    counts = {}
    for r in open_reports:
        n = sum(1 for other in by_category.get(r.category_id, ()) if _looks_like(r, other, radius))
        if key := _address_key(r.address):
            n += sum(1 for other in by_address.get(key, ())
                     if other.category_id != r.category_id and other.id != r.id)
        if n:
            counts[r.id] = n
    return counts


def merge(report: ResidentReport, *, into: ResidentReport, actor: Any, now: datetime,
          public_text: str | None = None) -> ReportUpdate:
    """Close report as a duplicate of `into`; its reporter is told which reference to follow and will receive
    the updates of the surviving report."""
    acting_as(db.session, actor)  # before the first flush: the merge is the coordinator's, not « Système »
    if into.id == report.id or into.duplicate_of_id is not None:
        raise DomainError(_("Choisissez le signalement d'origine (qui n'est pas lui-même un doublon)."),
                          field="duplicate_of_id")
    report.duplicate_of = into
    for child in db.session.scalars(sa.select(ResidentReport).where(ResidentReport.duplicate_of_id == report.id)):
        child.duplicate_of = into
    db.session.flush()
    return change_status(report, to=ReportStatus.DUPLICATE, actor=actor, now=now, public_text=public_text)


def reopen(report: ResidentReport, *, actor: Any, now: datetime, public_text: str | None = None) -> ReportUpdate:
    """Reopen a closed report: a resolved one goes back to its organisation, the others back to triage."""
    acting_as(db.session, actor)
    target = ReportStatus.SENT if report.status is ReportStatus.RESOLVED else ReportStatus.RECEIVED
    if target is ReportStatus.RECEIVED:  # back to triage: nobody is in charge until the coordination routes it
        report.duplicate_of = None
        report.suggested_organisation = report.responsible_organisation or report.suggested_organisation
        report.responsible_organisation = None
    text = public_text or _("Le signalement a été rouvert.")
    return change_status(report, to=target, actor=actor, now=now, public_text=text)


def is_open(report: ResidentReport) -> bool:
    return report.status not in CLOSED_REPORT_STATUSES


# --- back office: qualification, conversion (appended by the back-office helper) -------------------

def requalify(report: ResidentReport, *, category: ReportCategory, actor: Any, now: datetime,
              public_text: str | None = None) -> ResidentReport:
    """Confirm or change the category; a new report becomes qualified. While nobody is in charge yet, a changed
    category brings its default organisation for the neighbourhood."""
    acting_as(db.session, actor)
    if report.is_closed:
        raise DomainError(_("Rouvrez d'abord le signalement."), field="category_id")
    changed = category.id != report.category_id
    report.category = category
    if changed and report.status in (ReportStatus.RECEIVED, ReportStatus.QUALIFIED):
        report.suggested_organisation = suggested_for(category, report.neighbourhood, report.territory)
    db.session.flush()
    if report.status is ReportStatus.RECEIVED:
        change_status(report, to=ReportStatus.QUALIFIED, actor=actor, now=now, public_text=public_text)
    logger.info("resident report %s qualified (category %s) by %s", report.id, category.id, _actor_id(actor))
    return report


def convert_to_finding(report: ResidentReport, *, actor: Any, now: datetime) -> Any:
    """Turn the report into a finding of its agreement (theme of its category, same place); the report keeps its
    channel and remembers the finding."""
    from gup.findings.services import create_finding

    acting_as(db.session, actor)
    if report.finding_id is not None:
        raise DomainError(_("Ce signalement a déjà été transformé en constat."), field="finding")
    if report.agreement is None:
        raise DomainError(_("Aucune convention ne couvre ce lieu : le constat ne peut pas être créé."),
                          field="finding")
    finding = create_finding(report.agreement, actor=actor, now=now,
                             description=f"{report.description}\n({_('Signalement')} {report.reference})",
                             theme=report.category.theme, address=report.address, latitude=report.latitude,
                             longitude=report.longitude, territory=report.territory,
                             responsible_organisation=report.responsible_organisation
                             or report.suggested_organisation, routing_reason=report.routing_reason)
    report.finding_id = finding.id
    db.session.flush()
    logger.info("resident report %s converted to finding %s by %s", report.id, finding.id, _actor_id(actor))
    return finding


def attach_to_action(report: ResidentReport, *, action: Any, actor: Any, now: datetime) -> ResidentReport:
    """Link the report to an existing action of the same agreement (the action answers it)."""
    acting_as(db.session, actor)
    if action is None or report.agreement_id is None or action.agreement_id != report.agreement_id:
        raise DomainError(_("Choisissez une action de la convention du signalement."), field="action_id")
    report.action_id = action.id
    db.session.flush()
    logger.info("resident report %s attached to action %s by %s", report.id, action.id, _actor_id(actor))
    return report


# --- back office settings: response templates, categories, routes (appended by the back-office helper) ----

def save_response_template(template: ResponseTemplate | None, *, category: ReportCategory | None,
                           status: ReportStatus, text: str, actor: Any) -> ResponseTemplate:
    """Create or edit the public explanation of a status, for one category or (category None) for all."""
    acting_as(db.session, actor)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Saisissez le texte du modèle."), field="text")
    existing = db.session.scalar(sa.select(ResponseTemplate).where(
        ResponseTemplate.status == status,
        ResponseTemplate.category_id.is_(None) if category is None else ResponseTemplate.category_id == category.id))
    if existing is not None and existing is not template:
        raise DomainError(_("Un modèle existe déjà pour cette catégorie et ce statut : modifiez-le."), field="status")
    if template is None:
        template = ResponseTemplate()
        db.session.add(template)
    template.category, template.status, template.text = category, status, text
    db.session.flush()
    logger.info("response template %s saved by %s", template.id, _actor_id(actor))
    return template


CATEGORY_FIELDS = frozenset({"code", "label", "description", "theme", "default_organisation", "first_answer_days",
                             "resolution_days", "is_published", "attributes"})


def save_category(category: ReportCategory | None, *, actor: Any, **fields: Any) -> ReportCategory:
    """Create or edit a report category (code unique, SLA days, Open311 attributes already checked)."""
    acting_as(db.session, actor)
    unknown = set(fields) - CATEGORY_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    code = (fields.get("code") or "").strip()
    clash = db.session.scalar(sa.select(ReportCategory).where(ReportCategory.code == code))
    if clash is not None and clash is not category:
        raise DomainError(_("Ce code est déjà utilisé par une autre catégorie."), field="code")
    if category is None:
        category = ReportCategory()
        db.session.add(category)
    for key, value in fields.items():
        setattr(category, key, value)
    category.code = code
    db.session.flush()
    logger.info("report category %s saved by %s", category.id, _actor_id(actor))
    return category


def set_category_route(category: ReportCategory, *, neighbourhood: Territory, organisation: Organisation,
                       actor: Any) -> CategoryRoute:
    """Set (or replace) the organisation in charge of a category in one neighbourhood."""
    acting_as(db.session, actor)
    route = next((r for r in category.routes if r.neighbourhood_id == neighbourhood.id), None)
    if route is None:
        route = CategoryRoute(category=category, neighbourhood=neighbourhood, organisation=organisation)
        db.session.add(route)
    route.organisation = organisation
    db.session.flush()
    logger.info("report category %s routed in %s to %s by %s", category.id, neighbourhood.id, organisation.id,
                _actor_id(actor))
    return route


def delete_category_route(route: CategoryRoute, *, actor: Any) -> None:
    acting_as(db.session, actor)
    db.session.delete(route)
    db.session.flush()
    logger.info("report category route %s deleted by %s", route.id, _actor_id(actor))


# --- public side: tracking page, « is it fixed? », privacy (hotline-public) ----------------------

FIXED_TOKEN_SALT = "gup-fixed"  # noqa: S105  (a signing namespace, not a secret)
FIXED_TOKEN_MAX_AGE = 60 * 24 * 3600  # the « is it fixed? » link stays valid 60 days


def public_report(reference: str) -> ResidentReport | None:
    """The report a resident follows, by its reference (case and spaces ignored), with what the page shows."""
    from sqlalchemy.orm import joinedload, selectinload

    wanted = (reference or "").strip().upper()
    if not wanted or len(wanted) > 40:
        return None
    return db.session.scalar(
        sa.select(ResidentReport).where(ResidentReport.reference == wanted)
        .options(joinedload(ResidentReport.category), joinedload(ResidentReport.responsible_organisation),
                 joinedload(ResidentReport.neighbourhood), joinedload(ResidentReport.duplicate_of),
                 selectinload(ResidentReport.updates)))


def _fixed_serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=FIXED_TOKEN_SALT)


def fixed_question_token(report: ResidentReport) -> str:
    """Signed token of the « is it fixed? » link (no database column: the signature is the proof)."""
    return _fixed_serializer().dumps(report.id)


def fixed_question_url(report: ResidentReport) -> str:
    return f"{tracking_url(report)}/resolu?token={fixed_question_token(report)}"


def check_fixed_token(report: ResidentReport, token: str | None) -> bool:
    """Whether token was signed for this report and is less than 60 days old."""
    from itsdangerous import BadData

    if not token or len(token) > 500:
        return False
    try:
        return _fixed_serializer().loads(token, max_age=FIXED_TOKEN_MAX_AGE) == report.id
    except BadData:
        return False


def record_fixed_answer(report: ResidentReport, *, fixed: bool, now: datetime) -> bool:
    """The reporter's answer to « is it fixed? »; « no » reopens the report. False when already answered
    (or no longer resolved), so a second click changes nothing."""
    if report.status is not ReportStatus.RESOLVED or report.fixed_answer is not None:
        return False
    report.fixed_answer = fixed
    if not fixed:
        reopen(report, actor=None, now=now, public_text=_("L'habitant·e indique que le problème persiste."))
        report.fixed_answer = False  # reopening does not clear the answer: it explains why it was reopened
    db.session.flush()
    logger.info("resident report %s: fixed answer %s", report.id, fixed)
    return True


def _contact_criteria():
    return sa.or_(ResidentReport.contact_name.is_not(None), ResidentReport.contact_email.is_not(None),
                  ResidentReport.contact_phone.is_not(None), ResidentReport.callback_preference.is_not(None),
                  ResidentReport.contact_consent.is_(True))


def erase_contact_where(*criteria: Any, now: datetime) -> int:
    """Erase the contact details of the reports matching criteria (one bulk UPDATE) and delete their unsent
    mails; reports already erased are left alone, so running it twice changes nothing."""
    where = [ResidentReport.contact_erased_at.is_(None), _contact_criteria(), *criteria]
    ids = sa.select(ResidentReport.id).where(*where).scalar_subquery()
    notifications.delete_unsent(notifications.pending_of(CAUSE_KIND, ids))
    result = db.session.execute(
        sa.update(ResidentReport).where(*where)
        .values(contact_name=None, contact_email=None, contact_phone=None, callback_preference=None,
                contact_consent=False, contact_erased_at=now)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def erase_contact_for_email(email: str, *, actor: Any, now: datetime) -> int:
    """On request (administrator): erase every contact detail stored with this e-mail address."""
    address = (email or "").strip().lower()
    if not address:
        return 0
    notifications.delete_unsent(sa.func.lower(OutboundMail.to_address) == address)
    count = erase_contact_where(sa.func.lower(ResidentReport.contact_email) == address, now=now)
    logger.info("contact data of %s report(s) erased on request by user %s", count, _actor_id(actor))
    return count


def export_contact_data(email: str) -> list[dict[str, Any]]:
    """Everything stored about the person with this e-mail address (right of access), one dict per report."""
    address = (email or "").strip().lower()
    if not address:
        return []
    reports = db.session.scalars(sa.select(ResidentReport).where(sa.func.lower(ResidentReport.contact_email) == address)
                                 .order_by(ResidentReport.id)).all()
    mails = db.session.scalars(sa.select(OutboundMail).where(sa.func.lower(OutboundMail.to_address) == address)
                               .order_by(OutboundMail.id)).all()
    out = []
    for report in reports:
        out.append({
            "reference": report.reference, "received_at": report.created_at.isoformat(),
            "status": report.status.value, "description": report.description, "address": report.address,
            "contact_name": report.contact_name, "contact_email": report.contact_email,
            "contact_phone": report.contact_phone, "contact_consent": report.contact_consent,
            "callback_preference": report.callback_preference,
            "mails": [{"subject": m.subject, "created_at": m.created_at.isoformat(),
                       "sent_at": m.sent_at.isoformat() if m.sent_at else None}
                      for m in mails if m.cause_kind == CAUSE_KIND and m.cause_id == report.id],
        })
    return out


def report_from_finding(finding: Any, *, category: ReportCategory, actor: Any, now: datetime) -> ResidentReport:
    """Open a resident report from a walk-through finding (channel « constat de diagnostic »), so that what
    residents raised during a walk is followed in the same queue and answered publicly; the report remembers
    the finding and its organisation."""
    acting_as(db.session, actor)
    existing = db.session.scalar(sa.select(ResidentReport).where(ResidentReport.finding_id == finding.id))
    if existing is not None:
        raise DomainError(_("Un signalement existe déjà pour ce constat : %(reference)s.",
                            reference=existing.reference), field="category_id")
    neighbourhood = neighbourhood_above(finding.territory) or (finding.walkthrough.neighbourhood
                                                            if finding.walkthrough else None)
    report = submit_report(channel=Channel.FINDING, category=category, description=finding.description, actor=actor,
                           now=now, address=finding.address or (finding.stop.name if finding.stop else None),
                           latitude=finding.latitude, longitude=finding.longitude, territory=finding.territory,
                           neighbourhood=neighbourhood)
    report.finding_id = finding.id
    if finding.responsible_organisation is not None:  # proposed: the report is triaged and routed like any other
        report.suggested_organisation = finding.responsible_organisation
    db.session.flush()
    logger.info("finding %s opened as resident report %s by %s", finding.id, report.id, _actor_id(actor))
    return report


def map_centre() -> tuple[float, float, int]:
    """The public form's map start (MAP_CENTRE « lat,lng[,zoom] »; France when unreadable)."""
    try:
        parts = [float(p) for p in str(current_app.config.get("MAP_CENTRE") or "").split(",")]
        lat, lng = parts[0], parts[1]
        zoom = int(parts[2]) if len(parts) > 2 else 15
        if -90 <= lat <= 90 and -180 <= lng <= 180 and 1 <= zoom <= 19:
            return lat, lng, zoom
    except (ValueError, IndexError):
        pass
    return 46.6, 2.4, 5
