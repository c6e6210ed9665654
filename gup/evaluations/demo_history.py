"""The demo agreement's first year (2025), so that its published « Bilan annuel 2025 » reads like a real one.

Three walks (a day walk in April, a women's exploratory walk in June, a night walk in October), about forty
findings routed, accepted, refused, redirected and resolved at varied delays, nine actions, twenty-six resident
reports over the web form, the phone and Open311, and dated commitment progress updates with the amounts spent.
Everything goes through the features' services with fixed past dates and the demo accounts as actors, so the status
histories, transfers and dates are those of a real year; a few items are settled in early 2026, before the review
is frozen. Residents' contact details are left empty. Called by gup.evaluations.demo before the 2025 review is
frozen; idempotent (nothing is done when the April 2025 walk exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from gup.actions.models import Action, ActionKind, ActionStatus
from gup.actions.services import add_action_update, create_action, update_action
from gup.agreements.models import Agreement, Commitment, Theme
from gup.agreements.services import add_commitment_update
from gup.audit.services import acting_as
from gup.auth.models import User
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority
from gup.findings.services import action_from_finding, change_finding_status, create_finding, route_finding
from gup.hotline import services as hotline
from gup.hotline.models import Channel, ReportCategory, ReportStatus, ResidentReport
from gup.organisations.models import Organisation
from gup.territory.models import Territory
from gup.walks.models import WalkKind, WalkStatus, Walkthrough
from gup.walks.services import change_walk_status, create_walk

APRIL_TITLE = "Diagnostic en marchant de printemps — Les Tilleuls"
JUNE_TITLE = "Marche exploratoire de femmes — Le Clos-Fleuri"
OCTOBER_TITLE = "Diagnostic en marchant de nuit — Le Clos-Fleuri"
COORDINATOR, PROVIDER1, PROVIDER2 = "coordination@demo.gup.fr", "bailleur1@demo.gup.fr", "bailleur2@demo.gup.fr"
PREFECTURE = "prefecture@demo.gup.fr"
#: marks the demo's resident reports (as gup.hotline.demo does)
DEMO_MARK = "[démo]"

#: the walks' routes: name, place code, latitude, longitude
APRIL_STOPS = [
    ("Square des Tilleuls", None, 47.21840, -1.55300),
    ("Pied du bâtiment A", "tilleuls-res-a-b1", 47.21790, -1.55370),
    ("Jardin partagé du square", None, 47.21855, -1.55265),
    ("Allée du Verger, bâtiment C", "tilleuls-res-b-b1", 47.21880, -1.55210),
    ("Porche du bâtiment B", "tilleuls-res-a-b2", 47.21770, -1.55395),
]
JUNE_STOPS = [
    ("Place du Clos-Fleuri", "clos-fleuri-res-a-b3", 47.21950, -1.55080),
    ("Arrêt de bus et passage souterrain vers la gare", None, 47.21990, -1.55010),
    ("Hall G3", "clos-fleuri-res-a-b2", 47.21930, -1.55100),
    ("Cheminement piéton vers les Hortensias", None, 47.21900, -1.55060),
    ("Parking des Glycines", "clos-fleuri-res-a-b1", 47.21920, -1.55120),
]
OCTOBER_STOPS = [
    ("Halls G4 et G5", "clos-fleuri-res-a-b2", 47.21935, -1.55095),
    ("Place du Clos-Fleuri", "clos-fleuri-res-a-b3", 47.21950, -1.55080),
    ("Avenue des Hortensias", None, 47.21870, -1.55030),
    ("Rue des Glycines, bacs d'ordures", None, 47.21915, -1.55140),
    ("Bâtiment Glycines 3, hall G6", "clos-fleuri-res-a-b3", 47.21958, -1.55070),
]


def at(month: int, day: int, hour: int, minute: int = 0, *, year: int = 2025) -> datetime:
    """A moment of 2025 (or of `year`), in UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@dataclass
class History:
    """What the load added."""

    walks: int = 0
    findings: int = 0
    actions: int = 0
    reports: int = 0
    updates: int = 0

    @property
    def changed(self) -> bool:
        return any((self.walks, self.findings, self.actions, self.reports, self.updates))

    def lines(self, reference: str) -> list[str]:
        if not self.changed:
            return []
        return [f"Activité 2025 de {reference} : {self.walks} diagnostic(s), {self.findings} constat(s), "
                f"{self.actions} action(s), {self.reports} signalement(s) d'habitants et {self.updates} point(s) "
                f"d'avancement d'engagements ajoutés."]


