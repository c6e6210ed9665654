"""The qualitative sections the coordination writes, per kind of evaluation (GUIDE §6 outlines)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from gup.evaluations.models import EvaluationKind

#: key → label of every qualitative section (the keys of the snapshot's "sections")
SECTION_LABELS = {
    "synthesis": _l("Synthèse"),
    "context": _l("Contexte et faits marquants"),
    "governance": _l("Gouvernance : commentaire"),
    "difficulties": _l("Difficultés rencontrées et décisions attendues"),
    "method": _l("Méthode et questions évaluatives"),
    "recommendations": _l("Principales recommandations"),
    "reorientations": _l("Réorientations proposées (projet d'avenant le cas échéant)"),
    "what_worked": _l("Ce qui a fonctionné, ce qui n'a pas fonctionné"),
    "lessons": _l("Enseignements sur la coordination des acteurs"),
    "sustain": _l("Actions à pérenniser et à intégrer au droit commun"),
    "next_agreement": _l("Propositions pour la convention suivante"),
}

SECTIONS_BY_KIND: dict[EvaluationKind, tuple[str, ...]] = {
    EvaluationKind.ANNUAL: ("synthesis", "context", "governance", "difficulties"),
    EvaluationKind.MIDTERM: ("synthesis", "recommendations", "method", "governance", "reorientations"),
    EvaluationKind.FINAL: ("synthesis", "what_worked", "lessons", "sustain", "next_agreement"),
}


def section_keys(kind: EvaluationKind) -> tuple[str, ...]:
    return SECTIONS_BY_KIND[kind]


def section_choices(kind: EvaluationKind) -> list[tuple[str, object]]:
    return [(key, SECTION_LABELS[key]) for key in SECTIONS_BY_KIND[kind]]
