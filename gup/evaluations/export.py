"""Downloads built from a version's snapshot: file names, the CSV of every indicator table, the commitments
matrix PDF (the snapshot only: a frozen version's downloads never change)."""

from __future__ import annotations

import re
from typing import Any

from gup.csv_file import Number
from gup.evaluations.models import Evaluation, EvaluationVersion

CSV_HEADERS = ("Code", "Indicateur", "Section", "Source", "Unité", "Dimension", "Clé", "Ligne", "Valeur",
               "Effectif", "Période précédente", "Valeur de référence", "Cible", "Écart à la cible")


def filename(evaluation: Evaluation, version: EvaluationVersion, ext: str, *, prefix: str = "") -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", evaluation.agreement.reference).strip("-") or "convention"
    slot = evaluation.slot
    label = "projet" if version.is_draft else f"v{version.number}"
    return f"{prefix + '-' if prefix else ''}{reference}-{slot}-{label}.{ext}"


def _n(value: Any) -> Any:
    if value is None:
        return None
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return Number(text.replace(".", ","))


def indicator_rows(snapshot: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per indicator (its value, previous, baseline, target, gap), then one per breakdown row."""
    rows: list[list[Any]] = []
    for ind in snapshot.get("indicators", []):
        base = [ind["code"], ind["label"], ind["section"], ind["source"], ind["unit"]]
        rows.append([*base, "", "", "", _n(ind["value"]), None, _n(ind["previous"]), _n(ind["baseline"]),
                     _n(ind["target"]), _n(ind["gap_target"])])
        for dimension, items in (ind.get("breakdowns") or {}).items():
            for item in items:
                rows.append([*base, dimension, item["key"], item["label"], _n(item["value"]),
                             item.get("count"), None, None, None, None])
    return list(CSV_HEADERS), rows


def commitments_matrix_pdf(snapshot: dict[str, Any]) -> bytes:
    from gup.evaluations.pdf import build_commitments_matrix

    return build_commitments_matrix(snapshot)
