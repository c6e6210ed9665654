"""PDF downloads of the HTML site: a walk's restitution."""

from __future__ import annotations

import io

from flask import send_file
from flask_login import current_user, login_required

from gup.i18n import local_today
from gup.policy import authorize
from gup.reports import bp, walk_restitution_pdf
from gup.walks.queries import walk_or_404


@bp.route("/walks/<int:walkthrough_id>/restitution.pdf")
@login_required
def walk_restitution(walkthrough_id: int):
    walk = walk_or_404(walkthrough_id)
    authorize(current_user, "view", walk)
    data = walk_restitution_pdf(walk, today=local_today())
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"restitution-diagnostic-{walk.id}.pdf")
