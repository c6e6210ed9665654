"""Marshmallow schemas of the territory tree (quartiers, résidences, bâtiments, cages d'escalier)."""

import marshmallow as ma

from gup.api_fields import CleanStr
from gup.territory.models import TerritoryKind


class TerritoryNodeOut(ma.Schema):
    """Un nœud de l'arbre du territoire et ses descendants."""

    id = ma.fields.Int(metadata={"description": "Identifiant du nœud."})
    code = ma.fields.Str(metadata={"description": "Code unique du nœud."})
    kind = ma.fields.Enum(TerritoryKind, by_value=ma.fields.Str,
                          metadata={"description": "Niveau : quartier, résidence, bâtiment ou cage d'escalier."})
    name = ma.fields.Str(metadata={"description": "Nom."})
    address = ma.fields.Str(allow_none=True, metadata={"description": "Adresse postale, le cas échéant."})
    housing_provider_id = ma.fields.Int(allow_none=True,
                                        metadata={"description": "Bailleur social (organisme) propriétaire, "
                                                                 "le cas échéant."})
    children = ma.fields.List(ma.fields.Nested(lambda: TerritoryNodeOut()),
                              metadata={"description": "Nœuds situés sous celui-ci, par nom."})


class NeighbourhoodOut(ma.Schema):
    """Quartier (QPV ou non), sans ses descendants."""

    id = ma.fields.Int(metadata={"description": "Identifiant du quartier."})
    code = ma.fields.Str(metadata={"description": "Code unique du quartier."})
    name = ma.fields.Str(metadata={"description": "Nom du quartier."})
    qpv_code = ma.fields.Str(allow_none=True,
                             metadata={"description": "Code officiel du quartier prioritaire (QPV), s'il en est un."})
    is_qpv = ma.fields.Bool(metadata={"description": "Vrai pour un quartier prioritaire de la politique de la ville."})
    housing_provider_id = ma.fields.Int(allow_none=True,
                                        metadata={"description": "Bailleur social rattaché, le cas échéant."})


class NeighbourhoodTreeOut(NeighbourhoodOut):
    """Quartier avec l'arbre de ses résidences, bâtiments et cages d'escalier."""

    children = ma.fields.List(ma.fields.Nested(TerritoryNodeOut),
                              metadata={"description": "Résidences du quartier, chacune avec ses descendants."})


class NeighbourhoodQueryArgs(ma.Schema):
    """Filtres de la liste des quartiers."""

    qpv = ma.fields.Bool(metadata={"description": "Vrai : seulement les QPV ; faux : seulement les autres quartiers."})
    q = CleanStr(validate=ma.validate.Length(max=100),
                      metadata={"description": "Recherche dans le nom, le code ou le code QPV."})
