"""Marshmallow schemas of participatory budgets (budgets participatifs): campaigns, their projects and results.

No author's contact ever leaves gup through these: a project shows what the public pages show."""

from __future__ import annotations

import marshmallow as ma

from gup.agreements.schemas import AgreementRef
from gup.api_fields import decimal_out, id_field
from gup.budget.models import PBPhase, ProjectSource, ProjectStatus


def _enum(cls, description: str, **kwargs) -> ma.fields.Enum:
    return ma.fields.Enum(cls, by_value=ma.fields.Str, metadata={"description": description}, **kwargs)


def _date(description: str) -> ma.fields.Date:
    return ma.fields.Date(allow_none=True, metadata={"description": f"{description} (AAAA-MM-JJ), ou null."})


PHASES = ", ".join(p.value for p in PBPhase)


class EnvelopeOut(ma.Schema):
    """Enveloppe propre à un quartier de la campagne."""

    neighbourhood_id = ma.fields.Int(metadata={"description": "Quartier de l'enveloppe."})
    amount = decimal_out("Montant de l'enveloppe du quartier, en euros.")


class CampaignOut(ma.Schema):
    """Campagne de budget participatif : une convention (éventuellement un de ses quartiers), une année."""

    id = ma.fields.Int(metadata={"description": "Identifiant de la campagne."})
    agreement = ma.fields.Nested(AgreementRef, metadata={"description": "Convention de la campagne."})
    neighbourhood_id = ma.fields.Int(allow_none=True, metadata={"description": "Quartier de la campagne, ou null "
                                                                               "(toute la convention)."})
    year = ma.fields.Int(metadata={"description": "Année de la campagne."})
    title = ma.fields.Str(metadata={"description": "Intitulé."})
    envelope = decimal_out("Enveloppe de la campagne, en euros.")
    envelopes = ma.fields.List(ma.fields.Nested(EnvelopeOut),
                               metadata={"description": "Enveloppes propres à certains quartiers."})
    eligible_territory_id = ma.fields.Int(allow_none=True,
                                          metadata={"description": "Territoire éligible, ou null (tout le "
                                                                   "périmètre)."})
    min_age = ma.fields.Int(allow_none=True, metadata={"description": "Âge minimum pour voter et proposer, ou "
                                                                      "null."})
    investment_only = ma.fields.Bool(metadata={"description": "Dépenses d'investissement uniquement."})
    max_cost = decimal_out("Coût maximum d'un projet, en euros, ou null.", allow_none=True)
    choices_per_voter = ma.fields.Int(metadata={"description": "Nombre de projets choisis par votant."})
    phase = _enum(PBPhase, f"Phase en cours : {PHASES}.")
    proposals_on = _date("Début du dépôt des propositions")
    review_on = _date("Début de l'étude")
    vote_on = _date("Début du vote")
    results_on = _date("Date des résultats")
    delivery_on = _date("Début de la réalisation")
    closed_on = _date("Clôture")
    phase_changed_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Phase changée le (ISO "
                                                                                        "8601, UTC)."})


class CampaignQueryArgs(ma.Schema):
    """Filtres de la liste des campagnes."""

    agreement_id = id_field(strict=False, description="Ne garder que les campagnes de cette convention.")
    year = ma.fields.Int(validate=ma.validate.Range(2000, 2100),
                         metadata={"description": "Ne garder que les campagnes de cette année."})
    phase = _enum(PBPhase, "Ne garder que les campagnes dans cette phase.")


class ProjectOut(ma.Schema):
    """Proposition ou projet d'une campagne (sans les coordonnées de son auteur)."""

    id = ma.fields.Int(metadata={"description": "Numéro du projet."})
    campaign_id = ma.fields.Int(metadata={"description": "Campagne du projet."})
    title = ma.fields.Str(metadata={"description": "Titre."})
    description = ma.fields.Str(metadata={"description": "Description."})
    status = _enum(ProjectStatus, "Statut : submitted, eligible, ineligible, merged, selected, not_selected.")
    source = _enum(ProjectSource, "Origine : public, relay, finding, report.")
    place_id = ma.fields.Int(allow_none=True, metadata={"description": "Lieu du projet, ou null."})
    neighbourhood_id = ma.fields.Int(allow_none=True, metadata={"description": "Quartier dont l'enveloppe paie "
                                                                               "le projet, ou null."})
    estimated_cost = decimal_out("Coût estimé par l'auteur, en euros, ou null.", allow_none=True)
    reviewed_cost = decimal_out("Coût après étude, en euros, ou null.", allow_none=True)
    cost = decimal_out("Coût retenu par la sélection (après étude, sinon estimé), ou null.", allow_none=True)
    feasibility_note = ma.fields.Str(allow_none=True, metadata={"description": "Avis de faisabilité, ou null."})
    review_reason = ma.fields.Str(allow_none=True, metadata={"description": "Motif de la décision d'étude (tel "
                                                                            "que communiqué à l'auteur), ou null."})
    submitted_at = ma.fields.AwareDateTime(metadata={"description": "Déposé le (ISO 8601, UTC)."})
    merged_into_id = ma.fields.Int(allow_none=True, metadata={"description": "Proposition dans laquelle celle-ci "
                                                                             "a été fusionnée, ou null."})
    action_id = ma.fields.Int(allow_none=True, metadata={"description": "Action qui réalise le projet lauréat, "
                                                                        "ou null."})


