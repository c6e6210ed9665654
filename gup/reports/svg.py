"""Accessible SVG charts rendered on the server (no JavaScript): bars with their values written beside them.

Each chart is an `<svg role="img">` named by its `<title>` and `<desc>`; the page shows the same figures in a
table (`templates/_macros/charts.html`). Colours reach 3:1 against white and against each other's neighbours,
and never carry meaning alone: values are printed, series have a text legend and a pattern as well.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 360  # narrow on purpose: readable on a 360 px phone screen, scaled up to 1.2× on wider ones
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
TEXT = "#161616"
MUTED = "#3a3a3a"
BAR = "#000091"
LABEL_SIZE = 13
BAR_HEIGHT = 16
VALUE_SPACE = 84  # room after the longest bar for its value


@dataclass(frozen=True)
class Series:
    """One series of a stacked chart: name (legend text), fill colour and pattern (solid, hatched, dotted)."""

    name: str
    colour: str
    pattern: str = "solid"


def _id(value: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", value)


def _clip(label: str, limit: int = 50) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _number(value: float) -> str:
    """French number: 12, 3,5."""
    if float(value).is_integer():
        return f"{int(value):d}"
    return f"{value:.1f}".replace(".", ",")


def _open(chart_id: str, title: str, desc: str, height: int) -> str:
    cid = _id(chart_id)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" '
            f'aria-labelledby="{cid}-title {cid}-desc" font-family="{FONT}">'
            f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}</desc>')


def bar_chart(*, chart_id: str, title: str, desc: str, items: Sequence[tuple[str, float]],
              value_text: Callable[[float], str] | None = None, colour: str = BAR) -> Markup:
    """Horizontal bars: a label line, then the bar with its value printed at its end."""
    value_text = value_text or _number
    row = LABEL_SIZE + 4 + BAR_HEIGHT + 12
    height = max(row * len(items), row) - 12 + 4
    top = max((v for _label, v in items), default=0) or 1
    usable = WIDTH - VALUE_SPACE
    parts = [_open(chart_id, title, desc, height)]
    for i, (label, value) in enumerate(items):
        y = i * row
        width = max(usable * value / top, 2 if value else 0)
        parts.append(f'<text x="0" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{TEXT}">'
                     f'{escape(_clip(label))}</text>')
        bar_y = y + LABEL_SIZE + 4
        parts.append(f'<rect x="0" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(f'<text x="{width + 6:.1f}" y="{bar_y + BAR_HEIGHT - 3}" font-size="{LABEL_SIZE}" '
                     f'font-weight="600" fill="{TEXT}">{escape(value_text(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in parts went through escape())


def _patterns(chart_id: str, series: Sequence[Series]) -> str:
    defs = []
    for n, s in enumerate(series):
        pid = f"{_id(chart_id)}-p{n}"
        if s.pattern == "hatched":
            defs.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
                        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{s.colour}"/>'
                        f'<rect width="2" height="6" fill="#ffffff"/></pattern>')
        elif s.pattern == "dotted":
            defs.append(f'<pattern id="{pid}" width="5" height="5" patternUnits="userSpaceOnUse">'
                        f'<rect width="5" height="5" fill="{s.colour}"/>'
                        f'<circle cx="2.5" cy="2.5" r="1.1" fill="#ffffff"/></pattern>')
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, n: int, s: Series) -> str:
    return s.colour if s.pattern == "solid" else f"url(#{_id(chart_id)}-p{n})"


def stacked_bar_chart(*, chart_id: str, title: str, desc: str, series: Sequence[Series],
                      rows: Sequence[tuple[str, Sequence[int]]], total_text: Callable[[int], str] | None = None
                      ) -> Markup:
    """Horizontal stacked bars, one per row: a legend in text, then for each row its label, the bar with
    its total, and the breakdown written out under it."""
    total_text = total_text or (lambda n: _number(n))
    places, x, line = [], 0.0, 0  # legend entries flow on as many lines as needed
    for s in series:
        needed = 19 + 7 * len(s.name)
        if x and x + needed > WIDTH:
            x, line = 0.0, line + 1
        places.append((x, 4 + 20 * line))
        x += needed + 14
    legend_h = 26 + 20 * line
    row = LABEL_SIZE + 4 + BAR_HEIGHT + 4 + 12 + 12
    height = legend_h + max(row * len(rows), row) - 12 + 4
    top = max((sum(values) for _label, values in rows), default=0) or 1
    usable = WIDTH - VALUE_SPACE
    parts = [_open(chart_id, title, desc, height), _patterns(chart_id, series)]
    for n, (s, (x, y)) in enumerate(zip(series, places, strict=True)):  # legend: swatch (colour, pattern), name
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="14" height="14" fill="{_fill(chart_id, n, s)}" '
                     f'stroke="{TEXT}" stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 19:.1f}" y="{y + 12}" font-size="12" fill="{TEXT}">{escape(s.name)}</text>')
    for i, (label, values) in enumerate(rows):
        y = legend_h + i * row
        parts.append(f'<text x="0" y="{y + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{TEXT}">'
                     f'{escape(_clip(label))}</text>')
        bar_y = y + LABEL_SIZE + 4
        start = 0.0
        for n, (s, value) in enumerate(zip(series, values, strict=True)):
            if not value:
                continue
            width = max(usable * value / top, 2)
            parts.append(f'<rect x="{start:.1f}" y="{bar_y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{_fill(chart_id, n, s)}" stroke="#ffffff" stroke-width="1"/>')
            start += width
        total = sum(values)
        parts.append(f'<text x="{start + 6:.1f}" y="{bar_y + BAR_HEIGHT - 3}" font-size="{LABEL_SIZE}" '
                     f'font-weight="600" fill="{TEXT}">{escape(total_text(total))}</text>')
        breakdown = " · ".join(f"{s.name} : {_number(v)}" for s, v in zip(series, values, strict=True) if v)
        parts.append(f'<text x="0" y="{bar_y + BAR_HEIGHT + 14}" font-size="12" fill="{MUTED}">'
                     f'{escape(breakdown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text in parts went through escape())
