"""Marshmallow schemas of agreements (conventions GUP) and commitments (engagements)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from gup.agreements.models import (
    REFERENCE_ERROR,
    REFERENCE_PATTERN,
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    FundingSource,
    SignatoryRole,
    TfpbAxis,
)
from gup.api_fields import (
    INDICATOR_MAX,
    TEXT_MAX,
    CleanStr,
    PartialByDefault,
    UserRef,
    date_field,
    decimal_in,
    decimal_out,
    id_field,
    ids_field,
    text_field,
)
from gup.i18n import local_today
from gup.organisations.schemas import OrganisationOut
from gup.territory.schemas import TerritoryNodeOut

# --- small references ----------------------------------------------------------------------------

class ThemeOut(ma.Schema):
    """Thématique."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la thématique."})
    code = ma.fields.Str(metadata={"description": "Code de la thématique (cleanliness, waste…)."})
    label = ma.fields.Str(metadata={"description": "Libellé en français."})


class AgreementRef(ma.Schema):
    """Convention, en bref."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la convention."})
    reference = ma.fields.Str(metadata={"description": "Référence de la convention."})
    title = ma.fields.Str(metadata={"description": "Intitulé de la convention."})


# --- agreements ----------------------------------------------------------------------------------

class PartnerOut(ma.Schema):
    """Partenaire : la part d'un organisme dans la convention."""

    id = ma.fields.Int(metadata={"description": "Identifiant du partenaire (propre à cette convention)."})
    organisation = ma.fields.Nested(OrganisationOut, metadata={"description": "L'organisme partenaire."})
    referent = ma.fields.Str(allow_none=True, metadata={"description": "Référent·e nommé·e par l'organisme."})


class SignatoryOut(ma.Schema):
    """Signataire de la convention."""

    id = ma.fields.Int(metadata={"description": "Identifiant du signataire."})
    organisation = ma.fields.Nested(OrganisationOut, metadata={"description": "L'organisme signataire."})
    role = ma.fields.Enum(SignatoryRole, by_value=ma.fields.Str, metadata={"description": "Qualité du signataire."})
    signer_name = ma.fields.Str(metadata={"description": "Nom de la personne qui signe."})
    signer_title = ma.fields.Str(metadata={"description": "Fonction de la personne qui signe."})
    signed_on = ma.fields.Date(allow_none=True, metadata={"description": "Date de signature, si signée."})


