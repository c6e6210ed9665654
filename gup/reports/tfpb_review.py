"""TfpbReviewPdf: a housing provider's annual review of its TFPB abatement (GUIDE §3.3), built from the dict of
`gup.tfpb.queries.review` (the evaluation snapshot's "tfpb" item), plus the agreement's reference and title."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Table, TableStyle

from gup.i18n import fmt_money, fmt_number
from gup.reports.base import FONT_BOLD, BasePdf, esc


def _money(value: float | None) -> str:
    return fmt_money(value) if value is not None else "—"


def _percent(ratio: float | None) -> str:
    return f"{fmt_number(round(ratio * 100, 1))} %" if ratio is not None else "—"


class TfpbReviewPdf(BasePdf):
    """Bilan annuel de l'abattement de TFPB: totals, by axis, by neighbourhood, the actions valued.

    `data` is {"review": <tfpb item>, "agreement": "<reference> — <title>", "today": date}."""

    def document_title(self, data: dict[str, Any]) -> str:
        review = data["review"]
        return _("Bilan de l'abattement de TFPB %(year)s — %(provider)s", year=review["year"],
                 provider=review["organisation"])

    def footer(self, data: dict[str, Any]) -> str:
        text = self.document_title(data)
        return text if len(text) <= 95 else text[:94] + "…"

    def story(self, data: dict[str, Any]) -> list[Flowable]:
        review = data["review"]
        story = self.title_block(_("Bilan annuel de l'abattement de TFPB"), review["organisation"], [
            self._fact(_("Bailleur"), review["organisation"]),
            self._fact(_("Convention"), data["agreement"]),
            self._fact(_("Année"), str(review["year"])),
        ], data.get("today") or date.today())
        story += self._totals(review)
        story += self._by_axis(review)
        story += self._by_neighbourhood(review)
        story += self._actions(review)
        return story

    def _fact(self, label: str, value: str | None) -> str:
        return f"<b>{esc(label)} :</b> {esc(value) if value else '—'}"

    def _right_table(self, header: list[str], rows: list[list[Any]], widths: list[float], total: bool) -> Table:
        table = Table([header, *rows], colWidths=widths, hAlign="LEFT", style=self.table_style(), repeatRows=1)
        table.setStyle(TableStyle([("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
        if total:
            table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5)]))
        return table

    def _totals(self, review: dict[str, Any]) -> list[Flowable]:
        rows = [[_("Montant valorisé"), _money(review["valued_amount"])],
                [_("Abattement reçu"), _money(review["abatement_amount"])],
                [_("Taux de couverture (valorisé ÷ abattement)"), _percent(review["coverage_ratio"])],
                [_("Logements dans les QPV"), fmt_number(review["dwellings"])],
                [_("Montant valorisé par logement"), _money(review["per_dwelling"])]]
        return [self.p(esc(_("Synthèse")), "h1"),
                self._right_table([_("Indicateur"), _("Valeur")], rows, [10 * cm, 5 * cm], total=False)]

    def _by_axis(self, review: dict[str, Any]) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Montants valorisés par axe")), "h1")]
        if not review["by_axis"]:
            return [*out, self.p(esc(_("Aucune action valorisée cette année.")))]
        rows = [[self.p(esc(r["label"]), "cell"), _money(r["amount"])] for r in review["by_axis"]]
        rows.append([_("Total"), _money(review["valued_amount"])])
        out.append(self._right_table([_("Axe TFPB"), _("Montant valorisé")], rows,
                                     [self.frame_width - 4 * cm, 4 * cm], total=True))
        return out

    def _by_neighbourhood(self, review: dict[str, Any]) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Par quartier prioritaire")), "h1")]
        if not review["by_neighbourhood"]:
            return [*out, self.p(esc(_("Aucune donnée.")))]
        rows = [[self.p(esc(r["name"]), "cell"), r["qpv_code"] or "", _money(r["amount"]),
                 _money(r["abatement_amount"])] for r in review["by_neighbourhood"]]
        widths = [None, 2.8 * cm, 3.6 * cm, 3.6 * cm]
        widths[0] = self.frame_width - sum(w for w in widths if w)
        out.append(self._right_table([_("Quartier (QPV)"), _("Code QPV"), _("Montant valorisé"),
                                      _("Abattement reçu")], rows, widths, total=False))
        return out

    def _actions(self, review: dict[str, Any]) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Actions valorisées")), "h1")]
        if not review["actions"]:
            return [*out, self.p(esc(_("Aucune action valorisée cette année.")))]
        header = [_("Axe TFPB"), _("Quartier (QPV)"), _("Intitulé"), _("Montant")]
        rows = [[self.p(esc(a["axis_label"]), "cell"), self.p(esc(a["neighbourhood"]), "cell"),
                 self.p(esc(a["title"]), "cell"), _money(a["amount"])] for a in review["actions"]]
        widths = [4.2 * cm, 3.2 * cm, None, 2.8 * cm]
        widths[2] = self.frame_width - sum(w for w in widths if w)
        for table in self.paged_tables(header, rows, widths):
            table.setStyle(TableStyle([("ALIGN", (3, 0), (3, -1), "RIGHT")]))
            out.append(table)
        return out
