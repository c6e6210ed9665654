"""Downloads built from a version's snapshot: file names, the CSV of every table, the commitments matrix and
TFPB review PDFs (the snapshot only: a frozen version's downloads never change)."""

from __future__ import annotations

import re
from typing import Any

from flask import Response

from gup.evaluations.models import Evaluation, EvaluationVersion


def download(content: bytes | str, mimetype: str, name: str, *, sha256: str | None = None) -> Response:
    """A file to save (HTML and API downloads alike), with the stored checksum when there is one."""
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if sha256:
        response.headers["X-Content-SHA256"] = sha256
    return response


def filename(evaluation: Evaluation, version: EvaluationVersion, ext: str, *, prefix: str = "") -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", evaluation.agreement.reference).strip("-") or "convention"
    slot = evaluation.slot
    label = "projet" if version.is_draft else f"v{version.number}"
    return f"{prefix + '-' if prefix else ''}{reference}-{slot}-{label}.{ext}"


def csv_files(snapshot: dict[str, Any]) -> dict[str, str]:
    """Every table of the snapshot as CSV text, by file name (gup.evaluations.pdf.tables)."""
    from gup.evaluations.pdf import indicator_tables_csv

    return indicator_tables_csv(snapshot)


def tables_zip(snapshot: dict[str, Any]) -> bytes:
    from gup.evaluations.pdf import indicator_tables_zip

    return indicator_tables_zip(snapshot)


def tfpb_review_pdf(snapshot: dict[str, Any]) -> bytes:
    from gup.evaluations.pdf import build_tfpb_review

    return build_tfpb_review(snapshot)


def commitments_matrix_pdf(snapshot: dict[str, Any]) -> bytes:
    from gup.evaluations.pdf import build_commitments_matrix

    return build_commitments_matrix(snapshot)
