"""Load data: `flask gup demo --scale N` adds N synthetic agreements, each with its neighbourhoods, partners,
referents, commitments, walks, findings, actions, resident reports, relays, budget campaigns and evaluations,
spread from 2022 to 2026, on top of the ordinary demo (whose accounts and report categories it reuses).

Fast: rows are built in memory with ids given here (from the tables' current maxima) and written with SQLAlchemy
Core `insert()` executemany, one agreement at a time; nothing goes through the ORM but the evaluation schedule.
Deterministic: every agreement draws from `random.Random(f"{seed}-{n}")`, so two runs with the same seed write
the same rows. History is kept to what pages read: one status change and one public answer per move that led a
record to its current status (no field-level audit entries).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import click
import sqlalchemy as sa

from gup.actions.models import Action, ActionKind, ActionStatus, ActionUpdate
from gup.agreements.demo import DEMO_PASSWORD
from gup.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    FundingSource,
    Partner,
    Signatory,
    SignatoryRole,
    TfpbAxis,
    Theme,
    agreement_coordinators,
    agreement_territories,
    agreement_themes,
)
from gup.audit.models import StatusChange
from gup.auth.models import Role, User
from gup.auth.services import hash_password
from gup.budget.models import PBCampaign, PBPhase, PBProject, ProjectSource, ProjectStatus
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority, finding_actions
from gup.hotline.models import Channel, Disclosure, ReportCategory, ReportStatus, ReportUpdate, ResidentReport
from gup.organisations.models import Organisation, OrganisationKind
from gup.relays.models import DesignationMethod, EndReason, RelayReport, RelayStatus, ResidentRelay
from gup.territory.models import Territory, TerritoryKind
from gup.walks.models import RouteStop, WalkKind, WalkStatus, Walkthrough

#: the day the synthetic story stops (fixed, so that a run does not depend on the clock)
UNTIL = date(2026, 11, 30)
FIRST_YEAR = 2022
#: per agreement
NEIGHBOURHOODS, RESIDENCES, BUILDINGS, STAIRWELLS = 3, 4, 3, 3
WALKS, STOPS = 60, 5
FINDINGS, REPORTS, COMMITMENTS, RELAYS = 2600, 2600, 24, 15
TOWNS = ["Valmont", "Saint-Arnoult", "Beaulieu", "Montclair", "Roche-sur-Lys", "Pontvert", "Lanvallec",
         "Haute-Rive", "Mirebois", "Castelnau", "Fontenelle", "Vernouillet", "Clairefont", "Marsac", "Belcastel"]
NEIGHBOURHOOD_NAMES = ["Les Peupliers", "La Source", "Le Mail", "Les Coteaux", "Bel-Air", "La Roseraie",
                       "Les Hauts-de-Ville", "Le Moulin", "Champ-Fleury", "Les Sablons"]
RESIDENCE_NAMES = ["Les Lilas", "Les Chênes", "Le Parc", "Les Érables", "Les Mimosas", "Les Platanes",
                   "Le Belvédère", "Les Iris"]
STREETS = ["rue des Écoles", "avenue Jean-Jaurès", "allée des Tilleuls", "rue Victor-Hugo", "place du Marché",
           "rue de la République", "chemin des Vignes", "boulevard Pasteur"]
ISSUES = {
    "cleanliness": ["Papiers et canettes au pied du bâtiment", "Déjections canines sur le cheminement",
                    "Tags sur le mur du local vélos"],
    "waste": ["Encombrants déposés devant le local poubelles", "Colonne de tri pleine et débordante",
              "Dépôt sauvage de gravats au fond du parking"],
    "public_lighting": ["Lampadaire éteint dans l'allée", "Éclairage trop faible sous le porche"],
    "common_parts": ["Porte de hall qui ne ferme plus", "Minuterie de la cage en panne",
                     "Boîtes aux lettres forcées"],
    "street_furniture": ["Banc arraché sur la placette", "Jeu d'enfants cassé, zone non sécurisée"],
    "abandoned_vehicles": ["Voiture sans plaque depuis plusieurs semaines"],
    "green_spaces": ["Haie non taillée qui gêne le passage", "Pelouse pelée et boueuse"],
    "roads": ["Nid-de-poule sur la chaussée", "Trottoir soulevé par les racines"],
    "tranquillity": ["Regroupements bruyants le soir dans le hall", "Sentiment d'insécurité sur le passage"],
}
STRENGTHS = ["Jardin partagé bien entretenu et fréquenté", "Fresque réalisée avec les jeunes du quartier",
             "Hall propre et lumineux après les travaux", "Aire de jeux rénovée appréciée des familles"]
QUOTES = ["« On n'ose plus passer par là le soir. »", "« Ça dure depuis des mois. »",
          "« Les enfants jouent juste à côté. »", None, None, None]
ACTION_TITLES = ["Intervention de la régie de proximité", "Remplacement du matériel défectueux",
                 "Nettoyage renforcé", "Enlèvement par le service des encombrants", "Travaux de reprise",
                 "Sensibilisation des locataires"]
FIRST_NAMES = ["Camille", "Nour", "Yanis", "Léa", "Moussa", "Inès", "Hugo", "Fatou", "Théo", "Sofia", "Karim",
               "Jeanne", "Amine", "Chloé", "Samuel", "Awa"]
LAST_NAMES = ["Martin", "Diallo", "Bernard", "Nguyen", "Moreau", "Haddad", "Petit", "Traoré", "Lefèvre",
              "Benali", "Garnier", "Rousseau", "Mendy", "Fabre"]

#: weights of the current status (issues and proposals only; positive points stay « new »)
FINDING_STATUSES = [(FindingStatus.NEW, 6), (FindingStatus.SENT, 10), (FindingStatus.ACCEPTED, 12),
                    (FindingStatus.REFUSED, 4), (FindingStatus.PLANNED, 10), (FindingStatus.IN_PROGRESS, 14),
                    (FindingStatus.RESOLVED, 18), (FindingStatus.CHECKED, 18), (FindingStatus.OUT_OF_SCOPE, 8)]
#: the path a finding walks to reach each status (the history pages read)
FINDING_PATHS: dict[FindingStatus, list[FindingStatus]] = {
    FindingStatus.NEW: [],
    FindingStatus.SENT: [FindingStatus.SENT],
    FindingStatus.ACCEPTED: [FindingStatus.SENT, FindingStatus.ACCEPTED],
    FindingStatus.REFUSED: [FindingStatus.SENT, FindingStatus.REFUSED],
    FindingStatus.PLANNED: [FindingStatus.SENT, FindingStatus.ACCEPTED, FindingStatus.PLANNED],
    FindingStatus.IN_PROGRESS: [FindingStatus.SENT, FindingStatus.ACCEPTED, FindingStatus.IN_PROGRESS],
    FindingStatus.RESOLVED: [FindingStatus.SENT, FindingStatus.ACCEPTED, FindingStatus.RESOLVED],
    FindingStatus.CHECKED: [FindingStatus.SENT, FindingStatus.ACCEPTED, FindingStatus.RESOLVED,
                            FindingStatus.CHECKED],
    FindingStatus.OUT_OF_SCOPE: [FindingStatus.OUT_OF_SCOPE],
}
REPORT_STATUSES = [(ReportStatus.RECEIVED, 8), (ReportStatus.QUALIFIED, 6), (ReportStatus.SENT, 14),
                   (ReportStatus.IN_PROGRESS, 14), (ReportStatus.RESOLVED, 42), (ReportStatus.NOT_OUR_REMIT, 6),
                   (ReportStatus.DUPLICATE, 5), (ReportStatus.REJECTED, 5)]
REPORT_PATHS: dict[ReportStatus, list[ReportStatus]] = {
    ReportStatus.RECEIVED: [],
    ReportStatus.QUALIFIED: [ReportStatus.QUALIFIED],
    ReportStatus.SENT: [ReportStatus.SENT],
    ReportStatus.IN_PROGRESS: [ReportStatus.SENT, ReportStatus.IN_PROGRESS],
    ReportStatus.RESOLVED: [ReportStatus.SENT, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED],
    ReportStatus.NOT_OUR_REMIT: [ReportStatus.NOT_OUR_REMIT],
    ReportStatus.DUPLICATE: [ReportStatus.DUPLICATE],
    ReportStatus.REJECTED: [ReportStatus.REJECTED],
}
REPORT_TEXTS = {
    ReportStatus.RECEIVED: "Votre signalement {reference} a bien été reçu.",
    ReportStatus.QUALIFIED: "Votre signalement {reference} a été vérifié par la coordination GUP.",
    ReportStatus.SENT: "Votre signalement {reference} a été transmis à l'organisme responsable.",
    ReportStatus.IN_PROGRESS: "L'intervention sur votre signalement {reference} est en cours.",
    ReportStatus.RESOLVED: "Le problème signalé ({reference}) a été traité. Merci de votre vigilance.",
    ReportStatus.NOT_OUR_REMIT: "Ce problème ne relève pas de la GUP. Pour le faire traiter, contactez : la "
                                "mairie annexe.",
    ReportStatus.DUPLICATE: "Ce problème avait déjà été signalé : il est suivi avec le signalement d'origine.",
    ReportStatus.REJECTED: "Ce signalement ne peut pas être traité tel quel.",
}
CLOSED_REPORTS = {ReportStatus.RESOLVED, ReportStatus.NOT_OUR_REMIT, ReportStatus.DUPLICATE, ReportStatus.REJECTED}


class ScaleRefused(click.ClickException):
    """The database already holds data: load data goes only into an empty database."""


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 18), rng.choice((0, 15, 30, 45))), tzinfo=UTC)


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


@dataclass
class Ids:
    """Next free id of each table (ids are given here so that rows can point at each other before insert)."""

    next: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, tables: Iterable[sa.Table]) -> Ids:
        ids = cls()
        for table in tables:
            ids.next[table.name] = (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
        return ids

    def take(self, table: sa.Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value


@dataclass
class Batch:
    """Rows to insert, by table, in insertion order."""

    rows: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: sa.Table, **row: Any) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row

    def write(self, counts: dict[str, int]) -> None:
        """Insert every table's rows, referenced tables first."""
        for table in db.metadata.sorted_tables:
            rows = self.rows.get(table)
            if rows:
                for chunk in range(0, len(rows), 5000):
                    db.session.execute(sa.insert(table), rows[chunk:chunk + 5000])
                counts[table.name] = counts.get(table.name, 0) + len(rows)


