"""Use cases of the TFPB abatement: record valued actions and abatements, send the annual review to the
signatories. Services flush, never commit."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.agreements.models import Agreement, TfpbAxisRef
from gup.audit.services import acting_as
from gup.auth.models import User
from gup.errors import DomainError
from gup.extensions import db
from gup.inputs import AMOUNT_MAX
from gup.notifications.services import queue_notification
from gup.organisations.models import Organisation, OrganisationKind
from gup.territory.models import Territory, TerritoryKind
from gup.tfpb.models import YEAR_MAX, YEAR_MIN, TfpbAbatement, TfpbAction, TfpbReviewSending

logger = logging.getLogger(__name__)

ACTION_FIELDS = frozenset({"provider", "neighbourhood", "axis_code", "year", "title", "description",
                           "valued_amount", "commitment"})
#: the outbox's cause of the review mails (one sending, many mails)
REVIEW_MAIL_CAUSE = "tfpb_review_sending"


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


# --- checks shared by actions and abatements -----------------------------------------------------

def check_provider(agreement: Agreement, provider: Organisation | None) -> Organisation:
    """A housing provider partner of the agreement (the abatement concerns social housing only)."""
    if provider is None:
        raise DomainError(_("Choisissez le bailleur."), field="provider_id")
    if provider.kind is not OrganisationKind.HOUSING_PROVIDER:
        raise DomainError(_("L'abattement de TFPB ne concerne que les bailleurs sociaux."), field="provider_id")
    if not any(p.organisation_id == provider.id for p in agreement.partners):
        raise DomainError(_("Ce bailleur n'est pas partenaire de la convention."), field="provider_id")
    return provider


def check_qpv(agreement: Agreement, neighbourhood: Territory | None) -> Territory:
    """A priority neighbourhood (QPV code) of the agreement's perimeter."""
    if neighbourhood is None:
        raise DomainError(_("Choisissez le quartier prioritaire."), field="neighbourhood_id")
    if neighbourhood.kind is not TerritoryKind.NEIGHBOURHOOD or not neighbourhood.is_qpv:
        raise DomainError(_("L'abattement ne s'applique qu'en quartier prioritaire (QPV) : ce quartier n'a pas "
                            "de code QPV."), field="neighbourhood_id")
    if neighbourhood not in agreement.territories:
        raise DomainError(_("Ce quartier n'est pas dans le périmètre de la convention."), field="neighbourhood_id")
    return neighbourhood


def check_year(year: int | None) -> int:
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(_("Année invalide (entre %(low)s et %(high)s).", low=YEAR_MIN, high=YEAR_MAX),
                          field="year")
    return year


