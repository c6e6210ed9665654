"""Marshmallow schemas of evaluations (bilans annuels, mi-parcours, évaluations finales)."""

from __future__ import annotations

import marshmallow as ma

from gup.agreements.schemas import AgreementRef
from gup.api_fields import id_field
from gup.evaluations.models import EvaluationKind, EvaluationStatus


class VersionOut(ma.Schema):
    """Version figée d'une évaluation (ou projet, numéro 0)."""

    number = ma.fields.Int(metadata={"description": "Numéro de version (0 : projet en cours de préparation)."})
    is_draft = ma.fields.Bool(metadata={"description": "Vrai pour le projet, recalculé tant que l'évaluation est "
                                                       "en préparation."})
    created_at = ma.fields.DateTime(metadata={"description": "Date de calcul des chiffres."})
    note = ma.fields.Str(allow_none=True, metadata={"description": "Correction qui a justifié cette version."})
    pdf_sha256 = ma.fields.Str(allow_none=True, metadata={"description": "Empreinte SHA-256 du PDF."})
    pdf_size = ma.fields.Int(allow_none=True, metadata={"description": "Taille du PDF en octets."})
    published_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Date de publication."})


class EvaluationOut(ma.Schema):
    """Évaluation d'une convention."""

    id = ma.fields.Int(metadata={"description": "Identifiant de l'évaluation."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention évaluée."})
    kind = ma.fields.Enum(EvaluationKind, by_value=ma.fields.Str,
                          metadata={"description": "annual (bilan annuel), midterm (mi-parcours), final."})
    title = ma.fields.Str(metadata={"description": "Intitulé (« Bilan annuel 2025 »)."})
    year = ma.fields.Int(allow_none=True, metadata={"description": "Année couverte (bilans annuels)."})
    period_start = ma.fields.Date(metadata={"description": "Début de la période évaluée."})
    period_end = ma.fields.Date(metadata={"description": "Fin de la période évaluée."})
    due_on = ma.fields.Date(metadata={"description": "Date prévue."})
    status = ma.fields.Enum(EvaluationStatus, by_value=ma.fields.Str,
                            metadata={"description": "scheduled (programmée), in_preparation, frozen (figée), "
                                                     "approved (validée en COPIL), published (publiée)."})
    approved_on = ma.fields.Date(allow_none=True, metadata={"description": "Date de validation en COPIL."})
    published_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Date de publication."})
    versions = ma.fields.Nested(VersionOut, many=True, metadata={"description": "Versions, de la plus ancienne à "
                                                                               "la plus récente."})


class EvaluationQueryArgs(ma.Schema):
    """Filtres de la liste des évaluations."""

    agreement_id = id_field(strict=False, description="Ne garder que les évaluations de cette convention.")
    kind = ma.fields.Enum(EvaluationKind, by_value=ma.fields.Str, metadata={"description": "Ne garder que ce type."})
    status = ma.fields.Enum(EvaluationStatus, by_value=ma.fields.Str,
                            metadata={"description": "Ne garder que ce statut."})


class VersionArgs(ma.Schema):
    """Choix de la version."""

    version = ma.fields.Int(validate=ma.validate.Range(min=0, max=10_000),
                            metadata={"description": "Numéro de version (défaut : la dernière version figée, ou "
                                                     "le projet s'il n'y en a pas)."})


class IndicatorsOut(ma.Schema):
    """Chiffres figés d'une version : indicateurs avec période précédente, référence, cible et écarts."""

    version = ma.fields.Int(metadata={"description": "Numéro de version."})
    period = ma.fields.Dict(metadata={"description": "Période évaluée (start, end, label)."})
    previous_period = ma.fields.Dict(allow_none=True, metadata={"description": "Période de comparaison."})
    indicators = ma.fields.List(ma.fields.Dict(), metadata={"description": "Un objet par indicateur : code, label, "
                                                                           "unit, direction, section, source, value, "
                                                                           "previous, baseline, target, gap_target, "
                                                                           "gap_previous, details, breakdowns."})