T = {name: model.__table__ for name, model in {
    "org": Organisation, "territory": Territory, "user": User, "agreement": Agreement, "partner": Partner,
    "signatory": Signatory, "commitment": Commitment, "cupdate": CommitmentUpdate, "walk": Walkthrough,
    "stop": RouteStop, "finding": Finding, "action": Action, "aupdate": ActionUpdate,
    "report": ResidentReport, "rupdate": ReportUpdate, "status": StatusChange, "relay": ResidentRelay,
    "campaign": PBCampaign, "project": PBProject}.items()}


def database_is_empty() -> bool:
    """No agreement, finding or resident report yet (the reference data the migrations seed does not count)."""
    return all(db.session.scalar(sa.select(table.c.id).limit(1)) is None
               for table in (T["agreement"], T["finding"], T["report"]))


class Generator:
    """Builds one agreement's rows."""

    def __init__(self, seed: int, ids: Ids, *, password_hash: str, themes: dict[str, int],
                 categories: list[tuple[int, str]], coordinator_id: int | None) -> None:
        self.seed, self.ids, self.password_hash = seed, ids, password_hash
        self.themes, self.categories, self.coordinator_id = themes, categories, coordinator_id

    def status_change(self, batch: Batch, entity: str, entity_id: int, old: Any, new: Any, at: datetime,
                      actor: int | None) -> None:
        batch.add(T["status"], id=self.ids.take(T["status"]), entity_type=entity, entity_id=entity_id,
                  from_status=old.value if old is not None else None, to_status=new.value, note=None,
                  actor_id=actor, at=at)

    def agreement(self, n: int) -> Batch:  # noqa: C901, PLR0912, PLR0915  (one story, told in order)
        rng = random.Random(f"{self.seed}-{n}")  # noqa: S311  (synthetic data, reproducible on purpose)
        ids, b = self.ids, Batch()
        town = TOWNS[n % len(TOWNS)] + (f" {n // len(TOWNS) + 1}" if n >= len(TOWNS) else "")
        prefix = f"s{self.seed}-{n:03d}"
        start = date(FIRST_YEAR + n % 2, 1 + n % 12, 1)
        end = date(start.year + 6, start.month, 1) - timedelta(days=1)

        # --- organisations and their referents --------------------------------------------------------------
        orgs: dict[str, int] = {}
        for code, name, kind in [("ville", f"Ville de {town}", OrganisationKind.MUNICIPALITY),
                                 ("agglo", f"Agglomération de {town}", OrganisationKind.EPCI),
                                 ("bailleur1", f"{town} Habitat", OrganisationKind.HOUSING_PROVIDER),
                                 ("bailleur2", f"Logis de {town}", OrganisationKind.HOUSING_PROVIDER),
                                 ("etat", f"Délégation du préfet — {town}", OrganisationKind.STATE),
                                 ("asso", f"Régie de quartier de {town}", OrganisationKind.ASSOCIATION)]:
            orgs[code] = b.add(T["org"], id=ids.take(T["org"]), code=f"{prefix}-{code}", name=name, kind=kind,
                               is_active=True, created_at=moment(start, rng), updated_at=moment(start, rng))["id"]
        referents: dict[int, int] = {}
        referent_names: dict[int, str] = {}
        for code, org_id in orgs.items():
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            user = b.add(T["user"], id=ids.take(T["user"]), email=f"{code}.{prefix}@charge.gup.fr", full_name=name,
                         role=Role.PARTNER_REFERENT, organisation_id=org_id, password_hash=self.password_hash,
                         is_active_account=True, created_at=moment(start, rng), updated_at=moment(start, rng))
            referents[org_id], referent_names[org_id] = user["id"], name
        coordinator = b.add(T["user"], id=ids.take(T["user"]), email=f"coordination.{prefix}@charge.gup.fr",
                            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", role=Role.COORDINATOR,
                            organisation_id=orgs["ville"], password_hash=self.password_hash, is_active_account=True,
                            created_at=moment(start, rng), updated_at=moment(start, rng))["id"]
        providers = [orgs["bailleur1"], orgs["bailleur2"]]

        # --- territory tree --------------------------------------------------------------------------------
        neighbourhoods: list[dict[str, Any]] = []
        places: dict[int, list[dict[str, Any]]] = {}  # neighbourhood id → every place under it
        for q in range(NEIGHBOURHOODS):
            hood = b.add(T["territory"], id=ids.take(T["territory"]), code=f"{prefix}-q{q}",
                         kind=TerritoryKind.NEIGHBOURHOOD, parent_id=None,
                         name=f"{NEIGHBOURHOOD_NAMES[(n + q) % len(NEIGHBOURHOOD_NAMES)]} ({town})",
                         qpv_code=f"QN{n:03d}{q}" if q < 2 else None, address=None, housing_provider_id=None,
                         created_at=moment(start, rng), updated_at=moment(start, rng))
            neighbourhoods.append(hood)
            inside: list[dict[str, Any]] = []
            for r in range(RESIDENCES):
                provider = providers[(q + r) % 2]
                street = STREETS[(q * RESIDENCES + r) % len(STREETS)]
                res = b.add(T["territory"], id=ids.take(T["territory"]), code=f"{prefix}-q{q}-r{r}",
                            kind=TerritoryKind.RESIDENCE, parent_id=hood["id"],
                            name=f"Résidence {RESIDENCE_NAMES[(q + r) % len(RESIDENCE_NAMES)]}",
                            qpv_code=None, address=f"{r + 1} {street}", housing_provider_id=provider,
                            created_at=moment(start, rng), updated_at=moment(start, rng))
                inside.append(res)
                for bl in range(BUILDINGS):
                    building = b.add(T["territory"], id=ids.take(T["territory"]), code=f"{prefix}-q{q}-r{r}-b{bl}",
                                     kind=TerritoryKind.BUILDING, parent_id=res["id"],
                                     name=f"Bâtiment {chr(65 + bl)}", qpv_code=None,
                                     address=f"{r + 1 + 2 * bl} {street}", housing_provider_id=provider,
                                     created_at=moment(start, rng), updated_at=moment(start, rng))
                    inside.append(building)
                    for s in range(STAIRWELLS):
                        inside.append(b.add(
                            T["territory"], id=ids.take(T["territory"]), code=f"{prefix}-q{q}-r{r}-b{bl}-c{s}",
                            kind=TerritoryKind.STAIRWELL, parent_id=building["id"],
                            name=f"Cage {chr(65 + bl)}{s + 1}", qpv_code=None, address=None,
                            housing_provider_id=provider, created_at=moment(start, rng),
                            updated_at=moment(start, rng)))
            places[hood["id"]] = inside

        # --- the agreement, its partners, signatories, themes and commitments ------------------------------
        agreement_id = b.add(T["agreement"], id=ids.take(T["agreement"]), reference=f"CHARGE-{self.seed}-{n:03d}",
                             title=f"Convention GUP de {town} {start.year}-{end.year}", kind=AgreementKind.FRAMEWORK,
                             status=AgreementStatus.IN_FORCE, start_on=start, end_on=end, midterm_on=None,
                             city_contract=f"Contrat de ville « Quartiers 2030 » de {town}",
                             created_at=moment(start, rng), updated_at=moment(start, rng))["id"]
        for hood in neighbourhoods:
            b.add(agreement_territories, agreement_id=agreement_id, territory_id=hood["id"])
        for theme_id in self.themes.values():
            b.add(agreement_themes, agreement_id=agreement_id, theme_id=theme_id)
        b.add(agreement_coordinators, agreement_id=agreement_id, user_id=coordinator)
        if self.coordinator_id is not None:
            b.add(agreement_coordinators, agreement_id=agreement_id, user_id=self.coordinator_id)
        partners: dict[int, int] = {}
        signed = start - timedelta(days=rng.randint(20, 60))
        roles = {"ville": SignatoryRole.MUNICIPALITY, "agglo": SignatoryRole.EPCI, "etat": SignatoryRole.STATE,
                 "bailleur1": SignatoryRole.HOUSING_PROVIDER, "bailleur2": SignatoryRole.HOUSING_PROVIDER}
        for code, org_id in orgs.items():
            partners[org_id] = b.add(T["partner"], id=ids.take(T["partner"]), agreement_id=agreement_id,
                                     organisation_id=org_id, referent=referent_names[org_id],
                                     created_at=moment(start, rng), updated_at=moment(start, rng))["id"]
            if code in roles:
                b.add(T["signatory"], id=ids.take(T["signatory"]), agreement_id=agreement_id, organisation_id=org_id,
                      role=roles[code], signer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                      signer_title="Représentant·e légal·e", signed_on=signed, created_at=moment(signed, rng),
                      updated_at=moment(signed, rng))
        theme_codes = [c for c in ISSUES if c in self.themes]
        commitments: dict[int, list[int]] = {}  # organisation → its commitments
        for c in range(COMMITMENTS):
            org_id = list(orgs.values())[c % len(orgs)]
            status = pick(rng, [(CommitmentStatus.AGREED, 3), (CommitmentStatus.IN_PROGRESS, 8),
                                (CommitmentStatus.FULFILLED, 3), (CommitmentStatus.PARTLY_FULFILLED, 1),
                                (CommitmentStatus.NOT_FULFILLED, 1), (CommitmentStatus.PROPOSED, 1)])
            progress = {CommitmentStatus.FULFILLED: 100, CommitmentStatus.IN_PROGRESS: rng.randint(10, 90),
                        CommitmentStatus.PARTLY_FULFILLED: rng.randint(40, 80)}.get(status, 0)
            tfpb = org_id in providers and c % 3 == 0
            theme = theme_codes[c % len(theme_codes)]
            cid = b.add(T["commitment"], id=ids.take(T["commitment"]), agreement_id=agreement_id,
                        partner_id=partners[org_id], theme_id=self.themes[theme], reference=f"ENG-{c + 1:02d}",
                        title=f"{ISSUES[theme][0].split(' ')[0]} : plan d'amélioration n° {c + 1}",
                        description="Engagement synthétique (données de charge).",
                        funding_source=FundingSource.TFPB if tfpb else pick(
                            rng, [(FundingSource.MAINSTREAM, 3), (FundingSource.CITY_POLICY, 1)]),
                        tfpb_axis=list(TfpbAxis)[c % 8] if tfpb else None,
                        planned_investment_amount=Decimal(rng.randint(0, 80) * 1000),
                        planned_operating_amount=Decimal(rng.randint(1, 40) * 500),
                        indicator_label="Interventions réalisées", indicator_unit="interventions",
                        indicator_baseline=Decimal(0), indicator_target=Decimal(rng.randint(10, 60)),
                        due_on=day_between(rng, start + timedelta(days=365), end), status=status,
                        progress=progress, created_at=moment(start, rng), updated_at=moment(start, rng))["id"]
            commitments.setdefault(org_id, []).append(cid)
            if status is not CommitmentStatus.PROPOSED:
                for u in range(rng.randint(1, 3)):
                    day = day_between(rng, start + timedelta(days=90 * (u + 1)), UNTIL)
                    b.add(T["cupdate"], id=ids.take(T["cupdate"]), commitment_id=cid, author_id=referents[org_id],
                          created_at=moment(day, rng), note="Point d'avancement de l'engagement.",
                          progress=min(100, progress * (u + 1) // 3) or None, status=None,
                          investment_spent=Decimal(rng.randint(0, 40) * 500), operating_spent=None, spent_on=day,
                          indicator_value=Decimal(rng.randint(0, 30)), measured_on=day)

        # --- walks and their stops -------------------------------------------------------------------------
        walks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for w in range(WALKS):
            hood = neighbourhoods[w % NEIGHBOURHOODS]
            walked_on = day_between(rng, start, UNTIL + timedelta(days=40))
            kind = pick(rng, [(WalkKind.DAY, 6), (WalkKind.NIGHT, 2), (WalkKind.EXPLORATORY_WOMEN, 1),
                              (WalkKind.YOUTH, 1)])
            status = (WalkStatus.PLANNED if walked_on > UNTIL else
                      WalkStatus.RESTITUTION_SENT if rng.random() < 0.6 else WalkStatus.DONE)
            walk = b.add(T["walk"], id=ids.take(T["walk"]), agreement_id=agreement_id, neighbourhood_id=hood["id"],
                         title=f"Diagnostic en marchant {kind.value} n° {w + 1} — {hood['name']}",
                         walked_on=walked_on, kind=kind, residents_count=rng.randint(3, 25), status=status,
                         restitution_on=walked_on + timedelta(days=30) if status is WalkStatus.RESTITUTION_SENT
                         else None, created_at=moment(walked_on - timedelta(days=20), rng),
                         updated_at=moment(walked_on, rng))
            stops = []
            lat, lng = 45.0 + n * 0.05 + (w % 3) * 0.01, 1.0 + n * 0.05
            for s, place in enumerate(rng.sample(places[hood["id"]], STOPS)):
                stops.append(b.add(T["stop"], id=ids.take(T["stop"]), walkthrough_id=walk["id"], position=s + 1,
                                   name=f"Halte {s + 1} : {place['name']}", territory_id=place["id"],
                                   latitude=round(lat + s * 0.0007, 6), longitude=round(lng + s * 0.0006, 6)))
            walks.append((walk, stops))
        done_walks = [(w, s) for w, s in walks if w["status"] is not WalkStatus.PLANNED]

        # --- findings, and actions taken from them ---------------------------------------------------------
        owner_of = {LandOwnership.TOWN: orgs["ville"], LandOwnership.EPCI: orgs["agglo"],
                    LandOwnership.STATE: orgs["etat"]}
        provider_of = {p["id"]: p["housing_provider_id"] for inside in places.values() for p in inside}
        last_action: dict[int, dict[str, Any]] = {}
        for _f in range(FINDINGS):
            walk, stops = rng.choice(done_walks) if rng.random() < 0.8 else (None, None)
            if walk is not None:
                stop = rng.choice(stops)
                hood_id, place_id = walk["neighbourhood_id"], stop["territory_id"]
                created = moment(walk["walked_on"], rng)
                lat, lng = stop["latitude"], stop["longitude"]
            else:
                hood_id = rng.choice(neighbourhoods)["id"]
                place_id = rng.choice(places[hood_id])["id"] if rng.random() < 0.7 else None
                created = moment(day_between(rng, start, UNTIL), rng)
                lat = lng = None
            kind = pick(rng, [(FindingKind.ISSUE, 85), (FindingKind.STRENGTH, 8), (FindingKind.PROPOSAL, 7)])
            theme = rng.choice(theme_codes)
            fid = ids.take(T["finding"])
            row: dict[str, Any] = dict(
                id=fid, agreement_id=agreement_id, walkthrough_id=walk["id"] if walk else None,
                stop_id=stop["id"] if walk else None, kind=kind, theme_id=self.themes[theme],
                address=None, latitude=lat, longitude=lng, territory_id=place_id,
                description=rng.choice(STRENGTHS if kind is FindingKind.STRENGTH else ISSUES[theme]),
                resident_quote=rng.choice(QUOTES), created_by_id=coordinator, created_at=created,
                status=FindingStatus.NEW, is_recurring=rng.random() < 0.1, priority=Priority.THIS_YEAR,
                land_ownership=None,
                responsible_organisation_id=None, due_on=None, refusal_reason=None, referral=None,
                resolved_on=None, resolution_note=None)
            if kind is FindingKind.STRENGTH:
                row["updated_at"] = created
                b.add(T["finding"], **row)
                self.status_change(b, "Finding", fid, None, FindingStatus.NEW, created, coordinator)
                continue
            ownership = (LandOwnership.HOUSING_PROVIDER if place_id and rng.random() < 0.6 else
                         pick(rng, [(LandOwnership.TOWN, 6), (LandOwnership.EPCI, 2), (LandOwnership.STATE, 1)]))
            org_id = (provider_of.get(place_id) if ownership is LandOwnership.HOUSING_PROVIDER
                      else owner_of[ownership]) or orgs["ville"]
            status = pick(rng, FINDING_STATUSES)
            row.update(land_ownership=ownership, priority=pick(rng, [(Priority.URGENT, 2), (Priority.THIS_YEAR, 5),
                                                                     (Priority.LONGER_TERM, 2)]),
                       responsible_organisation_id=org_id if status is not FindingStatus.NEW else None,
                       due_on=(created + timedelta(days=rng.randint(15, 180))).date(), status=status)
            self.status_change(b, "Finding", fid, None, FindingStatus.NEW, created, coordinator)
            at, old = created, FindingStatus.NEW
            for step in FINDING_PATHS[status]:
                at = min(at + timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 8)),
                         datetime.combine(UNTIL, time(17), tzinfo=UTC))
                self.status_change(b, "Finding", fid, old, step, at,
                                   coordinator if step in (FindingStatus.SENT, FindingStatus.CHECKED,
                                                           FindingStatus.OUT_OF_SCOPE) else referents[org_id])
                old = step
            if status is FindingStatus.REFUSED:
                row["refusal_reason"] = "Ce lieu ne relève pas de notre patrimoine : à réorienter."
            elif status is FindingStatus.OUT_OF_SCOPE:
                row["referral"] = "Opérateur de télécommunications (hors champ de la convention)."
            elif status in (FindingStatus.RESOLVED, FindingStatus.CHECKED):
                row["resolved_on"], row["resolution_note"] = at.date(), "Intervention réalisée."
            row["updated_at"] = at
            b.add(T["finding"], **row)
            if status in (FindingStatus.ACCEPTED, FindingStatus.PLANNED, FindingStatus.IN_PROGRESS,
                          FindingStatus.RESOLVED, FindingStatus.CHECKED):
                previous = last_action.get(org_id)
                if previous is not None and rng.random() < 0.25:
                    b.add(finding_actions, finding_id=fid, action_id=previous["id"])
                elif rng.random() < 0.6:
                    last_action[org_id] = self.action(b, rng, agreement_id, org_id, fid, status, created, at,
                                                      referents[org_id], commitments.get(org_id, []))

        # --- resident reports ----------------------------------------------------------------------------
        report_ids: dict[int, list[int]] = {}
        relay_rows = self.relays(b, rng, agreement_id, neighbourhoods, start)
        for _r in range(REPORTS):
            hood_id = rng.choice(neighbourhoods)["id"]
            place = rng.choice(places[hood_id]) if rng.random() < 0.5 else None
            category_id, category_org = rng.choice(self.categories)
            created = moment(day_between(rng, start, UNTIL), rng)
            status = pick(rng, REPORT_STATUSES)
            if status is ReportStatus.DUPLICATE and not report_ids.get(hood_id):
                status = ReportStatus.RECEIVED
            rid = ids.take(T["report"])
            reference = f"GUP-{created.year}-{rid:06d}"
            channel = pick(rng, [(Channel.WEB, 6), (Channel.PHONE, 3), (Channel.RELAY, 1)])
            suggested = (place and place["housing_provider_id"]) or orgs.get(category_org) or orgs["ville"]
            row = dict(id=rid, reference=reference, channel=channel, category_id=category_id,
                       agreement_id=agreement_id, neighbourhood_id=hood_id,
                       territory_id=place["id"] if place else None,
                       description=f"{rng.choice(ISSUES[rng.choice(theme_codes)])}.",
                       address=place["address"] if place and place["address"] else None,
                       attribute_values={}, status=status, suggested_organisation_id=suggested,
                       responsible_organisation_id=None, duplicate_of_id=None, created_by_id=None,
                       contact_name=None, contact_email=None, contact_consent=False,
                       first_answer_at=None, closed_at=None,
                       disclosure=Disclosure.RESIDENT if channel is Channel.WEB else Disclosure.PRIVATE,
                       created_at=created)
            b.add(T["rupdate"], id=ids.take(T["rupdate"]), report_id=rid, status=ReportStatus.RECEIVED,
                  public_text=REPORT_TEXTS[ReportStatus.RECEIVED].format(reference=reference), organisation_id=None,
                  author_id=None, at=created)
            self.status_change(b, "ResidentReport", rid, None, ReportStatus.RECEIVED, created, None)
            at, old = created, ReportStatus.RECEIVED
            for step in REPORT_PATHS[status]:
                at = min(at + timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 20)),
                         datetime.combine(UNTIL, time(17), tzinfo=UTC))
                if step is ReportStatus.SENT:
                    row["responsible_organisation_id"] = suggested
                actor = referents[suggested] if step in (ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED) \
                    else coordinator
                row["first_answer_at"] = row["first_answer_at"] or at
                b.add(T["rupdate"], id=ids.take(T["rupdate"]), report_id=rid, status=step,
                      public_text=REPORT_TEXTS[step].format(reference=reference),
                      organisation_id=row["responsible_organisation_id"], author_id=actor, at=at)
                self.status_change(b, "ResidentReport", rid, old, step, at, actor)
                old = step
            if status is ReportStatus.DUPLICATE:
                row["duplicate_of_id"] = rng.choice(report_ids[hood_id][-50:])
            if status in CLOSED_REPORTS:
                row["closed_at"] = at
            row["updated_at"] = at
            b.add(T["report"], **row)
            report_ids.setdefault(hood_id, []).append(rid)
            if channel is Channel.RELAY and relay_rows.get(hood_id):
                relay = rng.choice(relay_rows[hood_id])
                b.add(RelayReport.__table__, report_id=rid, relay_id=relay["id"], filed_by_id=None,
                      created_at=created)

        self.budget(b, rng, agreement_id, neighbourhoods, places, start)
        return b

    def action(self, b: Batch, rng: random.Random, agreement_id: int, org_id: int, finding_id: int,
               finding_status: FindingStatus, created: datetime, at: datetime, referent: int,
               commitments: list[int]) -> dict[str, Any]:
        status = {FindingStatus.RESOLVED: ActionStatus.DONE, FindingStatus.CHECKED: ActionStatus.DONE,
                  FindingStatus.IN_PROGRESS: pick(rng, [(ActionStatus.IN_PROGRESS, 5), (ActionStatus.BLOCKED, 1)]),
                  }.get(finding_status, pick(rng, [(ActionStatus.PLANNED, 6), (ActionStatus.CANCELLED, 1)]))
        progress = {ActionStatus.DONE: 100, ActionStatus.IN_PROGRESS: rng.randint(10, 90),
                    ActionStatus.BLOCKED: rng.randint(0, 50)}.get(status, 0)
        opened = created + timedelta(days=rng.randint(1, 10))
        aid = self.ids.take(T["action"])
        row = b.add(T["action"], id=aid, agreement_id=agreement_id, title=rng.choice(ACTION_TITLES),
                    description="Action synthétique (données de charge).",
                    kind=pick(rng, [(ActionKind.INTERVENTION, 5), (ActionKind.WORKS, 3),
                                    (ActionKind.SENSITIZATION, 1)]),
                    responsible_organisation_id=org_id, assignee_id=referent if rng.random() < 0.6 else None,
                    commitment_id=rng.choice(commitments) if commitments and rng.random() < 0.3 else None,
                    due_on=(opened + timedelta(days=rng.randint(20, 120))).date(), status=status,
                    blocked_reason="En attente du prestataire." if status is ActionStatus.BLOCKED else None,
                    progress=progress, cost=Decimal(rng.randint(1, 60) * 50) if rng.random() < 0.4 else None,
                    done_on=at.date() if status is ActionStatus.DONE else None, created_at=opened, updated_at=at)
        b.add(finding_actions, finding_id=finding_id, action_id=aid)
        self.status_change(b, "Action", aid, None, ActionStatus.PLANNED, opened, referent)
        if status is not ActionStatus.PLANNED:
            self.status_change(b, "Action", aid, ActionStatus.PLANNED, status, max(at, opened), referent)
            b.add(T["aupdate"], id=self.ids.take(T["aupdate"]), action_id=aid, author_id=referent,
                  created_at=max(at, opened), note="Point d'avancement de l'intervention.", progress=progress,
                  status=status, photo_id=None)
        if status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE) and rng.random() < 0.5:
            b.add(T["aupdate"], id=self.ids.take(T["aupdate"]), action_id=aid, author_id=referent,
                  created_at=opened + timedelta(hours=2), note="Intervention programmée.", progress=None,
                  status=None, photo_id=None)
        return row

    def relays(self, b: Batch, rng: random.Random, agreement_id: int, neighbourhoods: list[dict[str, Any]],
               start: date) -> dict[int, list[dict[str, Any]]]:
        by_hood: dict[int, list[dict[str, Any]]] = {}
        for r in range(RELAYS):
            hood = neighbourhoods[r % len(neighbourhoods)]
            begins = day_between(rng, start, UNTIL - timedelta(days=60))
            ends = begins + timedelta(days=730)
            ended = ends < UNTIL or rng.random() < 0.1
            row = b.add(T["relay"], id=self.ids.take(T["relay"]), agreement_id=agreement_id,
                        person_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                        consent_given_on=begins, consent_channels="email", neighbourhood_id=hood["id"],
                        designation_method=pick(rng, [(DesignationMethod.VOLUNTEER, 4),
                                                      (DesignationMethod.RANDOM_DRAW, 2),
                                                      (DesignationMethod.CO_OPTED, 1)]),
                        charter_signed_on=begins, mandate_start_on=begins, mandate_end_on=ends,
                        status=RelayStatus.ENDED if ended else RelayStatus.ACTIVE,
                        ended_on=min(ends, UNTIL) if ended else None, created_at=moment(begins, rng),
                        updated_at=moment(begins, rng))
            row["end_reason"] = (EndReason.TERM if ends < UNTIL else EndReason.MOVED) if ended else None
            by_hood.setdefault(hood["id"], []).append(row)
        return by_hood

    def budget(self, b: Batch, rng: random.Random, agreement_id: int, neighbourhoods: list[dict[str, Any]],
               places: dict[int, list[dict[str, Any]]], start: date) -> None:
        """A closed campaign for each past year and one in its vote phase this year, on the first neighbourhood."""
        hood = neighbourhoods[0]
        for year in range(start.year + 1, UNTIL.year + 1):
            current = year == UNTIL.year
            phase = PBPhase.VOTE if current else PBPhase.CLOSED
            opened = date(year, 2, 1)
            cid = b.add(T["campaign"], id=self.ids.take(T["campaign"]), agreement_id=agreement_id,
                        neighbourhood_id=hood["id"], year=year, title=f"Budget participatif {year} — {hood['name']}",
                        envelope=Decimal(rng.randint(3, 10) * 10000), investment_only=True, choices_per_voter=3,
                        phase=phase, proposals_on=opened, review_on=date(year, 4, 1), vote_on=date(year, 6, 1),
                        results_on=None if current else date(year, 7, 1),
                        delivery_on=None if current else date(year, 9, 1),
                        closed_on=None if current else date(year, 12, 15),
                        phase_changed_at=datetime(year, 6 if current else 12, 1, 9, tzinfo=UTC),
                        created_at=datetime(year, 1, 15, 9, tzinfo=UTC),
                        updated_at=datetime(year, 6, 1, 9, tzinfo=UTC))["id"]
            for p in range(8):
                status = (pick(rng, [(ProjectStatus.ELIGIBLE, 4), (ProjectStatus.INELIGIBLE, 1)]) if current else
                          pick(rng, [(ProjectStatus.SELECTED, 2), (ProjectStatus.NOT_SELECTED, 2),
                                     (ProjectStatus.INELIGIBLE, 1)]))
                place = rng.choice(places[hood["id"]])
                submitted = datetime(year, 2, 1 + p, 10, tzinfo=UTC)
                b.add(T["project"], id=self.ids.take(T["project"]), campaign_id=cid,
                      title=f"Projet d'habitants n° {p + 1} : {rng.choice(STRENGTHS).lower()}",
                      description="Proposition déposée par des habitants (données de charge).",
                      place_id=place["id"], neighbourhood_id=hood["id"],
                      estimated_cost=Decimal(rng.randint(2, 30) * 1000), status=status,
                      review_reason="Hors du périmètre d'investissement." if status is ProjectStatus.INELIGIBLE
                      else None, reviewed_at=datetime(year, 4, 1, 9, tzinfo=UTC), source=ProjectSource.PUBLIC,
                      submitted_at=submitted, author_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                      created_at=submitted, updated_at=submitted)


