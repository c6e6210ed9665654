"""What the actions API receives, turned into what the services take: ids loaded and checked (a 422 naming the field
when one names nothing, or something outside the agreement)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from gup import policy
from gup.actions import queries
from gup.actions.models import answered_model
from gup.agreements.models import Agreement, Commitment
from gup.auth.models import User
from gup.errors import NotAllowed
from gup.extensions import db
from gup.organisations.models import Organisation
from gup.rest import (
    all_or_422,
    unprocessable,
)


def responsible_or_422(agreement: Agreement, organisation_id: int, user: Any) -> Organisation:
    """An organisation party to the agreement; a referent may only name their own (403 otherwise)."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.id not in agreement.party_organisation_ids:
        unprocessable("responsible_organisation_id",
                      f"L'organisme {organisation_id} n'est pas partenaire de la convention.")
    if not policy.can(user, "manage", agreement) and organisation.id != user.organisation_id:
        raise NotAllowed("assign", organisation)
    return organisation


def action_fields(payload: dict[str, Any], agreement: Agreement, responsible: Organisation) -> dict[str, Any]:
    """Turn the body's ids into the objects create_action / update_action take."""
    fields = dict(payload)
    if "assignee_id" in fields:
        assignee_id = fields.pop("assignee_id")
        assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
        if assignee_id is not None and (assignee is None or assignee.organisation_id != responsible.id):
            unprocessable("assignee_id", f"La personne {assignee_id} n'appartient pas à l'organisme responsable.")
        fields["assignee"] = assignee
    if "contributor_ids" in fields:
        ids = fields.pop("contributor_ids")
        found = [o for o in queries.organisations_by_ids(ids) if o.id in agreement.party_organisation_ids]
        fields["contributors"] = all_or_422(found, ids, "contributor_ids", "Organisme(s)")
    if "commitment_id" in fields:
        commitment_id = fields.pop("commitment_id")
        commitment = db.session.get(Commitment, commitment_id) if commitment_id is not None else None
        if commitment_id is not None and (commitment is None or commitment.agreement_id != agreement.id):
            unprocessable("commitment_id", f"Engagement introuvable dans la convention : {commitment_id}.")
        fields["commitment"] = commitment
    if "finding_ids" in fields:
        ids = fields.pop("finding_ids")
        finding = answered_model()
        found = list(db.session.scalars(sa.select(finding).where(finding.id.in_(ids or [-1]),
                                                                 finding.agreement_id == agreement.id)))
        fields["findings"] = all_or_422(found, ids, "finding_ids", "Constat(s)")
    return fields
