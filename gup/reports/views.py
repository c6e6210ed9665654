"""PDF downloads of the HTML site: a walk's restitution, a housing provider's annual TFPB review."""

from __future__ import annotations

import io

from flask import abort, send_file
from flask_login import current_user, login_required

from gup.i18n import local_today
from gup.policy import authorize
from gup.reports import bp, tfpb_review_pdf, walk_restitution_pdf
from gup.tfpb.models import YEAR_MAX, YEAR_MIN
from gup.tfpb.queries import agreement_or_404, organisation_or_404
from gup.walks.queries import walk_or_404


@bp.route("/walks/<int:walkthrough_id>/restitution.pdf")
@login_required
def walk_restitution(walkthrough_id: int):
    walk = walk_or_404(walkthrough_id)
    authorize(current_user, "view", walk)
    data = walk_restitution_pdf(walk, today=local_today())
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"restitution-diagnostic-{walk.id}.pdf")


@bp.route("/agreements/<int:agreement_id>/tfpb/review/<int:organisation_id>/<int:year>.pdf")
@login_required
def tfpb_review(agreement_id: int, organisation_id: int, year: int):
    agreement, provider = agreement_or_404(agreement_id), organisation_or_404(organisation_id)
    if not YEAR_MIN <= year <= YEAR_MAX:
        abort(404)
    authorize(current_user, "view_tfpb_review", agreement, provider=provider)
    data = tfpb_review_pdf(agreement, provider, year, today=local_today())
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"bilan-tfpb-{year}-{provider.code}.pdf")
