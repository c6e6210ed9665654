"""PDF reports (ReportLab builders on a shared BasePdf), their data functions and the accessible SVG charts.

An aggregator: it reads the features, which never import it; it serves the PDF downloads itself (HTML and API).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from flask import Blueprint

logger = logging.getLogger(__name__)

bp = Blueprint("reports", __name__)


def init_app(app: Any, registry: Any) -> None:
    """Plug the reports in: the PDF downloads (HTML and API)."""
    import gup.reports.views  # noqa: F401  (routes attach to bp on import)
    from gup.reports.api import reports_api

    registry.blueprints(bp)
    registry.api(reports_api)


def walk_restitution_pdf(walk: Any, *, today: date) -> bytes:
    """The restitution PDF of a walk (participants, route, findings by status and partner, next steps)."""
    from gup.reports.data import walk_restitution_data
    from gup.reports.walk_restitution import WalkRestitutionPdf

    pdf = WalkRestitutionPdf().build(walk_restitution_data(walk, today))
    logger.info("walk %s restitution PDF built (%s bytes)", walk.id, len(pdf))
    return pdf


def tfpb_review_pdf(agreement: Any, provider: Any, year: int, *, today: date) -> bytes:
    """The annual TFPB review PDF of a housing provider in an agreement (gup.tfpb.queries.review's figures)."""
    from gup.reports.tfpb_review import TfpbReviewPdf
    from gup.tfpb.queries import review

    data = {"review": review(agreement, provider, year), "agreement": f"{agreement.reference} — {agreement.title}",
            "today": today}
    pdf = TfpbReviewPdf().build(data)
    logger.info("TFPB review PDF of provider %s for %s (agreement %s) built (%s bytes)", provider.id, year,
                agreement.id, len(pdf))
    return pdf


def followup_charts(stats: Any, *, prefix: str) -> list[Any]:
    """The follow-up charts (SVG and figures) of an agreement page or a dashboard; see gup.reports.charts."""
    from gup.reports.charts import followup_charts as build

    return build(stats, prefix=prefix)
