"""Marshmallow schemas of resident relays (habitants relais), their pools (viviers) and random draws (tirages)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from gup.agreements.schemas import AgreementRef
from gup.api_fields import date_field, id_field, text_field
from gup.relays.models import CONSENT_CHANNELS, AgeBracket, DesignationMethod, EndReason, Gender, RelayStatus

_EMAIL = ma.fields.Email(allow_none=True, validate=validate.Length(max=254),
                         metadata={"description": "Courriel (pour la coordination seulement), ou null."})


def _enum(cls, description: str, **kwargs) -> ma.fields.Enum:
    return ma.fields.Enum(cls, by_value=ma.fields.Str, metadata={"description": description}, **kwargs)


class RelayContactOut(ma.Schema):
    """Coordonnées et consentement d'un·e habitant·e relais (pour la coordination seulement)."""

    email = ma.fields.Str(allow_none=True, metadata={"description": "Courriel ; null s'il est effacé ou absent."})
    phone = ma.fields.Str(allow_none=True, metadata={"description": "Téléphone ; null s'il est effacé ou absent."})
    consent_given_on = ma.fields.Date(allow_none=True,
                                      metadata={"description": "Consentement à être contacté·e donné le."})
    consent_channels = ma.fields.Method("_channels", dump_only=True,
                                        metadata={"type": "array", "items": {"type": "string",
                                                                             "enum": sorted(CONSENT_CHANNELS)},
                                                  "description": "Canaux acceptés : email, phone."})
    consent_withdrawn_on = ma.fields.Date(allow_none=True, metadata={"description": "Consentement retiré le."})
    contact_erased_at = ma.fields.AwareDateTime(allow_none=True,
                                                metadata={"description": "Coordonnées effacées le (ISO 8601, UTC), "
                                                                         "le cas échéant."})

    def _channels(self, relay) -> list[str]:
        return sorted(relay.channels)


