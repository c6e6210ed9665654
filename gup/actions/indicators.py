"""Evaluation indicators of actions (GUIDE §5): actions done and late, and the annex listing the actions of the
period. An action's theme is its commitment's, else that of the first finding it answers."""

from __future__ import annotations

from collections import namedtuple
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gup.actions.models import Action, ActionStatus, answered_model
from gup.agreements.breakdowns import Dim, bounds, breakdowns, organisation_labels, rate, theme_labels
from gup.agreements.models import Commitment, Theme
from gup.extensions import db
from gup.indicators import (
    PARTNER,
    THEME,
    AnnexColumn,
    AnnexSpec,
    Direction,
    IndicatorSpec,
    IndicatorValue,
    Period,
    Section,
    Unit,
)
from gup.organisations.models import Organisation

Row = namedtuple("Row", "id theme_id org_id status due_on done_on")


def _theme_column() -> Any:
    """The theme of each action: its commitment's, else the first theme of the findings it answers."""
    link = Action.findings.property.secondary
    finding = answered_model()
    by_findings = (sa.select(link.c.action_id, sa.func.min(finding.theme_id).label("theme_id"))
                   .join(finding, finding.id == link.c.finding_id).group_by(link.c.action_id)
                   .subquery("action_finding_themes"))
    return by_findings, sa.func.coalesce(Commitment.theme_id, by_findings.c.theme_id)


def _actions(agreement: Any, period: Period, *criteria: Any) -> list[Row]:
    """The agreement's actions recorded by the end of the period and not cancelled, matching criteria."""
    _start, end = bounds(period)
    by_findings, theme = _theme_column()
    stmt = (sa.select(Action.id, theme.label("theme_id"), Action.responsible_organisation_id, Action.status,
                      Action.due_on, Action.done_on)
            .outerjoin(Commitment, Commitment.id == Action.commitment_id)
            .outerjoin(by_findings, by_findings.c.action_id == Action.id)
            .where(Action.agreement_id == agreement.id, Action.created_at < end,
                   Action.status != ActionStatus.CANCELLED, *criteria))
    return [Row(*r) for r in db.session.execute(stmt)]


def _dims(records: list[Row]) -> dict[str, Dim]:
    return {THEME: Dim(lambda r: r.theme_id, theme_labels(r.theme_id for r in records)),
            PARTNER: Dim(lambda r: r.org_id, organisation_labels(r.org_id for r in records))}


def _done_by(record: Row, day: date) -> bool:
    return record.status is ActionStatus.DONE and record.done_on is not None and record.done_on <= day


def actions_done_rate(agreement: Any, period: Period) -> IndicatorValue:
    within = sa.and_(Action.due_on >= period.start, Action.due_on <= period.end)
    done_within = sa.and_(Action.done_on >= period.start, Action.done_on <= period.end)
    records = _actions(agreement, period, sa.or_(within, done_within))

    def share(group: list[Row]) -> tuple[float | None, int | None]:
        return rate(sum(1 for r in group if _done_by(r, period.end)), len(group)), len(group)

    value, _count = share(records)
    done = sum(1 for r in records if _done_by(r, period.end))
    return IndicatorValue(
        value=value, breakdowns=breakdowns(records, _dims(records), share),
        details={_("Réalisées"): done, _("Prévues"): len(records)},
        note=_("%(done)s actions réalisées sur %(n)s prévues pendant la période", done=done, n=len(records)))


def actions_late(agreement: Any, period: Period) -> IndicatorValue:
    records = [r for r in _actions(agreement, period, Action.due_on <= period.end) if not _done_by(r, period.end)]
    return IndicatorValue(
        value=len(records), breakdowns=breakdowns(records, _dims(records)),
        details={_("Dont bloquées"): sum(1 for r in records if r.status is ActionStatus.BLOCKED),
                 _("Dont réalisées depuis"): sum(1 for r in records if r.status is ActionStatus.DONE)})


