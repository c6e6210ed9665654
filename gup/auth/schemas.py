"""Marshmallow schemas of accounts."""

import marshmallow as ma


class OrganisationRef(ma.Schema):
    id = ma.fields.Int()
    code = ma.fields.Str()
    name = ma.fields.Str()


class MeOut(ma.Schema):
    id = ma.fields.Int()
    email = ma.fields.Str()
    full_name = ma.fields.Str()
    role = ma.fields.Function(lambda u: u.role.value)
    organisation = ma.fields.Nested(OrganisationRef, allow_none=True)
