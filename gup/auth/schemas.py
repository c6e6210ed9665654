"""Marshmallow schemas of accounts."""

import marshmallow as ma

from gup.auth.models import Role
from gup.organisations.models import OrganisationKind


class OrganisationRef(ma.Schema):
    """Organisme de rattachement, en bref."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'organisme."})
    code = ma.fields.Str(metadata={"description": "Code court de l'organisme."})
    name = ma.fields.Str(metadata={"description": "Nom de l'organisme."})
    kind = ma.fields.Enum(OrganisationKind, by_value=ma.fields.Str, metadata={"description": "Type d'organisme."})


class MeOut(ma.Schema):
    """Le compte authentifié par le jeton."""

    id = ma.fields.Int(metadata={"description": "Identifiant du compte."})
    email = ma.fields.Str(metadata={"description": "Adresse e-mail de connexion."})
    full_name = ma.fields.Str(metadata={"description": "Nom complet."})
    role = ma.fields.Enum(Role, by_value=ma.fields.Str,
                          metadata={"description": "Rôle : admin, coordinator, partner_referent ou observer."})
    organisation = ma.fields.Nested(OrganisationRef, allow_none=True,
                                    metadata={"description": "Organisme de rattachement, le cas échéant."})
