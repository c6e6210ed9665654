"""Marshmallow schemas of walk-throughs (diagnostics en marchant) and their route stops (haltes)."""

from __future__ import annotations

from datetime import time
from typing import Any

import marshmallow as ma
from marshmallow import validate

from gup.agreements.schemas import AgreementRef, ThemeOut
from gup.api_fields import (
    TEXT_MAX,
    IdRef,
    PartialByDefault,
    UserRef,
    check_point,
    date_field,
    id_field,
    ids_field,
    latitude,
    longitude,
    text_field,
)
from gup.organisations.schemas import OrganisationOut
from gup.walks.models import WalkKind, WalkStatus

RESIDENTS_MAX = 100_000
STOPS_MAX = 100


class WholeNested(ma.fields.Nested):
    """A nested object that is always complete, even inside a partial (PATCH) body."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, partial: Any = None, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, partial=False, **kwargs)


def _no_timezone(value: time) -> None:
    if value.tzinfo is not None:
        raise ma.ValidationError("Indiquez une heure locale, sans fuseau horaire.")


# --- output --------------------------------------------------------------------------------------

class NeighbourhoodRef(ma.Schema):
    """Quartier, en bref."""

    id = ma.fields.Int(metadata={"description": "Identifiant du quartier (nœud du territoire)."})
    code = ma.fields.Str(metadata={"description": "Code unique du quartier."})
    name = ma.fields.Str(metadata={"description": "Nom du quartier."})


class StopOut(ma.Schema):
    """Halte du parcours."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la halte."})
    position = ma.fields.Int(metadata={"description": "Rang de la halte dans le parcours (1, 2, 3…)."})
    name = ma.fields.Str(metadata={"description": "Nom de la halte."})
    territory_id = ma.fields.Int(allow_none=True,
                                 metadata={"description": "Nœud du territoire (résidence, bâtiment…), le cas échéant."})
    latitude = ma.fields.Float(allow_none=True, metadata={"description": "Latitude (WGS 84), le cas échéant."})
    longitude = ma.fields.Float(allow_none=True, metadata={"description": "Longitude (WGS 84), le cas échéant."})
    notes = ma.fields.Str(allow_none=True, metadata={"description": "Notes sur la halte."})