def _reset_sequences(tables: Iterable[sa.Table]) -> None:
    """PostgreSQL: ids were given here, move each table's sequence past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608  (table names of ours)
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def load_scale(scale: int, *, seed: int, show_progress: bool = True) -> dict[str, int]:
    """Add `scale` synthetic agreements (after the ordinary demo, which the caller loads first) and commit after
    each one; returns the number of rows written per table."""
    themes = {t.code: t.id for t in db.session.scalars(sa.select(Theme).order_by(Theme.position))}
    categories = []
    for category in db.session.scalars(sa.select(ReportCategory).order_by(ReportCategory.id)):
        org = db.session.get(Organisation, category.default_organisation_id) \
            if category.default_organisation_id else None
        kind = org.kind if org else None
        categories.append((category.id, {OrganisationKind.EPCI: "agglo",
                                         OrganisationKind.HOUSING_PROVIDER: "bailleur1"}.get(kind, "ville")))
    if not categories:
        raise click.ClickException("Aucune catégorie de signalement : chargez d'abord la démonstration.")
    coordinator_id = db.session.scalar(sa.select(User.id).where(User.email == "coordination@demo.gup.fr"))
    with_ids = [t for t in T.values()]
    ids = Ids.read(with_ids)
    generator = Generator(seed, ids, password_hash=hash_password(DEMO_PASSWORD), themes=themes,
                          categories=categories, coordinator_id=coordinator_id)
    counts: dict[str, int] = {}
    new_agreements: list[int] = []
    with click.progressbar(range(scale), label="Données de charge", show_pos=True,
                           file=None if show_progress else _Null()) as bar:
        for n in bar:
            batch = generator.agreement(n)
            new_agreements.append(batch.rows[T["agreement"]][0]["id"])
            batch.write(counts)
            db.session.commit()
    _reset_sequences(with_ids)
    from gup.evaluations.services import sync_schedule

    for agreement in db.session.scalars(sa.select(Agreement).where(Agreement.id.in_(new_agreements))):
        counts["evaluations"] = counts.get("evaluations", 0) + len(sync_schedule(agreement).created)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # as after any bulk load: the planner's statistics, which autovacuum would gather only later
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return counts


class _Null:
    """A file that swallows the progress bar (tests)."""

    def write(self, _text: str) -> None:
        return None

    def flush(self) -> None:
        return None
