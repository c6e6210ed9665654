"""The follow-up charts of the agreement page and the dashboard: SVG plus the same figures as table rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from gup.reports.svg import Series, bar_chart, stacked_bar_chart

DONE = "#18753c"       # green, 5.1:1 on white
ON_TIME = "#000091"    # blue, 14:1 on white
OVERDUE = "#b00020"    # red, 6.5:1 on white


@dataclass(frozen=True)
class Chart:
    """One chart and its figures: `chart_with_table(c.title, c.svg, c.headers, c.rows)`."""

    title: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _days(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    return ngettext("%(n)s jour", "%(n)s jours", int(round(value)), n=text)


def followup_charts(stats: Any, *, prefix: str) -> list[Chart]:
    """Findings by status and by theme, actions by organisation (done, on time, overdue), median resolution
    delay by organisation; charts without data are left out."""
    charts: list[Chart] = []
    if stats.findings_by_status:
        items = [(str(status.label), n) for status, n in stats.findings_by_status]
        title = _("Constats par statut")
        charts.append(Chart(title, bar_chart(
            chart_id=f"{prefix}-status", title=title,
            desc=_("Nombre de constats dans chaque statut : ") + "; ".join(f"{s} {n}" for s, n in items),
            items=items),
            (_("Statut"), _("Constats")), tuple(items)))
    if stats.findings_by_theme:
        items = list(stats.findings_by_theme)
        title = _("Constats par thématique")
        charts.append(Chart(title, bar_chart(
            chart_id=f"{prefix}-theme", title=title,
            desc=_("Nombre de constats par thématique : ") + "; ".join(f"{s} {n}" for s, n in items),
            items=items),
            (_("Thématique"), _("Constats")), tuple(items)))
    if stats.actions_by_organisation:
        series = [Series(_("Réalisées"), DONE), Series(_("Dans les délais"), ON_TIME, "dotted"),
                  Series(_("En retard"), OVERDUE, "hatched")]
        rows = [(name, (done, on_time, late)) for name, done, on_time, late in stats.actions_by_organisation]
        title = _("Actions par partenaire : réalisées, dans les délais, en retard")
        desc = "; ".join(_("%(org)s : %(done)s réalisée(s), %(ok)s dans les délais, %(late)s en retard",
                           org=name, done=v[0], ok=v[1], late=v[2]) for name, v in rows)
        charts.append(Chart(title, stacked_bar_chart(chart_id=f"{prefix}-actions", title=title, desc=desc,
                                                     series=series, rows=rows),
                            (_("Partenaire"), _("Réalisées"), _("Dans les délais"), _("En retard"), _("Total")),
                            tuple((name, *v, sum(v)) for name, v in rows)))
    if stats.resolution_delays:
        title = _("Délai médian de résolution des constats par partenaire")
        items = [(name, median) for name, median, _count in stats.resolution_delays]
        desc = _("Jours entre le relevé d'un constat et sa résolution (médiane) : ") + "; ".join(
            f"{name} {_days(m)}" for name, m in items)
        charts.append(Chart(title, bar_chart(chart_id=f"{prefix}-delays", title=title, desc=desc, items=items,
                                             value_text=_days, colour=DONE),
                            (_("Partenaire"), _("Délai médian"), _("Constats résolus")),
                            tuple((name, _days(m), n) for name, m, n in stats.resolution_delays)))
    return charts