def check_amount(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        raise DomainError(_("Indiquez le montant."), field=field)
    if not Decimal(0) <= value <= AMOUNT_MAX:
        raise DomainError(_("Nombre hors limites (un montant est positif)."), field=field)
    return value


def axis_valid_in(axis: TfpbAxisRef, year: int) -> bool:
    """An axis may be given to a year's action when it was in force on at least one day of that year."""
    return axis.valid_from <= date(year, 12, 31) and (axis.valid_to is None or axis.valid_to >= date(year, 1, 1))


def check_axis(code: str | None, year: int) -> TfpbAxisRef:
    if not code:
        raise DomainError(_("Précisez l'axe TFPB."), field="axis_code")
    axis = db.session.get(TfpbAxisRef, code)
    if axis is None:
        raise DomainError(_("Axe TFPB inconnu."), field="axis_code")
    if not axis_valid_in(axis, year):
        raise DomainError(_("L'axe TFPB « %(label)s » n'était pas en vigueur en %(year)s.", label=axis.label,
                            year=year), field="axis_code")
    return axis


def _check_action(action: TfpbAction) -> None:
    with db.session.no_autoflush:
        agreement = action.agreement
        check_provider(agreement, action.provider)
        check_qpv(agreement, action.neighbourhood)
        check_year(action.year)
        check_axis(action.axis_code, action.year)
        check_amount(action.valued_amount, "valued_amount")
        if not (action.title or "").strip():
            raise DomainError(_("Champ obligatoire."), field="title")
        commitment = action.commitment
        if commitment is not None and (commitment.agreement_id != agreement.id
                                       or commitment.partner.organisation_id != action.provider.id):
            raise DomainError(_("Cet engagement n'est pas un engagement de ce bailleur dans la convention."),
                              field="commitment_id")


def _apply(action: TfpbAction, fields: dict[str, Any]) -> None:
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise TypeError(f"unknown TFPB action fields: {sorted(unknown)}")
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip() or None
        setattr(action, name, value)


# --- actions -------------------------------------------------------------------------------------

def create_action(agreement: Agreement, *, actor: Any, **fields: Any) -> TfpbAction:
    """Record an action a housing provider values against its TFPB abatement."""
    acting_as(db.session, actor)
    with db.session.no_autoflush:
        action = TfpbAction(agreement=agreement)
        _apply(action, fields)
        _check_action(action)
    db.session.add(action)
    db.session.flush()
    logger.info("TFPB action %s created by %s", action.id, _actor_id(actor))
    return action


def update_action(action: TfpbAction, *, actor: Any, **fields: Any) -> TfpbAction:
    """Change a TFPB action (its agreement stays)."""
    acting_as(db.session, actor)
    with db.session.no_autoflush:
        _apply(action, fields)
        _check_action(action)
    db.session.flush()
    logger.info("TFPB action %s updated by %s", action.id, _actor_id(actor))
    return action


# --- abatements ----------------------------------------------------------------------------------

def record_abatement(agreement: Agreement, *, provider: Organisation | None, neighbourhood: Territory | None,
                     year: int | None, abatement_amount: Decimal | None, dwellings: int | None,
                     actor: Any) -> TfpbAbatement:
    """Set the abatement a provider received for a QPV and a year (and its dwellings there): one row each."""
    acting_as(db.session, actor)
    with db.session.no_autoflush:
        check_provider(agreement, provider)
        check_qpv(agreement, neighbourhood)
        check_year(year)
        check_amount(abatement_amount, "abatement_amount")
        if dwellings is not None and not 0 <= dwellings <= 1_000_000:
            raise DomainError(_("Nombre de logements invalide."), field="dwellings")
        row = db.session.scalar(sa.select(TfpbAbatement).where(
            TfpbAbatement.agreement_id == agreement.id, TfpbAbatement.provider_id == provider.id,
            TfpbAbatement.neighbourhood_id == neighbourhood.id, TfpbAbatement.year == year))
    if row is None:
        row = TfpbAbatement(agreement=agreement, provider=provider, neighbourhood=neighbourhood, year=year)
        db.session.add(row)
    row.abatement_amount, row.dwellings = abatement_amount, dwellings
    db.session.flush()
    logger.info("TFPB abatement %s recorded by %s", row.id, _actor_id(actor))
    return row


def update_abatement(row: TfpbAbatement, *, abatement_amount: Decimal | None, dwellings: int | None,
                     actor: Any) -> TfpbAbatement:
    """Correct the amount or the dwellings of a recorded abatement."""
    return record_abatement(row.agreement, provider=row.provider, neighbourhood=row.neighbourhood, year=row.year,
                            abatement_amount=abatement_amount, dwellings=dwellings, actor=actor)


# --- sending the review to the signatories -------------------------------------------------------

def review_recipients(agreement: Agreement, provider: Organisation) -> list[User]:
    """The active users of the agreement's signatory organisations, by organisation and name; another housing
    provider's users never receive this provider's review."""
    org_ids = {s.organisation_id for s in agreement.signatories}
    users = db.session.scalars(sa.select(User).join(Organisation, User.organisation_id == Organisation.id)
                               .where(User.organisation_id.in_(org_ids), User.is_active_account.is_(True))
                               .order_by(Organisation.name, User.full_name, User.id))
    return [u for u in users if u.organisation.kind is not OrganisationKind.HOUSING_PROVIDER
            or u.organisation_id == provider.id]


def sendings_of(agreement: Agreement, provider: Organisation, year: int) -> list[TfpbReviewSending]:
    """Earlier sendings of a review, the latest first."""
    return list(db.session.scalars(
        sa.select(TfpbReviewSending).where(TfpbReviewSending.agreement_id == agreement.id,
                                           TfpbReviewSending.provider_id == provider.id,
                                           TfpbReviewSending.year == year)
        .order_by(TfpbReviewSending.number.desc())))


def send_review(agreement: Agreement, provider: Organisation, year: int, *, links: dict[str, str],
                actor: Any, now: datetime, again: bool = False) -> TfpbReviewSending:
    """Queue one mail per user of each signatory organisation with the links to the review and its PDF.

    Sending a review that was already sent is refused unless `again` says the sender means it; each sending is
    numbered (a unique key), so two clicks at once send once."""
    previous = sendings_of(agreement, provider, year)
    if previous and not again:
        raise DomainError(_("Ce bilan a déjà été envoyé aux signataires le %(day)s : cochez « Envoyer à nouveau » "
                            "pour l'envoyer une nouvelle fois.", day=previous[0].sent_at.strftime("%d/%m/%Y")),
                          field="again")
    recipients = review_recipients(agreement, provider)
    if not recipients:
        raise DomainError(_("Aucun destinataire : les organismes signataires n'ont pas de compte actif."),
                          field="again")
    sending = TfpbReviewSending(agreement_id=agreement.id, provider_id=provider.id, year=year,
                                number=(previous[0].number + 1) if previous else 1, sent_at=now,
                                sent_by_id=_actor_id(actor), recipient_count=len(recipients))
    try:
        with db.session.begin_nested():
            db.session.add(sending)
            db.session.flush()
    except sa.exc.IntegrityError:
        raise DomainError(_("Ce bilan vient d'être envoyé par quelqu'un d'autre."), field="again") from None
    context = {"agreement": agreement.reference, "agreement_title": agreement.title, "provider": provider.name,
               "year": year, **links}
    for user in recipients:
        queue_notification("tfpb_review", to=user.email, context={**context, "name": user.full_name},
                           cause_kind=REVIEW_MAIL_CAUSE, cause_id=sending.id)
    db.session.flush()
    logger.info("TFPB review of provider %s for %s (agreement %s) sent to %s users by %s (sending %s)",
                provider.id, year, agreement.id, len(recipients), _actor_id(actor), sending.number)
    return sending
