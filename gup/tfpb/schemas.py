"""Marshmallow schemas of the TFPB actions (actions valorisées au titre de l'abattement de TFPB)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from gup.agreements.schemas import AgreementRef
from gup.api_fields import TEXT_MAX, PartialByDefault, decimal_in, decimal_out, id_field, text_field
from gup.organisations.schemas import OrganisationOut
from gup.tfpb.models import YEAR_MAX, YEAR_MIN

YEAR_VALIDATOR = validate.Range(min=YEAR_MIN, max=YEAR_MAX, error=f"Année entre {YEAR_MIN} et {YEAR_MAX}.")


class TfpbAxisOut(ma.Schema):
    """Axe du cadre national de l'abattement de TFPB (table de référence versionnée)."""

    code = ma.fields.Str(metadata={"description": "Code de l'axe (staff_presence, enhanced_maintenance…)."})
    number = ma.fields.Int(metadata={"description": "Numéro de l'axe dans le cadre national (1 à 8)."})
    label = ma.fields.Str(metadata={"description": "Intitulé de l'axe."})
    valid_from = ma.fields.Date(metadata={"description": "En vigueur depuis le (AAAA-MM-JJ)."})
    valid_to = ma.fields.Date(allow_none=True, metadata={"description": "En vigueur jusqu'au, ou null."})


class QpvRef(ma.Schema):
    """Quartier prioritaire (QPV), en bref."""

    id = ma.fields.Int(metadata={"description": "Identifiant du quartier."})
    name = ma.fields.Str(metadata={"description": "Nom du quartier."})
    qpv_code = ma.fields.Str(metadata={"description": "Code officiel du QPV."})


class TfpbActionOut(ma.Schema):
    """Action valorisée au titre de l'abattement de TFPB : ce qu'un bailleur a fait dans un QPV une année donnée, sur
    un axe du cadre national, et le montant qu'il valorise."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'action TFPB."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention."})
    provider = ma.fields.Nested(OrganisationOut, metadata={"description": "Bailleur social."})
    neighbourhood = ma.fields.Nested(QpvRef, metadata={"description": "Quartier prioritaire (QPV)."})
    axis = ma.fields.Nested(TfpbAxisOut, metadata={"description": "Axe TFPB."})
    year = ma.fields.Int(metadata={"description": "Année."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    description = ma.fields.Str(allow_none=True, metadata={"description": "Description."})
    valued_amount = decimal_out("Montant valorisé (€).")
    commitment_id = ma.fields.Int(allow_none=True, metadata={"description": "Engagement lié, le cas échéant."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date de création (ISO 8601, UTC)."})
    updated_at = ma.fields.AwareDateTime(metadata={"description": "Dernière modification (ISO 8601, UTC)."})


class TfpbActionQueryArgs(ma.Schema):
    """Filtres de la liste des actions TFPB."""

    agreement_id = id_field(strict=False, description="Ne garder que les actions de cette convention.")
    provider_id = id_field(strict=False, description="Ne garder que les actions de ce bailleur.")
    year = ma.fields.Int(validate=YEAR_VALIDATOR, metadata={"description": "Ne garder que cette année."})


class TfpbActionIn(ma.Schema):
    """Nouvelle action TFPB."""

    agreement_id = id_field("Convention.", required=True)
    provider_id = id_field("Bailleur social partenaire de la convention (un·e référent·e ne peut indiquer que son "
                           "propre organisme).", required=True)
    neighbourhood_id = id_field("Quartier prioritaire (avec un code QPV) du périmètre de la convention.",
                                required=True)
    axis_code = ma.fields.Str(required=True, validate=validate.Length(min=1, max=40),
                              metadata={"description": "Code d'un axe TFPB en vigueur l'année de l'action."})
    year = ma.fields.Int(strict=True, required=True, validate=YEAR_VALIDATOR, metadata={"description": "Année."})
    title = text_field(255, "Intitulé.", required=True)
    description = text_field(TEXT_MAX, "Description.")
    valued_amount = decimal_in("Montant valorisé (€), obligatoire.")
    commitment_id = id_field("Engagement du même bailleur dans la convention, ou null.", allow_none=True)


TfpbActionIn._declared_fields["valued_amount"].required = True
TfpbActionIn._declared_fields["valued_amount"].allow_none = False


class TfpbActionPatchIn(PartialByDefault, TfpbActionIn):
    """Modification partielle d'une action TFPB : seuls les champs présents changent."""

    class Meta:
        exclude = ("agreement_id",)


class TfpbAxisQueryArgs(ma.Schema):
    """Date à laquelle les axes doivent être en vigueur."""

    on = ma.fields.Date(metadata={"description": "Ne garder que les axes en vigueur à cette date (AAAA-MM-JJ ; "
                                                 "aujourd'hui par défaut). Engagements et actions TFPB n'acceptent "
                                                 "que ceux-là."})
