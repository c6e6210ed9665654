"""Demo data of evaluations: the Bellerive agreement's schedule, baselines and targets, a manual indicator, its
first year of activity (gup.evaluations.demo_history) and its 2025 annual review written, frozen, approved by the
COPIL and published. Idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.evaluations import services
from gup.evaluations.demo_history import load_2025_history
from gup.evaluations.models import AgreementIndicator, Evaluation
from gup.extensions import db
from gup.features import DemoResult, registry
from gup.indicators import Direction, Unit
from gup.organisations.models import Organisation

#: (indicator code, baseline, target) set on the demo agreement when the feature declaring it is installed
DEMO_TARGETS = [
    ("resolution_rate", "55", "80"),
    ("resolution_days_median", "21", "10"),
    ("resolved_in_time_rate", "40", "75"),
    ("walks_held", "2", "6"),
    ("fixed_confirmed_rate", "50", "75"),
    ("actions_done_rate", "30", "70"),
    ("commitments_fulfilled_rate", "0", "80"),
    ("budget_execution_rate", "0", "90"),
    ("tfpb_coverage_ratio", "0.8", "1"),
]

SECTIONS_2025 = {
    "synthesis": (
        "La première année de la convention a installé les instances et les outils de suivi : un COPIL en mars, "
        "des COTECH trimestriels, et gup comme registre unique des constats, des actions et des signalements.\n\n"
        "Les délais de traitement restent trop longs sur la propreté des pieds d'immeubles ; les bailleurs ont "
        "renforcé leur présence de proximité dans le cadre de l'abattement de TFPB."),
    "context": (
        "Année de démarrage, marquée par le lancement des travaux de résidentialisation des Acacias et par "
        "l'arrivée d'un nouveau délégué du préfet."),
    "governance": (
        "Le COPIL s'est réuni une fois, les COTECH quatre fois. La participation des bailleurs est régulière ; "
        "celle des services de l'intercommunalité doit être renforcée."),
    "difficulties": (
        "Les dépôts sauvages rue des Peupliers reviennent malgré les enlèvements : une action conjointe Ville, "
        "Agglomération et bailleur est proposée au COPIL, avec une caméra nomade et une campagne d'information."),
}

CONTRIBUTION_2025 = (
    "Habitat Bellerive a renforcé la présence de ses gardiens (un poste supplémentaire aux Acacias), doublé le "
    "nettoyage des halls et organisé deux réunions de locataires.\n\nActions valorisées au titre de "
    "l'abattement de TFPB : sur-entretien des parties communes, enlèvement des encombrants, petits travaux "
    "d'amélioration (éclairage des halls).")


def load(context: dict[str, Any]) -> DemoResult:
    reference = context.get("reference")
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference)) if reference else None
    if agreement is None:
        return DemoResult(changed=False)
    lines: list[str] = []
    change = services.sync_schedule(agreement)
    if change.created:
        lines.append(f"{len(change.created)} évaluation(s) programmée(s) pour {agreement.reference}")
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordination@demo.gup.fr"))
    declared = registry().indicator_specs
    existing = {i.code for i in db.session.scalars(
        sa.select(AgreementIndicator).where(AgreementIndicator.agreement_id == agreement.id))}
    for code, baseline, target in DEMO_TARGETS:
        if code in declared and code not in existing:
            services.save_indicator_target(agreement, code=code, baseline=Decimal(baseline), target=Decimal(target),
                                           actor=coordinator)
    provider = db.session.scalar(sa.select(Organisation).where(Organisation.code == "habitat-bellerive"))
    if "satisfaction_survey" not in existing:
        services.save_indicator_target(
            agreement, code="satisfaction_survey", label="Satisfaction des locataires (enquête triennale)",
            unit=Unit.PERCENT, direction=Direction.HIGHER, baseline=Decimal("64"), target=Decimal("75"),
            organisation=provider if provider and provider.id in agreement.party_organisation_ids else None,
            manual=True, actor=coordinator)
    review = db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == agreement.id,
                                                            Evaluation.slot == "annual-2025"))
    if review is not None and not review.versions:
        lines += load_2025_history(agreement)  # the year's activity, before its figures are frozen
        _publish_2025(review, coordinator, provider)
        lines.append(f"{review.title} de {agreement.reference} figé, validé en COPIL et publié (PDF)")
    db.session.flush()
    return DemoResult(changed=bool(lines), lines=lines)


def _publish_2025(review: Evaluation, coordinator: Any, provider: Any) -> None:
    services.open_preparation(review, actor=coordinator, now=datetime(2026, 1, 5, 8, 0, tzinfo=UTC))
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    services.save_sections(review, SECTIONS_2025, actor=coordinator, now=at)
    if provider is not None and provider.id in review.agreement.party_organisation_ids:
        services.save_contribution(review, organisation=provider, text=CONTRIBUTION_2025, actor=coordinator, now=at)
    survey = db.session.scalar(sa.select(AgreementIndicator).where(
        AgreementIndicator.agreement_id == review.agreement_id, AgreementIndicator.code == "satisfaction_survey"))
    if survey is not None:
        services.save_manual_value(review, survey, value=Decimal("68"), comment="Enquête USH 2025, 412 réponses",
                                   actor=coordinator, now=at)
    services.freeze(review, actor=coordinator, now=datetime(2026, 3, 16, 10, 0, tzinfo=UTC))
    services.approve(review, approved_on=date(2026, 3, 26), note="COPIL du 26 mars 2026", actor=coordinator,
                     now=datetime(2026, 3, 26, 17, 0, tzinfo=UTC))
    services.publish(review, actor=coordinator, now=datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
