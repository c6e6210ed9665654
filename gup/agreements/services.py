"""Use cases of agreements and commitments. Services flush, never commit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from gup.agreements.models import (
    DEFAULT_THEMES,
    Agreement,
    AgreementStatus,
    Amendment,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    FundingSource,
    Partner,
    Signatory,
    SignatoryRole,
    TfpbAxisRef,
    Theme,
)
from gup.agreements.signals import agreement_dates_changed
from gup.audit.services import acting_as
from gup.errors import DomainError
from gup.extensions import db
from gup.i18n import local_today
from gup.inputs import AMOUNT_MAX, INDICATOR_MAX
from gup.organisations.models import Organisation, OrganisationKind

logger = logging.getLogger(__name__)

AGREEMENT_FIELDS = frozenset({"reference", "title", "kind", "start_on", "end_on", "midterm_on", "city_contract",
                              "renewal_agreement", "predecessor", "territories", "themes"})
COMMITMENT_FIELDS = frozenset({"reference", "title", "description", "theme", "funding_source", "tfpb_axis",
                               "planned_investment_amount", "planned_operating_amount", "indicator_label",
                               "indicator_unit", "indicator_baseline", "indicator_target", "due_on", "progress"})


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "id", None)


def _without_autoflush(check: Callable[[Any], None]) -> Callable[[Any], None]:
    """Run a check without autoflush: flushing the edited row before a uniqueness query would hit the unique
    index (an IntegrityError, a 500) instead of giving the field message."""
    @functools.wraps(check)
    def wrapper(obj: Any) -> None:
        with db.session.no_autoflush:
            check(obj)
    return wrapper


#: the eight axes of the national TFPB framework (2015, amended on 30 September 2021): code, number, label
#: (GUIDE §3.3); the migration seeds the same rows. A revision adds rows with a new valid_from and closes these.
TFPB_FRAMEWORK_2015 = date(2015, 1, 1)
TFPB_AXES: tuple[tuple[str, int, str], ...] = (
    ("staff_presence", 1, "Renforcement de la présence du personnel de proximité"),
    ("staff_training_support", 2, "Formation / soutien des personnels de proximité"),
    ("enhanced_maintenance", 3, "Sur-entretien"),
    ("waste_bulky_wrecks", 4, "Gestion des déchets et encombrants / épaves"),
    ("residential_safety", 5, "Tranquillité résidentielle"),
    ("tenant_consultation", 6, "Concertation / sensibilisation des locataires"),
    ("community_life", 7, "Animation, lien social, vivre ensemble"),
    ("minor_service_works", 8, "Petits travaux d'amélioration de la qualité de service"),
)


def ensure_tfpb_axes() -> int:
    """Insert the framework's TFPB axes that are missing (as the migration does); returns how many were added."""
    known = set(db.session.scalars(sa.select(TfpbAxisRef.code)))
    added = [TfpbAxisRef(code=code, number=number, label=label, valid_from=TFPB_FRAMEWORK_2015)
             for code, number, label in TFPB_AXES if code not in known]
    db.session.add_all(added)
    db.session.flush()
    return len(added)


def check_tfpb_axis(code: str | None, *, on: date, field: str = "tfpb_axis") -> TfpbAxisRef | None:
    """The axis of a TFPB record dated `on`, refused (DomainError) when unknown or not valid on that date."""
    if code is None:
        return None
    axis = db.session.get(TfpbAxisRef, str(code))
    if axis is None:
        raise DomainError(_("Axe TFPB inconnu."), field=field)
    if not axis.is_valid_on(on):
        raise DomainError(_("L'axe TFPB « %(label)s » n'est pas en vigueur à cette date (%(day)s).",
                            label=axis.label, day=on.strftime("%d/%m/%Y")), field=field)
    return axis


def ensure_default_themes() -> int:
    """Insert the guide's default themes that are missing; returns how many were added."""
    existing = set(db.session.scalars(sa.select(Theme.code)))
    added = 0
    for position, (code, label) in enumerate(DEFAULT_THEMES):
        if code not in existing:
            db.session.add(Theme(code=code, label=label, position=position))
            added += 1
    db.session.flush()
    return added


def save_theme(theme: Theme | None, *, code: str, label: str, position: int, is_active: bool, actor: Any) -> Theme:
    """Create or edit a theme of the configurable list; codes are unique."""
    acting_as(db.session, actor)
    clash = db.session.scalar(sa.select(Theme.id).where(Theme.code == code, Theme.id != (theme.id if theme else 0)))
    if clash is not None:
        raise DomainError(_("Ce code de thématique existe déjà."), field="code")
    if theme is None:
        theme = Theme()
        db.session.add(theme)
    theme.code, theme.label, theme.position, theme.is_active = code, label, position, is_active
    db.session.flush()
    logger.info("theme %s saved by %s", theme.id, _actor_id(actor))
    return theme


