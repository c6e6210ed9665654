"""Marshmallow schemas of actions (fiches action) and their progress updates (points d'avancement)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from gup.actions.models import ActionKind, ActionStatus
from gup.agreements.schemas import AgreementRef, OverdueFlag
from gup.api_fields import (
    TEXT_MAX,
    IdRef,
    PartialByDefault,
    UserRef,
    date_field,
    decimal_in,
    decimal_out,
    id_field,
    ids_field,
    text_field,
)
from gup.media.schemas import PhotoOut
from gup.organisations.schemas import OrganisationOut


class ActionOut(ma.Schema):
    """Action : qui fait quoi, pour quand, suivie jusqu'à son terme."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'action."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention de l'action."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    description = ma.fields.Str(allow_none=True, metadata={"description": "Description."})
    kind = ma.fields.Enum(ActionKind, by_value=ma.fields.Str,
                          metadata={"description": "Type : intervention, works (travaux), sensitization "
                                                   "(sensibilisation / formation), participation_event (temps de "
                                                   "participation des habitants), study (étude), other."})
    audience = ma.fields.Str(allow_none=True,
                             metadata={"description": "Public visé (sensibilisation, formation), le cas échéant."})
    responsible_organisation = ma.fields.Nested(OrganisationOut, metadata={"description": "Organisme responsable."})
    assignee = ma.fields.Nested(UserRef, allow_none=True,
                                metadata={"description": "Personne chargée de l'action, le cas échéant."})
    contributor_ids = ma.fields.Pluck(IdRef, "id", many=True, attribute="contributors", dump_only=True,
                                      metadata={"description": "Organismes contributeurs (identifiants)."})
    commitment_id = ma.fields.Int(allow_none=True,
                                  metadata={"description": "Engagement auquel l'action se rattache, le cas échéant."})
    finding_ids = ma.fields.Pluck(IdRef, "id", many=True, attribute="findings", dump_only=True,
                                  metadata={"description": "Constats auxquels l'action répond."})
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "Échéance."})
    status = ma.fields.Enum(ActionStatus, by_value=ma.fields.Str,
                            metadata={"description": "Statut : planned (prévue), in_progress (en cours), done "
                                                     "(réalisée), blocked (bloquée), cancelled (annulée)."})
    blocked_reason = ma.fields.Str(allow_none=True, metadata={"description": "Ce qui bloque, quand elle est "
                                                                             "bloquée."})
    progress = ma.fields.Int(metadata={"description": "Avancement, en pourcentage (0 à 100)."})
    cost = decimal_out("Coût (€), le cas échéant.", allow_none=True)
    done_on = ma.fields.Date(allow_none=True, metadata={"description": "Date de réalisation."})
    is_closed = ma.fields.Bool(metadata={"description": "Vrai quand l'action est réalisée ou annulée."})
    is_overdue = OverdueFlag(dump_only=True,
                             metadata={"description": "Vrai quand l'échéance est passée et l'action ni réalisée "
                                                      "ni annulée."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date de création (ISO 8601, UTC)."})
    updated_at = ma.fields.AwareDateTime(metadata={"description": "Dernière modification (ISO 8601, UTC)."})


class ActionQueryArgs(ma.Schema):
    """Filtres de la liste des actions."""

    agreement_id = id_field(strict=False, description="Ne garder que les actions de cette convention.")
    organisation_id = id_field(strict=False,
                               description="Ne garder que les actions dont cet organisme est responsable.")
    commitment_id = id_field(strict=False, description="Ne garder que les actions rattachées à cet engagement.")
    finding_id = id_field(strict=False, description="Ne garder que les actions qui répondent à ce constat.")
    kind = ma.fields.Enum(ActionKind, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce type."})
    status = ma.fields.Enum(ActionStatus, by_value=ma.fields.Str,
                            metadata={"description": "Ne garder que ce statut."})
    overdue = ma.fields.Bool(metadata={"description": "Vrai : seulement les actions en retard ; faux : seulement "
                                                      "les autres."})


class ActionIn(ma.Schema):
    """Nouvelle action (elle est créée au statut « planned »)."""

    agreement_id = id_field("Convention de l'action.", required=True)
    title = text_field(255, "Intitulé.", required=True)
    description = text_field(TEXT_MAX, "Description.")
    kind = ma.fields.Enum(ActionKind, by_value=ma.fields.Str,
                          metadata={"description": "Type d'action (intervention par défaut)."})
    audience = text_field(255, "Public visé (sensibilisation, formation).")
    responsible_organisation_id = id_field("Organisme responsable, partie à la convention (un·e référent·e ne peut "
                                      "indiquer que son propre organisme).", required=True)
    assignee_id = id_field("Personne chargée, membre de l'organisme responsable, ou null.", allow_none=True)
    contributor_ids = ids_field("Organismes contributeurs (remplace la liste).")
    due_on = date_field("Échéance", allow_none=True)
    cost = decimal_in("Coût (€).")
    commitment_id = id_field("Engagement de la même convention, ou null.", allow_none=True)
    progress = ma.fields.Int(strict=True, validate=validate.Range(min=0, max=100),
                             metadata={"description": "Avancement, en pourcentage (0 à 100)."})
    finding_ids = ids_field("Constats de la même convention auxquels l'action répond.")


class ActionPatchIn(PartialByDefault, ActionIn):
    """Modification partielle d'une action : seuls les champs présents changent (le statut change par un point
    d'avancement)."""

    class Meta:
        exclude = ("agreement_id", "finding_ids")


class ActionUpdateIn(ma.Schema):
    """Point d'avancement à ajouter."""

    note = text_field(TEXT_MAX, "Note (obligatoire).", required=True)
    progress = ma.fields.Int(strict=True, allow_none=True, validate=validate.Range(min=0, max=100),
                             metadata={"description": "Nouvel avancement, en pourcentage (0 à 100)."})
    status = ma.fields.Enum(ActionStatus, by_value=ma.fields.Str, allow_none=True,
                            metadata={"description": "Nouveau statut, selon le cycle de vie ; 409 sinon. done met "
                                                     "l'avancement à 100 %."})
    reason = text_field(TEXT_MAX, "Ce qui bloque, pour le statut blocked (la note sert à défaut).")
    resolve_findings = ma.fields.Bool(load_default=False,
                                      metadata={"description": "Quand l'action passe à done : marquer aussi comme "
                                                               "résolus les constats auxquels elle répond."})


class ActionUpdateOut(ma.Schema):
    """Point d'avancement d'une action."""

    id = ma.fields.Int(metadata={"description": "Identifiant du point d'avancement."})
    action_id = ma.fields.Int(metadata={"description": "Action concernée."})
    author = ma.fields.Nested(UserRef, allow_none=True, metadata={"description": "Auteur·rice."})
    created_at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (ISO 8601, UTC)."})
    note = ma.fields.Str(metadata={"description": "Note."})
    progress = ma.fields.Int(allow_none=True, metadata={"description": "Avancement indiqué (0 à 100), le cas échéant."})
    status = ma.fields.Enum(ActionStatus, by_value=ma.fields.Str, allow_none=True,
                            metadata={"description": "Statut indiqué, le cas échéant."})
    photo = ma.fields.Nested(PhotoOut, allow_none=True, metadata={"description": "Photo jointe, le cas échéant."})
