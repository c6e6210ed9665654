"""Marshmallow schemas of governance bodies and meetings."""

from __future__ import annotations

import marshmallow as ma

from gup.agreements.schemas import AgreementRef
from gup.api_fields import TEXT_MAX, IdRef, PartialByDefault, id_field, text_field
from gup.governance.models import AgendaSection, AttendanceStatus, BodyKind, MeetingStatus
from gup.organisations.schemas import OrganisationOut

KIND = ("Type : steering_committee (comité de pilotage, COPIL), technical_committee (comité technique, COTECH), "
        "working_group (groupe de travail), site_cell (cellule de site).")
STATUS = ("Statut : scheduled (prévue), held (tenue), minutes_approved (compte rendu approuvé), cancelled "
          "(annulée).")


class MemberOut(ma.Schema):
    """Membre d'une instance."""

    id = ma.fields.Int(metadata={"description": "Identifiant du membre."})
    person_name = ma.fields.Str(metadata={"description": "Nom de la personne."})
    organisation = ma.fields.Nested(OrganisationOut, allow_none=True, metadata={"description": "Organisme."})
    role = ma.fields.Str(allow_none=True, metadata={"description": "Rôle dans l'instance."})
    user_id = ma.fields.Int(allow_none=True, metadata={"description": "Compte gup du membre, le cas échéant."})
    has_email = ma.fields.Method("_has_email", metadata={"description": "Vrai quand le membre reçoit les "
                                                                       "invitations par courriel."})

    def _has_email(self, member) -> bool:
        return bool(member.mail_address)


class BodyRef(ma.Schema):
    """Instance, en bref."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'instance."})
    name = ma.fields.Str(metadata={"description": "Nom."})
    kind = ma.fields.Enum(BodyKind, by_value=ma.fields.Str, metadata={"description": KIND})


class BodyOut(ma.Schema):
    """Instance de gouvernance d'une convention."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'instance."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention de l'instance."})
    kind = ma.fields.Enum(BodyKind, by_value=ma.fields.Str, metadata={"description": KIND})
    name = ma.fields.Str(metadata={"description": "Nom."})
    frequency = ma.fields.Str(allow_none=True, metadata={"description": "Fréquence des réunions (texte libre)."})
    members = ma.fields.Nested(MemberOut, many=True, metadata={"description": "Membres."})


class BodyQueryArgs(ma.Schema):
    """Filtres de la liste des instances."""

    agreement_id = id_field(strict=False, description="Ne garder que les instances de cette convention.")


class BodyIn(ma.Schema):
    """Nouvelle instance."""

    agreement_id = id_field("Convention de l'instance.", required=True)
    kind = ma.fields.Enum(BodyKind, by_value=ma.fields.Str, required=True, metadata={"description": KIND})
    name = text_field(200, "Nom.", required=True)
    frequency = text_field(200, "Fréquence des réunions (texte libre).")


class AgendaItemOut(ma.Schema):
    """Point de l'ordre du jour."""

    id = ma.fields.Int(metadata={"description": "Identifiant du point."})
    position = ma.fields.Int(metadata={"description": "Rang dans l'ordre du jour."})
    agenda_section = ma.fields.Enum(AgendaSection, by_value=ma.fields.Str, allow_none=True,
                             metadata={"description": "Volet (COPIL) : technical (technique) ou social."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    notes = ma.fields.Str(allow_none=True, metadata={"description": "Notes."})
    organisation_id = ma.fields.Int(allow_none=True, metadata={"description": "Partenaire concerné."})
    action_id = ma.fields.Int(allow_none=True, metadata={"description": "Action en retard proposée."})
    finding_id = ma.fields.Int(allow_none=True, metadata={"description": "Constat en retard proposé."})
    decision_id = ma.fields.Int(allow_none=True, metadata={"description": "Décision antérieure à suivre."})


class AttendanceOut(ma.Schema):
    """Présence d'un membre."""

    member_id = ma.fields.Int(metadata={"description": "Membre de l'instance."})
    status = ma.fields.Enum(AttendanceStatus, by_value=ma.fields.Str,
                            metadata={"description": "present (présent·e), absent (absent·e), excused (excusé·e)."})


class DecisionOut(ma.Schema):
    """Décision d'une réunion."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la décision."})
    text = ma.fields.Str(metadata={"description": "Texte de la décision."})
    owner_organisation = ma.fields.Nested(OrganisationOut, allow_none=True,
                                          metadata={"description": "Organisme porteur."})
    due_on = ma.fields.Date(allow_none=True, metadata={"description": "Échéance."})
    action_ids = ma.fields.Pluck(IdRef, "id", many=True, attribute="actions", dump_only=True,
                                 metadata={"description": "Actions créées par la décision."})


class MeetingOut(ma.Schema):
    """Réunion d'une instance, avec son ordre du jour, les présences et les décisions."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la réunion."})
    body = ma.fields.Nested(BodyRef, metadata={"description": "Instance."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention."})
    starts_at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (ISO 8601, UTC)."})
    place = ma.fields.Str(allow_none=True, metadata={"description": "Lieu."})
    status = ma.fields.Enum(MeetingStatus, by_value=ma.fields.Str, metadata={"description": STATUS})
    minutes = ma.fields.Str(allow_none=True, metadata={"description": "Compte rendu (texte)."})
    has_minutes_file = ma.fields.Method("_has_file", metadata={"description": "Vrai quand un fichier de compte "
                                                                             "rendu est joint."})
    agenda = ma.fields.Nested(AgendaItemOut, many=True, metadata={"description": "Ordre du jour."})
    attendance = ma.fields.Nested(AttendanceOut, many=True, metadata={"description": "Présences."})
    decisions = ma.fields.Nested(DecisionOut, many=True, metadata={"description": "Décisions."})

    def _has_file(self, meeting) -> bool:
        return bool(meeting.minutes_file_key)


class MeetingQueryArgs(ma.Schema):
    """Filtres de la liste des réunions."""

    agreement_id = id_field(strict=False, description="Ne garder que les réunions de cette convention.")
    body_id = id_field(strict=False, description="Ne garder que les réunions de cette instance.")


class MeetingIn(ma.Schema):
    """Nouvelle réunion (prévue) ; l'ordre du jour d'un COTECH est pré-rempli des points en retard."""

    body_id = id_field("Instance qui se réunit.", required=True)
    starts_at = ma.fields.AwareDateTime(required=True, metadata={"description": "Date et heure (ISO 8601 avec "
                                                                                "fuseau)."})
    place = text_field(255, "Lieu.")
    draft_agenda = ma.fields.Bool(metadata={"description": "Pré-remplir l'ordre du jour (par défaut : oui pour un "
                                                           "COTECH, non sinon)."})


class MeetingPatchIn(PartialByDefault, ma.Schema):
    """Modification partielle d'une réunion ; le statut suit son cycle de vie (409 sinon)."""

    starts_at = ma.fields.AwareDateTime(metadata={"description": "Date et heure (ISO 8601 avec fuseau)."})
    place = text_field(255, "Lieu.")
    minutes = text_field(TEXT_MAX, "Compte rendu (texte), une fois la réunion tenue.")
    status = ma.fields.Enum(MeetingStatus, by_value=ma.fields.Str, metadata={"description": STATUS})
