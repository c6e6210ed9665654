"""Voting code cards: an A4 sheet of ten cut-out cards (one per household), or a CSV of the codes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from gup.csv_file import csv_text

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"  # the fonts of gup.reports, registered the same way
ACCENT = colors.HexColor("#000091")
COLUMNS, ROWS = 2, 5
MARGIN = 10 * mm


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def cards_pdf(campaign: Any, codes: list[str], *, vote_url: str, batch: int | None = None) -> bytes:
    """Ten cards per page, with cut lines: the campaign, the code, how to vote and the number of choices."""
    _register_fonts()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Codes de vote — %(campaign)s", campaign=campaign.title))
    pdf.setAuthor("gup")
    page_w, page_h = A4
    card_w, card_h = (page_w - 2 * MARGIN) / COLUMNS, (page_h - 2 * MARGIN) / ROWS
    per_page = COLUMNS * ROWS
    how = _("Votez sur %(url)s : choisissez jusqu'à %(k)s projets. Ce code ne sert qu'une fois, pour tout le "
            "foyer.", url=vote_url, k=campaign.choices_per_voter)
    for start in range(0, len(codes), per_page):
        pdf.setStrokeColor(colors.HexColor("#929292"))
        pdf.setDash(3, 3)
        for col in range(COLUMNS + 1):
            pdf.line(MARGIN + col * card_w, MARGIN, MARGIN + col * card_w, page_h - MARGIN)
        for row in range(ROWS + 1):
            pdf.line(MARGIN, MARGIN + row * card_h, page_w - MARGIN, MARGIN + row * card_h)
        pdf.setDash()
        for i, code in enumerate(codes[start:start + per_page]):
            col, row = i % COLUMNS, i // COLUMNS
            x, top = MARGIN + col * card_w + 6 * mm, page_h - MARGIN - row * card_h - 9 * mm
            inner = card_w - 12 * mm
            pdf.setFillColor(ACCENT)
            pdf.setFont(FONT_BOLD, 10)
            pdf.drawString(x, top, _("Budget participatif"))
            pdf.setFillColor(colors.black)
            pdf.setFont(FONT, 8.5)
            y = top - 4.5 * mm
            for line in _wrap(campaign.title, FONT, 8.5, inner)[:2]:
                pdf.drawString(x, y, line)
                y -= 3.8 * mm
            pdf.setFont(FONT, 8)
            pdf.drawString(x, y - 1 * mm, _("Votre code de vote :"))
            pdf.setFont(FONT_BOLD, 17)
            pdf.drawString(x, y - 9 * mm, code)
            pdf.setFont(FONT, 7.5)
            y -= 14.5 * mm
            for line in _wrap(how, FONT, 7.5, inner)[:3]:
                pdf.drawString(x, y, line)
                y -= 3.4 * mm
            if batch is not None:
                pdf.setFillColor(colors.HexColor("#3a3a3a"))
                pdf.setFont(FONT, 6.5)
                pdf.drawRightString(x + inner, page_h - MARGIN - (row + 1) * card_h + 3 * mm,
                                    _("Lot %(batch)s", batch=batch))
                pdf.setFillColor(colors.black)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def codes_csv(campaign: Any, codes: list[str], *, batch: int | None = None) -> str:
    return csv_text([_("Campagne"), _("Lot"), _("Code de vote")], [[campaign.id, batch, code] for code in codes])
