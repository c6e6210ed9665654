"""Demo hotline: published categories with their routing and SLA, response templates, and a few reports in
several statuses (run by `flask gup demo`, idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from gup.agreements.models import Theme
from gup.auth.models import User
from gup.extensions import db
from gup.features import DemoResult
from gup.hotline import services
from gup.hotline.models import Channel, ReportCategory, ReportStatus, ResidentReport
from gup.organisations.models import Organisation
from gup.territory.models import Territory

#: code, label, description, theme, default organisation, first answer days, resolution days, attributes
CATEGORIES = [
    ("encombrants", "Encombrants et dépôts sauvages", "Meubles, matelas, gravats ou sacs déposés dehors.",
     "waste", "agglo-bellerive", 2, 7,
     [{"code": "volume", "datatype": "singlevaluelist", "required": True, "order": 1,
       "description": "Quel volume environ ?",
       "values": [{"key": "petit", "name": "Quelques sacs"}, {"key": "moyen", "name": "Un meuble"},
                  {"key": "gros", "name": "Plusieurs meubles ou plus"}]}]),
    ("proprete-hall", "Hall ou cage d'escalier sale", "Saletés, odeurs, urine dans les parties communes.",
     "common_parts", "habitat-bellerive", 2, 7, []),
    ("eclairage", "Éclairage en panne", "Lampadaire éteint ou lumière de hall qui ne marche plus.",
     "public_lighting", "ville-bellerive", 3, 15, []),
    ("jeux-mobilier", "Aire de jeux ou banc abîmé", "Jeu cassé, banc arraché, clôture ouverte.",
     "street_furniture", "ville-bellerive", 3, 30, []),
    ("epave", "Véhicule abandonné", "Voiture ou deux-roues qui ne bouge plus, sans plaque ou dégradé.",
     "abandoned_vehicles", "ville-bellerive", 5, 45, []),
    ("porte-interphone", "Porte ou interphone en panne", "Porte de hall qui ne ferme plus, interphone muet.",
     "common_parts", "habitat-bellerive", 2, 15, []),
]
#: (category code, neighbourhood code) → organisation code, where the default is not right. None for the common
#: parts: Le Clos-Fleuri has two housing providers (Les Glycines: Logis du Val; Les Hortensias: Habitat Bellerive),
#: and a report whose place is known is proposed to that place's provider anyway (services.suggested_for)
ROUTES: list[tuple[str, str, str]] = []
DEMO_MARK = "[démo]"


@dataclass
class DemoHotline:
    categories: int = 0
    reports: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.categories or self.reports)

    def line(self) -> str:
        return (f"Signalements de démonstration : {self.categories} catégorie(s) et {self.reports} "
                f"signalement(s) ajoutés.")


def _at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def load_demo_hotline() -> DemoHotline:
    """Create what is missing; a second run changes nothing."""
    done = DemoHotline()
    org = {o.code: o for o in db.session.scalars(sa.select(Organisation))}
    themes = {t.code: t for t in db.session.scalars(sa.select(Theme))}
    places = {t.code: t for t in db.session.scalars(sa.select(Territory))}
    existing = {c.code: c for c in db.session.scalars(sa.select(ReportCategory))}
    for position, (code, label, description, theme, default, first, resolution, attributes) in enumerate(CATEGORIES):
        if code in existing or theme not in themes:
            continue
        existing[code] = services.save_category(
            None, actor=None, code=code, label=label, description=description, theme=themes[theme],
            default_organisation=org.get(default), first_answer_days=first, resolution_days=resolution,
            is_published=True, attributes=attributes)
        existing[code].position = position
        done.categories += 1
    for code, neighbourhood, organisation in ROUTES:
        if code in existing and neighbourhood in places and organisation in org:
            category = existing[code]
            if not any(r.neighbourhood_id == places[neighbourhood].id for r in category.routes):
                services.set_category_route(category, neighbourhood=places[neighbourhood],
                                            organisation=org[organisation], actor=None)
    if db.session.scalar(sa.select(ResidentReport.id).where(ResidentReport.description.like(f"%{DEMO_MARK}%"))):
        db.session.flush()
        return done
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordination@demo.gup.fr"))
    referent = db.session.scalar(sa.select(User).where(User.email == "bailleur1@demo.gup.fr"))
    tilleuls, clos = places.get("tilleuls"), places.get("clos-fleuri")

    def report(code: str, when: datetime, description: str, address: str, neighbourhood: Territory | None,
               channel: Channel = Channel.WEB, **kw):
        done.reports += 1
        kw.setdefault("publish_description", channel is Channel.WEB)  # demo residents ticked « Publier »
        return services.submit_report(channel=channel, category=existing[code], actor=None, now=when,
                                      description=f"{description} {DEMO_MARK}", address=address,
                                      neighbourhood=neighbourhood, **kw)

    first = report("encombrants", _at(11, 3, 9), "Un canapé et deux matelas devant le local poubelles.",
                   "4 rue des Acacias", tilleuls, latitude=47.2177, longitude=-1.5542,
                   attribute_values={"volume": "gros"})
    twin = report("encombrants", _at(11, 4, 18), "Matelas abandonnés près des poubelles.", "4 rue des Acacias",
                  tilleuls, channel=Channel.PHONE, latitude=47.2178, longitude=-1.5541)
    services.merge(twin, into=first, actor=coordinator, now=_at(11, 5, 9))
    services.route_report(first, to=org["agglo-bellerive"], actor=coordinator, now=_at(11, 5, 9))
    hall = report("proprete-hall", _at(11, 10, 8), "Hall A2 très sale depuis une semaine, odeurs.",
                  "2 rue des Acacias, hall A2", tilleuls)
    services.route_report(hall, to=org["habitat-bellerive"], actor=coordinator, now=_at(11, 10, 14))
    services.change_status(hall, to=ReportStatus.IN_PROGRESS, actor=referent, now=_at(11, 12, 10))
    services.change_status(hall, to=ReportStatus.RESOLVED, actor=referent, now=_at(11, 14, 16),
                           public_text="Le hall A2 a été nettoyé à fond le 14 novembre ; un passage "
                                       "supplémentaire est prévu chaque jeudi.")
    report("eclairage", _at(11, 18, 21), "Lampadaire éteint au bout de l'allée du Verger.", "Allée du Verger",
           tilleuls)
    velo = report("epave", _at(11, 8, 11), "Scooter brûlé sur le trottoir.", "Rue de la Gare", None)
    services.change_status(velo, to=ReportStatus.NOT_OUR_REMIT, actor=coordinator, now=_at(11, 9, 9),
                           referral="la police municipale de Bellerive (voirie hors quartiers GUP)")
    report("porte-interphone", _at(11, 20, 17), "La porte du hall G3 ne ferme plus.", "Résidence Les Glycines, G3",
           clos, territory=places.get("clos-fleuri-res-a-b2-g3"))  # proposed to Logis du Val, the place's provider
    db.session.flush()
    return done


def load(context: dict[str, Any]) -> DemoResult:
    """Demo loader: report categories and a few resident reports in several statuses."""
    hotline = load_demo_hotline()
    return DemoResult(changed=hotline.changed, lines=[hotline.line()])
