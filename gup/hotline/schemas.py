"""Marshmallow schemas of resident reports (signalements) in /api/v1/resident-reports."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from gup.api_fields import MAX_ID, CleanStr
from gup.hotline.models import TEXT_MAX, Channel, Disclosure, ReportStatus

ID_RANGE = validate.Range(min=1, max=MAX_ID, error="Identifiant invalide.")


def id_field(description: str, *, strict: bool = True, **kwargs) -> ma.fields.Int:
    return ma.fields.Int(strict=strict, validate=ID_RANGE, metadata={"description": description}, **kwargs)


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Ce champ ne peut pas être vide.")


class ReportQueryArgs(ma.Schema):
    """Filtres de la liste des signalements."""

    status = ma.fields.Enum(ReportStatus, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce statut."})
    category_id = id_field("Ne garder que cette catégorie.", strict=False)
    channel = ma.fields.Enum(Channel, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce canal."})
    neighbourhood_id = id_field("Ne garder que ce quartier.", strict=False)
    organisation_id = id_field("Ne garder que les signalements confiés à cet organisme.", strict=False)
    overdue = ma.fields.Bool(metadata={"description": "Vrai : seulement les signalements en retard (délai de "
                                                      "première réponse ou de résolution dépassé) ; faux : les "
                                                      "autres."})
    reference = CleanStr(validate=validate.Length(max=20),
                         metadata={"description": "Recherche dans la référence (GUP-AAAA-NNNNNN)."})


class NamedRefOut(ma.Schema):
    """Un objet désigné par son identifiant et son nom."""

    id = ma.fields.Int(metadata={"description": "Identifiant."})
    name = ma.fields.Str(metadata={"description": "Nom."})


class ReportCategoryRefOut(ma.Schema):
    """Catégorie d'un signalement."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la catégorie."})
    code = ma.fields.Str(metadata={"description": "Code de la catégorie (service_code Open311)."})
    label = ma.fields.Str(metadata={"description": "Libellé de la catégorie."})


class ReportUpdateOut(ma.Schema):
    """Réponse publique : un changement de statut et son explication."""

    status = ma.fields.Enum(ReportStatus, by_value=ma.fields.Str, metadata={"description": "Statut atteint."})
    public_text = ma.fields.Str(metadata={"description": "Explication publique."})
    organisation_id = ma.fields.Int(allow_none=True, metadata={"description": "Organisme en charge à ce moment."})
    at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (UTC)."})


