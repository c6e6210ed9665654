"""Demo governance of the Bellerive agreement: a COPIL and a COTECH with their members, a COPIL held in June 2026
(agenda in a technical and a social part, attendance, approved minutes, two decisions that created actions) and
the next COTECH, in January 2027, with its draft agenda of each partner's overdue items.

Everything goes through the services (status history and audit log are real). Idempotent: nothing is added when
the demo COPIL exists already.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import Agreement
from gup.auth.models import User
from gup.extensions import db
from gup.features import DemoResult
from gup.governance import services
from gup.governance.models import AgendaSection, AttendanceStatus, Body, BodyKind, MeetingStatus
from gup.organisations.models import Organisation

COPIL_NAME = "Comité de pilotage GUP de Bellerive"
COTECH_NAME = "Comité technique GUP de Bellerive"
COORDINATOR = "coordination@demo.gup.fr"

#: (name, organisation code, role, e-mail or None, account e-mail or None)
COPIL_MEMBERS = [
    ("Henri Castagné", "ville-bellerive", "Adjoint au maire, président du COPIL", None, "elu@demo.gup.fr"),
    ("Aïcha Tremblay", "prefecture", "Déléguée du préfet", None, "prefecture@demo.gup.fr"),
    ("Claire Fontaine", "habitat-bellerive", "Directrice générale d'Habitat Bellerive",
     "c.fontaine@habitat-bellerive.example", None),
    ("Olivier Marchetti", "logis-du-val", "Directeur de la proximité", "o.marchetti@logis-du-val.example", None),
    ("Nadia Benhamou", "ville-bellerive", "Cheffe de projet GUP (secrétariat)", None, COORDINATOR),
]
COTECH_MEMBERS = [
    ("Nadia Benhamou", "ville-bellerive", "Cheffe de projet GUP (animation)", None, COORDINATOR),
    ("Karine Lemoal", "habitat-bellerive", "Responsable de secteur", None, "bailleur1@demo.gup.fr"),
    ("Mathieu Dervaux", "logis-du-val", "Chargé de gestion de proximité", None, "bailleur2@demo.gup.fr"),
    ("Samir Haddad", "agglo-bellerive", "Service propreté et collecte", "s.haddad@agglo-bellerive.example", None),
    ("Lucie Perrin", "regie-quartier", "Encadrante technique", "l.perrin@regie-quartier.example", None),
]


def _org(code: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def _user(email: str | None) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email)) if email else None


def _body(agreement: Agreement, kind: BodyKind, name: str, frequency: str, members: list, actor: User) -> Body:
    body = services.create_body(agreement, kind=kind, name=name, frequency=frequency, actor=actor)
    party = agreement.party_organisation_ids
    for person, org_code, role, email, account in members:
        organisation = _org(org_code)
        services.add_member(body, person_name=person, role=role, email=email, user=_user(account), actor=actor,
                            organisation=organisation if organisation is not None and organisation.id in party
                            else None)
    return body


def _copil_meeting(copil: Body, actor: User) -> int:
    """The June 2026 COPIL: held, minutes approved, two decisions turned into actions; returns the actions."""
    meeting = services.create_meeting(copil, starts_at=datetime(2026, 6, 18, 12, 30, tzinfo=UTC), actor=actor,
                                      place="Hôtel de ville de Bellerive, salle du conseil",
                                      now=datetime(2026, 5, 28, 9, 0, tzinfo=UTC), draft_agenda=False)
    for section, title in [
        (AgendaSection.TECHNICAL, "Bilan des diagnostics en marchant et des constats du premier semestre"),
        (AgendaSection.TECHNICAL, "Avancement des engagements des bailleurs (propreté, sécurisation des halls)"),
        (AgendaSection.SOCIAL, "Tranquillité résidentielle et médiation de soirée aux Tilleuls"),
        (AgendaSection.SOCIAL, "Participation des habitants : fête du Clos-Fleuri, jardin partagé"),
    ]:
        services.add_agenda_item(meeting, title=title, agenda_section=section, actor=actor)
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=actor,
                                   now=datetime(2026, 6, 18, 15, 0, tzinfo=UTC))
    present = {"Henri Castagné", "Aïcha Tremblay", "Claire Fontaine", "Nadia Benhamou"}
    services.set_attendance(meeting, {m.id: AttendanceStatus.PRESENT if m.person_name in present
                                      else AttendanceStatus.EXCUSED for m in copil.members}, actor=actor)
    services.save_minutes(meeting, actor=actor, now=datetime(2026, 6, 25, 8, 0, tzinfo=UTC), text=(
        "Le COPIL a pris connaissance du bilan du premier semestre : 2 diagnostics en marchant, les constats "
        "transmis aux bailleurs et à la ville, et l'avancement des engagements.\n\n"
        "Volet technique : la sécurisation des halls des Acacias est engagée ; les dépôts sauvages restent le "
        "premier sujet. Volet social : la médiation de soirée est jugée utile par les amicales de locataires.\n\n"
        "Deux décisions sont prises (voir ci-dessous)."))
    services.change_meeting_status(meeting, to=MeetingStatus.MINUTES_APPROVED, actor=actor,
                                   now=datetime(2026, 7, 2, 8, 0, tzinfo=UTC))
    habitat, agglo = _org("habitat-bellerive"), _org("agglo-bellerive")
    first = services.add_decision(meeting, actor=actor, owner_organisation=habitat, due_on=date(2026, 10, 31),
                                  text="Installer un local à encombrants fermé au pied du bâtiment A des Acacias.")
    second = services.add_decision(meeting, actor=actor, owner_organisation=agglo, due_on=date(2026, 9, 30),
                                   text="Ajouter un passage de collecte des encombrants le samedi matin aux Tilleuls.")
    now = datetime(2026, 7, 2, 9, 0, tzinfo=UTC)
    services.action_from_decision(first, actor=actor, now=now, title="Local à encombrants fermé — bâtiment A")
    services.action_from_decision(second, actor=actor, now=now, title="Collecte des encombrants le samedi matin")
    return 2


def load_demo_governance(reference: str, *, now: datetime) -> list[str]:
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference))
    actor = _user(COORDINATOR)
    if agreement is None or actor is None:
        return []
    if db.session.scalar(sa.select(Body.id).where(Body.agreement_id == agreement.id, Body.name == COPIL_NAME)):
        return []
    copil = _body(agreement, BodyKind.STEERING_COMMITTEE, COPIL_NAME, "Deux fois par an (juin et décembre)",
                  COPIL_MEMBERS, actor)
    cotech = _body(agreement, BodyKind.TECHNICAL_COMMITTEE, COTECH_NAME, "Tous les deux mois", COTECH_MEMBERS,
                   actor)
    actions = _copil_meeting(copil, actor)
    upcoming = services.create_meeting(cotech, starts_at=datetime(2027, 1, 12, 8, 30, tzinfo=UTC), actor=actor,
                                       place="Maison de quartier des Tilleuls", now=now)
    return [f"Instances de démonstration : 2 instances, 2 réunions (COPIL tenu, COTECH du 12 janvier 2027 avec "
            f"{len(upcoming.agenda)} point(s) proposés), {actions} action(s) issues de décisions."]


def load(context: dict[str, Any]) -> DemoResult:
    """Demo loader (after the walks, findings and actions)."""
    from gup.orm import now_utc

    lines = load_demo_governance(context["reference"], now=now_utc()) if context.get("reference") else []
    return DemoResult(changed=bool(lines), lines=lines)
