"""Demo walks for `flask gup demo`: a day and a night walk of Les Tilleuls, their findings, actions and photos.

Everything goes through the services (status history, transfers and audit log are real) with fixed dates in
October and November 2026. Idempotent: routing rules are added when missing, and the walks with their
findings and actions are created only when the day walk is not there yet.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from PIL import Image, ImageDraw

from gup.actions.models import Action, ActionKind, ActionStatus
from gup.actions.services import add_action_update, update_action
from gup.agreements.models import Agreement, Commitment, Theme
from gup.auth.models import User
from gup.extensions import db
from gup.features import DemoResult
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority, RoutingRule
from gup.findings.services import action_from_finding, change_finding_status, create_finding, save_routing_rule
from gup.media.services import store_photo
from gup.organisations.models import Organisation
from gup.territory.models import Territory
from gup.walks.models import WalkKind, WalkStatus, Walkthrough
from gup.walks.services import change_walk_status, create_walk

logger = logging.getLogger(__name__)

DAY_TITLE = "Diagnostic en marchant de jour — Les Tilleuls"
NIGHT_TITLE = "Diagnostic en marchant de nuit — Les Tilleuls"
COORDINATOR, PROVIDER1, PROVIDER2 = "coordination@demo.gup.fr", "bailleur1@demo.gup.fr", "bailleur2@demo.gup.fr"

#: the demo routing table: (land ownership, theme code or None) → organisation code
#: no rule for housing-provider land: two providers share the neighbourhoods, and the place's own provider (Les
#: Acacias and Les Hortensias: Habitat Bellerive; Les Glycines: Logis du Val) receives what is found there
ROUTING = [(LandOwnership.TOWN, None, "ville-bellerive"),
           (LandOwnership.EPCI, "waste", "agglo-bellerive")]

#: the route shared by both walks: name, place code, latitude, longitude, notes
STOPS = [
    ("Entrée de la résidence Les Acacias", "tilleuls-res-a", 47.21760, -1.55420,
     "Rendez-vous devant le 2 rue des Acacias."),
    ("Pied du bâtiment A et local à encombrants", "tilleuls-res-a-b1", 47.21790, -1.55370, None),
    ("Square des Tilleuls et aire de jeux", None, 47.21840, -1.55300, "Espace public communal."),
    ("Allée du Verger, bâtiment C", "tilleuls-res-b-b1", 47.21880, -1.55210, None),
    ("Parking de la rue des Glycines", "clos-fleuri-res-a", 47.21920, -1.55120,
     "Limite avec le Clos-Fleuri (résidence Les Glycines, Logis du Val)."),
]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of autumn 2026, in UTC (Bellerive is UTC+2 until 25 October, UTC+1 after)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@dataclass
class DemoWalks:
    """What one run added."""

    rules: int = 0
    walks: int = 0
    findings: int = 0
    actions: int = 0
    photos: int = 0

    @property
    def changed(self) -> bool:
        return any((self.rules, self.walks, self.findings, self.actions, self.photos))

    def line(self) -> str:
        return (f"Diagnostics de démonstration : {self.walks} diagnostic(s), {self.findings} constat(s), "
                f"{self.actions} action(s), {self.photos} photo(s) et {self.rules} règle(s) d'orientation "
                f"ajoutés.")


def demo_jpeg(background: str, shape: str, colour: str, *, size: tuple[int, int] = (640, 480)) -> bytes:
    """A small generated picture (a coloured background and one drawn shape) standing for a phone photo."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    box = (w // 4, h // 4, 3 * w // 4, 3 * h // 4)
    if shape == "ellipse":
        draw.ellipse(box, fill=colour)
    elif shape == "door":
        draw.rectangle((w // 3, h // 6, 2 * w // 3, h), fill=colour)
        draw.ellipse((2 * w // 3 - 40, h // 2, 2 * w // 3 - 20, h // 2 + 20), fill="#d8d8d8")
    else:
        draw.rectangle(box, fill=colour)
        draw.line((box[0], box[1], box[2], box[3]), fill="#222222", width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class _Loader:
    """Looks records up by their codes and writes the demo story through the services."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement
        self.summary = DemoWalks()
        self.users = {email: db.session.scalar(sa.select(User).where(User.email == email))
                      for email in (COORDINATOR, PROVIDER1, PROVIDER2)}

    def org(self, code: str) -> Organisation:
        return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))

    def place(self, code: str | None) -> Territory | None:
        return db.session.scalar(sa.select(Territory).where(Territory.code == code)) if code else None

    def theme(self, code: str) -> Theme:
        return db.session.scalar(sa.select(Theme).where(Theme.code == code))

    @property
    def coordinator(self) -> User:
        return self.users[COORDINATOR]

    # --- routing table ---------------------------------------------------------------------------------------

    def routing(self) -> None:
        for ownership, theme_code, org_code in ROUTING:
            theme = self.theme(theme_code) if theme_code else None
            theme_match = RoutingRule.theme_id.is_(None) if theme is None else RoutingRule.theme_id == theme.id
            exists = db.session.scalar(sa.select(RoutingRule.id).where(
                RoutingRule.agreement_id == self.agreement.id, RoutingRule.land_ownership == ownership,
                theme_match))
            if exists is None:  # a rule the coordination changed is left as it is
                save_routing_rule(self.agreement, land_ownership=ownership, theme=theme,
                                  organisation=self.org(org_code), actor=self.coordinator)
                self.summary.rules += 1

    # --- walks -----------------------------------------------------------------------------------------------

    def walk(self, **fields: Any) -> Walkthrough:
        stops = [{"id": None, "name": name, "territory": self.place(code), "latitude": lat, "longitude": lng,
                  "notes": notes} for name, code, lat, lng, notes in STOPS]
        walk = create_walk(self.agreement, actor=self.coordinator, now=at(9, 15, 8), stops=stops,
                           neighbourhood=self.place("tilleuls"), walked_on=date(2026, 10, 6), **fields)
        self.summary.walks += 1
        return walk

    def finding(self, walk: Walkthrough | None, stop: int | None, now: datetime, *, theme: str, place: str | None,
                offset: tuple[float, float] = (0.0, 0.0), to: str | None = None, photo: bytes | None = None,
                **fields: Any) -> Finding:
        if stop is not None:
            _name, _code, lat, lng, _notes = STOPS[stop - 1]
            fields.update(latitude=round(lat + offset[0], 6), longitude=round(lng + offset[1], 6))
        finding = create_finding(self.agreement, actor=self.coordinator, now=now, theme=self.theme(theme),
                                 walkthrough=walk, stop=walk.stops[stop - 1] if walk and stop else None,
                                 territory=self.place(place), responsible_organisation=self.org(to) if to else None,
                                 **fields)
        self.summary.findings += 1
        if photo is not None:
            self.photo(photo, now, finding=finding)
        return finding

    def photo(self, data: bytes, now: datetime, **kw: Any):
        self.summary.photos += 1
        return store_photo(data, actor=self.coordinator, now=now, **kw)

    def move(self, finding: Finding, to: FindingStatus, now: datetime, actor: str, note: str | None = None) -> None:
        change_finding_status(finding, to=to, actor=self.users[actor], now=now, note=note)

    def action(self, finding: Finding, now: datetime, actor: str, **kw: Any) -> Action:
        self.summary.actions += 1
        return action_from_finding(finding, actor=self.users[actor], now=now, **kw)

    def progress(self, action: Action, now: datetime, actor: str, note: str, **kw: Any) -> None:
        add_action_update(action, note=note, actor=self.users[actor], now=now, **kw)

    # --- the story -------------------------------------------------------------------------------------------

    def story(self) -> None:
        ville, agglo, habitat = self.org("ville-bellerive"), self.org("agglo-bellerive"), self.org("habitat-bellerive")
        logis, regie = self.org("logis-du-val"), self.org("regie-quartier")
        coordinator, provider1, provider2 = (self.users[e] for e in (COORDINATOR, PROVIDER1, PROVIDER2))

        day = self.walk(
            title=DAY_TITLE, kind=WalkKind.DAY, starts_at=time(14, 0), residents_count=14,
            route_description="Départ devant la résidence Les Acacias (2 rue des Acacias), pied du bâtiment A, "
                              "traversée du square des Tilleuls, allée du Verger jusqu'au bâtiment C, arrivée au "
                              "parking de la rue des Glycines.",
            other_participants="Conseil citoyen des Tilleuls, amicale des locataires des Acacias, deux médiateurs "
                               "de la régie de quartier, l'élue de quartier.",
            organisations=[ville, agglo, habitat, logis, regie], users=[coordinator, provider1, provider2],
            grid_themes=[self.theme(c) for c in ("cleanliness", "waste", "abandoned_vehicles", "green_spaces",
                                                 "street_furniture", "common_parts")])
        night = self.walk(
            title=NIGHT_TITLE, kind=WalkKind.NIGHT, starts_at=time(21, 0), residents_count=9, follow_up_of=day,
            route_description="Même parcours que la marche de jour, à la nuit tombée, pour comparer l'éclairage, "
                              "les recoins sombres et les usages du soir.",
            other_participants="Conseil citoyen des Tilleuls, médiateurs de la régie de quartier, police "
                               "municipale.",
            organisations=[ville, habitat, logis, regie], users=[coordinator, provider1],
            grid_themes=[self.theme(c) for c in ("public_lighting", "tranquillity", "common_parts", "waste")])

        # --- the day walk, 6 October from 14:00 -----------------------------------------------------------------
        cabinet = self.finding(
            day, 1, at(10, 6, 12, 10), theme="street_furniture", place=None, offset=(-0.00006, 0.00008),
            land_ownership=LandOwnership.PRIVATE, priority=Priority.URGENT, address="Angle rue des Acacias",
            description="Armoire de rue de l'opérateur de télécommunications ouverte : câbles apparents à hauteur "
                        "d'enfant.")
        hall_door = self.finding(
            day, 1, at(10, 6, 12, 15), theme="common_parts", place="tilleuls-res-a-b1-a2", offset=(0.00004, 0.00003),
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.URGENT, address="2 rue des Acacias",
            description="La porte du hall A2 ne ferme plus : la ventouse est arrachée et le hall reste ouvert jour "
                        "et nuit.",
            resident_quote="On ne se sent plus chez nous, n'importe qui rentre dans le hall.",
            photo=demo_jpeg("#9aa5b1", "door", "#5b3a29"))
        bulky_day = self.finding(
            day, 2, at(10, 6, 12, 30), theme="waste", place="tilleuls-res-a-b1", offset=(0.00002, -0.00002),
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.URGENT, address="2 rue des Acacias",
            description="Dépôt d'encombrants (matelas, sommier, meubles démontés) au pied du bâtiment A, à côté du "
                        "local à encombrants fermé à clé.",
            photo=demo_jpeg("#b9b2a5", "box", "#7a5c3e"))
        self.finding(
            day, 3, at(10, 6, 13, 0), theme="street_furniture", place=None, offset=(0.00003, 0.00005),
            land_ownership=LandOwnership.TOWN, priority=Priority.THIS_YEAR, address="Square des Tilleuls",
            description="Deux jeux de l'aire du square sont condamnés par de la rubalise depuis l'été ; les enfants "
                        "jouent sur le parking voisin.",
            resident_quote="Mes enfants n'ont plus d'endroit pour jouer en bas de chez nous.")
        self.finding(
            day, 3, at(10, 6, 13, 5), theme="green_spaces", place=None, offset=(-0.00004, 0.0),
            kind=FindingKind.STRENGTH, land_ownership=LandOwnership.TOWN, priority=Priority.LONGER_TERM,
            address="Square des Tilleuls",
            description="Les massifs replantés au printemps dans le square sont respectés et appréciés des "
                        "habitants.")
        hall_c1 = self.finding(
            day, 4, at(10, 6, 13, 40), theme="cleanliness", place="tilleuls-res-b-b1-c1", offset=(0.00002, 0.00002),
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.THIS_YEAR, address="14 allée du Verger",
            description="Hall C1 sale : traces d'urine dans l'escalier, odeurs persistantes, sol collant près des "
                        "boîtes aux lettres.")
        wreck = self.finding(
            day, 5, at(10, 6, 14, 10), theme="abandoned_vehicles", place="clos-fleuri-res-a-b1",
            offset=(0.00003, -0.00004), land_ownership=LandOwnership.HOUSING_PROVIDER,
            priority=Priority.THIS_YEAR, address="Parking de la rue des Glycines",
            description="Voiture sans plaques, vitres brisées, stationnée depuis plusieurs semaines sur le parking "
                        "des Glycines.")
        change_walk_status(day, to=WalkStatus.DONE, actor=coordinator, now=at(10, 6, 15, 0))

        # --- the night walk, 6 October from 21:00 ---------------------------------------------------------------
        bike_room = self.finding(
            night, 1, at(10, 6, 19, 5), theme="common_parts", place="tilleuls-res-a-b2", offset=(0.00005, 0.00006),
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.THIS_YEAR, address="6 rue des Acacias",
            description="Tags injurieux sur la porte du local à vélos du bâtiment B.")
        self.finding(
            night, 2, at(10, 6, 19, 10), theme="waste", place="tilleuls-res-a-b1", offset=(0.0, 0.00002),
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.THIS_YEAR, address="2 rue des Acacias",
            description="Nouveau dépôt sauvage devant le local à encombrants du bâtiment A : sacs d'ordures "
                        "éventrés et un canapé.")
        lamps = self.finding(
            night, 3, at(10, 6, 19, 30), theme="public_lighting", place=None, offset=(0.00002, -0.00003),
            land_ownership=LandOwnership.TOWN, priority=Priority.URGENT, address="Allée du square des Tilleuls",
            description="Trois lampadaires éteints dans l'allée qui traverse le square : le passage est plongé dans "
                        "le noir.",
            resident_quote="Le soir je fais le tour par la rue, je ne passe plus par le square.",
            photo=demo_jpeg("#1b1f2a", "ellipse", "#f2c94c"))
        path_c = self.finding(
            night, 4, at(10, 6, 19, 50), theme="public_lighting", place="tilleuls-res-b-b1",
            offset=(-0.00003, -0.00004), land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.THIS_YEAR,
            address="14 allée du Verger",
            description="Éclairage du cheminement vers le bâtiment C en panne ; des habitantes disent faire un "
                        "détour par la rue.")
        bins = self.finding(
            night, 5, at(10, 6, 20, 10), theme="waste", place=None, offset=(-0.00005, 0.00005),
            land_ownership=LandOwnership.EPCI, priority=Priority.THIS_YEAR, address="Rue des Glycines",
            description="Colonnes d'apport volontaire de la rue des Glycines pleines ; des sacs sont déposés au sol "
                        "tout autour.")
        hall_g1 = self.finding(
            night, 5, at(10, 6, 20, 20), theme="public_lighting", place="clos-fleuri-res-a-b1-g1",
            offset=(0.00006, 0.00007), land_ownership=LandOwnership.HOUSING_PROVIDER,
            priority=Priority.URGENT,
            address="3 rue des Glycines",
            description="Hall G1 : la minuterie d'éclairage ne fonctionne plus, l'entrée reste dans le noir le soir.")
        change_walk_status(night, to=WalkStatus.DONE, actor=coordinator, now=at(10, 6, 21, 30))

        # --- answers of the partners --------------------------------------------------------------------------
        self.move(cabinet, FindingStatus.OUT_OF_SCOPE, at(10, 8, 9, 0), COORDINATOR,
                  "Armoire de l'opérateur de télécommunications : signalée par la ville sur le portail de "
                  "l'opérateur le 8 octobre ; l'opérateur répond directement aux habitants.")
        self.move(hall_door, FindingStatus.ACCEPTED, at(10, 7, 7, 30), PROVIDER1)
        self.move(bike_room, FindingStatus.ACCEPTED, at(10, 7, 7, 40), PROVIDER1)
        self.move(lamps, FindingStatus.ACCEPTED, at(10, 7, 8, 0), COORDINATOR,
                  "Pris en charge par le service éclairage public de la ville.")
        self.move(bulky_day, FindingStatus.ACCEPTED, at(10, 8, 7, 15), PROVIDER1,
                  "Enlèvement confié à la régie de proximité.")
        self.move(hall_c1, FindingStatus.ACCEPTED, at(10, 8, 7, 20), PROVIDER1)
        self.move(bins, FindingStatus.ACCEPTED, at(10, 8, 9, 30), COORDINATOR,
                  "Transmis au service déchets de Bellerive Agglomération, qui l'a accepté.")
        self.move(hall_g1, FindingStatus.ACCEPTED, at(10, 8, 10, 0), PROVIDER2)
        self.move(path_c, FindingStatus.ACCEPTED, at(10, 9, 8, 0), PROVIDER1)
        self.move(wreck, FindingStatus.REFUSED, at(10, 9, 9, 0), PROVIDER2,
                  "Ce parking est ouvert à la circulation publique et relève de la voirie communale : "
                  "l'enlèvement doit être demandé par la police municipale.")

        # --- actions -------------------------------------------------------------------------------------------
        door = self.action(hall_door, at(10, 9, 8, 30), PROVIDER1, kind=ActionKind.WORKS,
                           title="Réparer la fermeture du hall A2", due_on=date(2026, 11, 30))
        update_action(door, actor=provider1, assignee=provider1, cost=Decimal("950.00"))
        self.progress(door, at(10, 12, 9, 0), PROVIDER1, "Serrurier missionné ; ventouse et ferme-porte commandés.",
                      status=ActionStatus.IN_PROGRESS, progress=20)
        self.move(hall_door, FindingStatus.IN_PROGRESS, at(10, 12, 9, 5), PROVIDER1,
                  "Intervention du serrurier engagée.")
        self.progress(door, at(10, 28, 10, 0), PROVIDER1,
                      "Ventouse posée ; le ferme-porte sera remplacé à réception de la pièce.", progress=60)

        lighting = self.action(lamps, at(10, 8, 8, 30), COORDINATOR, kind=ActionKind.WORKS,
                               title="Remplacer les lanternes de l'allée du square", due_on=date(2026, 10, 31))
        update_action(lighting, actor=coordinator, cost=Decimal("1840.00"))
        self.progress(lighting, at(10, 14, 9, 0), COORDINATOR,
                      "Intervention de la régie d'éclairage programmée le 20 octobre.",
                      status=ActionStatus.IN_PROGRESS, progress=50)
        after = self.photo(demo_jpeg("#1b1f2a", "ellipse", "#fff6d5"), at(10, 21, 17, 0))
        self.progress(lighting, at(10, 21, 17, 0), COORDINATOR,
                      "Les trois lanternes ont été remplacées par des LED ; l'allée est de nouveau éclairée.",
                      status=ActionStatus.DONE, photo=after, resolve_findings=True)

        collection = self.action(bins, at(10, 12, 10, 0), COORDINATOR, kind=ActionKind.INTERVENTION,
                                 title="Ajouter une collecte hebdomadaire des colonnes de la rue des Glycines",
                                 due_on=date(2026, 12, 31))
        update_action(collection, actor=coordinator, contributors=[ville])
        self.progress(collection, at(10, 20, 14, 0), COORDINATOR,
                      "Passage supplémentaire suspendu : le prestataire de collecte attend l'avenant à son marché.",
                      status=ActionStatus.BLOCKED,
                      reason="Le prestataire de collecte attend l'avenant à son marché : pas de passage "
                             "supplémentaire possible avant janvier 2027.")

        cleaning = self.action(hall_c1, at(10, 10, 8, 0), PROVIDER1, kind=ActionKind.INTERVENTION,
                               title="Nettoyage renforcé du hall C1", due_on=date(2026, 11, 13))
        eng01 = db.session.scalar(sa.select(Commitment).where(Commitment.agreement_id == self.agreement.id,
                                                              Commitment.reference == "ENG-01"))
        update_action(cleaning, actor=provider1, commitment=eng01, assignee=provider1)
        self.progress(cleaning, at(10, 26, 8, 0), PROVIDER1,
                      "Passage quotidien mis en place ; désinfection complète de la cage prévue par une entreprise "
                      "spécialisée.", status=ActionStatus.IN_PROGRESS, progress=30)

        timer = self.action(hall_g1, at(10, 13, 9, 0), PROVIDER2, kind=ActionKind.WORKS,
                            title="Remplacer la minuterie d'éclairage du hall G1", due_on=date(2026, 12, 15))
        update_action(timer, actor=provider2, assignee=provider2)
        self.progress(timer, at(10, 20, 9, 0), PROVIDER2, "Électricien sollicité, devis attendu.", progress=10)

        # --- resolution checked on site, a third deposit at building A, the restitution -------------------------
        self.move(bike_room, FindingStatus.RESOLVED, at(10, 15, 15, 0), PROVIDER1,
                  "Tags effacés par l'entreprise de nettoyage le 15 octobre ; la porte a reçu un vernis "
                  "anti-graffiti.")
        self.photo(demo_jpeg("#c9ced6", "door", "#3e6b48"), at(10, 15, 15, 0), finding=bike_room,
                   is_resolution=True)
        self.move(bike_room, FindingStatus.CHECKED, at(11, 3, 10, 0), COORDINATOR,
                  "Vérifié sur place lors de la tournée du 3 novembre.")
        self.finding(
            None, None, at(11, 4, 8, 30), theme="waste", place="tilleuls-res-a-b1",
            land_ownership=LandOwnership.HOUSING_PROVIDER, priority=Priority.URGENT, address="2 rue des Acacias",
            description="Encombrants de nouveau déposés au pied du bâtiment A (réfrigérateur, cartons), signalés "
                        "par la gardienne.")
        change_walk_status(day, to=WalkStatus.RESTITUTION_SENT, actor=coordinator, now=at(11, 10, 17, 0))


def load_demo_walks(reference: str) -> DemoWalks:
    """Add the demo routing table, walks, findings, actions and photos to the agreement when missing."""
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.reference == reference))
    if agreement is None:
        return DemoWalks()
    loader = _Loader(agreement)
    if any(user is None for user in loader.users.values()):
        return loader.summary
    loader.routing()
    exists = db.session.scalar(sa.select(Walkthrough.id).where(Walkthrough.agreement_id == agreement.id,
                                                               Walkthrough.title == DAY_TITLE))
    if exists is None:
        loader.story()
    logger.info("demo walks: %s", loader.summary)
    return loader.summary


def load(context: dict[str, Any]) -> DemoResult:
    """Demo loader (after the agreement's): the walks of the demo agreement, their findings and actions."""
    walks = load_demo_walks(context["reference"]) if context.get("reference") else DemoWalks()
    return DemoResult(changed=walks.changed, lines=[walks.line()])