class RelayOut(ma.Schema):
    """Habitant·e relais : un mandat pour un lieu (résidence, bâtiment, cage d'escalier) ou une thématique."""

    id = ma.fields.Int(metadata={"description": "Identifiant du mandat."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention du mandat."})
    person_name = ma.fields.Str(metadata={"description": "Nom et prénom."})
    territory_id = ma.fields.Int(allow_none=True, metadata={"description": "Lieu du mandat, ou null (mandat "
                                                                           "thématique)."})
    theme_id = ma.fields.Int(allow_none=True, metadata={"description": "Thématique (mandat thématique)."})
    neighbourhood_id = ma.fields.Int(allow_none=True, metadata={"description": "Quartier (mandat thématique)."})
    scope_label = ma.fields.Str(metadata={"description": "Lieu ou thématique du mandat, en clair."})
    designation_method = _enum(DesignationMethod, "Mode de désignation : volunteer, co_opted, random_draw, "
                                                  "elected.")
    charter_signed_on = ma.fields.Date(allow_none=True, metadata={"description": "Charte signée le."})
    mandate_start_on = ma.fields.Date(metadata={"description": "Début du mandat."})
    mandate_end_on = ma.fields.Date(metadata={"description": "Fin du mandat."})
    status = _enum(RelayStatus, "Statut : active (en mandat), ended (mandat terminé).")
    end_reason = _enum(EndReason, "Motif de fin : term, resigned, revoked, moved ; ou null.", allow_none=True)
    ended_on = ma.fields.Date(allow_none=True, metadata={"description": "Terminé le."})
    age_bracket = _enum(AgeBracket, "Tranche d'âge, ou null.", allow_none=True)
    gender = _enum(Gender, "Genre, ou null.", allow_none=True)
    contact = ma.fields.Nested(RelayContactOut, allow_none=True,
                               metadata={"description": "Coordonnées et consentement : pour la coordination de la "
                                                        "convention seulement, null pour les autres lecteurs."})


class RelayQueryArgs(ma.Schema):
    """Filtres de la liste des habitants relais."""

    agreement_id = id_field(strict=False, description="Ne garder que les mandats de cette convention.")
    status = _enum(RelayStatus, "Ne garder que ce statut.")
    territory_id = id_field(strict=False, description="Ne garder que les mandats de ce lieu.")


class RelayIn(ma.Schema):
    """Nouveau mandat d'habitant·e relais (pour la coordination de la convention)."""

    agreement_id = id_field("Convention du mandat.", required=True)
    person_name = text_field(200, "Nom et prénom.", required=True)
    territory_id = id_field("Lieu du mandat (résidence, bâtiment ou cage d'escalier du périmètre), ou null pour "
                            "un mandat thématique.", allow_none=True)
    theme_id = id_field("Thématique de la convention (mandat thématique).", allow_none=True)
    neighbourhood_id = id_field("Quartier de la convention (mandat thématique).", allow_none=True)
    designation_method = _enum(DesignationMethod, "Mode de désignation (volunteer par défaut).")
    mandate_start_on = date_field("Début du mandat", required=True)
    mandate_end_on = date_field("Fin du mandat (durée par défaut si absente)", allow_none=True)
    charter_signed_on = date_field("Charte signée le", allow_none=True)
    email = _EMAIL
    phone = text_field(40, "Téléphone.")
    consent_given_on = date_field("Consentement à être contacté·e donné le", allow_none=True)
    consent_channels = ma.fields.List(ma.fields.Str(validate=validate.OneOf(sorted(CONSENT_CHANNELS))),
                                      validate=validate.Length(max=len(CONSENT_CHANNELS)),
                                      metadata={"description": "Canaux acceptés : email, phone."})
    age_bracket = _enum(AgeBracket, "Tranche d'âge (facultatif).", allow_none=True)
    gender = _enum(Gender, "Genre (facultatif).", allow_none=True)


class PoolMemberOut(ma.Schema):
    """Membre d'un vivier, par son pseudonyme (jamais son nom)."""

    pseudonym = ma.fields.Str(metadata={"description": "Pseudonyme (V-0001…)."})
    gender = _enum(Gender, "Genre, ou null (parité).", allow_none=True)


class RelayPoolOut(ma.Schema):
    """Vivier : les volontaires d'un lieu ou d'une thématique, parmi lesquels un tirage désigne les relais."""

    id = ma.fields.Int(metadata={"description": "Identifiant du vivier."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention du vivier."})
    name = ma.fields.Str(metadata={"description": "Nom du vivier."})
    territory_id = ma.fields.Int(allow_none=True, metadata={"description": "Lieu, le cas échéant."})
    theme_id = ma.fields.Int(allow_none=True, metadata={"description": "Thématique, le cas échéant."})
    members = ma.fields.Nested(PoolMemberOut, many=True,
                               metadata={"description": "Membres, par pseudonyme (ordre des pseudonymes)."})


class PoolQueryArgs(ma.Schema):
    """Filtres de la liste des viviers."""

    agreement_id = id_field(strict=False, description="Ne garder que les viviers de cette convention.")


class RelayDrawOut(ma.Schema):
    """Tirage au sort : graine publiée, vivier en ordre fixe et résultat, par pseudonymes ; rejouable."""

    id = ma.fields.Int(metadata={"description": "Identifiant du tirage."})
    pool_id = ma.fields.Int(metadata={"description": "Vivier tiré."})
    seats = ma.fields.Int(metadata={"description": "Nombre de places."})
    parity = ma.fields.Bool(metadata={"description": "Vrai : tirage paritaire (alternance femmes / autres)."})
    seed = ma.fields.Str(metadata={"description": "Graine publiée."})
    ran_at = ma.fields.AwareDateTime(metadata={"description": "Date et heure du tirage (ISO 8601, UTC)."})
    pool_ids = ma.fields.List(ma.fields.Str(), metadata={"description": "Pseudonymes du vivier, en ordre fixe "
                                                                        "(tri de chaînes)."})
    pool_genders = ma.fields.Dict(keys=ma.fields.Str(), values=ma.fields.Str(allow_none=True), allow_none=True,
                                  metadata={"description": "Avec parité : pseudonyme → genre pris en compte ; null "
                                                           "sinon."})
    result_ids = ma.fields.List(ma.fields.Str(), metadata={"description": "Pseudonymes tirés, dans l'ordre."})
    published = ma.fields.Bool(metadata={"description": "Vrai quand le tirage est publié."})
    algorithm = ma.fields.Str(dump_only=True, metadata={"description": "Algorithme (gup.relays.draw)."})
    verification = ma.fields.Str(dump_only=True,
                                 metadata={"description": "Commande Python qui rejoue le tirage (sans parité : le "
                                                          "résultat ; avec parité : le mélange, première étape)."})


class DrawQueryArgs(ma.Schema):
    """Filtres de la liste des tirages."""

    pool_id = id_field(strict=False, description="Ne garder que les tirages de ce vivier.")
    published = ma.fields.Bool(metadata={"description": "Vrai : seulement les tirages publiés ; faux : les autres."})


class DrawIn(ma.Schema):
    """Tirage au sort à effectuer dans un vivier (pour la coordination de sa convention)."""

    pool_id = id_field("Vivier.", required=True)
    seats = ma.fields.Int(strict=True, required=True, validate=validate.Range(min=1, max=1000),
                          metadata={"description": "Nombre de places à pourvoir."})
    parity = ma.fields.Bool(load_default=False, metadata={"description": "Tirage paritaire."})
    seed = text_field(64, "Graine (facultative ; une graine aléatoire est tirée sinon).",
                      pattern=r"^[0-9A-Za-z_-]{1,64}$",
                      pattern_error="Graine : lettres, chiffres, - et _ seulement (64 au plus).")
