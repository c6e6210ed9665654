"""Use cases of resident reports: intake by every channel, triage, routing, public answers, mail, privacy.

Services flush, never commit. E-mails are written to the outbox (OutboundMail) in the same transaction as
their cause; `gup.hotline.mail.send_outbox` delivers them.
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
from gup.findings.services import distance_m
from gup.hotline.models import (CLOSED_REPORT_STATUSES, CategoryRoute, Channel, OutboundMail, ReportCategory,
                                ReportStatus, ReportUpdate, ResidentReport, ResponseTemplate)
from gup.organisations.models import Organisation
from gup.territory.models import Territory, TerritoryKind

logger = logging.getLogger(__name__)

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


def neighbourhood_of(territory: Territory | None) -> Territory | None:
    node = territory
    while node is not None and node.kind is not TerritoryKind.NEIGHBOURHOOD:
        node = node.parent
    return node


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
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    return f"{base.rstrip('/')}/suivi/{report.reference}"


def _recipients(report: ResidentReport) -> list[tuple[str, ResidentReport]]:
    """Reporters who consented to be contacted: this report's and those merged into it."""
    reports = [report, *db.session.scalars(sa.select(ResidentReport).where(
        ResidentReport.duplicate_of_id == report.id))]
    return [(r.contact_email, r) for r in reports if r.contact_consent and r.contact_email and
            r.contact_erased_at is None]


def queue_mail(*, to: str, subject: str, body: str, report: ResidentReport | None) -> OutboundMail:
    mail = OutboundMail(to_address=to, subject=subject, body=body, report_id=report.id if report else None)
    db.session.add(mail)
    return mail


def _notify(report: ResidentReport, text: str) -> None:
    for address, own in _recipients(report):
        body = _("Bonjour,\n\n%(text)s\n\nRéférence de votre signalement : %(reference)s\nSuivi : %(url)s\n\n"
                 "— La coordination GUP\n(Vous recevez ce message car vous avez accepté d'être tenu·e informé·e.)",
                 text=text, reference=own.reference, url=tracking_url(own))
        queue_mail(to=address, subject=_("Votre signalement %(reference)s", reference=own.reference), body=body,
                   report=own)


# --- intake --------------------------------------------------------------------------------------

def _check_location(report: ResidentReport) -> None:
    if (report.latitude is None) != (report.longitude is None):
        raise DomainError(_("Indiquez la latitude et la longitude, ou aucune des deux."), field="latitude")
    if report.latitude is not None and not (-90 <= report.latitude <= 90 and -180 <= report.longitude <= 180):
        raise DomainError(_("Coordonnées invalides."), field="latitude")
    if not (report.address or report.latitude is not None or report.territory_id or report.address_id):
        raise DomainError(_("Indiquez où se trouve le problème (adresse, lieu ou point sur la carte)."),
                          field="address")