class ResidentReportOut(ma.Schema):
    """Signalement d'un habitant (sans données personnelles)."""

    id = ma.fields.Int(metadata={"description": "Identifiant."})
    reference = ma.fields.Str(metadata={"description": "Référence à vie (GUP-AAAA-NNNNNN)."})
    channel = ma.fields.Enum(Channel, by_value=ma.fields.Str, metadata={"description": "Canal de réception."})
    status = ma.fields.Enum(ReportStatus, by_value=ma.fields.Str, metadata={"description": "Statut."})
    category = ma.fields.Nested(ReportCategoryRefOut, metadata={"description": "Catégorie."})
    description = ma.fields.Str(metadata={"description": "Description du problème."})
    address = ma.fields.Str(allow_none=True, metadata={"description": "Adresse ou lieu."})
    latitude = ma.fields.Float(allow_none=True, metadata={"description": "Latitude (WGS 84)."})
    longitude = ma.fields.Float(allow_none=True, metadata={"description": "Longitude (WGS 84)."})
    neighbourhood_id = ma.fields.Int(allow_none=True, metadata={"description": "Quartier."})
    agreement_id = ma.fields.Int(allow_none=True, metadata={"description": "Convention qui couvre le lieu."})
    responsible_organisation = ma.fields.Nested(NamedRefOut, allow_none=True,
                                                metadata={"description": "Organisme en charge : celui à qui la "
                                                                         "coordination l'a transmis (null avant)."})
    suggested_organisation = ma.fields.Nested(NamedRefOut, allow_none=True,
                                              metadata={"description": "Organisme proposé au tri (catégorie, "
                                                                       "quartier, bailleur du lieu) ; il n'est "
                                                                       "pas en charge."})
    duplicate_of_id = ma.fields.Int(allow_none=True, metadata={"description": "Signalement d'origine (doublon)."})
    finding_id = ma.fields.Int(allow_none=True, metadata={"description": "Constat créé à partir du signalement."})
    action_id = ma.fields.Int(allow_none=True, metadata={"description": "Action rattachée."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Reçu le (UTC)."})
    first_answer_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Première réponse (UTC)."})
    closed_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Clos le (UTC)."})
    disclosure = ma.fields.Enum(Disclosure, by_value=ma.fields.Str, metadata={
        "description": "Publication de la description et de l'adresse : private (non publiées), resident (telles "
                       "qu'écrites sur un canal public avec l'accord de l'habitant), approved (formulation "
                       "validée par la coordination)."})
    public_description = ma.fields.Str(allow_none=True, metadata={"description": "Description publiée."})
    public_address = ma.fields.Str(allow_none=True, metadata={"description": "Adresse publiée."})
    first_answer_due_on = ma.fields.Method("_first_due", metadata={
        "type": "string", "format": "date", "description": "Première réponse attendue le (AAAA-MM-JJ)."})
    resolution_due_on = ma.fields.Method("_resolution_due", metadata={
        "type": "string", "format": "date", "description": "Résolution attendue le (AAAA-MM-JJ)."})
    overdue = ma.fields.Method("_overdue", metadata={"type": "boolean",
                                                     "description": "Vrai si un délai est dépassé."})

    def _first_due(self, report) -> str:
        return report.first_answer_due_on().isoformat()

    def _resolution_due(self, report) -> str:
        return report.resolution_due_on().isoformat()

    def _overdue(self, report) -> bool:
        from gup.i18n import local_today

        return report.is_overdue(local_today())


class ResidentReportDetailOut(ResidentReportOut):
    """Signalement avec ses réponses publiques ; les coordonnées seulement pour la coordination."""

    updates = ma.fields.List(ma.fields.Nested(ReportUpdateOut), metadata={"description": "Réponses publiques."})
    contact_name = ma.fields.Str(allow_none=True, metadata={"description": "Nom du déclarant (coordination)."})
    contact_email = ma.fields.Str(allow_none=True, metadata={"description": "Courriel du déclarant (coordination)."})
    contact_phone = ma.fields.Str(allow_none=True, metadata={"description": "Téléphone du déclarant (coordination)."})
    contact_consent = ma.fields.Bool(allow_none=True,
                                     metadata={"description": "Accepte d'être contacté (coordination)."})
    callback_preference = ma.fields.Str(allow_none=True,
                                        metadata={"description": "Préférence de rappel (coordination)."})


class ReportStatusIn(ma.Schema):
    """Changement de statut avec son explication publique."""

    status = ma.fields.Enum(ReportStatus, by_value=ma.fields.Str, required=True,
                            metadata={"description": "Statut visé : in_progress et resolved pour l'organisme en "
                                                     "charge ; qualified, not_our_remit, rejected, received "
                                                     "(réouverture) pour la coordination. Les doublons passent "
                                                     "par /merge, les transmissions par /reroute."})
    public_text = CleanStr(validate=validate.Length(max=TEXT_MAX), allow_none=True,
                           metadata={"description": "Explication publique ; vide : le modèle de réponse."})
    referral = CleanStr(validate=validate.Length(max=500), allow_none=True,
                        metadata={"description": "Hors de nos compétences : à qui s'adresser (obligatoire)."})


class ReportMergeIn(ma.Schema):
    """Fusion d'un doublon dans le signalement d'origine (par identifiant ou par référence)."""

    into_id = id_field("Identifiant du signalement d'origine.", allow_none=True)
    into_reference = CleanStr(validate=validate.Length(max=20), allow_none=True,
                              metadata={"description": "Référence du signalement d'origine."})
    public_text = CleanStr(validate=validate.Length(max=TEXT_MAX), allow_none=True,
                           metadata={"description": "Explication publique ; vide : le modèle de réponse."})

    @ma.validates_schema
    def _one_target(self, data: dict, **kwargs) -> None:
        if not data.get("into_id") and not data.get("into_reference"):
            raise ma.ValidationError("Indiquez into_id ou into_reference.", field_name="into_id")


class ReportRerouteIn(ma.Schema):
    """Transmission (ou réorientation) à un organisme ; l'historique est gardé et le délai continue."""

    organisation_id = id_field("Organisme chargé du signalement.", required=True)
    reason = CleanStr(validate=validate.Length(max=TEXT_MAX), allow_none=True,
                      metadata={"description": "Raison, obligatoire pour un autre bailleur que celui du lieu "
                                               "(gardée dans l'historique, non publiée)."})
    public_text = CleanStr(validate=validate.Length(max=TEXT_MAX), allow_none=True,
                           metadata={"description": "Explication publique ; vide : le modèle de réponse."})


class ReportDisclosureIn(ma.Schema):
    """Formulation publique d'un signalement (règle de publication) : ce que tout le monde lira du problème."""

    public_description = CleanStr(required=True, validate=[validate.Length(max=TEXT_MAX), _not_blank],
                                  metadata={"description": "Description publiée, sans donnée personnelle."})
    public_address = CleanStr(validate=validate.Length(max=255), allow_none=True,
                              metadata={"description": "Lieu publié (rue, bâtiment), jamais un logement."})
