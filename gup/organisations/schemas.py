"""Marshmallow schemas of organisations (organismes)."""

import marshmallow as ma

from gup.api_fields import CleanStr
from gup.organisations.models import OrganisationKind


class OrganisationOut(ma.Schema):
    """Organisme : une collectivité, un bailleur, un service de l'État, une association…"""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'organisme."})
    code = ma.fields.Str(metadata={"description": "Code court unique de l'organisme."})
    name = ma.fields.Str(metadata={"description": "Nom de l'organisme."})
    kind = ma.fields.Enum(OrganisationKind, by_value=ma.fields.Str,
                          metadata={"description": "Type d'organisme (commune, EPCI, bailleur social…)."})
    is_active = ma.fields.Bool(metadata={"description": "Faux quand l'organisme a été désactivé."})


class OrganisationQueryArgs(ma.Schema):
    """Filtres de la liste des organismes."""

    kind = ma.fields.Enum(OrganisationKind, by_value=ma.fields.Str,
                          metadata={"description": "Ne garder que les organismes de ce type."})
    q = CleanStr(validate=ma.validate.Length(max=100),
                      metadata={"description": "Recherche dans le nom ou le code."})
