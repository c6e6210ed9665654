"""Every indicator table of a report as CSV (gup.csv_file: UTF-8 with BOM, « ; », defused text cells)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

from flask_babel import gettext as _

from gup.csv_file import Number, csv_text
from gup.evaluations.pdf.document import dimension_label, planned, spent


def _num(value: Any) -> Any:
    """Numbers written as numbers with a decimal comma (never defused); other values as they are."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return Number(text.replace(".", ","))
    return value


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def indicator_tables_csv(snap: dict) -> dict[str, str]:
    """File name → CSV text: the indicators (value, previous, baseline, target, gaps), each breakdown, the
    commitments, the TFPB review by provider and axis, and every annex table."""
    files: dict[str, str] = {}
    indicators = snap.get("indicators") or []
    files["indicateurs.csv"] = csv_text(
        [_("Code"), _("Indicateur"), _("Section"), _("Unité"), _("Sens"), _("Source"), _("Valeur"),
         _("Période précédente"), _("Référence"), _("Cible"), _("Écart à la cible"), _("Écart à la période précédente"),
         _("Note")],
        [[i.get("code"), i.get("label"), i.get("section"), i.get("unit"), i.get("direction"), i.get("source"),
          _num(i.get("value")), _num(i.get("previous")), _num(i.get("baseline")), _num(i.get("target")),
          _num(i.get("gap_target")), _num(i.get("gap_previous")), i.get("note")] for i in indicators])
    for i in indicators:
        for dimension, rows in (i.get("breakdowns") or {}).items():
            name = f"indicateur-{_slug(i.get('code') or '')}-par-{_slug(dimension)}.csv"
            named = dimension_label(dimension, i.get("section"), i.get("dimension_labels")).capitalize()
            files[name] = csv_text(
                [_("Clé"), named, i.get("label") or _("Valeur"), _("Effectif")],
                [[r.get("key"), r.get("label"), _num(r.get("value")), _num(r.get("count"))] for r in rows])
    commitments = snap.get("commitments") or []
    if commitments:
        files["engagements.csv"] = csv_text(
            [_("Réf."), _("Engagement"), _("Partenaire"), _("Thématique"), _("Source de financement"), _("Axe TFPB"),
             _("Statut"), _("Avancement (%)"), _("Échéance"), _("Investissement prévu"), _("Fonctionnement prévu"),
             _("Investissement dépensé"), _("Fonctionnement dépensé"), _("Total prévu"), _("Total dépensé")],
            [[c.get("reference"), c.get("title"), c.get("partner"), c.get("theme"), c.get("funding_source_label"),
              c.get("tfpb_axis_label"), c.get("status_label"), _num(c.get("progress")), c.get("due_on"),
              _num(c.get("planned_investment")), _num(c.get("planned_operating")), _num(c.get("investment_spent")),
              _num(c.get("operating_spent")), _num(float(planned(c))), _num(float(spent(c)))] for c in commitments])
    tfpb = snap.get("tfpb") or []
    if tfpb:
        files["tfpb-par-bailleur.csv"] = csv_text(
            [_("Bailleur"), _("Année"), _("Logements en QPV"), _("Abattement"), _("Valorisé"),
             _("Valorisé / abattement"), _("Par logement")],
            [[t.get("organisation"), t.get("year"), t.get("dwellings"), _num(t.get("abatement_amount")),
              _num(t.get("valued_amount")), _num(t.get("coverage_ratio")), _num(t.get("per_dwelling"))] for t in tfpb])
        files["tfpb-par-axe.csv"] = csv_text(
            [_("Bailleur"), _("Code"), _("Axe"), _("Montant valorisé")],
            [[t.get("organisation"), a.get("code"), a.get("label"), _num(a.get("amount"))]
             for t in tfpb for a in t.get("by_axis") or []])
        files["tfpb-par-quartier.csv"] = csv_text(
            [_("Bailleur"), _("Quartier"), _("Code QPV"), _("Abattement"), _("Valorisé")],
            [[t.get("organisation"), h.get("name"), h.get("qpv_code"), _num(h.get("abatement_amount")),
              _num(h.get("amount"))] for t in tfpb for h in t.get("by_neighbourhood") or []])
        files["tfpb-actions.csv"] = csv_text(
            [_("Bailleur"), _("Axe"), _("Quartier"), _("Action"), _("Montant")],
            [[t.get("organisation"), a.get("axis_label"), a.get("neighbourhood"), a.get("title"),
              _num(a.get("amount"))] for t in tfpb for a in t.get("actions") or []])
    for annex in snap.get("annexes") or []:
        columns = annex.get("columns") or []
        files[f"annexe-{_slug(annex.get('code') or '')}.csv"] = csv_text(
            [c.get("label") for c in columns],
            [[_num(r.get(c.get("key"))) for c in columns] for r in annex.get("rows") or []])
    return files


def indicator_tables_zip(snap: dict) -> bytes:
    """The same CSV files in one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in indicator_tables_csv(snap).items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