ALL: list[IndicatorSpec] = [
    IndicatorSpec(
        code="actions_done_rate", label=_l("Actions réalisées"), unit=Unit.PERCENT, direction=Direction.HIGHER,
        section=Section.ACTIONS, compute=actions_done_rate, order=10,
        description=_l("Actions réalisées au plus tard à la fin de la période ÷ actions prévues pour la période "
                       "(échéance dans la période, ou réalisées pendant la période), annulées exclues ; par "
                       "thématique et par organisme pilote"),
        dimensions=(THEME, PARTNER)),
    IndicatorSpec(
        code="actions_late", label=_l("Actions en retard"), unit=Unit.COUNT, direction=Direction.LOWER,
        section=Section.ACTIONS, compute=actions_late, order=20,
        description=_l("Actions dont l'échéance est passée à la fin de la période sans qu'elles soient "
                       "réalisées (annulées exclues)"),
        dimensions=(THEME, PARTNER)),
]


# --- annex ----------------------------------------------------------------------------------------

def annex_rows(agreement: Any, period: Period) -> list[dict[str, Any]]:
    """Every action active during the period: recorded by its end, not finished before its start."""
    start, end = bounds(period)
    by_findings, theme = _theme_column()
    stmt = (sa.select(Action.id, Action.title, Action.kind, Theme.label.label("theme"),
                      Organisation.name.label("organisation"), Action.due_on, Action.status, Action.progress,
                      Action.done_on)
            .outerjoin(Commitment, Commitment.id == Action.commitment_id)
            .outerjoin(by_findings, by_findings.c.action_id == Action.id)
            .outerjoin(Theme, Theme.id == theme)
            .join(Organisation, Organisation.id == Action.responsible_organisation_id)
            .where(Action.agreement_id == agreement.id, Action.created_at < end,
                   sa.or_(Action.status != ActionStatus.DONE, Action.done_on.is_(None),
                          Action.done_on >= period.start),
                   sa.or_(Action.status != ActionStatus.CANCELLED, Action.updated_at >= start))
            .order_by(Action.due_on.is_(None), Action.due_on, Action.id))
    copied = _titles_copied_from_findings(agreement)
    return [{"reference": f"A-{r.id}", "title": copied.get((r.id, r.title.strip()), r.title),
             "kind": str(r.kind.label), "theme": r.theme or "",
             "organisation": r.organisation, "due_on": _iso(r.due_on), "status": str(r.status.label),
             "progress": r.progress, "done_on": _iso(r.done_on)}
            for r in db.session.execute(stmt)]


def _titles_copied_from_findings(agreement: Any) -> dict[tuple[int, str], str]:
    """(action id, title) → neutral title, for the actions whose title is the start of the description of a finding
    they answer (« transformer en action » copies it): a finding's description may quote a resident (a report
    turned into a finding keeps the resident's words), and the annexes never print findings' descriptions."""
    link = Action.findings.property.secondary
    finding = answered_model()
    stmt = (sa.select(link.c.action_id, finding.id, sa.func.substr(finding.description, 1, 200).label("start"))
            .join(finding, finding.id == link.c.finding_id)
            .where(finding.agreement_id == agreement.id))
    return {(r.action_id, r.start.strip()): _("Suite du constat C-%(id)s", id=r.id)
            for r in db.session.execute(stmt) if r.start}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


ANNEXES: list[AnnexSpec] = [
    AnnexSpec(code="actions", label=_l("Actions de la période"), section=Section.ACTIONS, rows=annex_rows, order=20,
              columns=(
                  AnnexColumn("reference", _l("N°"), 0.7),
                  AnnexColumn("title", _l("Intitulé"), 2.6),
                  AnnexColumn("kind", _l("Type"), 1.0),
                  AnnexColumn("theme", _l("Thématique"), 1.3),
                  AnnexColumn("organisation", _l("Organisme pilote"), 1.4),
                  AnnexColumn("due_on", _l("Échéance"), 0.9, "date"),
                  AnnexColumn("status", _l("Statut"), 0.9),
                  AnnexColumn("progress", _l("Avancement"), 0.8, "percent"),
                  AnnexColumn("done_on", _l("Réalisée le"), 0.9, "date"),
              )),
]
