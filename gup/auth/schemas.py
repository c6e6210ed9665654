"""Marshmallow schemas of accounts."""

import marshmallow as ma

from gup.auth.models import Role
from gup.organisations.schemas import OrganisationOut


class MeOut(ma.Schema):
    """Le compte authentifié par le jeton."""

    id = ma.fields.Int(metadata={"description": "Identifiant du compte."})
    email = ma.fields.Str(metadata={"description": "Adresse e-mail de connexion."})
    full_name = ma.fields.Str(metadata={"description": "Nom complet."})
    role = ma.fields.Enum(Role, by_value=ma.fields.Str,
                          metadata={"description": "Rôle : admin, coordinator, partner_referent ou observer."})
    organisation = ma.fields.Nested(OrganisationOut, allow_none=True,
                                    metadata={"description": "Organisme de rattachement, le cas échéant."})