class AmendmentOut(ma.Schema):
    """Avenant."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'avenant."})
    number = ma.fields.Int(metadata={"description": "Numéro de l'avenant dans la convention."})
    signed_on = ma.fields.Date(metadata={"description": "Date de signature de l'avenant."})
    subject = ma.fields.Str(metadata={"description": "Objet de l'avenant."})
    new_end_on = ma.fields.Date(allow_none=True,
                                metadata={"description": "Nouvelle date de fin fixée par l'avenant, le cas échéant."})


class AgreementSummaryOut(ma.Schema):
    """Convention GUP, telle qu'elle apparaît dans une liste."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la convention."})
    reference = ma.fields.Str(metadata={"description": "Référence unique de la convention."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    kind = ma.fields.Enum(AgreementKind, by_value=ma.fields.Str,
                          metadata={"description": "framework : convention cadre ; site : convention de site."})
    status = ma.fields.Enum(AgreementStatus, by_value=ma.fields.Str,
                            metadata={"description": "Statut de la convention."})
    start_on = ma.fields.Date(metadata={"description": "Date d'entrée en vigueur."})
    end_on = ma.fields.Date(metadata={"description": "Date de fin initialement prévue."})
    effective_end_on = ma.fields.Date(metadata={"description": "Date de fin après avenants."})
    is_extended = ma.fields.Bool(metadata={"description": "Vrai quand un avenant a prolongé la convention "
                                                          "(« prolongée »)."})
    midterm_on = ma.fields.Date(allow_none=True,
                                metadata={"description": "Date d'évaluation à mi-parcours saisie, le cas échéant."})
    midterm_evaluation_on = ma.fields.Date(
        metadata={"description": "Date d'évaluation à mi-parcours : celle saisie, sinon trois ans après le début "
                                 "(ou la moitié de la durée)."})
    city_contract = ma.fields.Str(allow_none=True, metadata={"description": "Référence du contrat de ville."})
    renewal_agreement = ma.fields.Str(allow_none=True,
                                      metadata={"description": "Référence de la convention NPNRU, le cas échéant."})
    predecessor_id = ma.fields.Int(allow_none=True, metadata={"description": "Convention précédente."})
    territory_ids = ma.fields.Pluck(TerritoryNodeOut, "id", many=True, attribute="territories", dump_only=True,
                                    metadata={"description": "Périmètre : identifiants des nœuds du territoire."})


class AgreementOut(AgreementSummaryOut):
    """Convention GUP avec ses partenaires, signataires, avenants, thématiques et périmètre."""

    signed_on = ma.fields.Date(allow_none=True,
                               metadata={"description": "Date de la dernière signature, une fois que tous ont signé."})
    coordinators = ma.fields.List(ma.fields.Nested(UserRef),
                                  metadata={"description": "Coordonnateurs·rices de la convention."})
    partners = ma.fields.List(ma.fields.Nested(PartnerOut), metadata={"description": "Partenaires."})
    signatories = ma.fields.List(ma.fields.Nested(SignatoryOut), metadata={"description": "Signataires."})
    amendments = ma.fields.List(ma.fields.Nested(AmendmentOut), metadata={"description": "Avenants, par numéro."})
    theme_ids = ma.fields.Pluck(ThemeOut, "id", many=True, attribute="themes", dump_only=True,
                                metadata={"description": "Identifiants des thématiques de la convention."})
    theme_codes = ma.fields.Pluck(ThemeOut, "code", many=True, attribute="themes", dump_only=True,
                                  metadata={"description": "Codes des thématiques de la convention."})


class AgreementQueryArgs(ma.Schema):
    """Filtres de la liste des conventions."""

    status = ma.fields.Enum(AgreementStatus, by_value=ma.fields.Str,
                            metadata={"description": "Ne garder que ce statut."})
    q = CleanStr(validate=validate.Length(max=100),
                      metadata={"description": "Recherche dans la référence ou l'intitulé."})


class AgreementIn(ma.Schema):
    """Définition d'une convention (création)."""

    reference = text_field(60, "Référence unique de la convention (lettres, chiffres, points, tirets).",
                           required=True, pattern=REFERENCE_PATTERN, pattern_error=REFERENCE_ERROR)
    title = text_field(255, "Intitulé.", required=True)
    kind = ma.fields.Enum(AgreementKind, by_value=ma.fields.Str, required=True,
                          metadata={"description": "framework : convention cadre ; site : convention de site."})
    start_on = date_field("Date d'entrée en vigueur", required=True)
    end_on = date_field("Date de fin, postérieure au début", required=True)
    midterm_on = date_field("Date d'évaluation à mi-parcours, pendant la convention ; vide : date par défaut",
                       allow_none=True)
    city_contract = text_field(255, "Référence du contrat de ville.")
    renewal_agreement = text_field(255, "Référence de la convention NPNRU, le cas échéant.")
    predecessor_id = id_field("Convention précédente (identifiant), ou null.", allow_none=True)
    territory_ids = ids_field("Périmètre : identifiants des nœuds du territoire (remplace la liste).")
    theme_ids = ids_field("Identifiants des thématiques (remplace la liste).")


class AgreementPatchIn(PartialByDefault, AgreementIn):
    """Modification partielle d'une convention : seuls les champs présents changent."""

    status = ma.fields.Enum(AgreementStatus, by_value=ma.fields.Str,
                            metadata={"description": "Nouveau statut, selon le cycle de vie "
                                                     "(draft → signed → in_force → ended) ; 409 sinon."})


# --- commitments ---------------------------------------------------------------------------------

class OverdueFlag(ma.fields.Bool):
    """Whether a commitment is overdue today (Europe/Paris): computed, never stored."""

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> bool:
        return obj.is_overdue(local_today())


class CommitmentOut(ma.Schema):
    """Engagement d'un partenaire dans une convention."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'engagement."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention de l'engagement."})
    partner_id = ma.fields.Int(metadata={"description": "Partenaire qui s'engage (propre à la convention)."})
    organisation = ma.fields.Nested(OrganisationOut, attribute="partner.organisation",
                                    metadata={"description": "Organisme qui s'engage."})
    theme = ma.fields.Nested(ThemeOut, metadata={"description": "Thématique."})
    reference = ma.fields.Str(metadata={"description": "Référence dans la convention (ENG-01…)."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    description = ma.fields.Str(allow_none=True, metadata={"description": "Description."})
    funding_source = ma.fields.Enum(FundingSource, by_value=ma.fields.Str,
                                    metadata={"description": "Source de financement."})
    tfpb_axis = ma.fields.Enum(TfpbAxis, by_value=ma.fields.Str, allow_none=True,
                               metadata={"description": "Axe TFPB, pour un engagement financé par l'abattement."})
    planned_investment_amount = decimal_out("Montant prévu en investissement (€).", allow_none=True)
    planned_operating_amount = decimal_out("Montant prévu en fonctionnement (€).", allow_none=True)
    planned_total = decimal_out("Total prévu (€).")
    indicator_label = ma.fields.Str(allow_none=True, metadata={"description": "Indicateur suivi."})
    indicator_unit = ma.fields.Str(allow_none=True, metadata={"description": "Unité de l'indicateur."})
    indicator_baseline = decimal_out("Valeur de référence de l'indicateur.", allow_none=True)
    indicator_target = decimal_out("Valeur cible de l'indicateur.", allow_none=True)
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "Échéance."})
    status = ma.fields.Enum(CommitmentStatus, by_value=ma.fields.Str,
                            metadata={"description": "Statut de l'engagement."})
    progress = ma.fields.Int(metadata={"description": "Avancement, en pourcentage (0 à 100)."})
    is_closed = ma.fields.Bool(metadata={"description": "Vrai quand l'engagement est soldé (tenu, non tenu, retiré…)."})
    is_overdue = OverdueFlag(dump_only=True,
                             metadata={"description": "Vrai quand l'échéance est passée et l'engagement non soldé."})


class CommitmentQueryArgs(ma.Schema):
    """Filtres de la liste des engagements."""

    agreement_id = id_field(strict=False, description="Ne garder que les engagements de cette convention.")
    organisation_id = id_field(strict=False, description="Ne garder que les engagements de cet organisme.")
    theme_id = id_field(strict=False, description="Ne garder que cette thématique.")
    status = ma.fields.Enum(CommitmentStatus, by_value=ma.fields.Str,
                            metadata={"description": "Ne garder que ce statut."})
    overdue = ma.fields.Bool(metadata={"description": "Vrai : seulement les engagements en retard ; "
                                                      "faux : seulement les autres."})


class CommitmentIn(ma.Schema):
    """Nouvel engagement (il est créé au statut « proposed »)."""

    agreement_id = id_field("Convention de l'engagement.", required=True)
    partner_id = id_field("Partenaire qui s'engage ; ou bien organisation_id.")
    organisation_id = id_field("Organisme partenaire de la convention qui s'engage ; ou bien partner_id.")
    theme_id = id_field("Thématique.", required=True)
    reference = text_field(40, "Référence dans la convention ; par défaut la suivante (ENG-NN).", nullable=False)
    title = text_field(255, "Intitulé.", required=True)
    description = text_field(TEXT_MAX, "Description.")
    funding_source = ma.fields.Enum(FundingSource, by_value=ma.fields.Str, load_default=FundingSource.MAINSTREAM,
                                    metadata={"description": "Source de financement (mainstream par défaut)."})
    tfpb_axis = ma.fields.Enum(TfpbAxis, by_value=ma.fields.Str, allow_none=True,
                               metadata={"description": "Axe TFPB, obligatoire quand funding_source vaut tfpb."})
    planned_investment_amount = decimal_in("Montant prévu en investissement (€).")
    planned_operating_amount = decimal_in("Montant prévu en fonctionnement (€).")
    indicator_label = text_field(255, "Indicateur suivi.")
    indicator_unit = text_field(60, "Unité de l'indicateur.")
    indicator_baseline = decimal_in("Valeur de référence de l'indicateur.", low=-INDICATOR_MAX, high=INDICATOR_MAX)
    indicator_target = decimal_in("Valeur cible de l'indicateur.", low=-INDICATOR_MAX, high=INDICATOR_MAX)
    due_on = date_field("Échéance", allow_none=True)
    progress = ma.fields.Int(strict=True, validate=validate.Range(min=0, max=100),
                             metadata={"description": "Avancement, en pourcentage (0 à 100)."})

    @ma.validates_schema
    def _one_partner(self, data: dict, **kwargs: Any) -> None:
        if self.partial is not True and data.get("partner_id") is None and data.get("organisation_id") is None:
            raise ma.ValidationError("Indiquez partner_id ou organisation_id.", field_name="partner_id")


class CommitmentPatchIn(PartialByDefault, CommitmentIn):
    """Modification partielle d'un engagement : seuls les champs présents changent."""

    class Meta:
        exclude = ("agreement_id",)

    status = ma.fields.Enum(CommitmentStatus, by_value=ma.fields.Str,
                            metadata={"description": "Nouveau statut, selon le cycle de vie ; 409 sinon."})


class CommitmentUpdateIn(ma.Schema):
    """Point d'avancement à ajouter."""

    note = text_field(TEXT_MAX, "Note (obligatoire).", required=True)
    progress = ma.fields.Int(strict=True, allow_none=True, validate=validate.Range(min=0, max=100),
                             metadata={"description": "Nouvel avancement, en pourcentage (0 à 100)."})
    status = ma.fields.Enum(CommitmentStatus, by_value=ma.fields.Str, allow_none=True,
                            metadata={"description": "Nouveau statut, selon le cycle de vie ; 409 sinon."})
    investment_spent = decimal_in("Investissement dépensé depuis le début de l'engagement (cumul, en euros).")
    operating_spent = decimal_in("Fonctionnement dépensé depuis le début de l'engagement (cumul, en euros).")
    spent_on = date_field("Date à laquelle les dépenses sont arrêtées ; par défaut aujourd'hui", allow_none=True)
    indicator_value = decimal_in("Valeur observée de l'indicateur de l'engagement.", low=-INDICATOR_MAX,
                                 high=INDICATOR_MAX)
    measured_on = date_field("Date de la mesure ; par défaut aujourd'hui", allow_none=True)


class CommitmentUpdateOut(ma.Schema):
    """Point d'avancement d'un engagement."""

    id = ma.fields.Int(metadata={"description": "Identifiant du point d'avancement."})
    commitment_id = ma.fields.Int(metadata={"description": "Engagement concerné."})
    author = ma.fields.Nested(UserRef, allow_none=True, metadata={"description": "Auteur·rice."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (ISO 8601, UTC)."})
    note = ma.fields.Str(metadata={"description": "Note."})
    progress = ma.fields.Int(allow_none=True, metadata={"description": "Avancement indiqué (0 à 100), le cas échéant."})
    status = ma.fields.Enum(CommitmentStatus, by_value=ma.fields.Str, allow_none=True,
                            metadata={"description": "Statut indiqué, le cas échéant."})
    investment_spent = decimal_out("Investissement dépensé à ce jour (cumul, euros).", allow_none=True)
    operating_spent = decimal_out("Fonctionnement dépensé à ce jour (cumul, euros).", allow_none=True)
    spent_on = ma.fields.Date(allow_none=True, metadata={"description": "Dépenses arrêtées au (AAAA-MM-JJ)."})
    indicator_value = decimal_out("Valeur observée de l'indicateur.", allow_none=True)
    measured_on = ma.fields.Date(allow_none=True, metadata={"description": "Indicateur mesuré le (AAAA-MM-JJ)."})