class _History:
    """Looks records up by their codes and writes the year through the services."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.done = History()
        self.users = {email: db.session.scalar(sa.select(User).where(User.email == email))
                      for email in (COORDINATOR, PROVIDER1, PROVIDER2, PREFECTURE)}
        self.orgs = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
        self.themes = {t.code: t for t in db.session.scalars(sa.select(Theme))}
        self.places = {t.code: t for t in db.session.scalars(sa.select(Territory))}
        self.categories = {c.code: c for c in db.session.scalars(sa.select(ReportCategory))}

    @property
    def ready(self) -> bool:
        """The demo accounts and organisations exist (the agreements' demo loader ran)."""
        return (all(self.users.values())
                and all(code in self.orgs for code in ("ville-bellerive", "agglo-bellerive", "habitat-bellerive",
                                                       "logis-du-val"))
                and all(code in self.places for code in ("tilleuls", "clos-fleuri")))

    def user(self, email: str) -> User:
        return self.users[email]

    def place(self, code: str | None) -> Territory | None:
        return self.places.get(code) if code else None

    def commitment(self, reference: str) -> Commitment | None:
        return db.session.scalar(sa.select(Commitment).where(Commitment.agreement_id == self.agreement.id,
                                                             Commitment.reference == reference))

    # --- walks -----------------------------------------------------------------------------------------------

    def walk(self, planned_at: datetime, stops: list[tuple], *, neighbourhood: str, organisations: list[str],
             users: list[str], grid: list[str], **fields: Any) -> Walkthrough:
        walk = create_walk(
            self.agreement, actor=self.user(COORDINATOR), now=planned_at, neighbourhood=self.place(neighbourhood),
            stops=[{"id": None, "name": name, "territory": self.place(code), "latitude": lat, "longitude": lng,
                    "notes": None} for name, code, lat, lng in stops],
            organisations=[self.orgs[c] for c in organisations if c in self.orgs],
            users=[self.user(e) for e in users], grid_themes=[self.themes[c] for c in grid if c in self.themes],
            **fields)
        self.done.walks += 1
        return walk

    # --- findings --------------------------------------------------------------------------------------------

    def finding(self, now: datetime, description: str, *, theme: str, place: str | None = None,
                walk: Walkthrough | None = None, stop: int | None = None, to: str | None = None,
                actor: str = COORDINATOR, **fields: Any) -> Finding:
        finding = create_finding(
            self.agreement, actor=self.user(actor), now=now, description=description, theme=self.themes[theme],
            territory=self.place(place), walkthrough=walk, stop=walk.stops[stop - 1] if walk and stop else None,
            responsible_organisation=self.orgs[to] if to else None, **fields)
        self.done.findings += 1
        return finding

    def move(self, finding: Finding, to: FindingStatus, now: datetime, actor: str, note: str | None = None) -> None:
        change_finding_status(finding, to=to, actor=self.user(actor), now=now, note=note)

    def answer(self, finding: Finding, actor: str, accepted: datetime, resolved: datetime | None = None,
               note: str | None = None, *, started: datetime | None = None) -> None:
        """The organisation accepts the finding, maybe starts, and maybe resolves it."""
        self.move(finding, FindingStatus.ACCEPTED, accepted, actor)
        if started is not None:
            self.move(finding, FindingStatus.IN_PROGRESS, started, actor)
        if resolved is not None:
            self.move(finding, FindingStatus.RESOLVED, resolved, actor, note)

    # --- actions ---------------------------------------------------------------------------------------------

    def action(self, finding: Finding | None, now: datetime, actor: str, *, title: str, due_on: date,
               kind: ActionKind, commitment: str | None = None, organisation: str | None = None,
               cost: str | None = None) -> Action:
        person = self.user(actor)
        if finding is not None:
            action = action_from_finding(finding, actor=person, now=now, title=title, due_on=due_on, kind=kind)
        else:
            action = create_action(self.agreement, responsible_organisation=self.orgs[organisation], actor=person,
                                   now=now, title=title, due_on=due_on, kind=kind)
        extra: dict[str, Any] = {}
        if commitment is not None and (linked := self.commitment(commitment)) is not None:
            extra["commitment"] = linked
        if cost is not None:
            extra["cost"] = Decimal(cost)
        if extra:
            update_action(action, actor=person, **extra)
        self.done.actions += 1
        return action

    def progress(self, action: Action, now: datetime, actor: str, note: str, **kw: Any) -> None:
        add_action_update(action, note=note, actor=self.user(actor), now=now, **kw)

    # --- resident reports ------------------------------------------------------------------------------------

    def report(self, code: str, now: datetime, description: str, *, neighbourhood: str, place: str | None = None,
               address: str | None = None, channel: Channel = Channel.WEB, **kw: Any) -> ResidentReport:
        self.done.reports += 1
        kw.setdefault("publish_description", channel is Channel.WEB)  # the demo's web reporters ticked « Publier »
        return hotline.submit_report(channel=channel, category=self.categories[code], actor=None, now=now,
                                     description=f"{description} {DEMO_MARK}", address=address,
                                     neighbourhood=self.place(neighbourhood), territory=self.place(place), **kw)

    def route(self, report: ResidentReport, to: str, now: datetime) -> None:
        hotline.route_report(report, to=self.orgs[to], actor=self.user(COORDINATOR), now=now)

    def status(self, report: ResidentReport, to: ReportStatus, now: datetime, actor: str = COORDINATOR,
               text: str | None = None, **kw: Any) -> None:
        hotline.change_status(report, to=to, actor=self.user(actor), now=now, public_text=text, **kw)

    def fixed(self, report: ResidentReport, answer: bool, now: datetime) -> None:
        """The reporter's answer to « is it fixed? » (given when the agent called back: no contact is kept)."""
        acting_as(db.session, None)
        hotline.record_fixed_answer(report, fixed=answer, now=now)

    # --- the year --------------------------------------------------------------------------------------------

    def story(self) -> None:
        self.first_quarter()
        april = self.april_walk()
        self.spring()
        june = self.june_walk()
        self.summer()
        october = self.october_walk()
        self.autumn()
        self.reports()
        self.commitment_updates()
        self.early_2026(april, june, october)

    def first_quarter(self) -> None:
        f = self.finding
        hp = LandOwnership.HOUSING_PROVIDER
        self.f_jan_bulky = f(at(1, 14, 8, 30), "Sapins de Noël, cartons et un sommier déposés au pied du bâtiment A, "
                             "à côté du local à encombrants.", theme="waste", place="tilleuls-res-a-b1",
                             land_ownership=hp, priority=Priority.URGENT, address="2 rue des Acacias")
        self.answer(self.f_jan_bulky, PROVIDER1, at(1, 15, 8, 0), at(1, 17, 14, 0),
                    "Enlèvement fait par la régie de proximité le 17 janvier.")
        lamp = f(at(1, 22, 9, 0), "Lampadaire éteint devant le 4 rue des Acacias depuis plusieurs jours.",
                 theme="public_lighting", place="tilleuls", land_ownership=LandOwnership.TOWN,
                 priority=Priority.URGENT, address="4 rue des Acacias")
        self.answer(lamp, COORDINATOR, at(1, 23, 8, 30), at(2, 11, 15, 0),
                    "Lampe et ballast remplacés par le service éclairage public.")
        bin_room = f(at(2, 5, 10, 0), "La porte du local poubelles du hall G4 a été forcée et ne ferme plus.",
                     theme="common_parts", place="clos-fleuri-res-a-b2-g4", land_ownership=hp,
                     priority=Priority.THIS_YEAR, due_on=date(2025, 3, 7), address="9 rue des Glycines",
                     actor=PROVIDER2)
        self.answer(bin_room, PROVIDER2, at(2, 7, 8, 0), at(3, 28, 10, 0),
                    "Porte et serrure remplacées ; badge d'accès réservé aux locataires.", started=at(2, 20, 9, 0))
        self.f_g2_clean_1 = f(at(2, 18, 9, 15), "Sacs d'ordures abandonnés dans la cage d'escalier G3, odeurs.",
                              theme="cleanliness", place="clos-fleuri-res-a-b2", land_ownership=hp,
                              priority=Priority.THIS_YEAR, due_on=date(2025, 3, 4), address="9 rue des Glycines")
        self.answer(self.f_g2_clean_1, PROVIDER2, at(2, 19, 8, 0), at(2, 26, 16, 0),
                    "Cage nettoyée ; rappel des consignes de tri affiché dans le hall.")
        self.f_mar_bulky = f(at(3, 12, 8, 0), "Nouveau dépôt d'encombrants au pied du bâtiment A : matelas et "
                             "meubles démontés.", theme="waste", place="tilleuls-res-a-b1", land_ownership=hp,
                             priority=Priority.URGENT, address="2 rue des Acacias", actor=PROVIDER1)
        self.answer(self.f_mar_bulky, PROVIDER1, at(3, 12, 10, 0), at(3, 20, 11, 0), "Encombrants enlevés.")
        hedge = f(at(3, 25, 9, 30), "La haie de la résidence Les Hortensias déborde sur le trottoir et masque "
                  "l'entrée du parking.", theme="green_spaces", place="clos-fleuri-res-b", land_ownership=hp,
                  priority=Priority.THIS_YEAR, address="10 avenue des Hortensias")
        self.answer(hedge, PROVIDER1, at(3, 27, 8, 0), at(5, 6, 14, 0), "Haie taillée par l'entreprise d'espaces "
                    "verts du bailleur.")

    def april_walk(self) -> Walkthrough:
        coordinator = self.user(COORDINATOR)
        walk = self.walk(
            at(3, 20, 10, 0), APRIL_STOPS, neighbourhood="tilleuls", title=APRIL_TITLE, kind=WalkKind.DAY,
            walked_on=date(2025, 4, 10), starts_at=time(14, 0), residents_count=17,
            route_description="Départ du square des Tilleuls, pied du bâtiment A, jardin partagé, allée du Verger "
                              "jusqu'au bâtiment C, retour par le porche du bâtiment B.",
            other_participants="Conseil citoyen des Tilleuls, amicale des locataires des Acacias, deux agents de la "
                               "régie de quartier.",
            organisations=["ville-bellerive", "agglo-bellerive", "habitat-bellerive", "regie-quartier"],
            users=[COORDINATOR, PROVIDER1],
            grid=["cleanliness", "waste", "green_spaces", "public_lighting", "street_furniture", "common_parts",
                  "tranquillity"])
        f = self.finding
        hp, town = LandOwnership.HOUSING_PROVIDER, LandOwnership.TOWN
        self.f_bench = f(at(4, 10, 12, 10), "Banc arraché à l'entrée du square des Tilleuls, les fixations "
                         "dépassent du sol.", theme="street_furniture", walk=walk, stop=1, land_ownership=town,
                         priority=Priority.THIS_YEAR, address="Square des Tilleuls")
        self.f_proposal = f(at(4, 10, 12, 20), "Installer un panneau d'affichage pour le conseil citoyen à l'entrée "
                            "du square.", theme="participation", walk=walk, stop=1, kind=FindingKind.PROPOSAL,
                            land_ownership=town, priority=Priority.LONGER_TERM, to="ville-bellerive",
                            address="Square des Tilleuls")
        self.f_intercom = f(at(4, 10, 12, 35), "L'interphone du hall A1 est muet : les visiteurs ne peuvent pas "
                            "appeler les logements.", theme="common_parts", walk=walk, stop=2,
                            place="tilleuls-res-a-b1-a1", land_ownership=hp, priority=Priority.URGENT,
                            address="2 rue des Acacias")
        self.f_apr_bulky = f(at(4, 10, 12, 40), "Le local à encombrants du bâtiment A déborde : sacs et cartons "
                             "devant la porte.", theme="waste", walk=walk, stop=2, place="tilleuls-res-a-b1",
                             land_ownership=hp, priority=Priority.URGENT, address="2 rue des Acacias",
                             resident_quote="Ça revient tous les mois, on a l'impression que personne ne s'en occupe.")
        f(at(4, 10, 13, 0), "Le jardin partagé du square est entretenu et très fréquenté par les familles.",
          theme="green_spaces", walk=walk, stop=3, kind=FindingKind.STRENGTH, land_ownership=town,
          priority=Priority.LONGER_TERM, address="Square des Tilleuls")
        self.f_c2 = f(at(4, 10, 13, 20), "Traces d'urine et odeurs persistantes dans la cage C2.",
                      theme="cleanliness", walk=walk, stop=4, place="tilleuls-res-b-b1-c2", land_ownership=hp,
                      priority=Priority.THIS_YEAR, due_on=date(2025, 5, 10), address="14 allée du Verger")
        self.f_verger_lamps = f(at(4, 10, 13, 30), "Deux lampadaires éteints dans l'allée du Verger.",
                                theme="public_lighting", walk=walk, stop=4, land_ownership=town,
                                priority=Priority.URGENT, address="Allée du Verger")
        self.f_porch = f(at(4, 10, 13, 50), "Regroupements tardifs sous le porche du bâtiment B ; les locataires se "
                         "plaignent du bruit après 22 heures.", theme="tranquillity", walk=walk, stop=5,
                         place="tilleuls-res-a-b2", land_ownership=hp, priority=Priority.THIS_YEAR,
                         address="6 rue des Acacias",
                         resident_quote="On n'ose plus descendre les poubelles le soir.")
        change_walk_status(walk, to=WalkStatus.DONE, actor=coordinator, now=at(4, 10, 14, 30))

        # answers
        self.answer(self.f_intercom, PROVIDER1, at(4, 11, 7, 45))
        self.answer(self.f_apr_bulky, PROVIDER1, at(4, 11, 7, 50), at(4, 15, 10, 0),
                    "Local vidé et nettoyé ; passage hebdomadaire de la régie ajouté.")
        self.answer(self.f_verger_lamps, COORDINATOR, at(4, 11, 9, 0), at(4, 24, 15, 0),
                    "Deux lanternes remplacées par le service éclairage public.")
        self.answer(self.f_bench, COORDINATOR, at(4, 14, 9, 0))
        self.answer(self.f_c2, PROVIDER1, at(4, 14, 8, 0), at(4, 30, 11, 0),
                    "Nettoyage et désinfection complets de la cage C2, puis passage quotidien pendant un mois.")
        self.answer(self.f_porch, PROVIDER1, at(4, 16, 8, 30), note=None, started=at(5, 5, 9, 0))
        self.move(self.f_proposal, FindingStatus.ACCEPTED, at(4, 22, 10, 0), COORDINATOR,
                  "Proposition retenue pour le budget participatif 2026.")

        bench = self.action(self.f_bench, at(4, 15, 9, 0), COORDINATOR, kind=ActionKind.WORKS,
                            title="Remplacer deux bancs du square des Tilleuls", due_on=date(2025, 6, 30),
                            cost="2400.00")
        self.progress(bench, at(5, 12, 9, 0), COORDINATOR, "Bancs commandés, pose prévue début juin.",
                      status=ActionStatus.IN_PROGRESS, progress=40)
        self.progress(bench, at(6, 5, 15, 0), COORDINATOR, "Deux bancs neufs posés et scellés par les services "
                      "techniques.", status=ActionStatus.DONE, resolve_findings=True)
        intercom = self.action(self.f_intercom, at(4, 14, 10, 0), PROVIDER1, kind=ActionKind.WORKS,
                               title="Remplacer l'interphone du hall A1", due_on=date(2025, 5, 31),
                               commitment="ENG-04", cost="1850.00")
        self.progress(intercom, at(4, 28, 9, 0), PROVIDER1, "Platine commandée chez l'installateur.",
                      status=ActionStatus.IN_PROGRESS, progress=30)
        self.progress(intercom, at(5, 20, 16, 0), PROVIDER1, "Interphone à badge posé et testé avec les locataires.",
                      status=ActionStatus.DONE, resolve_findings=True)
        change_walk_status(walk, to=WalkStatus.RESTITUTION_SENT, actor=coordinator, now=at(5, 15, 17, 0))
        return walk

    def spring(self) -> None:
        f = self.finding
        hp = LandOwnership.HOUSING_PROVIDER
        glass = f(at(5, 6, 9, 0), "Colonnes à verre pleines rue des Glycines, bouteilles déposées au sol.",
                  theme="waste", place="clos-fleuri", land_ownership=LandOwnership.EPCI,
                  priority=Priority.THIS_YEAR, address="Rue des Glycines")  # to the Agglomération (routing table)
        self.answer(glass, COORDINATOR, at(5, 7, 8, 0), at(5, 9, 11, 0), "Colonnes vidées par le prestataire de "
                    "collecte de l'Agglomération.")
        self.f_g2_clean_2 = f(at(5, 13, 8, 30), "Hall G5 sale : papiers, canettes et traces de boue dans l'escalier.",
                              theme="cleanliness", place="clos-fleuri-res-a-b2", land_ownership=hp,
                              priority=Priority.THIS_YEAR, due_on=date(2025, 5, 27), address="9 rue des Glycines",
                              actor=PROVIDER2)
        self.answer(self.f_g2_clean_2, PROVIDER2, at(5, 14, 8, 0), at(5, 23, 15, 0), "Hall lavé à fond.")
        self.f_mailboxes = f(at(5, 27, 9, 0), "Boîtes aux lettres du hall H2 fracturées, le courrier n'est plus "
                             "distribué.", theme="common_parts", place="clos-fleuri-res-b-b1-h2", land_ownership=hp,
                             priority=Priority.THIS_YEAR, address="10 avenue des Hortensias")
        self.answer(self.f_mailboxes, PROVIDER1, at(5, 28, 8, 0))

    def june_walk(self) -> Walkthrough:
        coordinator = self.user(COORDINATOR)
        walk = self.walk(
            at(5, 22, 10, 0), JUNE_STOPS, neighbourhood="clos-fleuri", title=JUNE_TITLE,
            kind=WalkKind.EXPLORATORY_WOMEN, walked_on=date(2025, 6, 12), starts_at=time(18, 0), residents_count=11,
            route_description="Parcours choisi par les habitantes : place du Clos-Fleuri, arrêt de bus et passage "
                              "souterrain vers la gare, hall G3, cheminement vers les Hortensias, parking des "
                              "Glycines.",
            other_participants="Onze habitantes du Clos-Fleuri, l'association des femmes relais, la déléguée du "
                               "préfet, une médiatrice de la régie de quartier.",
            organisations=["ville-bellerive", "logis-du-val", "habitat-bellerive", "prefecture", "regie-quartier"],
            users=[COORDINATOR, PROVIDER2, PREFECTURE],
            grid=["public_lighting", "tranquillity", "cleanliness", "green_spaces", "common_parts",
                  "abandoned_vehicles"])
        f = self.finding
        hp, town = LandOwnership.HOUSING_PROVIDER, LandOwnership.TOWN
        self.f_square_light = f(at(6, 12, 16, 10), "Place du Clos-Fleuri mal éclairée entre les bâtiments Glycines 2 "
                                "et Glycines 3 : les participantes évitent de la traverser le soir.",
                                theme="public_lighting", walk=walk, stop=1, place="clos-fleuri-res-a-b3",
                                land_ownership=hp, priority=Priority.THIS_YEAR, address="1 place du Clos-Fleuri",
                                resident_quote="L'hiver, je rentre par l'avenue pour ne pas passer là.")
        self.f_underpass = f(at(6, 12, 16, 25), "Passage souterrain vers la gare : aucune visibilité sur la sortie, "
                             "sentiment d'insécurité unanime.", theme="tranquillity", walk=walk, stop=2,
                             land_ownership=town, priority=Priority.LONGER_TERM, address="Passage de la gare")
        bus_stop = f(at(6, 12, 16, 30), "Abords de l'arrêt de bus Clos-Fleuri jonchés de déchets.",
                     theme="cleanliness", walk=walk, stop=2, land_ownership=town, priority=Priority.URGENT,
                     address="Arrêt Clos-Fleuri")
        g3_door = f(at(6, 12, 16, 45), "La porte du hall G3 ne se verrouille plus la nuit.", theme="common_parts",
                    walk=walk, stop=3, place="clos-fleuri-res-a-b2-g3", land_ownership=hp, priority=Priority.URGENT,
                    address="9 rue des Glycines")
        bushes = f(at(6, 12, 17, 0), "Buissons trop hauts le long du cheminement vers les Hortensias : on ne voit "
                   "pas qui arrive en face.", theme="green_spaces", walk=walk, stop=4, land_ownership=town,
                   priority=Priority.THIS_YEAR, address="Cheminement des Hortensias")
        f(at(6, 12, 17, 5), "La présence des médiateurs de la régie en fin de journée rassure les habitantes.",
          theme="social_cohesion", walk=walk, stop=4, kind=FindingKind.STRENGTH, land_ownership=town,
          priority=Priority.LONGER_TERM)
        scooter = f(at(6, 12, 17, 20), "Deux-roues brûlé abandonné sur le parking des Glycines.",
                    theme="abandoned_vehicles", walk=walk, stop=5, place="clos-fleuri-res-a-b1", land_ownership=hp,
                    priority=Priority.THIS_YEAR, address="Parking de la rue des Glycines")
        change_walk_status(walk, to=WalkStatus.DONE, actor=coordinator, now=at(6, 12, 18, 0))

        self.answer(bus_stop, COORDINATOR, at(6, 13, 7, 30), at(6, 18, 10, 0), "Nettoyage des abords par la "
                    "propreté urbaine ; corbeille supplémentaire posée.")
        self.answer(g3_door, PROVIDER2, at(6, 13, 8, 0), at(7, 3, 14, 0), "Ventouse et gâche électrique "
                    "remplacées.", started=at(6, 20, 9, 0))
        self.answer(self.f_square_light, PROVIDER2, at(6, 16, 8, 0))
        self.answer(bushes, COORDINATOR, at(6, 17, 9, 0), at(7, 10, 11, 0), "Taille réalisée par le service des "
                    "espaces verts.")
        self.answer(self.f_underpass, COORDINATOR, at(6, 20, 9, 0))
        self.move(scooter, FindingStatus.REFUSED, at(6, 20, 10, 0), PROVIDER2,
                  "Ce parking est ouvert à la circulation publique : l'enlèvement relève de la police municipale.")
        route_finding(scooter, to=self.orgs["ville-bellerive"], actor=coordinator, now=at(6, 23, 9, 0),
                      reason="Parking ouvert à la circulation publique : enlèvement par la police municipale "
                             "(fourrière).")
        self.answer(scooter, COORDINATOR, at(6, 24, 8, 30), at(7, 15, 10, 0), "Épave enlevée par la fourrière le "
                    "15 juillet.")

        light = self.action(self.f_square_light, at(6, 23, 9, 0), PROVIDER2, kind=ActionKind.WORKS,
                            title="Poser deux projecteurs LED sur le pignon du bâtiment Glycines 3",
                            due_on=date(2025, 9, 30), cost="3600.00")
        self.progress(light, at(7, 21, 9, 0), PROVIDER2, "Devis signé, pose programmée à la rentrée.",
                      status=ActionStatus.IN_PROGRESS, progress=30)
        self.progress(light, at(9, 12, 16, 0), PROVIDER2, "Projecteurs posés et raccordés à l'horloge du hall.",
                      status=ActionStatus.DONE, resolve_findings=True)
        study = self.action(self.f_underpass, at(7, 1, 9, 0), COORDINATOR, kind=ActionKind.STUDY,
                            title="Étude d'éclairage et de réaménagement du passage souterrain de la gare",
                            due_on=date(2025, 12, 15))
        self.progress(study, at(9, 15, 9, 0), COORDINATOR, "Bureau d'études missionné ; relevés faits de nuit avec "
                      "les habitantes.", status=ActionStatus.IN_PROGRESS, progress=40)
        self.progress(study, at(12, 1, 9, 0), COORDINATOR, "Premières esquisses reçues ; le rendu final est "
                      "reporté à février 2026.", progress=60)
        change_walk_status(walk, to=WalkStatus.RESTITUTION_SENT, actor=coordinator, now=at(7, 10, 17, 0))
        return walk

    def summer(self) -> None:
        f = self.finding
        hp, town = LandOwnership.HOUSING_PROVIDER, LandOwnership.TOWN
        mailboxes = self.action(self.f_mailboxes, at(6, 2, 9, 0), PROVIDER1, kind=ActionKind.WORKS,
                                title="Remplacer les boîtes aux lettres du hall H2", due_on=date(2025, 9, 30),
                                commitment="ENG-04", cost="4200.00")
        self.progress(mailboxes, at(7, 1, 9, 0), PROVIDER1, "Commande passée ; la Poste a validé le modèle.",
                      status=ActionStatus.IN_PROGRESS, progress=30)
        self.progress(mailboxes, at(10, 15, 9, 0), PROVIDER1, "Livraison retardée par le fournisseur ; boîtes "
                      "provisoires posées dans le hall.", progress=50)
        self.f_g2_clean_3 = f(at(7, 22, 8, 30), "Odeurs persistantes dans la cage G4 : le vide-ordures est bouché.",
                              theme="cleanliness", place="clos-fleuri-res-a-b2", land_ownership=hp,
                              priority=Priority.THIS_YEAR, address="9 rue des Glycines", actor=PROVIDER2)
        self.answer(self.f_g2_clean_3, PROVIDER2, at(7, 23, 8, 0))
        chutes = self.action(self.f_g2_clean_3, at(7, 25, 9, 0), PROVIDER2, kind=ActionKind.INTERVENTION,
                             title="Nettoyer et désinfecter les vide-ordures des Glycines 2", due_on=date(2025, 8, 31),
                             commitment="ENG-07", cost="2900.00")
        self.progress(chutes, at(8, 28, 15, 0), PROVIDER2, "Vide-ordures débouchés, lavés et désinfectés par une "
                      "entreprise spécialisée.", status=ActionStatus.DONE, resolve_findings=True)
        avenue = f(at(8, 5, 9, 0), "Lampadaire couché après un accident avenue des Hortensias.",
                   theme="public_lighting", place="clos-fleuri", land_ownership=town, priority=Priority.URGENT,
                   address="Avenue des Hortensias")
        self.answer(avenue, COORDINATOR, at(8, 6, 8, 0), at(8, 11, 16, 0), "Mât sécurisé puis remplacé.")
        fence = f(at(8, 26, 9, 30), "La clôture de l'aire de jeux du square est ouverte : les chiens y entrent.",
                  theme="street_furniture", place="tilleuls", land_ownership=town, priority=Priority.THIS_YEAR,
                  address="Square des Tilleuls")
        self.answer(fence, COORDINATOR, at(8, 27, 8, 0), at(9, 30, 11, 0), "Portillon à fermeture automatique "
                    "posé.")
        atm = f(at(9, 9, 10, 0), "Le distributeur de billets de la supérette est tagué et son auvent menace de "
                "tomber.", theme="street_furniture", place="clos-fleuri", land_ownership=LandOwnership.PRIVATE,
                priority=Priority.THIS_YEAR, address="Place du Clos-Fleuri")
        self.move(atm, FindingStatus.OUT_OF_SCOPE, at(9, 10, 9, 0), COORDINATOR,
                  "Commerce privé : le gérant de la supérette a été prévenu par la ville le 10 septembre.")
        cellar = f(at(9, 23, 9, 0), "Cave du bâtiment H encombrée de meubles abandonnés, accès de secours bloqué.",
                   theme="cleanliness", place="clos-fleuri-res-b-b1", land_ownership=hp, priority=Priority.THIS_YEAR,
                   address="10 avenue des Hortensias")
        self.answer(cellar, PROVIDER1, at(9, 25, 8, 0), at(10, 14, 15, 0), "Caves vidées après affichage et "
                    "information des locataires.")
        campaign = self.action(None, at(9, 1, 9, 0), COORDINATOR, organisation="agglo-bellerive",
                               kind=ActionKind.SENSITIZATION, commitment="ENG-17",
                               title="Campagne d'information sur la collecte des encombrants sur rendez-vous",
                               due_on=date(2025, 10, 31))
        self.progress(campaign, at(9, 22, 9, 0), COORDINATOR, "Affiches posées dans les halls des deux quartiers.",
                      status=ActionStatus.IN_PROGRESS, progress=50)
        self.progress(campaign, at(10, 10, 16, 0), COORDINATOR, "Flyer distribué dans toutes les boîtes aux "
                      "lettres et stand au marché du samedi.", status=ActionStatus.DONE)

    def october_walk(self) -> Walkthrough:
        coordinator = self.user(COORDINATOR)
        walk = self.walk(
            at(9, 25, 10, 0), OCTOBER_STOPS, neighbourhood="clos-fleuri", title=OCTOBER_TITLE, kind=WalkKind.NIGHT,
            walked_on=date(2025, 10, 16), starts_at=time(20, 30), residents_count=8,
            route_description="À la nuit tombée : halls G4 et G5, place du Clos-Fleuri, avenue des Hortensias, bacs "
                              "de la rue des Glycines, hall G6.",
            other_participants="Conseil citoyen du Clos-Fleuri, médiateurs de la régie de quartier, police "
                               "municipale.",
            organisations=["ville-bellerive", "logis-du-val", "habitat-bellerive", "agglo-bellerive",
                           "regie-quartier"],
            users=[COORDINATOR, PROVIDER2, PROVIDER1],
            grid=["public_lighting", "tranquillity", "common_parts", "waste"])
        f = self.finding
        hp, town = LandOwnership.HOUSING_PROVIDER, LandOwnership.TOWN
        timer = f(at(10, 16, 18, 40), "Minuterie du hall G4 trop courte : la lumière s'éteint avant le premier "
                  "étage.", theme="public_lighting", walk=walk, stop=1, place="clos-fleuri-res-a-b2",
                  land_ownership=hp, priority=Priority.URGENT, address="9 rue des Glycines")
        rodeos = f(at(10, 16, 18, 55), "Rodéos de deux-roues sur la place du Clos-Fleuri en soirée.",
                   theme="tranquillity", walk=walk, stop=2, land_ownership=town, priority=Priority.URGENT,
                   address="Place du Clos-Fleuri")
        f(at(10, 16, 19, 0), "Les nouveaux projecteurs de la place du Clos-Fleuri éclairent bien le passage entre "
          "les bâtiments.", theme="public_lighting", walk=walk, stop=2, kind=FindingKind.STRENGTH,
          land_ownership=hp, place="clos-fleuri-res-a-b3", priority=Priority.LONGER_TERM)
        self.f_candelabra = f(at(10, 16, 19, 15), "Trois candélabres éteints avenue des Hortensias, côté école.",
                              theme="public_lighting", walk=walk, stop=3, land_ownership=town,
                              priority=Priority.URGENT, address="Avenue des Hortensias")
        bins = f(at(10, 16, 19, 35), "Bacs d'ordures ménagères renversés rue des Glycines : la collecte du lundi n'est "
                 "pas passée.", theme="waste", walk=walk, stop=4, land_ownership=LandOwnership.EPCI,
                 priority=Priority.URGENT, address="Rue des Glycines")
        self.f_digicode = f(at(10, 16, 19, 50), "Digicode du hall G6 hors service : la porte reste ouverte.",
                            theme="common_parts", walk=walk, stop=5, place="clos-fleuri-res-a-b3-g6",
                            land_ownership=hp, priority=Priority.THIS_YEAR, address="1 place du Clos-Fleuri")
        change_walk_status(walk, to=WalkStatus.DONE, actor=coordinator, now=at(10, 16, 20, 30))

        self.answer(timer, PROVIDER2, at(10, 17, 8, 0), at(11, 4, 15, 0), "Minuterie remplacée et réglée à trois "
                    "minutes.")
        self.answer(self.f_candelabra, COORDINATOR, at(10, 17, 9, 0))
        self.answer(bins, COORDINATOR, at(10, 20, 8, 0), at(10, 23, 10, 0), "Collecte rattrapée, bacs remis en "
                    "place ; rappel fait au prestataire.")
        self.move(rodeos, FindingStatus.OUT_OF_SCOPE, at(10, 20, 9, 0), COORDINATOR,
                  "Relève de la police nationale : inscrit à l'ordre du jour du groupe de partenariat opérationnel du "
                  "6 novembre.")
        self.answer(self.f_digicode, PROVIDER2, at(10, 21, 8, 0), started=at(11, 3, 9, 0))

        candelabra = self.action(self.f_candelabra, at(10, 22, 9, 0), COORDINATOR, kind=ActionKind.WORKS,
                                 title="Remplacer les candélabres de l'avenue des Hortensias",
                                 due_on=date(2025, 11, 30), commitment="ENG-13", cost="7800.00")
        self.a_candelabra = candelabra
        self.progress(candelabra, at(11, 20, 9, 0), COORDINATOR, "Candélabres en rupture chez le fournisseur.",
                      status=ActionStatus.BLOCKED,
                      reason="Candélabres en rupture chez le fournisseur : livraison annoncée fin février 2026.")
        return walk

    def autumn(self) -> None:
        f = self.finding
        hp = LandOwnership.HOUSING_PROVIDER
        bulky_b = f(at(11, 4, 8, 30), "Encombrants devant l'entrée du bâtiment B (réfrigérateur, cartons).",
                    theme="waste", place="tilleuls-res-a-b2", land_ownership=hp, priority=Priority.URGENT,
                    address="6 rue des Acacias", actor=PROVIDER1)
        self.answer(bulky_b, PROVIDER1, at(11, 5, 8, 0), at(11, 7, 11, 0), "Enlevés par la régie de proximité.")
        meeting = self.action(None, at(10, 20, 9, 0), PROVIDER1, organisation="habitat-bellerive",
                              kind=ActionKind.PARTICIPATION_EVENT, commitment="ENG-06",
                              title="Réunion des locataires des Acacias sur les encombrants et le tri",
                              due_on=date(2025, 11, 30))
        self.progress(meeting, at(11, 27, 19, 0), PROVIDER1, "Réunion tenue au local commun avec 23 locataires ; "
                      "calendrier des collectes sur rendez-vous distribué.", status=ActionStatus.DONE)
        self.f_tree = f(at(11, 18, 9, 0), "Arbre mort penché devant l'entrée de la résidence Les Hortensias.",
                        theme="green_spaces", place="clos-fleuri-res-b", land_ownership=hp, priority=Priority.URGENT,
                        address="10 avenue des Hortensias")
        self.move(self.f_tree, FindingStatus.REFUSED, at(11, 20, 9, 0), PROVIDER1,
                  "L'arbre est planté sur le trottoir, hors de la parcelle du bailleur.")
        route_finding(self.f_tree, to=self.orgs["ville-bellerive"], actor=self.user(COORDINATOR),
                      now=at(12, 8, 9, 0), reason="Arbre d'alignement sur le domaine public communal (vérifié au "
                                                  "cadastre).")
        self.answer(self.f_tree, COORDINATOR, at(12, 10, 9, 0))
        self.f_b1_tags = f(at(12, 2, 9, 0), "Hall B1 : tags et saletés sur les murs après les fêtes du quartier.",
                           theme="cleanliness", place="tilleuls-res-a-b2-b1", land_ownership=hp,
                           priority=Priority.THIS_YEAR, due_on=date(2025, 12, 31), address="6 rue des Acacias")
        self.answer(self.f_b1_tags, PROVIDER1, at(12, 3, 8, 0), started=at(12, 15, 9, 0))
        self.f_sign = f(at(12, 10, 10, 0), "Panneau de signalisation arraché à l'angle de la rue des Acacias.",
                        theme="street_furniture", place="tilleuls", land_ownership=LandOwnership.TOWN,
                        priority=Priority.THIS_YEAR, address="Rue des Acacias")
        tyres = f(at(12, 16, 9, 0), "Dépôt sauvage d'une vingtaine de pneus rue des Glycines, près des colonnes.",
                  theme="waste", place="clos-fleuri", land_ownership=LandOwnership.EPCI,
                  priority=Priority.URGENT, address="Rue des Glycines")
        self.answer(tyres, COORDINATOR, at(12, 17, 8, 0), at(12, 19, 14, 0), "Pneus enlevés par la déchetterie "
                    "mobile de l'Agglomération.")

    def reports(self) -> None:
        """Resident reports of 2025 (needs the hotline's demo categories)."""
        needed = ("encombrants", "proprete-hall", "eclairage", "jeux-mobilier", "epave", "porte-interphone")
        if any(code not in self.categories for code in needed):
            return
        r, route, status = self.report, self.route, self.status
        p1, p2 = PROVIDER1, PROVIDER2
        IP, RES = ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED

        x = r("encombrants", at(1, 9, 18), "Sapins de Noël et cartons devant le local du bâtiment A.",
              neighbourhood="tilleuls", address="2 rue des Acacias", attribute_values={"volume": "moyen"})
        route(x, "agglo-bellerive", at(1, 10, 9))
        status(x, RES, at(1, 13, 15), text="Enlèvement effectué le 13 janvier.")
        x = r("eclairage", at(1, 20, 19), "Lampadaire éteint devant le 4 rue des Acacias.", neighbourhood="tilleuls",
              address="4 rue des Acacias", channel=Channel.PHONE)
        route(x, "ville-bellerive", at(1, 21, 9))
        status(x, IP, at(1, 23, 9))
        status(x, RES, at(2, 3, 16), text="La lampe a été remplacée.")
        self.fixed(x, True, at(2, 20, 10))
        x = r("proprete-hall", at(2, 4, 8), "Cage d'escalier G3 très sale depuis une semaine.",
              neighbourhood="clos-fleuri", place="clos-fleuri-res-a-b2-g3", address="9 rue des Glycines, hall G3")
        route(x, "logis-du-val", at(2, 5, 9))
        status(x, RES, at(2, 10, 15), p2, "La cage a été lavée le 10 février.")
        x = r("porte-interphone", at(2, 17, 10), "La porte du hall A1 claque et ne ferme plus.",
              neighbourhood="tilleuls", place="tilleuls-res-a-b1-a1", channel=Channel.PHONE)
        route(x, "habitat-bellerive", at(2, 17, 14))
        status(x, IP, at(2, 19, 9), p1)
        status(x, RES, at(3, 6, 15), p1, "Le ferme-porte a été changé.")
        epave = r("epave", at(3, 3, 11), "Voiture sans roues sur le parking de l'avenue des Hortensias.",
                  neighbourhood="clos-fleuri", place="clos-fleuri", address="Avenue des Hortensias")
        route(epave, "ville-bellerive", at(3, 4, 9))
        wreck = hotline.convert_to_finding(epave, actor=self.user(COORDINATOR), now=at(3, 4, 9, 5))
        self.done.findings += 1
        self.move(wreck, FindingStatus.ACCEPTED, at(3, 5, 8, 0), COORDINATOR, "Confiée à la police municipale.")
        status(epave, IP, at(3, 5, 8))
        x = r("encombrants", at(3, 18, 17), "Matelas devant le bâtiment A.", neighbourhood="tilleuls",
              place="tilleuls-res-a-b1", channel=Channel.PHONE)
        route(x, "habitat-bellerive", at(3, 19, 9))
        status(x, RES, at(3, 20, 11), p1, "Le matelas a été enlevé.")
        self.fixed(x, True, at(4, 8, 10))
        x = r("jeux-mobilier", at(4, 2, 16), "Toboggan cassé dans l'aire de jeux du square.", neighbourhood="tilleuls",
              address="Square des Tilleuls")
        route(x, "ville-bellerive", at(4, 3, 9))
        status(x, IP, at(4, 10, 9))
        status(x, RES, at(5, 28, 15), text="Le toboggan a été remplacé.")
        self.move(wreck, FindingStatus.RESOLVED, at(4, 22, 10, 0), COORDINATOR, "Véhicule enlevé par la fourrière.")
        status(epave, RES, at(4, 22, 10), text="Le véhicule a été enlevé par la fourrière.")
        first = r("proprete-hall", at(4, 15, 8), "Odeurs d'urine dans la cage C2.", neighbourhood="tilleuls",
                  place="tilleuls-res-b-b1-c2")
        twin = r("proprete-hall", at(4, 16, 12), "La cage C2 sent très mauvais.", neighbourhood="tilleuls",
                 place="tilleuls-res-b-b1-c2", channel=Channel.PHONE)
        route(first, "habitat-bellerive", at(4, 15, 14))
        hotline.merge(twin, into=first, actor=self.user(COORDINATOR), now=at(4, 16, 14))
        status(first, RES, at(4, 30, 11), p1, "La cage C2 a été désinfectée.")
        self.fixed(first, True, at(5, 20, 10))
        x = r("eclairage", at(5, 5, 20), "Lampadaire qui clignote sur la place du Clos-Fleuri.",
              neighbourhood="clos-fleuri", address="Place du Clos-Fleuri")
        route(x, "ville-bellerive", at(5, 6, 9))
        status(x, RES, at(5, 20, 15))
        x = r("encombrants", at(5, 22, 9), "Dépôt de meubles rue des Glycines.", neighbourhood="clos-fleuri",
              address="Rue des Glycines", channel=Channel.OPEN311)
        route(x, "agglo-bellerive", at(5, 22, 14))
        status(x, RES, at(5, 26, 15))
        x = r("epave", at(6, 3, 10), "Camping-car stationné depuis un mois sur le parking de la supérette.",
              neighbourhood="clos-fleuri", channel=Channel.PHONE)
        status(x, ReportStatus.NOT_OUR_REMIT, at(6, 4, 9),
               referral="le propriétaire du parking de la supérette, que la ville a prévenu")
        x = r("porte-interphone", at(6, 24, 18), "L'interphone du hall H1 ne sonne plus.", neighbourhood="clos-fleuri",
              place="clos-fleuri-res-b-b1-h1")
        route(x, "habitat-bellerive", at(6, 25, 9))
        status(x, IP, at(6, 26, 9), p1)
        status(x, RES, at(7, 8, 15), p1, "La platine de l'interphone a été remplacée.")
        x = r("encombrants", at(7, 7, 19), "Gravats et sacs de plâtre déposés derrière le bâtiment C.",
              neighbourhood="tilleuls", place="tilleuls-res-b-b1", attribute_values={"volume": "gros"})
        route(x, "habitat-bellerive", at(7, 8, 9))
        rubble = hotline.convert_to_finding(x, actor=self.user(COORDINATOR), now=at(7, 8, 9, 5))
        self.done.findings += 1
        self.answer(rubble, PROVIDER1, at(7, 9, 8, 0), at(7, 25, 14, 0), "Gravats évacués par une entreprise ; "
                    "plainte déposée.")
        status(x, IP, at(7, 9, 8), p1)
        status(x, RES, at(7, 25, 14), p1, "Les gravats ont été évacués.")
        x = r("proprete-hall", at(7, 29, 7), "Hall G5 sale, sacs poubelles dans l'escalier.",
              neighbourhood="clos-fleuri", place="clos-fleuri-res-a-b2-g5", channel=Channel.OPEN311)
        route(x, "logis-du-val", at(7, 29, 14))
        status(x, RES, at(8, 4, 15), p2)
        x = r("eclairage", at(8, 12, 20), "Plus de lumière dans le hall B2.", neighbourhood="tilleuls",
              place="tilleuls-res-a-b2-b2", channel=Channel.PHONE)
        route(x, "habitat-bellerive", at(8, 13, 9))
        status(x, RES, at(8, 14, 16), p1, "Le détecteur de présence du hall B2 a été changé.")
        x = r("jeux-mobilier", at(8, 27, 12), "Banc arraché près de l'arrêt de bus du Clos-Fleuri.",
              neighbourhood="clos-fleuri", address="Arrêt Clos-Fleuri")
        route(x, "ville-bellerive", at(8, 28, 9))
        status(x, RES, at(9, 24, 15))
        x = r("proprete-hall", at(9, 10, 11), "Proposition commerciale de nettoyage sans rapport avec un problème du "
              "quartier.", neighbourhood="tilleuls")
        status(x, ReportStatus.REJECTED, at(9, 10, 14), text="Ce message ne signale pas de problème dans le quartier.")
        x = r("encombrants", at(9, 30, 8), "Canapé abandonné au pied du bâtiment Glycines 1.",
              neighbourhood="clos-fleuri", place="clos-fleuri-res-a-b1", channel=Channel.PHONE)
        route(x, "logis-du-val", at(10, 1, 9))
        status(x, RES, at(10, 3, 15), p2)
        self.r_avenue = r("eclairage", at(10, 14, 19), "Plusieurs lampadaires éteints avenue des Hortensias.",
                          neighbourhood="clos-fleuri", address="Avenue des Hortensias")
        route(self.r_avenue, "ville-bellerive", at(10, 15, 9))
        status(self.r_avenue, IP, at(10, 20, 9))
        status(self.r_avenue, RES, at(11, 5, 15), text="Un éclairage provisoire a été installé.")
        self.fixed(self.r_avenue, False, at(11, 26, 18))
        hotline.attach_to_action(self.r_avenue, action=self.a_candelabra, actor=self.user(COORDINATOR),
                                 now=at(11, 27, 9))
        x = r("porte-interphone", at(10, 28, 8), "La porte du hall B1 ne se verrouille plus.", neighbourhood="tilleuls",
              place="tilleuls-res-a-b2-b1")
        route(x, "habitat-bellerive", at(10, 28, 14))
        status(x, RES, at(11, 6, 15), p1, "La gâche électrique a été remplacée.")
        self.fixed(x, True, at(11, 27, 9))
        x = r("encombrants", at(11, 12, 7), "Réfrigérateur abandonné devant le bâtiment B.", neighbourhood="tilleuls",
              place="tilleuls-res-a-b2", channel=Channel.OPEN311)
        route(x, "habitat-bellerive", at(11, 12, 14))
        status(x, RES, at(11, 14, 11), p1)
        self.r_g7 = r("proprete-hall", at(11, 25, 9), "Cage G7 : traces de boue et papiers depuis les travaux.",
                      neighbourhood="clos-fleuri", place="clos-fleuri-res-a-b3-g7", channel=Channel.PHONE)
        route(self.r_g7, "logis-du-val", at(11, 26, 9))
        status(self.r_g7, IP, at(12, 1, 9), p2, "Un nettoyage complet est prévu à la fin des travaux.")
        self.r_net = r("jeux-mobilier", at(12, 9, 16), "Le filet du panier de basket du square est arraché.",
                       neighbourhood="tilleuls", address="Square des Tilleuls")
        route(self.r_net, "ville-bellerive", at(12, 10, 9))
        x = r("epave", at(12, 17, 8), "Voiture incendiée sur le parking des Glycines.", neighbourhood="clos-fleuri",
              address="Parking de la rue des Glycines", channel=Channel.PHONE)
        route(x, "ville-bellerive", at(12, 17, 10))
        status(x, RES, at(12, 30, 11), text="Le véhicule a été enlevé par la fourrière.")
        self.r_xmas = r("encombrants", at(12, 22, 18), "Cartons et emballages devant le local du bâtiment A.",
                        neighbourhood="tilleuls", place="tilleuls-res-a-b1", attribute_values={"volume": "petit"})
        route(self.r_xmas, "habitat-bellerive", at(12, 23, 9))

    def commitment_updates(self) -> None:
        """Dated progress updates of 2025 with the amounts spent, written by each commitment's organisation; the
        progress given is the one the demo file states, so re-importing the file undoes nothing."""
        updates = [
            ("ENG-13", COORDINATOR, at(10, 20, 9), 45, "62400.00", None, date(2025, 9, 30),
             "Première tranche de 46 points lumineux passés en LED rue des Acacias et allée du Verger."),
            ("ENG-07", PROVIDER2, at(12, 12, 10), 100, None, "29600.00", date(2025, 11, 30),
             "Nettoyage renforcé des abords et des caves assuré toute l'année ; vide-ordures des Glycines 2 "
             "désinfectés en août."),
            ("ENG-03", PROVIDER1, at(12, 15, 10), 100, None, "27300.00", date(2025, 12, 15),
             "Gardien présent en soirée du mardi au samedi aux Tilleuls depuis mars."),
            ("ENG-12", COORDINATOR, at(12, 18, 14), 30, None, "14800.00", date(2025, 12, 18),
             "Passage quotidien de la balayeuse aux Tilleuls et au Clos-Fleuri, lavage mensuel des placettes."),
        ]
        for reference, email, now, progress, investment, operating, spent_on, note in updates:
            commitment = self.commitment(reference)
            if commitment is None:
                continue
            add_commitment_update(commitment, note=note, actor=self.user(email), now=now, progress=progress,
                                  investment_spent=Decimal(investment) if investment else None,
                                  operating_spent=Decimal(operating) if operating else None, spent_on=spent_on)
            self.done.updates += 1
        gpo = self.commitment("ENG-20")
        if gpo is not None:
            add_commitment_update(gpo, note="Cinq réunions du groupe de partenariat opérationnel tenues en 2025.",
                                  actor=self.user(PREFECTURE), now=at(12, 19, 11), progress=100,
                                  indicator_value=Decimal(5), measured_on=date(2025, 12, 19))
            self.done.updates += 1

    def early_2026(self, april: Walkthrough, june: Walkthrough, october: Walkthrough) -> None:
        """What was settled after the year end, before the review was frozen in March 2026."""
        coordinator = self.user(COORDINATOR)

        def on(month: int, day: int, hour: int) -> datetime:
            return at(month, day, hour, year=2026)

        if hasattr(self, "r_xmas"):
            self.status(self.r_xmas, ReportStatus.RESOLVED, on(1, 5, 11), PROVIDER1)
            self.status(self.r_g7, ReportStatus.RESOLVED, on(1, 8, 15), PROVIDER2, "La cage G7 a été nettoyée.")
            self.status(self.r_net, ReportStatus.IN_PROGRESS, on(1, 12, 9))
            self.status(self.r_net, ReportStatus.RESOLVED, on(1, 20, 15), text="Un filet neuf a été posé.")
            self.status(self.r_avenue, ReportStatus.IN_PROGRESS, on(1, 6, 9), text="Les candélabres définitifs "
                        "sont commandés ; livraison annoncée fin février.")
        self.move(self.f_sign, FindingStatus.ACCEPTED, on(1, 5, 9), COORDINATOR)
        self.move(self.f_b1_tags, FindingStatus.RESOLVED, on(1, 9, 15), PROVIDER1, "Murs du hall B1 repeints.")
        self.move(self.f_tree, FindingStatus.RESOLVED, on(1, 14, 11), COORDINATOR, "Arbre abattu le 14 janvier.")
        self.move(self.f_digicode, FindingStatus.RESOLVED, on(1, 20, 15), PROVIDER2, "Digicode remplacé.")
        self.move(self.f_sign, FindingStatus.RESOLVED, on(2, 2, 15), COORDINATOR, "Panneau reposé.")
        change_walk_status(october, to=WalkStatus.RESTITUTION_SENT, actor=coordinator, now=on(1, 13, 17))


def load_2025_history(agreement: Agreement) -> list[str]:
    """Create the demo agreement's 2025 activity when missing; returns the lines to print (none when it was there
    already or the demo accounts are missing)."""
    exists = db.session.scalar(sa.select(Walkthrough.id).where(Walkthrough.agreement_id == agreement.id,
                                                               Walkthrough.title == APRIL_TITLE))
    if exists is not None:
        return []
    history = _History(agreement)
    if not history.ready:
        return []
    history.story()
    db.session.flush()
    return history.done.lines(agreement.reference)