class ProjectQueryArgs(ma.Schema):
    """Filtres de la liste des projets d'une campagne."""

    status = _enum(ProjectStatus, "Ne garder que ce statut.")


class OverrideOut(ma.Schema):
    """Décision motivée de la coordination sur la sélection d'un projet."""

    project_id = ma.fields.Int(metadata={"description": "Projet concerné."})
    selected = ma.fields.Bool(metadata={"description": "true : retenu hors classement ; false : écarté."})
    reason = ma.fields.Str(metadata={"description": "Motif, publié avec les résultats."})
    decided_at = ma.fields.AwareDateTime(metadata={"description": "Décidé le (ISO 8601, UTC)."})


class RankedOut(ma.Schema):
    """Un projet candidat dans le classement."""

    rank = ma.fields.Int(metadata={"description": "Rang par nombre total de voix (1 = le plus de voix)."})
    project_id = ma.fields.Int(attribute="project.id", metadata={"description": "Numéro du projet."})
    title = ma.fields.Str(attribute="project.title", metadata={"description": "Titre du projet."})
    neighbourhood_id = ma.fields.Int(attribute="project.neighbourhood_id", allow_none=True,
                                     metadata={"description": "Quartier du projet, ou null."})
    cost = decimal_out("Coût retenu par la sélection, ou null.", attribute="project.cost", allow_none=True)
    online_votes = ma.fields.Int(attribute="count.online", metadata={"description": "Voix en ligne."})
    paper_votes = ma.fields.Int(attribute="count.paper", metadata={"description": "Voix sur papier (somme des "
                                                                                  "dépouillements)."})
    total_votes = ma.fields.Int(attribute="count.total", metadata={"description": "Voix au total."})
    selected = ma.fields.Bool(metadata={"description": "Retenu selon la règle et les décisions motivées."})
    skip_reason = ma.fields.Str(allow_none=True,
                                metadata={"description": "Pourquoi il n'est pas retenu : no_cost, global_envelope, "
                                                         "neighbourhood_envelope, excluded ; ou null."})
    override = ma.fields.Nested(OverrideOut, allow_none=True,
                                metadata={"description": "Décision motivée en vigueur sur ce projet, ou null."})


class EnvelopeUseOut(ma.Schema):
    """Utilisation d'une enveloppe par les projets retenus."""

    neighbourhood_id = ma.fields.Int(allow_none=True,
                                     metadata={"description": "Quartier de l'enveloppe, ou null (enveloppe de la "
                                                              "campagne)."})
    amount = decimal_out("Montant de l'enveloppe, en euros.")
    spent = decimal_out("Coût total des projets retenus sur cette enveloppe, en euros.")
    remaining = decimal_out("Reste de l'enveloppe, en euros.")


class ResultsOut(ma.Schema):
    """Résultats d'une campagne : le classement, la sélection selon la règle publiée et les décisions motivées."""

    campaign_id = ma.fields.Int(metadata={"description": "Campagne."})
    phase = _enum(PBPhase, f"Phase en cours : {PHASES}.")
    recorded = ma.fields.Bool(metadata={"description": "Les résultats ont été publiés (statuts selected / "
                                                       "not_selected inscrits sur les projets)."})
    rule = ma.fields.Str(metadata={"description": "La règle de sélection, en français."})
    selected_ids = ma.fields.List(ma.fields.Int(), metadata={"description": "Projets retenus, dans l'ordre où la "
                                                                            "règle les a retenus."})
    envelopes = ma.fields.List(ma.fields.Nested(EnvelopeUseOut),
                               metadata={"description": "Enveloppe de la campagne puis enveloppes de quartier."})
    ranking = ma.fields.List(ma.fields.Nested(RankedOut), metadata={"description": "Candidats par rang."})
    overrides = ma.fields.List(ma.fields.Nested(OverrideOut),
                               metadata={"description": "Toutes les décisions motivées, la plus récente d'abord."})
