"""The evaluation PDF reports (ReportLab), built from a frozen snapshot dict only — never from live queries.

    build_report(snapshot) -> bytes              # annual review, mid-term or final evaluation, by kind
    build_commitments_matrix(snapshot) -> bytes  # partner × theme × funding source, planned and spent
    build_tfpb_review(snapshot, organisation=None) -> bytes   # a housing provider's TFPB review (or all of them)
    indicator_tables_csv(snapshot) -> {name: csv text};  indicator_tables_zip(snapshot) -> bytes

Outlines follow GUIDE §6; the snapshot's contract is the one of gup.evaluations' snapshot builder. Every
function needs an app context (Flask-Babel, French locale) for dates, numbers and currency.
"""

from __future__ import annotations

from typing import Any

from gup.evaluations.pdf.matrix import CommitmentsMatrixPdf
from gup.evaluations.pdf.reports import AnnualReviewPdf, FinalEvaluationPdf, MidtermEvaluationPdf
from gup.evaluations.pdf.tables import indicator_tables_csv, indicator_tables_zip
from gup.evaluations.pdf.tfpb import TfpbReviewPdf

BUILDERS = {"annual": AnnualReviewPdf, "midterm": MidtermEvaluationPdf, "final": FinalEvaluationPdf}

__all__ = ["AnnualReviewPdf", "BUILDERS", "CommitmentsMatrixPdf", "FinalEvaluationPdf", "MidtermEvaluationPdf",
           "TfpbReviewPdf", "build_commitments_matrix", "build_report", "build_tfpb_review", "indicator_tables_csv",
           "indicator_tables_zip"]


def build_report(snapshot: dict[str, Any]) -> bytes:
    """The report of the snapshot's evaluation kind ("annual", "midterm", "final") as PDF bytes."""
    kind = (snapshot.get("evaluation") or {}).get("kind")
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown evaluation kind: {kind!r}") from None
    return builder().build(snapshot)


def build_commitments_matrix(snapshot: dict[str, Any]) -> bytes:
    """The commitments matrix (partner × theme × funding source) of the snapshot, as PDF bytes."""
    return CommitmentsMatrixPdf().build(snapshot)


def build_tfpb_review(snapshot: dict[str, Any], organisation: str | None = None) -> bytes:
    """The TFPB abatement review of one housing provider (its organisation name as in snapshot["tfpb"]), or of
    every provider of the snapshot when `organisation` is None, as PDF bytes."""
    return TfpbReviewPdf(organisation).build(snapshot)
