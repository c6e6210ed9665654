"""EvaluationPdf: the parts every evaluation report shares (cover, table of contents, numbered headings,
indicator tables, charts with their figures, commitments, TFPB, partner contributions, annexes).

Built from a snapshot dict only (the contract of gup.evaluations' snapshot), never from live queries. The
three reports (annual, mid-term, final) are subclasses that list their outline (GUIDE §6) in `outline`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents, drawPageNumbers
from reportlab.platypus.tables import CellStyle

from gup.evaluations.pdf import charts
from gup.evaluations.pdf import fmt as F
from gup.reports.base import (
    ACCENT,
    FONT,
    FONT_BOLD,
    HEADER_BG,
    INK,
    MUTED,
    ROW_ALT,
    RULE,
    BasePdf,
    _NumberedCanvas,
    esc,
)

DRAFT_STATUSES = {"scheduled", "in_preparation", "draft"}
DRAFT_RED = colors.HexColor("#b00020")
ANNEX_ROWS_PER_TABLE = 100
ANNEX_FONT = 7.5
CHART_DIMENSIONS = ("theme", "partner", "month", "channel", "kind", "source", "axis")
EMPTY_TEXT = _l("Section à rédiger par la coordination.")

#: the sections of gup.indicators.Section, as the reports title their blocks
SECTION_TITLES = {
    "governance": _l("Gouvernance"), "actions": _l("Programme d'actions"),
    "commitments": _l("Engagements des partenaires"), "findings": _l("Constats"),
    "walks": _l("Diagnostics en marchant"), "resident_reports": _l("Signalements des habitants"),
    "participation": _l("Participation des habitants"), "tfpb": _l("Abattement de TFPB"),
    "other": _l("Autres indicateurs"),
}
SECTION_ORDER = list(SECTION_TITLES)


def dimension_label(dimension: str, section: str | None = None, declared: dict | None = None) -> str:
    """How a breakdown dimension is named: as its feature declared it in the snapshot, else the usual names."""
    if declared and declared.get(dimension):
        return str(declared[dimension])
    labels = {"theme": _("thématique"), "partner": _("partenaire"), "neighbourhood": _("quartier"),
              "month": _("mois"), "channel": _("canal"), "kind": _("type"), "axis": _("axe"),
              "time_of_day": _("moment de la journée"), "follow_up": _("suite donnée"),
              "funding_source": _("source de financement"),
              "source": _("source de financement") if section == "commitments" else _("origine")}
    return labels.get(dimension, dimension)


class _Heading(Paragraph):
    """A heading that makes a table-of-contents entry and a PDF bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, *, level: int, toc_text: str, key: str) -> None:
        super().__init__(text, style)
        self.toc_level, self.toc_text, self.toc_key = level, toc_text, key


class _ReportDoc(SimpleDocTemplate):
    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802  (ReportLab's API)
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=flowable.toc_level,
                                      closed=flowable.toc_level > 0)
            self.canv.heading_pages[flowable.toc_key] = self.page