def submit_report(*, channel: Channel, category: ReportCategory, description: str, actor: Any, now: datetime,
                  address: str | None = None, address_id: str | None = None, latitude: float | None = None,
                  longitude: float | None = None, territory: Territory | None = None,
                  neighbourhood: Territory | None = None, contact_name: str | None = None,
                  contact_email: str | None = None, contact_phone: str | None = None, contact_consent: bool = False,
                  callback_preference: str | None = None, attribute_values: dict | None = None,
                  media_url: str | None = None, photos: Iterable[bytes] = (), open311_client: Any = None
                  ) -> ResidentReport:
    """Record a report from any channel: reference for life, suggested organisation, public acknowledgement,
    acknowledgement e-mail when the reporter gave an address and consented."""
    acting_as(db.session, actor)
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Décrivez le problème."), field="description")
    if not category.is_published and channel in (Channel.WEB, Channel.OPEN311):
        raise DomainError(_("Cette catégorie n'est pas proposée."), field="category_id")
    neighbourhood = neighbourhood or neighbourhood_of(territory)
    clean = lambda v: (v.strip() or None) if isinstance(v, str) else v  # noqa: E731
    report = ResidentReport(
        channel=channel, category=category, description=description, address=clean(address),
        address_id=clean(address_id), latitude=latitude, longitude=longitude, territory=territory,
        neighbourhood=neighbourhood, agreement=agreement_for(neighbourhood), contact_name=clean(contact_name),
        contact_email=(clean(contact_email) or None) and contact_email.strip().lower(),
        contact_phone=clean(contact_phone), contact_consent=bool(contact_consent) and bool(contact_email or contact_phone),
        callback_preference=clean(callback_preference), attribute_values=attribute_values or {},
        media_url=clean(media_url), status=ReportStatus.RECEIVED, created_by_id=_actor_id(actor),
        open311_client_id=getattr(open311_client, "id", None), created_at=now)
    _check_location(report)
    report.responsible_organisation = responsible_for(category, neighbourhood)
    db.session.add(report)
    db.session.flush()
    report.reference = f"GUP-{now.year}-{report.id:06d}"
    if photos:
        from gup.media.services import store_photo

        for data in photos:
            report.photos.append(store_photo(data, actor=actor, now=now))
    text = render_text(template_text(category, ReportStatus.RECEIVED), report)
    db.session.add(ReportUpdate(report=report, status=ReportStatus.RECEIVED, public_text=text, at=now,
                                author_id=_actor_id(actor)))
    record_status_change(report, from_status=None, to_status=ReportStatus.RECEIVED, actor=actor, at=now)
    _notify(report, text)
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
    text = (public_text or "").strip() or render_text(template_text(report.category, to), report, referral=referral)
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
                 public_text: str | None = None) -> ReportUpdate:
    """Send (or re-route) the report to the organisation in charge; the history is kept and the SLA clock keeps
    running from the day it was received."""
    acting_as(db.session, actor)
    if report.is_closed:
        raise DomainError(_("Rouvrez d'abord le signalement."), field="status")
    report.responsible_organisation = to
    db.session.flush()
    if report.status is ReportStatus.RECEIVED:
        report.move_to(ReportStatus.QUALIFIED, at=now)
    return change_status(report, to=ReportStatus.SENT, actor=actor, now=now, public_text=public_text)


def duplicate_candidates(report: ResidentReport, *, now: datetime, limit: int = 10) -> list[ResidentReport]:
    """Possible duplicates: same category within the radius, or the same address, in the last 30 days."""
    cfg = current_app.config
    since = now - timedelta(days=cfg["DUPLICATE_WINDOW_DAYS"])
    stmt = (sa.select(ResidentReport).where(ResidentReport.id != report.id, ResidentReport.created_at >= since,
                                            ResidentReport.duplicate_of_id.is_(None),
                                            ResidentReport.status != ReportStatus.REJECTED)
            .order_by(ResidentReport.created_at.desc()).limit(200))
    found = []
    address = (report.address or "").strip().lower()
    for other in db.session.scalars(stmt):
        same_address = address and (other.address or "").strip().lower() == address
        near = (other.category_id == report.category_id and None not in (
            report.latitude, report.longitude, other.latitude, other.longitude) and
            distance_m(report.latitude, report.longitude, other.latitude, other.longitude) <= cfg["DUPLICATE_RADIUS_M"])
        if same_address or near:
            found.append(other)
        if len(found) >= limit:
            break
    return found


def merge(report: ResidentReport, *, into: ResidentReport, actor: Any, now: datetime,
          public_text: str | None = None) -> ReportUpdate:
    """Close report as a duplicate of `into`; its reporter is told which reference to follow and will receive
    the updates of the surviving report."""
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
    target = ReportStatus.SENT if report.status is ReportStatus.RESOLVED else ReportStatus.RECEIVED
    if target is ReportStatus.RECEIVED:
        report.duplicate_of = None
    text = public_text or _("Le signalement a été rouvert.")
    return change_status(report, to=target, actor=actor, now=now, public_text=text)


def is_open(report: ResidentReport) -> bool:
    return report.status not in CLOSED_REPORT_STATUSES
