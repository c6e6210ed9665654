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
from gup.governance import services as governance
from gup.governance.models import AgendaSection, AttendanceStatus, Body, BodyKind, MeetingStatus
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
        if meetings := _meetings_2025(agreement, coordinator):
            lines.append(f"{meetings} réunion(s) d'instances tenues en 2025")
        _publish_2025(review, coordinator, provider)
        lines.append(f"{review.title} de {agreement.reference} figé, validé en COPIL et publié (PDF)")
    db.session.flush()
    return DemoResult(changed=bool(lines), lines=lines)


#: the 2025 meetings of the demo bodies: (body kind, moment, place, agenda (section, title), minutes)
MEETINGS_2025 = [
    ("steering_committee", datetime(2025, 3, 20, 13, 0, tzinfo=UTC), "Hôtel de ville de Bellerive",
     [("technical", "Installation des instances et du registre gup"),
      ("social", "Place des habitants : diagnostics en marchant et relais")],
     "Le COPIL installe la convention : calendrier des diagnostics, registre unique des constats dans gup, "
     "engagements des bailleurs au titre de l'abattement de TFPB."),
    ("technical_committee", datetime(2025, 6, 12, 8, 30, tzinfo=UTC), "Maison de quartier des Tilleuls",
     [("technical", "Suites du diagnostic d'avril")], "Revue des constats du diagnostic d'avril."),
    ("technical_committee", datetime(2025, 9, 25, 8, 30, tzinfo=UTC), "Maison de quartier des Tilleuls",
     [("technical", "Dépôts sauvages rue des Peupliers")], "Point sur les dépôts sauvages et les délais."),
    ("technical_committee", datetime(2025, 12, 4, 8, 30, tzinfo=UTC), "Maison de quartier des Tilleuls",
     [("technical", "Préparation du bilan annuel")], "Préparation du bilan 2025 et du COPIL de mars."),
]


def _meetings_2025(agreement: Agreement, coordinator: Any) -> int:
    """The governance feature's demo bodies met in 2025 too (when that feature is installed)."""
    bodies = {b.kind: b for b in db.session.scalars(sa.select(Body).where(Body.agreement_id == agreement.id))}
    held = 0
    for kind, starts_at, place, agenda, minutes in MEETINGS_2025:
        body = bodies.get(BodyKind(kind))
        if body is None:
            continue
        meeting = governance.create_meeting(body, starts_at=starts_at, actor=coordinator, place=place,
                                            now=starts_at.replace(day=1), draft_agenda=False)
        for section, title in agenda:
            governance.add_agenda_item(meeting, title=title, agenda_section=AgendaSection(section), actor=coordinator)
        governance.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=coordinator, now=starts_at)
        governance.set_attendance(meeting, {m.id: AttendanceStatus.PRESENT if i % 4 else AttendanceStatus.EXCUSED
                                            for i, m in enumerate(body.members)}, actor=coordinator)
        governance.save_minutes(meeting, actor=coordinator, now=starts_at, text=minutes)
        if body.kind is BodyKind.STEERING_COMMITTEE:
            _decide_night_walk(meeting, agreement, coordinator, starts_at)
        held += 1
    return held


def _decide_night_walk(meeting: Any, agreement: Agreement, coordinator: Any, at: datetime) -> None:
    """The March 2025 COPIL decided a night walk, carried out in October: a decision whose action is done."""
    from gup.actions.models import ActionStatus
    from gup.actions.services import add_action_update

    town = db.session.scalar(sa.select(Organisation).where(Organisation.code == "ville-bellerive"))
    if town is None or town.id not in agreement.party_organisation_ids:
        return
    decision = governance.add_decision(meeting, actor=coordinator, owner_organisation=town, due_on=date(2025, 10, 31),
                                       text="Organiser un diagnostic en marchant de nuit au Clos-Fleuri à l'automne.")
    action = governance.action_from_decision(decision, actor=coordinator, now=at,
                                             title="Diagnostic de nuit au Clos-Fleuri")
    add_action_update(action, note="Diagnostic de nuit tenu le 16 octobre avec les habitants.", actor=coordinator,
                      now=datetime(2025, 10, 17, 9, 0, tzinfo=UTC), progress=100, status=ActionStatus.DONE)


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