class _OnePassToc(TableOfContents):
    """The table of contents laid out in a single pass (ReportLab's own needs multiBuild: two or three full
    layouts of the document). Its entries are the headings, all known before the layout; only their page numbers
    are not: each line's dots and page number are drawn by the canvas when it saves, as « page X / Y » is."""

    def __init__(self, entries: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.headings = entries  # (level, text, key), filled by EvaluationPdf.heading while the story is made

    def isIndexing(self) -> int:  # noqa: N802  (ReportLab's API)
        return 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        def line_end(canvas: _ReportCanvas, _kind: str, label: str) -> None:
            level, key = label.split(",", 1)
            info = canvas._curr_tx_info
            canvas.defer_toc_number(key, self.getLevelStyle(int(level)), info["cur_x"], info["cur_y"], availWidth,
                                    self.dotsMinLevel >= 0 and int(level) >= self.dotsMinLevel)

        self.canv.setNamedCB("gupTocLineEnd", line_end)
        rows: list[list[Flowable]] = []
        for level, text, key in self.headings or [(0, "", "")]:
            style = self.getLevelStyle(level)
            if style.spaceBefore:
                rows.append([Spacer(1, style.spaceBefore)])
            rows.append([Paragraph(f'<a href="#{key}">{esc(text)}</a><onDraw name="gupTocLineEnd" '
                                   f'label="{level},{key}"/>', style)])
        self._table = Table(rows, colWidths=(availWidth,), style=self.tableStyle)
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


class _ReportCanvas(_NumberedCanvas):
    """« page X / Y » footers; a draft also carries « PROJET » at the top of every page; the table of contents'
    page numbers are drawn here too, once every heading has its page."""

    draft = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heading_pages: dict[str, int] = {}
        self._toc_numbers: dict[int, list[tuple]] = {}

    def defer_toc_number(self, key: str, style: ParagraphStyle, x: float, y: float, width: float,
                         dots: bool) -> None:
        """Keep a place in the page's content, where a table-of-contents line ends, for its page number."""
        self._code.append("")
        self._toc_numbers.setdefault(self._pageNumber, []).append(
            (self._code, len(self._code) - 1, key, style, x, y, width, dots, self._currentMatrix))

    def _draw_toc_numbers(self) -> None:
        """Fill the kept places with what ReportLab's own table of contents draws there: dots, the page number
        right-aligned, a link to the heading. The page's content keeps its order (text extraction, readers)."""
        for code, index, key, style, x, y, width, dots, matrix in self._toc_numbers.get(self._pageNumber, ()):
            page = self.heading_pages.get(key)
            if page is None:
                continue
            kept = self._code, self._currentMatrix, getattr(self, "_curr_tx_info", None)
            self._code, self._currentMatrix, self._curr_tx_info = [], matrix, {"cur_x": x, "cur_y": y}
            try:
                drawPageNumbers(self, style, [(page, key)], width, 0, " . " if dots else "")
                code[index] = "\n".join(self._code)
            finally:
                self._code, self._currentMatrix, self._curr_tx_info = kept

    def _draw_footer(self, total: int) -> None:
        self._draw_toc_numbers()
        super()._draw_footer(total)
        if self.draft:
            width, height = self._pagesize
            self.saveState()
            self.setFont(FONT_BOLD, 9)
            self.setFillColor(DRAFT_RED)
            self.drawRightString(width - 2 * cm, height - 1.2 * cm, _("PROJET — document de travail non validé"))
            self.restoreState()


class EvaluationPdf(BasePdf):
    """Shared layout; subclasses set `outline`: (title, method name) in the order of GUIDE §6."""

    outline: Sequence[tuple[str, str]] = ()
    pagesize = A4

    def __init__(self) -> None:
        super().__init__()
        self.frame_width = self.pagesize[0] - 2 * self.margin - 12
        s = self.styles
        s["cover_ref"] = ParagraphStyle("cover_ref", parent=s["body"], fontName=FONT_BOLD, fontSize=10,
                                        textColor=ACCENT, spaceAfter=10)
        s["cover_title"] = ParagraphStyle("cover_title", parent=s["title"], fontSize=26, leading=31, spaceAfter=8)
        s["cover_sub"] = ParagraphStyle("cover_sub", parent=s["subtitle"], fontSize=13, leading=17, textColor=INK,
                                        spaceAfter=14)
        s["draft"] = ParagraphStyle("draft", parent=s["body"], fontName=FONT_BOLD, fontSize=22, leading=27,
                                    textColor=DRAFT_RED, alignment=TA_CENTER)
        s["draft_note"] = ParagraphStyle("draft_note", parent=s["body"], textColor=DRAFT_RED, alignment=TA_CENTER)
        s["version"] = ParagraphStyle("version", parent=s["body"], fontName=FONT_BOLD, fontSize=11, leading=14)
        s["todo"] = ParagraphStyle("todo", parent=s["body"], textColor=DRAFT_RED, fontName=FONT_BOLD)
        s["empty"] = ParagraphStyle("empty", parent=s["body"], textColor=MUTED)
        s["chart_title"] = ParagraphStyle("chart_title", parent=s["body"], fontName=FONT_BOLD, fontSize=9,
                                          leading=12, spaceBefore=8, spaceAfter=3, keepWithNext=True)
        s["annex_cell"] = ParagraphStyle("annex_cell", parent=s["cell"], fontSize=ANNEX_FONT, leading=9)
        s["num"] = ParagraphStyle("num", parent=s["cell"], alignment=2)
        s["head"] = ParagraphStyle("head", parent=s["cell_bold"], fontSize=7.5, leading=9)
        s["head_num"] = ParagraphStyle("head_num", parent=s["head"], alignment=2)
        self._keys = 0
        self._toc_entries: list[tuple[int, str, str]] = []

    # --- entry point ---------------------------------------------------------------------------------

    def document_title(self, snap: dict) -> str:
        return f"{snap['evaluation'].get('title') or ''} — {snap['agreement'].get('reference') or ''}"

    def footer(self, snap: dict) -> str:
        text = self.document_title(snap)
        if self.is_draft(snap):
            text = _("Projet") + " — " + text
        return text if len(text) <= 95 else text[:94] + "…"

    def build(self, snap: dict) -> bytes:
        buffer = io.BytesIO()
        doc = _ReportDoc(buffer, pagesize=self.pagesize, leftMargin=self.margin, rightMargin=self.margin,
                         topMargin=self.margin, bottomMargin=self.margin, title=self.document_title(snap),
                         author="gup", creator="gup", lang="fr-FR")
        canvas_class = type("Canvas", (_ReportCanvas,), {"footer_text": self.footer(snap),
                                                        "draft": self.is_draft(snap)})
        doc.build(self.story(snap), canvasmaker=canvas_class)  # one pass: see _OnePassToc
        return buffer.getvalue()

    def story(self, snap: dict) -> list[Flowable]:
        self.snap = snap
        self.draft = self.is_draft(snap)
        self._toc_entries.clear()
        self.indicators = sorted(snap.get("indicators") or [], key=lambda i: (
            SECTION_ORDER.index(i.get("section")) if i.get("section") in SECTION_ORDER else 99, i.get("order") or 0))
        story = self.cover(snap)
        story += [PageBreak(), self.p(esc(_("Sommaire")), "title"), self.toc(), PageBreak()]
        for number, (title, method) in enumerate(self.outline, start=1):
            story.append(CondPageBreak(5 * cm))
            story.append(self.heading(f"{number}. {title}", 0))
            story += getattr(self, method)()
        return story

    @staticmethod
    def is_draft(snap: dict) -> bool:
        return (snap.get("evaluation") or {}).get("status") in DRAFT_STATUSES

    # --- building blocks -----------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> _Heading:
        self._keys += 1
        self._toc_entries.append((level, text, f"h{self._keys}"))
        return _Heading(esc(text), self.styles["h1" if level == 0 else "h2"], level=level, toc_text=text,
                        key=f"h{self._keys}")

    def subheading(self, text: str) -> list[Flowable]:
        """A level-2 heading, moved to the next page when less than 4 cm remain (never alone at a page foot)."""
        return [CondPageBreak(4 * cm), self.heading(text, 1)]

    def toc(self) -> TableOfContents:
        toc = _OnePassToc(self._toc_entries, dotsMinLevel=0)
        toc.levelStyles = [
            ParagraphStyle("toc0", fontName=FONT_BOLD, fontSize=10, leading=14, leftIndent=0, firstLineIndent=0,
                           spaceBefore=4, textColor=INK),
            ParagraphStyle("toc1", fontName=FONT, fontSize=9, leading=12, leftIndent=16, firstLineIndent=0,
                           textColor=MUTED),
        ]
        return toc

    def paragraphs(self, text: str | None, style: str = "body") -> list[Flowable]:
        chunks = [c.strip() for c in (text or "").replace("\r\n", "\n").split("\n\n")]
        return [self.p(esc(c), style) for c in chunks if c]

    def text(self, key: str, *, has_other_content: bool = False) -> list[Flowable]:
        """The coordination's text for a section; a draft says what is missing."""
        text = (self.snap.get("sections") or {}).get(key) or ""
        if text.strip():
            return self.paragraphs(text)
        if self.draft:
            return [self.p(esc(str(EMPTY_TEXT)), "todo")]
        if has_other_content:
            return []
        return [self.p(esc(_("Aucun commentaire n'a été rédigé pour cette section.")), "empty")]

    def empty(self, sentence: str) -> Paragraph:
        return self.p(esc(sentence), "empty")

    def facts(self, pairs: Iterable[tuple[str, str | None]]) -> Table:
        rows = [[self.p(f"<b>{esc(k)}</b>", "cell"), self.p(esc(v) if v else "—", "cell")] for k, v in pairs]
        table = Table(rows, colWidths=[5 * cm, self.frame_width - 5 * cm], hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        return table

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
             numeric: Sequence[int] = (), total: bool = False, fraction: float = 1.0) -> Table:
        """A table whose text cells wrap (Paragraphs), header in bold, numeric columns right-aligned and never
        broken (figures are short plain strings)."""
        numeric = set(numeric)
        scale = self.frame_width * fraction / sum(widths)
        col_widths = [w * scale for w in widths]
        head = [self.p(esc(h), "head_num" if j in numeric else "head") for j, h in enumerate(header)]
        body = [[c if isinstance(c, Flowable) or j in numeric else self.p(esc(c), "cell")
                 for j, c in enumerate(row)] for row in rows]
        table = Table([head, *body], colWidths=col_widths, repeatRows=1, hAlign="LEFT")
        style = self.table_style()
        style.add("LEFTPADDING", (0, 0), (-1, -1), 3)
        style.add("RIGHTPADDING", (0, 0), (-1, -1), 3)
        for j in numeric:
            style.add("ALIGN", (j, 1), (j, -1), "RIGHT")
        for r in range(2, len(body) + 1, 2):
            style.add("BACKGROUND", (0, r), (-1, r), ROW_ALT)
        if total and body:
            style.add("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)
        table.setStyle(style)
        return table

    # --- cover ---------------------------------------------------------------------------------------

    def version_line(self, snap: dict) -> str:
        ev = snap["evaluation"]
        frozen_on = F.moment(snap.get("generated_at"))
        number = ev.get("version") or 1
        if self.is_draft(snap):  # a draft has no version number yet
            return _("Projet du %(d)s", d=F.fmt_date(frozen_on)) if frozen_on else _("Projet")
        line = _("Version %(n)s — figée le %(d)s", n=number, d=F.fmt_date(frozen_on)) if frozen_on else \
            _("Version %(n)s — figée", n=number)
        if ev.get("status") in ("approved", "published") and ev.get("status_label"):
            line += f" — {ev['status_label']}"
        return line

    def cover(self, snap: dict) -> list[Flowable]:
        ev, ag, period = snap["evaluation"], snap["agreement"], snap.get("period") or {}
        out: list[Flowable] = [Spacer(1, 1.5 * cm)]
        out.append(self.p(esc(f"{ag.get('kind_label') or _('Convention')} {ag.get('reference') or ''}"),
                          "cover_ref"))
        out.append(self.p(esc(ev.get("title") or ev.get("kind_label") or ""), "cover_title"))
        out.append(self.p(esc(ag.get("title") or ""), "cover_sub"))
        if self.is_draft(snap):
            box = Table([[self.p(esc(_("PROJET")), "draft")],
                         [self.p(esc(_("Document de travail, non validé : les chiffres et les textes peuvent "
                                       "encore changer.")), "draft_note")]],
                        colWidths=[self.frame_width], hAlign="LEFT")
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, DRAFT_RED), ("TOPPADDING", (0, 0), (-1, -1), 6),
                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
            out += [box, Spacer(1, 10)]
        out.append(self.p(esc(self.version_line(snap)), "version"))
        out.append(Spacer(1, 6))
        territories = ", ".join(t["name"] + (f" ({t['qpv_code']})" if t.get("qpv_code") else "")
                                for t in ag.get("territories") or [])
        out.append(self.facts([
            (_("Évaluation"), ev.get("kind_label")),
            (_("Période couverte"), self.period_text(period)),
            (_("Données arrêtées au"), F.day(snap.get("cut_off"))),
            (_("Convention"), _("du %(a)s au %(b)s", a=F.day(ag.get("start_on")), b=F.day(ag.get("end_on")))),
            (_("Territoires"), territories or None),
            (_("Statut"), ev.get("status_label")),
        ]))
        partners = ag.get("partners") or []
        if partners:
            out += [Spacer(1, 10), self.p(esc(_("Partenaires de la convention")), "h3")]
            out.append(self.grid([_("Organisme"), _("Type")],
                                 [[p.get("organisation") or "", p.get("kind_label") or ""] for p in partners], [3, 2]))
        signatories = ag.get("signatories") or []
        if signatories:
            out += [Spacer(1, 8), self.p(esc(_("Signataires")), "h3")]
            out.append(self.grid([_("Organisme"), _("Rôle"), _("Signataire"), _("Signée le")],
                                 [[s.get("organisation") or "", s.get("role_label") or "",
                                   ", ".join(x for x in (s.get("signer_name"), s.get("signer_title")) if x),
                                   F.day(s.get("signed_on"))] for s in signatories], [2.6, 1.4, 2.6, 1.4]))
        return out

    def period_text(self, period: dict) -> str:
        dates = _("du %(a)s au %(b)s", a=F.day(period.get("start")), b=F.day(period.get("end")))
        label = period.get("label")
        return f"{label} ({dates})" if label and label != dates else dates

    # --- indicators ----------------------------------------------------------------------------------

    def of_section(self, *sections: str) -> list[dict]:
        return [i for i in self.indicators if i.get("section") in sections]

    def indicator_table(self, indicators: Sequence[dict], mode: str = "period") -> list[Flowable]:
        """Value, previous period, baseline, target and the gaps, read with the direction.

        mode "period": value, previous, change; baseline, target, gap to the target (annual review).
        mode "baseline": baseline, target, observed value, gap to the target, gap to the baseline (evaluations).
        """
        if not indicators:
            return []
        rows = []
        for ind in indicators:
            unit, direction = ind.get("unit"), ind.get("direction")
            label = esc(ind.get("label") or ind.get("code") or "")
            if ind.get("source") == "manual":
                label += " <font color='#3a3a3a' size='7'>" + esc(_("(saisie)")) + "</font>"
            value = F.value(ind.get("value"), unit)
            to_target = self.gap_cell(ind.get("gap_target"), unit, F.target_status(ind.get("gap_target"), direction))
            if mode == "period":
                rows.append([self.p(label, "cell"), value, F.value(ind.get("previous"), unit),
                             self.gap_cell(ind.get("gap_previous"), unit, F.trend(ind.get("gap_previous"), direction)),
                             F.value(ind.get("baseline"), unit), F.value(ind.get("target"), unit), to_target])
            else:
                from_base = None
                if ind.get("value") is not None and ind.get("baseline") is not None:
                    from_base = ind["value"] - ind["baseline"]
                rows.append([self.p(label, "cell"), F.value(ind.get("baseline"), unit),
                             F.value(ind.get("target"), unit), value, to_target,
                             self.gap_cell(from_base, unit, F.trend(from_base, direction))])
        if mode == "period":
            header = [_("Indicateur"), _("Valeur"), _("Période précédente"), _("Évolution"), _("Référence"),
                      _("Cible"), _("Écart à la cible")]
            widths = [118, 54, 58, 66, 54, 48, 72]
        else:
            header = [_("Indicateur"), _("Référence"), _("Cible"), _("Valeur observée"), _("Écart à la cible"),
                      _("Écart à la référence")]
            widths = [140, 56, 54, 60, 80, 80]
        out: list[Flowable] = [self.grid(header, rows, widths, numeric=range(1, len(header)))]
        notes = []
        for ind in indicators:
            bits = []
            if ind.get("note"):
                bits.append(esc(ind["note"]))
            details = ind.get("details") or {}
            if details:
                bits.append("; ".join(f"{esc(k)} : {esc(F.number(v) if isinstance(v, int | float) else v)}"
                                      for k, v in details.items()))
            if bits:
                notes.append(f"<b>{esc(ind.get('label') or '')}</b> — " + " ; ".join(bits))
        out += [self.p(n, "small") for n in notes]
        return out

    def gap_cell(self, gap: float | None, unit: str | None, reading: str) -> Paragraph | str:
        if gap is None:
            return "—"
        text = esc(F.signed(gap, unit))
        if reading:
            text += f"<br/><font size='7' color='#3a3a3a'>{esc(reading)}</font>"
        return self.p(text, "num")

    def breakdown_blocks(self, indicators: Sequence[dict], *, skip: Iterable[tuple[str, str]] = ()) -> list[Flowable]:
        """Each breakdown of the indicators: a chart (the usual dimensions) and always its figures table."""
        skipped = set(skip)
        out: list[Flowable] = []
        for ind in indicators:
            for dimension, rows in (ind.get("breakdowns") or {}).items():
                if (ind.get("code"), dimension) in skipped or not rows:
                    continue
                out += self.breakdown(ind, dimension, rows)
        return out

    def breakdown(self, ind: dict, dimension: str, rows: Sequence[dict]) -> list[Flowable]:
        unit = ind.get("unit")
        title = f"{ind.get('label')} " + _("par %(dimension)s", dimension=dimension_label(
            dimension, ind.get("section"), ind.get("dimension_labels")))
        items = [(r.get("label") or r.get("key") or "", r.get("value")) for r in rows]
        with_count = any(r.get("count") is not None for r in rows)
        header = [dimension_label(dimension, ind.get("section"), ind.get("dimension_labels")).capitalize(),
                  ind.get("label") or ""]
        if with_count:
            header.append(_("Effectif"))
        table_rows = [[label, F.value(v, unit), *([F.number(r.get("count"))] if with_count else [])]
                      for (label, v), r in zip(items, rows, strict=False)]
        chart: Any = None
        if dimension in CHART_DIMENSIONS and len(rows) >= 2 and any(v for _l, v in items):
            if dimension == "month":
                chart = charts.vbars(items, self.frame_width, lambda v: F.value(v, unit))
            else:
                chart = charts.hbars(items, self.frame_width, lambda v: F.value(v, unit),
                                     maximum=100.0 if unit == "percent" else None)
        return self.chart_block(title, chart, header, table_rows, [3, 1.4, 1] if with_count else [3, 1.4])

    def chart_block(self, title: str, chart: Flowable | list[Flowable] | None, header: Sequence[str],
                    rows: Sequence[Sequence[Any]],
                    widths: Sequence[float], *, numeric: Sequence[int] | None = None) -> list[Flowable]:
        """A chart under its title, then the same figures in a table (narrower when it has few columns)."""
        numeric = range(1, len(header)) if numeric is None else numeric
        fraction = 0.7 if len(header) <= 3 else 1.0
        table = self.grid(header, rows, widths, numeric=numeric, fraction=fraction)
        out: list[Flowable] = []
        if chart:
            parts = chart if isinstance(chart, list) else [chart]
            out.append(KeepTogether([self.p(esc(title), "chart_title"), parts[0], Spacer(1, 4)]))
            out += parts[1:]
            caption = self.p(esc(_("Les chiffres du graphique « %(title)s » :", title=title)), "small")
        else:
            caption = self.p(esc(title), "chart_title")
        if len(rows) <= 12:
            out.append(KeepTogether([caption, table]))
        else:
            out += [caption, table]
        return out + [Spacer(1, 4)]

    def delays_chart(self) -> list[Flowable]:
        """Resolution delays per partner: median and 90th percentile side by side."""
        by_code = {i.get("code"): i for i in self.indicators}
        median = (by_code.get("resolution_days_median") or {}).get("breakdowns", {}).get("partner") or []
        p90 = {r.get("key"): r for r in (by_code.get("resolution_days_p90") or {}).get("breakdowns", {})
               .get("partner") or []}
        if not median:
            return []
        items = [(r.get("label") or "", r.get("value")) for r in median]
        second = [(p90.get(r.get("key")) or {}).get("value") for r in median]
        chart = charts.hbars(items, self.frame_width, F.days, second=second,
                             legend=(_("Délai médian"), _("90ᵉ centile")))
        rows = [[label, F.days(v), F.days(s), F.number(r.get("count"))]
                for (label, v), s, r in zip(items, second, median, strict=False)]
        return self.chart_block(_("Délais de résolution des constats par partenaire (médiane et 90ᵉ centile)"),
                                chart, [_("Partenaire"), _("Délai médian"), _("90ᵉ centile"), _("Constats résolus")],
                                rows, [3, 1.2, 1.2, 1.2])

    def domain(self, section: str, mode: str = "period", *, empty: str | None = None) -> list[Flowable]:
        """The indicators of one report section: their table, then each breakdown (charts and figures)."""
        inds = self.of_section(section)
        if not inds:
            return [self.empty(empty or _("Aucun indicateur n'est disponible pour cette section."))]
        out = self.indicator_table(inds, mode)
        skip: list[tuple[str, str]] = []
        if section == "findings":
            delays = self.delays_chart()
            if delays:
                skip = [("resolution_days_median", "partner"), ("resolution_days_p90", "partner")]
            out += self.breakdown_blocks(inds, skip=skip) + delays
        else:
            out += self.breakdown_blocks(inds)
        return out

    # --- commitments, TFPB, contributions ------------------------------------------------------------

    def commitments(self) -> list[Flowable]:
        items = self.snap.get("commitments") or []
        out = self.indicator_table(self.of_section("commitments"), self.mode)
        if not items:
            return out + [self.empty(_("Aucun engagement n'est enregistré pour cette convention."))]
        out += self.funding_summary(items)
        progress = [(f"{c.get('reference') or ''} {c.get('title') or ''}".strip(), c.get("progress"))
                    for c in items]
        chart = charts.hbars(progress, self.frame_width, F.percent, maximum=100.0, colour=charts.GOOD)
        rows = [[c.get("reference") or "", c.get("title") or "", c.get("partner") or "", c.get("status_label") or "",
                 F.percent(c.get("progress"))] for c in items]
        out += self.chart_block(_("Avancement des engagements"), chart,
                                [_("Réf."), _("Engagement"), _("Partenaire"), _("Statut"), _("Avancement")], rows,
                                [0.7, 3.2, 2, 1.2, 1.1], numeric=(4,))
        out.append(self.p(esc(_("Engagements et moyens mobilisés")), "chart_title"))
        rows = []
        for c in items:
            source = c.get("funding_source_label") or ""
            if c.get("tfpb_axis_label"):
                source += f" ({c['tfpb_axis_label']})"
            what = f"{esc(c.get('title') or '')}<br/><font size='7' color='#3a3a3a'>{esc(c.get('theme') or '')}" \
                   f" — {esc(_('échéance'))} {esc(F.day(c.get('due_on')))}</font>"
            rows.append([c.get("reference") or "", self.p(what, "cell"), c.get("partner") or "", source,
                         F.euros(planned(c)), F.euros(spent(c))])
        out.append(self.grid([_("Réf."), _("Engagement"), _("Partenaire"), _("Financement"), _("Prévu"),
                              _("Dépensé")], rows, [44, 150, 86, 86, 52, 52], numeric=(4, 5)))
        measured = [c for c in items if c.get("indicator_label")]
        if measured:
            out.append(self.p(esc(_("Indicateurs des engagements")), "chart_title"))
            out.append(self.grid(
                [_("Réf."), _("Indicateur"), _("Référence"), _("Cible"), _("Valeur observée")],
                [[c.get("reference") or "", c.get("indicator_label") + (f" ({c['indicator_unit']})"
                                                                          if c.get("indicator_unit") else ""),
                  F.number(c.get("indicator_baseline")), F.number(c.get("indicator_target")),
                  F.number(c.get("indicator_value"))] for c in measured], [0.7, 3.5, 1.2, 1.2, 1.4],
                numeric=(2, 3, 4)))
        return out

    def funding_summary(self, items: Sequence[dict]) -> list[Flowable]:
        """Planned and spent by funding source, always apart (GUIDE §3.2)."""
        totals: dict[str, list[float]] = {}
        for c in items:
            key = c.get("funding_source_label") or c.get("funding_source") or _("Non précisé")
            row = totals.setdefault(key, [0.0, 0.0, 0.0, 0.0, 0])
            row[0] += c.get("planned_investment") or 0
            row[1] += c.get("planned_operating") or 0
            row[2] += (c.get("investment_spent") or 0) + (c.get("operating_spent") or 0)
            row[4] += 1
        rows = [[k, str(v[4]), F.euros(v[0]), F.euros(v[1]), F.euros(v[2]),
                 F.percent(100 * v[2] / (v[0] + v[1])) if v[0] + v[1] else "—"] for k, v in totals.items()]
        all_planned = sum(v[0] + v[1] for v in totals.values())
        all_spent = sum(v[2] for v in totals.values())
        rows.append([_("Total"), str(len(items)), F.euros(sum(v[0] for v in totals.values())),
                     F.euros(sum(v[1] for v in totals.values())), F.euros(all_spent),
                     F.percent(100 * all_spent / all_planned) if all_planned else "—"])
        chart = charts.hbars([(r[0], (v[2] / (v[0] + v[1]) * 100) if v[0] + v[1] else None)
                              for r, v in zip(rows, totals.values(), strict=False)],
                             self.frame_width, F.percent, maximum=100.0)
        return self.chart_block(_("Moyens mobilisés par source de financement (taux d'exécution)"), chart,
                                [_("Source de financement"), _("Nombre"), _("Investissement prévu"),
                                 _("Fonctionnement prévu"), _("Dépensé"), _("Exécution")], rows,
                                [2.4, 0.8, 1.5, 1.5, 1.3, 1.0])

    def tfpb(self, *, with_indicators: bool = True) -> list[Flowable]:
        providers = self.snap.get("tfpb") or []
        out = self.indicator_table(self.of_section("tfpb"), self.mode) if with_indicators else []
        if not providers:
            return out + [self.empty(_("Aucune donnée d'abattement de TFPB n'est enregistrée pour cette période."))]
        rows = [[t.get("organisation") or "", str(t.get("year") or ""), F.number(t.get("dwellings")),
                 F.euros(t.get("abatement_amount")), F.euros(t.get("valued_amount")), F.ratio(t.get("coverage_ratio")),
                 F.euros(t.get("per_dwelling"))] for t in providers]
        out.append(self.p(esc(_("Bilan par bailleur")), "chart_title"))
        out.append(self.grid([_("Bailleur"), _("Année"), _("Logements en QPV"), _("Abattement"), _("Valorisé"),
                              _("Valorisé / abattement"), _("Par logement")], rows,
                             [2.2, 0.8, 1.3, 1.4, 1.3, 1.3, 1.1], numeric=range(1, 7)))
        years = {t.get("year") for t in providers}
        for t in providers:
            if len(years) > 1:  # a mid-term or final evaluation covers several TFPB years
                out += self.subheading(_("TFPB %(year)s : %(org)s", year=t.get("year"),
                                         org=t.get("organisation") or ""))
            else:
                out += self.subheading(_("TFPB : %(org)s", org=t.get("organisation") or ""))
            out += self.tfpb_provider(t)
        return out

    def tfpb_provider(self, t: dict) -> list[Flowable]:
        out: list[Flowable] = []
        axes = t.get("by_axis") or []
        if axes:
            items = [(a.get("label") or a.get("code") or "", a.get("amount")) for a in axes]
            chart = charts.hbars(items, self.frame_width, F.euros)
            out += self.chart_block(_("Montants valorisés par axe — %(org)s", org=t.get("organisation") or ""),
                                    chart, [_("Axe"), _("Montant valorisé")],
                                    [[label, F.euros(v)] for label, v in items], [3, 1.2])
        hoods = t.get("by_neighbourhood") or []
        if hoods:
            out.append(self.p(esc(_("Par quartier")), "chart_title"))
            out.append(self.grid([_("Quartier"), _("Code QPV"), _("Abattement"), _("Valorisé")],
                                 [[h.get("name") or "", h.get("qpv_code") or "—", F.euros(h.get("abatement_amount")),
                                   F.euros(h.get("amount"))] for h in hoods], [2.6, 1.2, 1.3, 1.3], numeric=(2, 3)))
        out += self.tfpb_actions(t)
        return out

    def tfpb_actions(self, t: dict) -> list[Flowable]:
        actions = t.get("actions") or []
        if not actions:
            return [self.empty(_("Aucune action financée par l'abattement n'est détaillée pour ce bailleur."))]
        rows = [[a.get("axis_label") or "", a.get("neighbourhood") or "", a.get("title") or "",
                 F.euros(a.get("amount"))] for a in sorted(actions, key=lambda a: a.get("axis_label") or "")]
        rows.append([_("Total"), "", "", F.euros(sum(a.get("amount") or 0 for a in actions))])
        return [self.p(esc(_("Actions financées par l'abattement, par axe")), "chart_title"),
                self.grid([_("Axe"), _("Quartier"), _("Action"), _("Montant")], rows, [2.2, 1.3, 3.2, 1.1],
                          numeric=(3,), total=True)]

    def contributions(self) -> list[Flowable]:
        """Each partner's own subsection: its text; a housing provider adds its TFPB actions by axis."""
        contributions = {c.get("organisation"): c for c in self.snap.get("contributions") or []}
        tfpb = {t.get("organisation"): t for t in self.snap.get("tfpb") or []}
        partners = [(p.get("organisation"), p.get("kind_label")) for p in self.snap["agreement"].get("partners") or []]
        names = {n for n, _k in partners}
        partners += [(c.get("organisation"), c.get("kind_label")) for c in self.snap.get("contributions") or []
                     if c.get("organisation") not in names]
        out: list[Flowable] = []
        for name, _kind in partners:
            out += self.subheading(contribution_title(name or ""))
            c = contributions.get(name)
            if c and (c.get("text") or "").strip():
                out += self.paragraphs(c.get("text"))
                when = F.moment(c.get("submitted_at"))
                if when:
                    out.append(self.p(esc(_("Contribution transmise le %(d)s", d=F.fmt_date(when))), "small"))
            else:
                out.append(self.p(esc(_("Contribution non transmise.")), "todo" if self.draft else "empty"))
            if name in tfpb:
                out += self.tfpb_actions(tfpb[name])
        return out

    # --- participation, agreement, annexes ---------------------------------------------------------------

    def participation(self, mode: str | None = None) -> list[Flowable]:
        inds = self.of_section("participation")
        out = self.indicator_table(inds, mode or self.mode) + self.breakdown_blocks(inds)
        codes = {i.get("code") or "" for i in inds}
        if not any(c.startswith("relays") for c in codes):
            out.append(self.empty(_("Aucun habitant relais n'est encore suivi dans gup pour cette convention.")))
        if not any(c.startswith("pb_") for c in codes):
            out.append(self.empty(_("Aucun budget participatif n'est encore suivi dans gup pour cette convention.")))
        return out

    def agreement_recap(self, *, objectives: bool = True) -> list[Flowable]:
        ag = self.snap["agreement"]
        out: list[Flowable] = [self.facts([
            (_("Référence"), ag.get("reference")), (_("Intitulé"), ag.get("title")), (_("Type"), ag.get("kind_label")),
            (_("Durée"), _("du %(a)s au %(b)s", a=F.day(ag.get("start_on")), b=F.day(ag.get("end_on")))),
            (_("Mi-parcours"), F.day(ag.get("midterm_on")) if ag.get("midterm_on") else None),
            (_("Contrat de ville"), ag.get("city_contract")),
            (_("Convention de renouvellement urbain"), ag.get("renewal_agreement")),
            (_("Statut"), ag.get("status_label"))])]
        territories = ag.get("territories") or []
        if territories:
            out.append(self.p(esc(_("Périmètre")), "chart_title"))
            out.append(self.grid([_("Territoire"), _("Type"), _("Code QPV")],
                                 [[t.get("name") or "", t.get("kind_label") or "", t.get("qpv_code") or "—"]
                                  for t in territories], [2.5, 2.5, 1.2]))
        signatories = ag.get("signatories") or []
        if signatories:
            out.append(self.p(esc(_("Signataires")), "chart_title"))
            out.append(self.grid([_("Organisme"), _("Rôle"), _("Signataire"), _("Signée le")],
                                 [[s.get("organisation") or "", s.get("role_label") or "",
                                   ", ".join(x for x in (s.get("signer_name"), s.get("signer_title")) if x),
                                   F.day(s.get("signed_on"))] for s in signatories], [2.6, 1.4, 2.6, 1.4]))
        if objectives:
            out.append(self.p(esc(_("Objectifs : thématiques de la convention")), "chart_title"))
            themes = ag.get("themes") or []
            out.append(self.p(esc(", ".join(themes)) if themes else esc(_("Aucune thématique n'est enregistrée.")),
                              "body"))
            targeted = [i for i in self.indicators if i.get("target") is not None or i.get("baseline") is not None]
            if targeted:
                out.append(self.p(esc(_("Indicateurs dotés d'une valeur de référence ou d'une cible")),
                                  "chart_title"))
                out.append(self.grid([_("Indicateur"), _("Référence"), _("Cible")],
                                     [[i.get("label") or "", F.value(i.get("baseline"), i.get("unit")),
                                       F.value(i.get("target"), i.get("unit"))] for i in targeted], [4, 1.3, 1.3],
                                     numeric=(1, 2)))
        out.append(self.p(esc(_("Avenants")), "chart_title"))
        amendments = ag.get("amendments") or []
        if amendments:
            out.append(self.grid([_("N°"), _("Signé le"), _("Objet"), _("Nouvelle fin")],
                                 [[str(a.get("number") or ""), F.day(a.get("signed_on")), a.get("subject") or "",
                                   F.day(a.get("new_end_on")) if a.get("new_end_on") else "—"] for a in amendments],
                                 [0.5, 1.4, 4, 1.4]))
        else:
            out.append(self.empty(_("La convention n'a fait l'objet d'aucun avenant.")))
        return out

    def method_notes(self) -> list[Flowable]:
        """How each indicator is computed (its description) and where it comes from."""
        if not self.indicators:
            return []
        rows = [[i.get("label") or i.get("code") or "", i.get("description") or "—",
                 _("saisi par les partenaires") if i.get("source") == "manual" else _("calculé par gup")]
                for i in self.indicators]
        return [self.p(esc(_("Définition des indicateurs")), "chart_title"),
                self.grid([_("Indicateur"), _("Définition"), _("Source")], rows, [2.2, 4, 1.4])]

    def all_indicators(self, mode: str | None = None) -> list[Flowable]:
        out: list[Flowable] = []
        for section in SECTION_ORDER:
            inds = self.of_section(section)
            if inds:
                out.append(self.p(esc(str(SECTION_TITLES[section])), "h3"))
                out += self.indicator_table(inds, mode or self.mode)
        if not out:
            out.append(self.empty(_("Aucun indicateur n'a été calculé pour cette évaluation.")))
        return out

    def annexes(self, *, maps: bool = False, indicator_tables: bool = True, method: bool = True) -> list[Flowable]:
        """The indicator tables (unless a section already holds them all), their definitions, every annex table."""
        out: list[Flowable] = []
        if indicator_tables:
            out += [self.heading(_("Tableaux d'indicateurs"), 1), *self.all_indicators()]
        if method:
            out += self.method_notes()
        for annex in self.snap.get("annexes") or []:
            out += self.subheading(annex.get("label") or annex.get("code") or "")
            out += self.annex_table(annex)
        if maps:
            out += self.subheading(_("Cartes"))
            out.append(self.empty(_("Les cartes ne sont pas reproduites dans ce document : elles sont consultables "
                                    "dans gup, sur la page de la convention.")))
        return out

    def annex_table(self, annex: dict) -> list[Flowable]:
        """Every row, in tables of 100 rows (linear build time); text wraps only where it would overflow."""
        columns = annex.get("columns") or []
        rows = annex.get("rows") or []
        if not columns:
            return []
        if not rows:
            return [self.empty(_("Aucune ligne pour cette période."))]
        kinds = [c.get("kind") or "text" for c in columns]
        keys = [c.get("key") for c in columns]
        widths = self.annex_widths(columns, rows[:200])
        limits = [w - 5 for w in widths]
        width_of = text_width_function(FONT, ANNEX_FONT)
        shown: dict[tuple, str] = {}  # (column, type, value) → cell text: themes, partners, dates, statuses repeat

        def cell(j: int, raw: Any) -> str:
            # plain strings, wrapped by hand where they would overflow: a Paragraph per cell costs 5× more
            key = (j, raw.__class__, raw)
            try:
                return shown[key]
            except KeyError:
                pass
            except TypeError:  # an unhashable value: not remembered
                key = None
            text = F.cell_value(raw, kinds[j])
            if width_of(text) > limits[j]:
                text = "\n".join(fit_lines(text, limits[j]))
            if key is not None:
                shown[key] = text
            return text

        # the header, repeated on every page, as wrapped bold strings too (a Paragraph is wrapped again each time)
        header = ["\n".join(fit_lines(str(c.get("label") or ""), limit, FONT_BOLD)) for c, limit in zip(
            columns, limits, strict=True)]
        # the cells' font, colour, padding and alignment are the same in every row of every chunk: one CellStyle
        # per column shared by all rows (a TableStyle command is applied to each cell of each Table, again)
        head_styles = [annex_cell_style("LEFT", FONT_BOLD) for _c in columns]
        body_styles = [annex_cell_style("RIGHT" if k in ("number", "euros", "percent") else "LEFT") for k in kinds]
        style = TableStyle([
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ])
        out: list[Flowable] = [self.p(esc(_("%(n)s lignes.", n=F.number(len(rows)))), "small")]
        columns_at = list(enumerate(keys))
        for start in range(0, len(rows), ANNEX_ROWS_PER_TABLE):
            chunk = [[cell(j, r.get(k)) for j, k in columns_at] for r in rows[start:start + ANNEX_ROWS_PER_TABLE]]
            out.append(Table([header, *chunk], colWidths=widths, repeatRows=1, style=style, hAlign="LEFT",
                             cellStyles=[head_styles, *[body_styles] * len(chunk)]))
        return out

    def annex_widths(self, columns: Sequence[dict], sample: Sequence[dict]) -> list[float]:
        """The columns' relative widths over the frame, each at least as wide as its header's longest word and
        (dates, numbers) as its widest sampled figure; text columns give up the difference."""
        total = sum(c.get("width") or 1.0 for c in columns)
        widths = [(c.get("width") or 1.0) * self.frame_width / total for c in columns]
        minimum = []
        for c in columns:
            words = str(c.get("label") or "").split() or [""]
            need = max(stringWidth(w, FONT_BOLD, ANNEX_FONT) for w in words)
            if (c.get("kind") or "text") != "text":
                need = max([need, *(stringWidth(F.cell_value(r.get(c.get("key")), c.get("kind")), FONT, ANNEX_FONT)
                                    for r in sample)])
            else:  # a text column is at least as wide as its longest word (a reference, « Dysfonctionnement »),
                # up to a fifth of the frame: longer words are cut (fit_lines)
                words = (w for r in sample for w in F.cell_value(r.get(c.get("key")), "text").split())
                need = max(need, min(max((stringWidth(w, FONT, ANNEX_FONT) for w in words), default=0.0),
                                     self.frame_width / 5))
            minimum.append(need + 6)
        short = sum(max(0.0, m - w) for m, w in zip(minimum, widths, strict=False))
        spare = sum(max(0.0, w - m) for m, w in zip(minimum, widths, strict=False))
        if short and spare:
            ratio = min(1.0, short / spare)
            widths = [m if w < m else w - (w - m) * ratio for m, w in zip(minimum, widths, strict=False)]
        return widths

    @property
    def mode(self) -> str:
        return "period"


def annex_cell_style(alignment: str, font: str = FONT) -> CellStyle:
    """An annex cell: DejaVu Sans 7.5 pt, ink, top-aligned, tight padding."""
    style = CellStyle("annex")
    style.fontname, style.fontsize, style.leading = font, ANNEX_FONT, ANNEX_FONT + 1.5
    style.color, style.valign, style.alignment = INK, "TOP", alignment
    style.topPadding = style.bottomPadding = 1.5
    style.leftPadding = style.rightPadding = 2.5
    return style


def text_width_function(font: str, size: float) -> Callable[[str], float]:
    """stringWidth(text, font, size) of a TrueType font, the same figure computed in C loops (map) rather than a
    Python generator: annexes measure every cell."""
    face = getFont(font).face
    widths, default = face.charWidths.get, face.defaultWidth

    def width(text: str) -> float:
        return 0.001 * size * sum(map(widths, map(ord, text), repeat(default)))

    return width


def fit_lines(text: str, limit: float, font: str = FONT, size: float = ANNEX_FONT) -> list[str]:
    """Lines of text no wider than limit: wrapped at spaces, and a word wider than the column cut where it fills
    a line (a cell never spills over its neighbour)."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, limit):
        while stringWidth(line, font, size) > limit and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > limit:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def contribution_title(organisation: str) -> str:
    """« Contribution de Logis du Val », « Contribution d'Habitat Nord » (elision before a vowel or h)."""
    if organisation[:1].lower() in "aeiouyhàâéèêëîïôöûüœ" and organisation[:1]:
        return _("Contribution d'%(org)s", org=organisation)
    return _("Contribution de %(org)s", org=organisation)


def planned(c: dict) -> float:
    return (c.get("planned_investment") or 0) + (c.get("planned_operating") or 0)


def spent(c: dict) -> float:
    return (c.get("investment_spent") or 0) + (c.get("operating_spent") or 0)


def sections_block(*parts: Callable[[], list[Flowable]]) -> list[Flowable]:
    out: list[Flowable] = []
    for part in parts:
        out += part()
    return out
