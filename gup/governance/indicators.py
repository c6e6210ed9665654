"""Evaluation indicators and annex tables of governance (declared in gup.governance.init_app)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from gup.extensions import db
from gup.governance.models import HELD_STATUSES, Body, BodyKind, Decision, Meeting
from gup.indicators import (
    AnnexColumn,
    AnnexSpec,
    BreakdownRow,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last local days as UTC instants [start, end)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
    start = datetime.combine(period.start, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def held_meetings(agreement: Any, period: Period) -> list[Meeting]:
    """Meetings of the agreement's bodies held within the period, by date."""
    start, end = _bounds(period)
    stmt = (sa.select(Meeting).join(Meeting.body)
            .where(Body.agreement_id == agreement.id, Meeting.status.in_(list(HELD_STATUSES)),
                   Meeting.starts_at >= start, Meeting.starts_at < end)
            .options(joinedload(Meeting.body), selectinload(Meeting.attendance),
                     selectinload(Meeting.decisions).options(selectinload(Decision.actions),
                                                             joinedload(Decision.owner_organisation)))
            .order_by(Meeting.starts_at, Meeting.id))
    return list(db.session.scalars(stmt).unique())


def _rate(present: int, recorded: int) -> float | None:
    return round(100 * present / recorded, 1) if recorded else None


def meetings_held(agreement: Any, period: Period) -> IndicatorValue:
    meetings = held_meetings(agreement, period)
    by_kind = {kind: [m for m in meetings if m.body.kind is kind] for kind in BodyKind}
    present = sum(m.attendance_counts()[0] for m in meetings)
    recorded = sum(m.attendance_counts()[1] for m in meetings)
    rows = [BreakdownRow(kind.value, str(kind.label), len(found)) for kind, found in by_kind.items() if found]
    return IndicatorValue(len(meetings), breakdowns={"kind": rows},
                          details={_("Taux de présence (%)"): _rate(present, recorded),
                                   _("Présences"): present, _("Présences enregistrées"): recorded})


def decisions_taken(agreement: Any, period: Period) -> IndicatorValue:
    decisions = [d for m in held_meetings(agreement, period) for d in m.decisions]
    with_action = [d for d in decisions if d.actions]
    done = [d for d in decisions if d.is_done]
    rows = [BreakdownRow("with_action", _("Avec une action créée"), len(with_action)),
            BreakdownRow("done", _("Actions réalisées"), len(done)),
            BreakdownRow("without_action", _("Sans action"), len(decisions) - len(with_action))]
    return IndicatorValue(len(decisions), breakdowns={"follow_up": rows},
                          details={_("Avec une action créée"): len(with_action), _("Réalisées"): len(done)})


#: the French names of this feature's own breakdown dimensions
DIMENSIONS = {"kind": _l("type d'instance"), "follow_up": _l("suite donnée")}

ALL = [
    IndicatorSpec(code="meetings_held", label=_l("Instances réunies"), unit=Unit.COUNT, direction=Direction.HIGHER,
                  section=Section.GOVERNANCE, compute=meetings_held, order=10,
                  dimension_labels=DIMENSIONS, dimensions=("kind",),
                  description=_l("Réunions des instances de la convention tenues dans la période (COPIL, COTECH, "
                                 "groupes de travail, cellules de site), avec le taux de présence des membres.")),
    IndicatorSpec(code="decisions_taken", label=_l("Décisions prises"), unit=Unit.COUNT, direction=Direction.NEUTRAL,
                  section=Section.GOVERNANCE, compute=decisions_taken, order=20,
                  dimension_labels=DIMENSIONS, dimensions=("follow_up",),
                  description=_l("Décisions des réunions tenues dans la période, dont celles qui ont donné lieu à "
                                 "une action et celles dont les actions sont réalisées.")),
]


def _local_day(moment: datetime) -> str:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris"))
    return moment.astimezone(zone).date().isoformat()


def _meeting_rows(agreement: Any, period: Period) -> Iterable[Mapping[str, Any]]:
    for m in held_meetings(agreement, period):
        present, recorded = m.attendance_counts()
        yield {"date": _local_day(m.starts_at), "body": m.body.name, "kind": str(m.body.kind.label),
               "place": m.place, "attendance": f"{present} / {recorded}" if recorded else None}


def _decision_status(decision: Decision) -> str:
    if not decision.actions:
        return _("Sans action")
    return ", ".join(str(a.status.label) for a in decision.actions)


def _decision_rows(agreement: Any, period: Period) -> Iterable[Mapping[str, Any]]:
    for m in held_meetings(agreement, period):
        for d in m.decisions:
            yield {"date": _local_day(m.starts_at), "body": m.body.name, "text": d.text,
                   "owner": d.owner_organisation.name if d.owner_organisation else None,
                   "deadline": d.due_on.isoformat() if d.due_on else None, "action_status": _decision_status(d)}


ANNEXES = [
    AnnexSpec(code="governance_meetings", label=_l("Réunions des instances"), section=Section.GOVERNANCE, order=10,
              rows=_meeting_rows,
              columns=[AnnexColumn("date", _l("Date"), 1, "date"), AnnexColumn("body", _l("Instance"), 2),
                       AnnexColumn("kind", _l("Type"), 2), AnnexColumn("place", _l("Lieu"), 2),
                       AnnexColumn("attendance", _l("Présents / enregistrés"), 1)]),
    AnnexSpec(code="governance_decisions", label=_l("Décisions des instances"), section=Section.GOVERNANCE, order=20,
              rows=_decision_rows,
              columns=[AnnexColumn("date", _l("Réunion du"), 1, "date"), AnnexColumn("body", _l("Instance"), 1.5),
                       AnnexColumn("text", _l("Décision"), 4), AnnexColumn("owner", _l("Porteur"), 1.5),
                       AnnexColumn("deadline", _l("Échéance"), 1, "date"),
                       AnnexColumn("action_status", _l("Suite (actions)"), 1.5)]),
]
