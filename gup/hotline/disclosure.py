"""The public-disclosure rule: what of a resident report every public output may show.

One rule for the tracking page (/suivi/<référence>), Open311 GET (requests, servicerequestupdates) and any
future public page:

- Always public: the reference, category, neighbourhood, status, dates, and the public explanations the
  coordination and the organisation in charge write for the public (ReportUpdate.public_text). The
  organisation in charge is named only once the report was sent to it (never the organisation only suggested
  at intake, never for a report declared out of remit, rejected or merged).
- The resident's own words (description, address, media link) are published only when the resident wrote them
  on a public channel that said so — the web form's « publier ma description » box, an Open311 application
  declared by an administrator as telling its users (Open311Client.public_intake) — or once the coordination
  approved a public wording (which can differ from what was typed: « Appel de Mme K. : … » becomes « Dépôt
  sauvage devant le bâtiment B »). Phone calls, relays and findings are never published as typed.
- Rejected reports are not published in feeds (Open311 GET omits them) except to the client that posted them.
- Contact details (name, e-mail, phone, callback preference) and photos are never published.
- An Open311 client holding a key may be granted more by an administrator (Open311Client.reads_private): the
  description and address of every report, still never contact details. A client always reads what it posted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.hotline.models import ADDRESS_MAX, TEXT_MAX, Channel, Disclosure, ReportStatus, ResidentReport
from gup.organisations.models import Organisation

#: statuses at which the organisation in charge is named publicly: the report was sent to it
ROUTED_STATUSES = frozenset({ReportStatus.SENT, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED})
#: statuses never listed in public feeds (the reporter still reads the answer on the tracking page)
UNPUBLISHED_STATUSES = frozenset({ReportStatus.REJECTED})


def owns(report: ResidentReport, client: Any) -> bool:
    """The Open311 client posted this report."""
    return client is not None and report.open311_client_id == getattr(client, "id", None)


def reads_private(report: ResidentReport, client: Any) -> bool:
    """An Open311 client granted more (or the one that posted the report) reads the resident's words."""
    return client is not None and (bool(getattr(client, "reads_private", False)) or owns(report, client))


def listed(client: Any = None) -> Any:
    """The SQL criterion of the reports public feeds list (Open311 GET): not rejected, unless the client posted
    the report or was granted more."""
    if client is not None and client.reads_private:
        return sa.true()
    shown = ResidentReport.status.not_in(list(UNPUBLISHED_STATUSES))
    return sa.or_(shown, ResidentReport.open311_client_id == client.id) if client is not None else shown


def is_disclosed(report: ResidentReport) -> bool:
    return report.disclosure is not Disclosure.PRIVATE


def public_description(report: ResidentReport, client: Any = None) -> str | None:
    """The description a public output may show, or None."""
    if reads_private(report, client):
        return report.description
    return report.public_description if is_disclosed(report) else None


def public_address(report: ResidentReport, client: Any = None) -> str | None:
    if reads_private(report, client):
        return report.address
    return report.public_address if is_disclosed(report) else None


def public_address_id(report: ResidentReport, client: Any = None) -> str | None:
    """An address identifier locates the place as precisely as the address: published with it."""
    if reads_private(report, client) or report.disclosure is Disclosure.RESIDENT:
        return report.address_id
    return None


def public_media_url(report: ResidentReport, client: Any = None) -> str | None:
    """A media link is the resident's: published with their words only."""
    if reads_private(report, client) or report.disclosure is Disclosure.RESIDENT:
        return report.media_url
    return None


def public_organisation(report: ResidentReport) -> Organisation | None:
    """The organisation named « chargé du problème »: only once the report was sent to it."""
    return report.responsible_organisation if report.status in ROUTED_STATUSES else None


#: the milestones a resident follows on the tracking page, and the status each one is reached with
MILESTONES = ((ReportStatus.RECEIVED, (ReportStatus.RECEIVED, ReportStatus.QUALIFIED)),
              (ReportStatus.SENT, (ReportStatus.SENT,)),
              (ReportStatus.IN_PROGRESS, (ReportStatus.IN_PROGRESS,)),
              (ReportStatus.RESOLVED, (ReportStatus.RESOLVED,)))


def progress_steps(report: ResidentReport) -> list[dict[str, Any]]:
    """« Reçu → Transmis → En cours → Résolu » with each step done, current or to come; a report closed another
    way (not our remit, duplicate, rejected) ends on that status instead of the steps it will not reach."""
    if report.status in (ReportStatus.NOT_OUR_REMIT, ReportStatus.DUPLICATE, ReportStatus.REJECTED):
        return [{"label": ReportStatus.RECEIVED.label, "state": "done"},
                {"label": report.status.label, "state": "current"}]
    current = next(i for i, (_m, reached) in enumerate(MILESTONES) if report.status in reached)
    return [{"label": milestone.label, "state": "done" if i < current else "current" if i == current else "todo"}
            for i, (milestone, _reached) in enumerate(MILESTONES)]


def public_view(report: ResidentReport) -> dict[str, Any]:
    """What the public tracking page shows beyond the status and the public explanations."""
    return {"organisation": public_organisation(report), "description": public_description(report),
            "address": public_address(report), "steps": progress_steps(report)}


def intake_disclosure(report: ResidentReport, *, channel: Channel, resident_agreed: bool,
                      open311_client: Any = None) -> None:
    """At intake: the resident's words are public only on a public channel that said so."""
    public_channel = (channel is Channel.WEB and resident_agreed) or (
        channel is Channel.OPEN311 and bool(getattr(open311_client, "public_intake", False)))
    if public_channel:
        report.disclosure = Disclosure.RESIDENT
        report.public_description, report.public_address = report.description, report.address
    else:
        report.disclosure = Disclosure.PRIVATE
        report.public_description = report.public_address = None


def approve_wording(report: ResidentReport, *, description: str, address: str | None, actor: Any,
                    now: datetime) -> ResidentReport:
    """The coordination publishes a wording of the problem (its own words, free of personal data)."""
    acting_as(db.session, actor)
    description = (description or "").strip()
    address = (address or "").strip() or None
    if not description:
        raise DomainError(_("Rédigez la description publique."), field="public_description")
    if len(description) > TEXT_MAX:
        raise DomainError(_("%(n)s caractères au plus.", n=TEXT_MAX), field="public_description")
    if address and len(address) > ADDRESS_MAX:
        raise DomainError(_("%(n)s caractères au plus.", n=ADDRESS_MAX), field="public_address")
    report.disclosure = Disclosure.APPROVED
    report.public_description, report.public_address = description, address
    report.disclosure_by_id, report.disclosure_at = getattr(actor, "id", None), now
    db.session.flush()
    return report


def withdraw(report: ResidentReport, *, actor: Any, now: datetime) -> ResidentReport:
    """Nothing of the resident's words is published any more."""
    acting_as(db.session, actor)
    report.disclosure = Disclosure.PRIVATE
    report.public_description = report.public_address = None
    report.disclosure_by_id, report.disclosure_at = getattr(actor, "id", None), now
    db.session.flush()
    return report
