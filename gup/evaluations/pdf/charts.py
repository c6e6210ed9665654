"""Bar charts drawn with reportlab.graphics, sized from the frame: horizontal bars (one or two series per row)
and vertical bars (months). Labels are cut to fit, never drawn over each other; the figures are always printed
in a table beside the chart by the caller (accessibility)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from gup.reports.base import FONT, INK, MUTED, RULE

BAR = colors.HexColor("#000091")      # blue, 14:1 on white
SECOND = colors.HexColor("#6a6af4")   # lighter blue, the second series
GOOD = colors.HexColor("#18753c")
TRACK = colors.HexColor("#e5e5e5")
SIZE = 7.5


def fit(text: str, width: float, size: float = SIZE, font: str = FONT) -> str:
    """The text cut with « … » so that it is at most `width` points wide."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


#: rows per drawing: a long chart is cut into drawings that each fit on a page (same scale throughout)
MAX_ROWS = 30


def hbars(items: Sequence[tuple[str, float | None]], width: float, value_text: Callable[[float], str], *,
          second: Sequence[float | None] | None = None, legend: tuple[str, str] | None = None,
          maximum: float | None = None, colour=BAR) -> list[Drawing]:
    """Horizontal bars, in drawings of at most MAX_ROWS rows (half as many with a second series)."""
    values = [v for v in [*(v for _l, v in items), *(second or [])] if v is not None]
    top = maximum or (max(values) if values else 0) or 1.0
    per = MAX_ROWS // 2 if second is not None else MAX_ROWS
    return [_hbars(items[i:i + per], width, value_text, second=None if second is None else second[i:i + per],
                   legend=legend if i == 0 else None, top=top, colour=colour) for i in range(0, len(items), per)]


def _hbars(items: Sequence[tuple[str, float | None]], width: float, value_text: Callable[[float], str], *,
           second: Sequence[float | None] | None, legend: tuple[str, str] | None, top: float, colour) -> Drawing:
    """One row per item: label at left, bar, value at the bar's end; `second` adds a lighter bar under each."""
    rows = len(items)
    bar_h = 9.0
    row_h = 2 * bar_h + 6 if second is not None else bar_h + 6
    top_pad = 16 if legend else 4
    height = rows * row_h + top_pad + 4
    label_w = min(190.0, width * 0.4)
    value_w = 62.0
    track_w = width - label_w - value_w - 8
    d = Drawing(width, height)
    if legend:
        x = label_w + 4
        for name, fill in ((legend[0], colour), (legend[1], SECOND)):
            d.add(Rect(x, height - 11, 8, 8, fillColor=fill, strokeColor=None))
            d.add(String(x + 11, height - 10, name, fontName=FONT, fontSize=SIZE, fillColor=INK))
            x += 11 + stringWidth(name, FONT, SIZE) + 16
    for i, (label, v) in enumerate(items):
        y0 = height - top_pad - (i + 1) * row_h + 3
        series = [(v, colour, y0 + (bar_h if second is not None else 0))]
        if second is not None:
            series.append((second[i], SECOND, y0))
        label_y = y0 + (bar_h if second is not None else bar_h / 2) - SIZE / 3
        d.add(String(label_w, label_y, fit(label, label_w - 4), fontName=FONT, fontSize=SIZE, fillColor=INK,
                     textAnchor="end"))
        for figure, fill, y in series:
            x0 = label_w + 4
            if figure is None:
                d.add(String(x0, y + 2, "—", fontName=FONT, fontSize=SIZE, fillColor=MUTED))
                continue
            w = max(0.0, track_w * min(figure, top) / top)
            d.add(Rect(x0, y, track_w, bar_h, fillColor=TRACK, strokeColor=None))
            if w:
                d.add(Rect(x0, y, w, bar_h, fillColor=fill, strokeColor=None))
            d.add(String(x0 + track_w + 4, y + 2, value_text(figure), fontName=FONT, fontSize=SIZE,
                         fillColor=INK))
    return d


def vbars(items: Sequence[tuple[str, float | None]], width: float, value_text: Callable[[float], str],
          height: float = 150.0) -> Drawing:
    """Vertical bars (a month each), values above the bars when there is room, labels below (every k-th)."""
    n = max(1, len(items))
    d = Drawing(width, height)
    base_y, top_pad, left = 28.0, 14.0, 6.0
    slot = (width - left) / n
    bar_w = max(2.0, slot * 0.62)
    values = [v for _l, v in items if v is not None]
    top = (max(values) if values else 0) or 1.0
    plot_h = height - base_y - top_pad
    d.add(Line(left, base_y, width, base_y, strokeColor=RULE, strokeWidth=0.6))
    show_values = stringWidth(value_text(top), FONT, SIZE - 0.5) <= slot - 1
    longest = max((stringWidth(label, FONT, SIZE - 0.5) for label, _v in items), default=0)
    step = max(1, int((longest + 4) // slot) + 1)
    for i, (label, v) in enumerate(items):
        x = left + i * slot + (slot - bar_w) / 2
        if v is not None:
            h = plot_h * min(v, top) / top
            d.add(Rect(x, base_y, bar_w, h, fillColor=BAR, strokeColor=None))
            if show_values:
                d.add(String(x + bar_w / 2, base_y + h + 2, value_text(v), fontName=FONT, fontSize=SIZE - 0.5,
                             fillColor=INK, textAnchor="middle"))
        if i % step == 0:
            parts = label.split(" ", 1)
            d.add(String(x + bar_w / 2, base_y - 10, parts[0], fontName=FONT, fontSize=SIZE - 0.5, fillColor=INK,
                         textAnchor="middle"))
            if len(parts) > 1:
                d.add(String(x + bar_w / 2, base_y - 19, parts[1], fontName=FONT, fontSize=SIZE - 0.5,
                             fillColor=MUTED, textAnchor="middle"))
    return d
