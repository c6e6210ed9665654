"""Marshmallow schemas of findings (constats), their hand-overs (réorientations) and photos."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload

from gup.agreements.schemas import AgreementRef, OverdueFlag, ThemeOut
from gup.api_fields import (
    TEXT_MAX,
    IdRef,
    PartialByDefault,
    check_point,
    date_field,
    id_field,
    latitude,
    longitude,
    text_field,
)
from gup.findings.models import FindingKind, FindingStatus, LandOwnership, Priority
from gup.media.schemas import PhotoOut
from gup.organisations.schemas import OrganisationOut

#: statuses whose move needs a note: the reason of a refusal, the body a finding is referred to
NOTE_REQUIRED = {FindingStatus.REFUSED: "Indiquez la raison du refus.",
                 FindingStatus.OUT_OF_SCOPE: "Indiquez vers qui le constat est réorienté."}


class TransferOut(ma.Schema):
    """Réorientation : passage d'un constat d'un organisme à un autre."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la réorientation."})
    from_organisation_id = ma.fields.Int(allow_none=True,
                                         metadata={"description": "Organisme précédent (null au premier envoi)."})
    to_organisation_id = ma.fields.Int(metadata={"description": "Organisme à qui le constat est transmis."})
    reason = ma.fields.Str(allow_none=True, metadata={"description": "Motif du changement d'organisme."})
    by_id = ma.fields.Int(allow_none=True, metadata={"description": "Compte qui a transmis (identifiant)."})
    at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (ISO 8601, UTC)."})