class WalkthroughOut(ma.Schema):
    """Diagnostic en marchant, avec son parcours et ses participants."""

    id = ma.fields.Int(metadata={"description": "Identifiant du diagnostic."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention du diagnostic."})
    neighbourhood = ma.fields.Nested(NeighbourhoodRef, metadata={"description": "Quartier parcouru."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    walked_on = ma.fields.Date(metadata={"description": "Date de la marche."})
    starts_at = ma.fields.Time(allow_none=True, metadata={"description": "Heure de départ (heure locale), "
                                                                         "le cas échéant."})
    kind = ma.fields.Enum(WalkKind, by_value=ma.fields.Str,
                          metadata={"description": "Type de marche : day (de jour), night (de nuit), "
                                                   "exploratory_women (marche exploratoire de femmes), "
                                                   "youth (avec des jeunes), other."})
    is_night = ma.fields.Bool(metadata={"description": "Vrai pour une marche de nuit."})
    route_description = ma.fields.Str(allow_none=True, metadata={"description": "Description du parcours."})
    residents_count = ma.fields.Int(metadata={"description": "Nombre d'habitants participants."})
    other_participants = ma.fields.Str(allow_none=True,
                                       metadata={"description": "Autres participants (texte libre)."})
    organisations = ma.fields.List(ma.fields.Nested(OrganisationOut),
                                   metadata={"description": "Organismes participants."})
    users = ma.fields.List(ma.fields.Nested(UserRef), metadata={"description": "Comptes participants."})
    grid_theme_ids = ma.fields.Pluck(ThemeOut, "id", many=True, attribute="grid_themes", dump_only=True,
                                     metadata={"description": "Grille d'observation : thématiques regardées à "
                                                              "chaque halte."})
    status = ma.fields.Enum(WalkStatus, by_value=ma.fields.Str,
                            metadata={"description": "Statut : planned (prévue), done (réalisée), "
                                                     "restitution_sent (restitution envoyée)."})
    restitution_on = ma.fields.Date(allow_none=True, metadata={"description": "Date de la restitution."})
    follow_up_of_id = ma.fields.Int(allow_none=True,
                                    metadata={"description": "Diagnostic précédent sur le même parcours, "
                                                             "le cas échéant."})
    stops = ma.fields.List(ma.fields.Nested(StopOut), metadata={"description": "Haltes du parcours, dans l'ordre."})
    finding_ids = ma.fields.Pluck(IdRef, "id", many=True, attribute="findings", dump_only=True,
                                  metadata={"description": "Identifiants des constats relevés pendant la marche."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date de création (ISO 8601, UTC)."})
    updated_at = ma.fields.AwareDateTime(metadata={"description": "Dernière modification (ISO 8601, UTC)."})


class WalkthroughQueryArgs(ma.Schema):
    """Filtres de la liste des diagnostics."""

    agreement_id = id_field(strict=False, description="Ne garder que les diagnostics de cette convention.")
    neighbourhood_id = id_field(strict=False, description="Ne garder que les diagnostics de ce quartier.")
    kind = ma.fields.Enum(WalkKind, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce type."})
    status = ma.fields.Enum(WalkStatus, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce statut."})


# --- input ---------------------------------------------------------------------------------------

class StopIn(ma.Schema):
    """Halte du parcours (la liste envoyée remplace le parcours, dans son ordre)."""

    id = id_field("Halte existante à conserver (les constats qui y sont rattachés la gardent) ; absent : nouvelle "
             "halte.")
    name = text_field(200, "Nom de la halte.", required=True)
    latitude = latitude()
    longitude = longitude()
    notes = text_field(TEXT_MAX, "Notes sur la halte.")
    territory_id = id_field("Nœud du territoire (résidence, bâtiment…), ou null.", allow_none=True)

    @ma.validates_schema
    def _point(self, data: dict, **kwargs: Any) -> None:
        check_point(data, partial=False)


class WalkthroughIn(ma.Schema):
    """Diagnostic à planifier (il est créé au statut « planned »)."""

    agreement_id = id_field("Convention du diagnostic.", required=True)
    neighbourhood_id = id_field("Quartier parcouru, dans le périmètre de la convention.", required=True)
    title = text_field(200, "Intitulé.", required=True)
    walked_on = date_field("Date de la marche", required=True)
    starts_at = ma.fields.Time(allow_none=True, validate=_no_timezone,
                               metadata={"description": "Heure de départ, heure locale (HH:MM), ou null."})
    kind = ma.fields.Enum(WalkKind, by_value=ma.fields.Str,
                          metadata={"description": "Type de marche (day par défaut)."})
    route_description = text_field(TEXT_MAX, "Description du parcours.")
    residents_count = ma.fields.Int(strict=True, validate=validate.Range(min=0, max=RESIDENTS_MAX),
                                    metadata={"description": "Nombre d'habitants participants."})
    other_participants = text_field(TEXT_MAX, "Autres participants (texte libre, sans données personnelles "
                                         "d'habitants).")
    organisation_ids = ids_field("Organismes participants (remplace la liste).")
    user_ids = ids_field("Comptes participants (remplace la liste).")
    grid_theme_ids = ids_field("Grille d'observation : identifiants des thématiques (remplace la liste).")
    follow_up_of_id = id_field("Diagnostic précédent de la même convention, sur le même parcours, ou null.",
                          allow_none=True)
    restitution_on = date_field("Date de la restitution", allow_none=True)
    stops = ma.fields.List(WholeNested(StopIn), validate=validate.Length(max=STOPS_MAX),
                           metadata={"description": "Haltes du parcours, dans l'ordre (remplace le parcours)."})


class WalkthroughPatchIn(PartialByDefault, WalkthroughIn):
    """Modification partielle d'un diagnostic : seuls les champs présents changent."""

    class Meta:
        exclude = ("agreement_id",)

    status = ma.fields.Enum(WalkStatus, by_value=ma.fields.Str,
                            metadata={"description": "Nouveau statut, selon le cycle de vie "
                                                     "(planned → done → restitution_sent) ; 409 sinon."})