# --- agreements ----------------------------------------------------------------------------------

@_without_autoflush
def _check_agreement(agreement: Agreement) -> None:
    if agreement.end_on <= agreement.start_on:
        raise DomainError(_("La date de fin doit être postérieure à la date de début."), field="end_on")
    if agreement.midterm_on and not agreement.start_on < agreement.midterm_on < agreement.effective_end_on:
        raise DomainError(_("L'évaluation à mi-parcours doit tomber pendant la convention."), field="midterm_on")
    if agreement.predecessor is not None and agreement.predecessor is agreement:
        raise DomainError(_("Une convention ne peut pas se précéder elle-même."), field="predecessor_id")
    duplicate = db.session.scalar(sa.select(Agreement.id).where(Agreement.reference == agreement.reference,
                                                                Agreement.id != (agreement.id or 0)))
    if duplicate is not None:
        raise DomainError(_("Cette référence est déjà utilisée par une autre convention."), field="reference")


def _apply(obj: Any, allowed: frozenset[str], fields: dict[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for key, value in fields.items():
        if type(value) is str:  # not StrEnum members: strip() would turn them into plain strings
            value = value.strip() or None if key not in ("reference", "title") else value.strip()
        setattr(obj, key, value)


def create_agreement(*, actor: Any, coordinators: list[Any] | None = None, **fields: Any) -> Agreement:
    """Create a draft agreement; its creator (when a coordinator) coordinates it."""
    acting_as(db.session, actor)
    agreement = Agreement(status=AgreementStatus.DRAFT)
    _apply(agreement, AGREEMENT_FIELDS, fields)
    people = list(coordinators or [])
    if getattr(actor, "is_coordinator", False) and actor not in people:
        people.append(actor)
    agreement.coordinators = people
    _check_agreement(agreement)
    db.session.add(agreement)
    db.session.flush()
    logger.info("agreement %s created by %s", agreement.id, _actor_id(actor))
    return agreement


def update_agreement(agreement: Agreement, *, actor: Any, **fields: Any) -> Agreement:
    """Edit an agreement's definition."""
    acting_as(db.session, actor)
    before = (agreement.start_on, agreement.end_on, agreement.midterm_on)
    _apply(agreement, AGREEMENT_FIELDS, fields)
    _check_agreement(agreement)
    db.session.flush()
    logger.info("agreement %s updated by %s", agreement.id, _actor_id(actor))
    if (agreement.start_on, agreement.end_on, agreement.midterm_on) != before:
        agreement_dates_changed.send(agreement, actor=actor)
    return agreement


def change_agreement_status(agreement: Agreement, *, to: AgreementStatus, actor: Any) -> Agreement:
    acting_as(db.session, actor)
    agreement.move_to(to)
    db.session.flush()
    logger.info("agreement %s moved to %s by %s", agreement.id, to.value, _actor_id(actor))
    return agreement


def put_agreements_in_force(*, today: date, actor: Any = None) -> list[Agreement]:
    """Signed agreements whose start date has come become in force; ended ones past their end, ended."""
    acting_as(db.session, actor)
    changed = []
    for agreement in db.session.scalars(sa.select(Agreement).where(
            Agreement.status.in_([AgreementStatus.SIGNED, AgreementStatus.IN_FORCE]))):
        if agreement.status is AgreementStatus.SIGNED and agreement.start_on <= today:
            agreement.move_to(AgreementStatus.IN_FORCE)
            changed.append(agreement)
        elif agreement.status is AgreementStatus.IN_FORCE and agreement.effective_end_on < today:
            agreement.move_to(AgreementStatus.ENDED)
            changed.append(agreement)
    db.session.flush()
    return changed


def partner_for(agreement: Agreement, organisation: Organisation) -> Partner | None:
    return next((p for p in agreement.partners if p.organisation_id == organisation.id), None)


def add_partner(agreement: Agreement, *, organisation: Organisation, referent: str | None, actor: Any) -> Partner:
    """Add an organisation to the agreement's partners, or update its referent."""
    acting_as(db.session, actor)
    partner = partner_for(agreement, organisation)
    if partner is None:
        partner = Partner(agreement=agreement, organisation=organisation)
        db.session.add(partner)
    partner.referent = (referent or "").strip() or None
    db.session.flush()
    logger.info("partner %s set on agreement %s by %s", partner.id, agreement.id, _actor_id(actor))
    return partner


def remove_partner(partner: Partner, *, actor: Any) -> None:
    """Remove a partner that has no commitment and has not signed."""
    acting_as(db.session, actor)
    if partner.commitments:
        raise DomainError(_("Ce partenaire a des engagements : retirez-les d'abord."))
    agreement = partner.agreement
    if any(s.organisation_id == partner.organisation_id for s in agreement.signatories):
        raise DomainError(_("Ce partenaire est signataire : retirez d'abord la signature."))
    agreement.partners.remove(partner)
    db.session.flush()
    logger.info("partner removed from agreement %s by %s", agreement.id, _actor_id(actor))


def set_signatory(agreement: Agreement, *, organisation: Organisation, role: SignatoryRole, signer_name: str,
                  signer_title: str, signed_on: date | None, actor: Any) -> Signatory:
    """Add or update a signatory; a signatory is always also a partner."""
    acting_as(db.session, actor)
    if signed_on is not None and signed_on > agreement.effective_end_on:
        raise DomainError(_("La signature ne peut pas être postérieure à la fin de la convention."),
                          field="signed_on")
    signatory = next((s for s in agreement.signatories if s.organisation_id == organisation.id), None)
    if signatory is None:
        signatory = Signatory(agreement=agreement, organisation=organisation)
        db.session.add(signatory)
    signatory.role = role
    signatory.signer_name = signer_name.strip()
    signatory.signer_title = signer_title.strip()
    signatory.signed_on = signed_on
    if partner_for(agreement, organisation) is None:
        db.session.add(Partner(agreement=agreement, organisation=organisation))
    db.session.flush()
    logger.info("signatory %s set on agreement %s by %s", signatory.id, agreement.id, _actor_id(actor))
    return signatory


def add_amendment(agreement: Agreement, *, signed_on: date, subject: str, new_end_on: date | None, actor: Any,
                  number: int | None = None) -> Amendment:
    """Record an amendment; one that moves the end date must be signed before the agreement ends (no gap)."""
    acting_as(db.session, actor)
    current_end = agreement.effective_end_on
    if signed_on < agreement.start_on:
        raise DomainError(_("Un avenant ne peut pas précéder le début de la convention."), field="signed_on")
    if new_end_on is not None:
        if signed_on > current_end:
            raise DomainError(_("Pour éviter toute interruption, l'avenant qui prolonge la convention doit être "
                                "signé avant sa fin (%(end)s).", end=current_end.strftime("%d/%m/%Y")),
                              field="signed_on")
        if new_end_on <= agreement.start_on or new_end_on < signed_on:
            raise DomainError(_("La nouvelle date de fin doit suivre la signature de l'avenant."),
                              field="new_end_on")
    if number is None:
        number = max((a.number for a in agreement.amendments), default=0) + 1
    elif any(a.number == number for a in agreement.amendments):
        raise DomainError(_("Un avenant porte déjà ce numéro."), field="number")
    amendment = Amendment(agreement=agreement, number=number, signed_on=signed_on, subject=subject.strip(),
                          new_end_on=new_end_on)
    db.session.add(amendment)
    db.session.flush()
    logger.info("amendment %s added to agreement %s by %s", amendment.id, agreement.id, _actor_id(actor))
    if new_end_on is not None:
        agreement_dates_changed.send(agreement, actor=actor)
    return amendment


# --- commitments ---------------------------------------------------------------------------------

@_without_autoflush
def _check_commitment(commitment: Commitment) -> None:
    if commitment.funding_source is FundingSource.TFPB:
        if commitment.tfpb_axis is None:
            raise DomainError(_("Précisez l'axe TFPB."), field="tfpb_axis")
        if commitment.partner.organisation.kind is not OrganisationKind.HOUSING_PROVIDER:
            raise DomainError(_("L'abattement de TFPB ne concerne que les bailleurs sociaux."),
                              field="funding_source")
        if commitment.id is None or sa.inspect(commitment).attrs.tfpb_axis.history.has_changes():
            # an axis is given at today's date: a closed axis stays on the commitments that already had it
            check_tfpb_axis(commitment.tfpb_axis, on=local_today())
    elif commitment.tfpb_axis is not None:
        raise DomainError(_("L'axe TFPB ne s'applique qu'aux engagements financés par l'abattement de TFPB."),
                          field="tfpb_axis")
    for name in ("planned_investment_amount", "planned_operating_amount"):
        value = getattr(commitment, name)
        if value is not None and value < Decimal(0):
            raise DomainError(_("Le montant ne peut pas être négatif."), field=name)
    if not 0 <= (commitment.progress or 0) <= 100:
        raise DomainError(_("L'avancement est un pourcentage entre 0 et 100."), field="progress")
    if commitment.partner.agreement is not commitment.agreement:
        raise DomainError(_("Ce partenaire n'est pas partie à la convention."), field="partner_id")
    clash = db.session.scalar(sa.select(Commitment.id).where(
        Commitment.agreement_id == commitment.agreement.id, Commitment.reference == commitment.reference,
        Commitment.id != (commitment.id or 0)))
    if clash is not None:
        raise DomainError(_("Cette référence d'engagement existe déjà dans la convention."), field="reference")


def next_commitment_reference(agreement: Agreement) -> str:
    """ENG-NN, one more than the highest number used in the agreement."""
    numbers = [int(c.reference[4:]) for c in agreement.commitments
               if c.reference.startswith("ENG-") and c.reference[4:].isdigit()]
    return f"ENG-{max(numbers, default=0) + 1:02d}"


def create_commitment(agreement: Agreement, *, partner: Partner, actor: Any,
                      status: CommitmentStatus = CommitmentStatus.PROPOSED, **fields: Any) -> Commitment:
    """Add a partner's commitment to an agreement."""
    acting_as(db.session, actor)
    fields.setdefault("reference", None)
    if not fields["reference"]:
        # before the new commitment joins agreement.commitments, where its reference would still be None
        fields["reference"] = next_commitment_reference(agreement)
    with db.session.no_autoflush:
        commitment = Commitment(agreement=agreement, partner=partner, status=status, progress=0)
        _apply(commitment, COMMITMENT_FIELDS, fields)
        if commitment.progress is None:
            commitment.progress = 0
        _check_commitment(commitment)
    db.session.add(commitment)
    db.session.flush()
    logger.info("commitment %s created by %s", commitment.id, _actor_id(actor))
    return commitment


def update_commitment(commitment: Commitment, *, actor: Any, status: CommitmentStatus | None = None,
                      partner: Partner | None = None, **fields: Any) -> Commitment:
    """Edit a commitment; a status change must follow the lifecycle."""
    acting_as(db.session, actor)
    _apply(commitment, COMMITMENT_FIELDS, fields)
    if partner is not None:
        commitment.partner = partner
    if commitment.progress is None:
        commitment.progress = 0
    if status is not None:
        commitment.move_to(status)
    _check_commitment(commitment)
    db.session.flush()
    logger.info("commitment %s updated by %s", commitment.id, _actor_id(actor))
    return commitment


def _dated_figures(values: dict[str, Decimal | None], day: date | None, *, field: str, today: date,
                   low: Decimal = Decimal(0), high: Decimal = AMOUNT_MAX) -> date | None:
    """The date of figures: required by none of them, given or today when one is; never in the future."""
    if all(v is None for v in values.values()):
        if day is not None:
            raise DomainError(_("Une date sans montant ni valeur : indiquez le chiffre qu'elle date."), field=field)
        return None
    for name, value in values.items():
        if value is not None and not low <= value <= high:
            raise DomainError(_("Nombre hors limites (un montant est positif)."), field=name)
    day = day or today
    if day > today:
        raise DomainError(_("Cette date est dans le futur : les chiffres sont ceux constatés à ce jour."),
                          field=field)
    return day


def add_commitment_update(commitment: Commitment, *, note: str, actor: Any, now: datetime,
                          progress: int | None = None, status: CommitmentStatus | None = None,
                          investment_spent: Decimal | None = None, operating_spent: Decimal | None = None,
                          spent_on: date | None = None, indicator_value: Decimal | None = None,
                          measured_on: date | None = None) -> CommitmentUpdate:
    """Add a dated progress update, moving the commitment's progress and status with it. It may carry the
    amounts actually spent since the start (investment, operating; cumulated, as of `spent_on`, default today)
    and the indicator's observed value (as of `measured_on`, default today): the figures evaluations add up."""
    acting_as(db.session, actor)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Le point d'avancement doit contenir une note."), field="note")
    today = local_today(now)
    spent_on = _dated_figures({"investment_spent": investment_spent, "operating_spent": operating_spent},
                              spent_on, field="spent_on", today=today)
    measured_on = _dated_figures({"indicator_value": indicator_value}, measured_on, field="measured_on",
                                 today=today, low=-INDICATOR_MAX, high=INDICATOR_MAX)
    if progress is not None:
        if not 0 <= progress <= 100:
            raise DomainError(_("L'avancement est un pourcentage entre 0 et 100."), field="progress")
        commitment.progress = progress
    if status is not None:
        commitment.move_to(status)
    update = CommitmentUpdate(commitment=commitment, author_id=_actor_id(actor), created_at=now, note=note,
                              progress=progress, status=status, investment_spent=investment_spent,
                              operating_spent=operating_spent, spent_on=spent_on, indicator_value=indicator_value,
                              measured_on=measured_on)
    db.session.add(update)
    db.session.flush()
    logger.info("progress update %s on commitment %s by %s", update.id, commitment.id, _actor_id(actor))
    return update
