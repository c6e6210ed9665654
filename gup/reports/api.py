"""PDF downloads of the API: /api/v1/walkthroughs/<id>/restitution.pdf."""

from __future__ import annotations

from flask import Response

from gup import policy
from gup.i18n import local_today
from gup.reports import walk_restitution_pdf
from gup.rest import api_blueprint, api_user, documents_errors
from gup.walks.queries import walk_or_404

PDF_DOC = {"type": "string", "format": "binary"}

reports_api = api_blueprint("reports", "/walkthroughs", "Documents PDF (restitution d'un diagnostic).")


@reports_api.route("/<int:walkthrough_id>/restitution.pdf", endpoint="walk_restitution")
@reports_api.response(200, PDF_DOC, content_type="application/pdf",
                      description="Document PDF de restitution (participants, parcours, constats par statut et par "
                                  "partenaire responsable, ce qui est prévu et quand ; sans donnée personnelle "
                                  "d'habitant).")
@documents_errors(reports_api, 403, 404)
def walk_restitution(walkthrough_id: int):
    """Download the walk's restitution document (PDF), for residents and partners."""
    walk = walk_or_404(walkthrough_id)
    policy.authorize(api_user(), "view", walk)
    data = walk_restitution_pdf(walk, today=local_today())
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="restitution-diagnostic-{walk.id}.pdf"'})