class FindingOut(ma.Schema):
    """Constat : dysfonctionnement, point positif ou proposition, transmis à l'organisme qui doit agir."""

    id = ma.fields.Int(metadata={"description": "Identifiant du constat."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention du constat."})
    walkthrough_id = ma.fields.Int(allow_none=True,
                                   metadata={"description": "Diagnostic pendant lequel il a été relevé, le cas "
                                                            "échéant."})
    stop_id = ma.fields.Int(allow_none=True, metadata={"description": "Halte du diagnostic, le cas échéant."})
    kind = ma.fields.Enum(FindingKind, by_value=ma.fields.Str,
                          metadata={"description": "issue (dysfonctionnement), strength (point positif) ou "
                                                   "proposal (proposition)."})
    theme = ma.fields.Nested(ThemeOut, metadata={"description": "Thématique."})
    description = ma.fields.Str(metadata={"description": "Description."})
    resident_quote = ma.fields.Str(allow_none=True, metadata={"description": "Parole d'habitant (anonyme)."})
    address = ma.fields.Str(allow_none=True, metadata={"description": "Adresse ou repère."})
    latitude = ma.fields.Float(allow_none=True, metadata={"description": "Latitude (WGS 84), le cas échéant."})
    longitude = ma.fields.Float(allow_none=True, metadata={"description": "Longitude (WGS 84), le cas échéant."})
    territory_id = ma.fields.Int(allow_none=True,
                                 metadata={"description": "Nœud du territoire (résidence, bâtiment, cage "
                                                          "d'escalier…), le cas échéant."})
    land_ownership = ma.fields.Enum(LandOwnership, by_value=ma.fields.Str, allow_none=True,
                                    metadata={"description": "Domanialité du lieu, le cas échéant."})
    priority = ma.fields.Enum(Priority, by_value=ma.fields.Str,
                              metadata={"description": "Priorité : urgent, this_year (dans l'année), longer_term "
                                                       "(à plus long terme)."})
    responsible_organisation = ma.fields.Nested(OrganisationOut, allow_none=True,
                                                metadata={"description": "Organisme responsable, une fois "
                                                                         "transmis."})
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "Échéance."})
    status = ma.fields.Enum(FindingStatus, by_value=ma.fields.Str,
                            metadata={"description": "Statut : new → sent → accepted ou refused → planned → "
                                                     "in_progress → resolved → checked ; ou out_of_scope."})
    refusal_reason = ma.fields.Str(allow_none=True, metadata={"description": "Raison du refus, le cas échéant."})
    referral = ma.fields.Str(allow_none=True,
                             metadata={"description": "Vers qui le constat hors champ a été réorienté."})
    resolved_on = ma.fields.Date(allow_none=True, metadata={"description": "Date de résolution."})
    resolution_note = ma.fields.Str(allow_none=True, metadata={"description": "Note de résolution."})
    is_recurring = ma.fields.Bool(metadata={"description": "Vrai quand le problème est récurrent (même thématique, "
                                                           "même lieu, plusieurs fois en douze mois) : problème "
                                                           "structurel."})
    is_overdue = OverdueFlag(dump_only=True,
                             metadata={"description": "Vrai quand l'échéance est passée et le constat toujours "
                                                      "ouvert."})
    photos = ma.fields.List(ma.fields.Nested(PhotoOut), metadata={"description": "Photos."})
    transfers = ma.fields.List(ma.fields.Nested(TransferOut),
                               metadata={"description": "Transmissions et réorientations, dans l'ordre."})
    action_ids = ma.fields.Pluck(IdRef, "id", many=True, attribute="actions", dump_only=True,
                                 metadata={"description": "Actions qui répondent à ce constat."})
    created_by_id = ma.fields.Int(allow_none=True, metadata={"description": "Compte qui a relevé le constat."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date de saisie (ISO 8601, UTC)."})
    updated_at = ma.fields.AwareDateTime(metadata={"description": "Dernière modification (ISO 8601, UTC)."})


class FindingQueryArgs(ma.Schema):
    """Filtres de la liste des constats."""

    agreement_id = id_field(strict=False, description="Ne garder que les constats de cette convention.")
    walkthrough_id = id_field(strict=False, description="Ne garder que les constats de ce diagnostic.")
    neighbourhood_id = id_field(strict=False,
                           description="Ne garder que les constats de ce quartier : ceux dont le lieu "
                                       "(territory_id) est dans le quartier, et ceux relevés pendant un diagnostic "
                                       "de ce quartier.")
    theme_id = id_field(strict=False, description="Ne garder que cette thématique.")
    organisation_id = id_field(strict=False,
                               description="Ne garder que les constats dont cet organisme est responsable.")
    kind = ma.fields.Enum(FindingKind, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce type."})
    status = ma.fields.Enum(FindingStatus, by_value=ma.fields.Str,
                            metadata={"description": "Ne garder que ce statut."})
    priority = ma.fields.Enum(Priority, by_value=ma.fields.Str,
                              metadata={"description": "Ne garder que cette priorité."})
    overdue = ma.fields.Bool(metadata={"description": "Vrai : seulement les constats en retard ; faux : seulement "
                                                      "les autres."})
    recurring = ma.fields.Bool(metadata={"description": "Vrai : seulement les problèmes récurrents ; faux : "
                                                        "seulement les autres."})


class FindingIn(ma.Schema):
    """Constat à enregistrer. Sans organisme responsable indiqué, la règle d'orientation de la convention en
    propose un ; un dysfonctionnement qui a un organisme responsable lui est transmis aussitôt (statut sent)."""

    agreement_id = id_field("Convention du constat ; facultatif quand walkthrough_id est indiqué.")
    walkthrough_id = id_field("Diagnostic pendant lequel le constat est relevé, ou null.", allow_none=True)
    stop_id = id_field("Halte de ce diagnostic, ou null.", allow_none=True)
    kind = ma.fields.Enum(FindingKind, by_value=ma.fields.Str,
                          metadata={"description": "issue (par défaut), strength ou proposal."})
    theme_id = id_field("Thématique.", required=True)
    description = text_field(TEXT_MAX, "Description.", required=True)
    resident_quote = text_field(TEXT_MAX, "Parole d'habitant, sans nom ni donnée personnelle.")
    address = text_field(255, "Adresse ou repère.")
    latitude = latitude()
    longitude = longitude()
    territory_id = id_field("Nœud du territoire (résidence, bâtiment, cage d'escalier…), ou null.", allow_none=True)
    land_ownership = ma.fields.Enum(LandOwnership, by_value=ma.fields.Str, allow_none=True,
                                    metadata={"description": "Domanialité du lieu, qui guide l'orientation."})
    priority = ma.fields.Enum(Priority, by_value=ma.fields.Str,
                              metadata={"description": "Priorité (this_year par défaut) ; elle fixe l'échéance "
                                                       "par défaut."})
    due_on = date_field("Échéance ; vide : selon la priorité", allow_none=True)
    responsible_organisation_id = id_field("Organisme responsable, partie à la convention ; absent ou null : "
                                      "suggestion de la règle d'orientation.", allow_none=True)
    routing_reason = text_field(TEXT_MAX, "Motif de l'orientation choisie, le cas échéant.")

    @ma.validates_schema
    def _complete(self, data: dict, **kwargs: Any) -> None:
        check_point(data, partial=self.partial is True)
        if self.partial is not True and data.get("agreement_id") is None and data.get("walkthrough_id") is None:
            raise ma.ValidationError("Indiquez agreement_id ou walkthrough_id.", field_name="agreement_id")


class FindingPatchIn(PartialByDefault, FindingIn):
    """Modification partielle d'un constat : seuls les champs présents changent.

    Description, lieu, priorité, échéance : la coordination. responsible_organisation_id (avec reason quand
    l'organisme change) : la coordination transmet ou réoriente. status (avec note) : accepter, refuser,
    programmer, commencer, résoudre appartient à l'organisme responsable ; transmettre, vérifier sur place et
    déclarer hors champ à la coordination.
    """

    class Meta:
        exclude = ("agreement_id", "routing_reason")

    reason = text_field(TEXT_MAX, "Motif du changement d'organisme responsable (obligatoire quand il change).")
    status = ma.fields.Enum(FindingStatus, by_value=ma.fields.Str,
                            metadata={"description": "Nouveau statut, selon le cycle de vie ; 409 sinon. sent "
                                                     "renvoie le constat à son organisme responsable."})
    note = text_field(TEXT_MAX, "Note du changement de statut : obligatoire pour refused (raison du refus) et "
                           "out_of_scope (vers qui le constat est réorienté) ; note de résolution pour resolved.")

    @ma.validates_schema
    def _note_when_needed(self, data: dict, **kwargs: Any) -> None:
        message = NOTE_REQUIRED.get(data.get("status"))
        if message and not (data.get("note") or "").strip():
            raise ma.ValidationError(message, field_name="note")


class PhotoUploadSchema(ma.Schema):
    """Photo envoyée en multipart/form-data."""

    photo = Upload(required=True, metadata={"description": "Le fichier image (JPEG, PNG, WebP, HEIF…), un seul. "
                                                           "Il est décodé, réencodé en JPEG, redimensionné et "
                                                           "débarrassé de ses métadonnées (dont la position GPS)."})


class PhotoUploadArgs(ma.Schema):
    """Paramètres de l'envoi d'une photo."""

    is_resolution = ma.fields.Bool(load_default=False,
                                   metadata={"description": "Vrai pour une photo de la résolution (après "
                                                            "intervention)."})
