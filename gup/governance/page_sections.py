"""Governance's parts of other features' pages: the bodies of an agreement on its page, and the decision that
created an action on the action's page (through their page signals; those features know nothing of governance)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from gup.actions.models import Action
from gup.actions.signals import action_page
from gup.agreements.models import Agreement
from gup.agreements.signals import agreement_page
from gup.extensions import db
from gup.governance import queries
from gup.governance.models import Body
from gup.pages import Section
from gup.policy import can


@agreement_page.connect
def agreement_bodies_section(agreement: Agreement, *, user: Any, today: date) -> Section | None:
    if not can(user, "view_governance", agreement):
        return None
    bodies = list(db.session.scalars(sa.select(Body).where(Body.agreement_id == agreement.id)
                                     .order_by(Body.kind, Body.name)))
    return Section("governance/_agreement_section.html",
                   {"bodies": bodies, "can_manage": can(user, "manage_governance", agreement)}, order=50)


@action_page.connect
def action_decision_section(action: Action, *, user: Any, today: date) -> Section | None:
    decisions = [d for d in queries.decisions_of_actions([action.id]) if can(user, "view", d.meeting)]
    if not decisions:
        return None
    return Section("governance/_action_section.html", {"decisions": decisions}, order=50)
