"""BasePdf: A4 pages, a title block, « page X / Y » footers and the DejaVu fonts shipped with gup."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gup.i18n import fmt_date

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

#: colours of the documents (dark enough for text on white, light enough for table headers)
INK = colors.HexColor("#161616")
MUTED = colors.HexColor("#3a3a3a")
ACCENT = colors.HexColor("#000091")
RULE = colors.HexColor("#929292")
HEADER_BG = colors.HexColor("#e3e3fd")
ROW_ALT = colors.HexColor("#f6f6f6")


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold) once, so every French character renders."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def esc(text: Any) -> str:
    """User text made safe for a Paragraph (which parses & and < as markup); line breaks kept."""
    if text is None:
        return ""
    return html.escape(str(text), quote=False).replace("\r\n", "\n").replace("\n", "<br/>")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=3)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5,
                                    spaceAfter=0),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=22, textColor=ACCENT,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16,
                                   spaceAfter=2),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, textColor=ACCENT,
                             spaceBefore=12, spaceAfter=6, keepWithNext=True),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=9,
                             spaceAfter=4, keepWithNext=True),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, textColor=ACCENT,
                             spaceBefore=6, spaceAfter=3, keepWithNext=True),
        "item_title": ParagraphStyle("item_title", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12.5,
                                     spaceBefore=2, spaceAfter=2),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


class _NumberedCanvas(rl_canvas.Canvas):
    """A canvas that knows the page count at the end, to write « page X / Y » (pages kept, then drawn)."""

    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802  (ReportLab's API)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(2 * cm, 1.45 * cm, width - 2 * cm, 1.45 * cm)
        self.drawString(2 * cm, 1.05 * cm, self.footer_text)
        self.drawRightString(width - 2 * cm, 1.05 * cm,
                             _("page %(page)s / %(pages)s", page=self._pageNumber, pages=total))
        self.restoreState()


class BasePdf:
    """A4 document with a title block and numbered pages; subclasses lay out `story(data)`.

    `build(data) -> bytes` is the only public method. Builders never query the database.
    """

    margin = 2 * cm

    def __init__(self) -> None:
        register_fonts()
        self.styles = _styles()
        self.frame_width = A4[0] - 2 * self.margin - 12  # the frame's 2 × 6 pt padding

    # --- to override ---------------------------------------------------------------------------------

    def document_title(self, data: Any) -> str:
        raise NotImplementedError

    def footer(self, data: Any) -> str:
        return "gup"

    def story(self, data: Any) -> list[Flowable]:
        raise NotImplementedError

    # --- building --------------------------------------------------------------------------------

    def build(self, data: Any) -> bytes:
        """Lay the data out and return the PDF bytes."""
        buffer = io.BytesIO()
        title = self.document_title(data)
        doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=self.margin, rightMargin=self.margin,
                                topMargin=self.margin, bottomMargin=self.margin, title=title, author="gup",
                                creator="gup", lang="fr-FR")
        footer = self.footer(data)
        canvas_class = type("Canvas", (_NumberedCanvas,), {"footer_text": footer})
        doc.build(self.story(data), canvasmaker=canvas_class)
        return buffer.getvalue()

    # --- helpers for subclasses --------------------------------------------------------------

    def p(self, text: str, style: str = "body") -> Paragraph:
        """A paragraph of markup written by gup (user text must go through `esc` first)."""
        return Paragraph(text, self.styles[style])

    def title_block(self, title: str, subtitle: str | None, lines: Sequence[str], generated_on: date) -> list[Flowable]:
        """Title, subtitle, a few facts and the generation date, above a rule."""
        block: list[Flowable] = [self.p(esc(title), "title")]
        if subtitle:
            block.append(self.p(esc(subtitle), "subtitle"))
        block.extend(self.p(line, "body") for line in lines)
        block.append(self.p(esc(_("Document édité le %(d)s", d=fmt_date(generated_on))), "small"))
        rule = Table([[""]], colWidths=[self.frame_width], rowHeights=[4],
                     style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.2, ACCENT)]))
        block.extend([rule, Spacer(1, 6)])
        return block

    def table_style(self, *, header: bool = True) -> TableStyle:
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), FONT, 8.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if header:
            commands += [("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                         ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT)]
        return TableStyle(commands)

    def paged_tables(self, header: list[Any], rows: list[list[Any]], col_widths: Sequence[float],
                     per_page: int = 35) -> Iterator[Table]:
        """A long table as one Table per page of rows, header repeated: linear build time (TECH.md §5)."""
        style = self.table_style()
        for start in range(0, len(rows), per_page):
            yield Table([header, *rows[start:start + per_page]], colWidths=list(col_widths), repeatRows=1,
                        style=style, hAlign="LEFT")
