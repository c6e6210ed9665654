"""The evaluation PDF reports, built from snapshot dicts only: outlines, French figures, pages, empty sections."""

from __future__ import annotations

import copy
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from gup.evaluations.pdf import (
    AnnualReviewPdf,
    CommitmentsMatrixPdf,
    FinalEvaluationPdf,
    MidtermEvaluationPdf,
    build_commitments_matrix,
    build_report,
    build_tfpb_review,
)
from gup.evaluations.pdf import fmt as F
from gup.evaluations.pdf.document import contribution_title
from tests.evaluations_pdf.sample import sample_snapshot

OUTLINES = {"annual": (AnnualReviewPdf, 12), "midterm": (MidtermEvaluationPdf, 10), "final": (FinalEvaluationPdf, 11)}


def pages_of(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace (French narrow no-break spaces included) folded to single spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


@pytest.fixture
def ctx(app_ctx):
    return app_ctx


@pytest.mark.parametrize("kind", ["annual", "midterm", "final"])
def test_every_outline_heading_is_in_the_body_and_the_table_of_contents(ctx, kind):
    builder, count = OUTLINES[kind]
    assert len(builder.outline) == count
    pdf = build_report(sample_snapshot(kind))
    pages = pages_of(pdf)
    toc, body = pages[1], " ".join(pages[2:])
    assert toc.startswith("Sommaire")
    for number, (title, _method) in enumerate(builder.outline, start=1):
        heading = flat(f"{number}. {title}")
        assert heading in body, heading
        # the table of contents lists it with its page number
        assert re.search(re.escape(heading) + r"[ .]*\d+", toc), heading
    # headings come in the outline's order
    positions = [body.index(flat(f"{n}. {t}")) for n, (t, _m) in enumerate(builder.outline, start=1)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("kind", ["annual", "midterm", "final"])
def test_page_x_of_y_on_every_page(ctx, kind):
    pages = pages_of(build_report(sample_snapshot(kind)))
    total = len(pages)
    assert total > 5
    for number, text in enumerate(pages, start=1):
        assert f"page {number} / {total}" in text


def test_annual_cover_figures_and_directions_in_french(ctx):
    snap = sample_snapshot("annual")
    pages = pages_of(build_report(snap))
    cover, text = pages[0], " ".join(pages)
    assert "Bilan annuel 2025" in cover and "GUP-2023-NORD" in cover
    assert "Version 2 — figée le 15 janvier 2026" in cover
    assert "PROJET" not in text
    for partner in ("Habitat Nord", "Logis du Val", "Agglomération du Grand Val", "Préfecture du Val"):
        assert partner in cover
    assert "du 1er janvier 2025 au 31 décembre 2025" in cover
    # figures formatted in French: thousands separator, euros without cents, decimal comma, days, percent
    assert "305 000 €" in text and "280 000 €" in text and "+25 000 €" in text
    assert "12,5 jours" in text and "71,4 %" in text and "0,92" in text
    # directions read correctly: a shorter delay is better, a lower resolution rate is worse
    table = text[text.index("6. Constats"):]
    assert re.search(r"Délai médian de résolution 12,5 jours 15 jours −2,5 j en amélioration", table)
    assert re.search(r"Taux de résolution 71,4 % 74 % −2,6 pts en recul", table)
    assert re.search(r"Actions en retard 14 9 \+5 en recul", text)
    assert re.search(r"Constats enregistrés 60 48 \+12 en hausse", text)   # a volume: neither better nor worse
    # every partner has its own subsection; a housing provider's TFPB actions by axis with amounts
    for partner in ("Ville de Villeneuve-sur-Lot", "Habitat Nord", "Logis du Val", "Agglomération du Grand Val"):
        assert contribution_title(partner) in text
    assert "Nous avons recruté deux gardiens supplémentaires." in text
    assert "Contribution non transmise." in text
    body = " ".join(pages[2:])
    assert "Contribution d'Habitat Nord" in body and "Contribution d'Agglomération du Grand Val" in body
    contribution = body[body.index("Contribution d'Habitat Nord"):body.index("Contribution de Logis du Val")]
    assert "Actions financées par l'abattement, par axe" in contribution and "189 000 €" in contribution
    # participation arrives later: one sentence each
    assert "Aucun habitant relais n'est encore suivi dans gup pour cette convention." in text
    assert "Aucun budget participatif n'est encore suivi dans gup pour cette convention." in text


def test_charts_come_with_their_figures(ctx):
    text = " ".join(pages_of(build_report(sample_snapshot("annual"))))
    for title in ("Constats enregistrés par thématique", "Constats enregistrés par partenaire",
                  "Délais de résolution des constats par partenaire (médiane et 90ᵉ centile)",
                  "Signalements reçus par mois", "Avancement des engagements"):
        assert title in text
        assert f"Les chiffres du graphique « {title} »" in text


def test_annexes_list_every_row(ctx):
    snap = sample_snapshot("annual", findings=250, actions=120, reports=80)
    text = " ".join(pages_of(build_report(snap))[2:])
    annexes = text[text.index("12. Annexes"):]
    for annex in snap["annexes"]:
        assert f"{len(annex['rows'])} lignes." in annexes
        for row in annex["rows"]:
            assert re.search(rf"\b{row['reference']}\b", annexes), row["reference"]


def test_draft_shows_projet_and_the_sections_to_write(ctx):
    snap = sample_snapshot("midterm", status="in_preparation", tfpb=False, sections=False, contributions=False)
    pages = pages_of(build_report(snap))
    assert "PROJET" in pages[0] and "Projet du 15 janvier 2026" in pages[0] and "Version" not in pages[0]
    assert all("PROJET — document de travail non validé" in p for p in pages)
    text = " ".join(pages)
    assert "figée le" not in text
    assert text.count("Section à rédiger par la coordination.") >= 5
    assert "Contribution non transmise." in text


def test_frozen_report_without_texts_does_not_ask_for_them(ctx):
    text = " ".join(pages_of(build_report(sample_snapshot("annual", sections=False))))
    assert "Section à rédiger par la coordination." not in text
    assert "Aucun commentaire n'a été rédigé pour cette section." in text


def test_empty_tfpb_says_so(ctx):
    text = " ".join(pages_of(build_report(sample_snapshot("annual", tfpb=False)))[2:])
    section = text[text.index("10. Abattement de TFPB"):text.index("11. Difficultés")]
    assert "Aucune donnée d'abattement de TFPB n'est enregistrée pour cette période." in section


def test_nothing_absent_from_the_snapshot_is_invented(ctx):
    """A bare snapshot (no indicator, commitment, annex, text) renders, and prints no figure of its own."""
    full = sample_snapshot("annual")
    bare = {key: copy.deepcopy(full[key]) for key in ("evaluation", "period", "agreement")}
    bare["agreement"] = {"reference": "GUP-X", "title": "Convention X"}
    text = " ".join(pages_of(build_report(bare)))
    assert "GUP-X" in text
    for label in [i["label"] for i in full["indicators"]] + ["Habitat Nord", "Propreté", "E-01", "C-1 "]:
        assert label not in text, label
    assert not re.search(r"\d+ €", text)           # no amount at all
    assert "Aucun constat n'est enregistré pour cette période." in text
    assert "Version 2 — figée" in text and "figée le —" not in text
    assert "Aucun engagement n'est enregistré pour cette convention." in text
    # a partner's figure removed from the snapshot disappears from the report
    snap = sample_snapshot("annual")
    snap["indicators"] = [i for i in snap["indicators"] if i["code"] != "tfpb_valued_amount"]
    assert "Montant TFPB valorisé" not in " ".join(pages_of(build_report(snap)))


def test_unknown_kind_is_refused(ctx):
    snap = sample_snapshot("annual")
    snap["evaluation"]["kind"] = "weekly"
    with pytest.raises(ValueError, match="unknown evaluation kind"):
        build_report(snap)


def test_commitments_matrix_adds_up_planned_and_spent(ctx):
    snap = sample_snapshot("annual")
    pages = pages_of(build_commitments_matrix(snap))
    text = " ".join(pages)
    assert len(CommitmentsMatrixPdf.outline) == 3
    assert "Matrice des engagements" in text and f"page 1 / {len(pages)}" in text
    planned = sum(c["planned_investment"] + c["planned_operating"] for c in snap["commitments"])
    spent = sum(c["investment_spent"] + c["operating_spent"] for c in snap["commitments"])
    assert flat(F.euros(planned)) in text and flat(F.euros(spent)) in text
    for source in {c["funding_source_label"] for c in snap["commitments"]}:
        assert source in text
    habitat = [c for c in snap["commitments"] if c["partner"] == "Habitat Nord"]
    row = text[text.index("Habitat Nord"):]
    total = sum(c["planned_investment"] + c["planned_operating"] for c in habitat)
    assert flat(F.euros(total)) in row.split("Logis du Val")[0]


def test_fmt_directions_and_french_formats(ctx):
    assert F.trend(-2.5, "lower") == "en amélioration" and F.trend(2.5, "lower") == "en recul"
    assert F.trend(3, "higher") == "en amélioration" and F.trend(-3, "higher") == "en recul"
    assert F.trend(3, "neutral") == "en hausse" and F.trend(0, "higher") == "stable" and F.trend(None, "x") == ""
    assert F.target_status(-1, "lower") == "cible atteinte" and F.target_status(1, "lower") == "cible non atteinte"
    assert F.target_status(0, "higher") == "cible atteinte" and F.target_status(-0.5, "higher") == "cible non atteinte"
    assert flat(F.euros(12500.4)) == "12 500 €" and flat(F.number(1234)) == "1 234"
    assert F.day("2026-01-15") == "15 janvier 2026" and F.day("2025-01-01") == "1er janvier 2025"
    assert F.short_day("2026-01-15") == "15/01/2026" and F.day(None) == "—"
    assert flat(F.signed(-3.5, "percent")) == "−3,5 pts" and flat(F.signed(2, "days")) == "+2 j"
    assert F.cell_value(None, "date") == "" and flat(F.cell_value(1500.0, "euros")) == "1 500 €"


def test_tfpb_review_per_housing_provider(ctx):
    snap = sample_snapshot("annual")
    text = " ".join(pages_of(build_tfpb_review(snap, "Habitat Nord")))
    assert "Habitat Nord — année 2025" in text and "Logis du Val" not in text
    provider = snap["tfpb"][0]
    for axis in provider["by_axis"]:
        assert axis["label"] in text and flat(F.euros(axis["amount"])) in text
    for hood in provider["by_neighbourhood"]:
        assert hood["qpv_code"] in text
    both = " ".join(pages_of(build_tfpb_review(snap)))
    assert "Habitat Nord — année 2025" in both and "Logis du Val — année 2025" in both
    none = " ".join(pages_of(build_tfpb_review(sample_snapshot("annual", tfpb=False))))
    assert "Aucune donnée d'abattement de TFPB n'est enregistrée pour cette période." in none


def test_reports_render_to_images(ctx, tmp_path):
    """pdftoppm reads every page (set GUP_PDF_SAMPLE_DIR to keep the pages and look at them)."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils")
    out_dir = Path(os.environ.get("GUP_PDF_SAMPLE_DIR") or tmp_path)
    documents = {kind: build_report(sample_snapshot(kind)) for kind in OUTLINES}
    documents["draft"] = build_report(sample_snapshot("midterm", status="in_preparation", sections=False))
    documents["matrix"] = build_commitments_matrix(sample_snapshot("annual"))
    documents["tfpb"] = build_tfpb_review(sample_snapshot("annual"))
    for name, pdf in documents.items():
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(out_dir / f"evaluation-{name}")],
                       check=True, capture_output=True)
        images = [p for p in out_dir.iterdir() if p.name.startswith(f"evaluation-{name}-")]
        assert len(images) == len(PdfReader(io.BytesIO(pdf)).pages)


def test_long_breakdowns_and_many_commitments_fit_the_pages(ctx):
    """A chart of 150 partners or 120 commitments is cut into drawings that fit a page (no LayoutError)."""
    snap = sample_snapshot("annual")
    findings = next(i for i in snap["indicators"] if i["code"] == "findings_reported")
    findings["breakdowns"]["partner"] = [{"key": str(n), "label": f"Partenaire {n}", "value": n, "count": None}
                                         for n in range(150)]
    snap["commitments"] = [dict(snap["commitments"][n % 10], reference=f"E-{n:03d}") for n in range(120)]
    text = " ".join(pages_of(build_report(snap)))
    assert "Partenaire 149" in text and "E-119" in text


def test_built_from_the_stored_json_without_changing_it(ctx):
    """The snapshot is stored as JSON: the report reads it back as is and never modifies it."""
    import json

    stored = json.dumps(sample_snapshot("final"), ensure_ascii=False)
    snap = json.loads(stored)
    first = build_report(snap)
    assert json.dumps(snap, ensure_ascii=False) == stored
    assert pages_of(build_report(json.loads(stored))) == pages_of(first)     # same input, same document


@pytest.mark.parametrize("kind", ["annual", "midterm", "final"])
def test_missing_or_null_parts_render(ctx, kind):
    """Optional parts absent or null (older snapshots, features without data) never break a report."""
    snap = sample_snapshot(kind)
    for key in ("previous_period", "sections", "contributions", "commitments", "tfpb", "cut_off", "generated_at"):
        snap[key] = None
    for key in ("territories", "signatories", "partners", "amendments", "themes"):
        snap["agreement"][key] = None
    for ind in snap["indicators"]:
        ind.update(value=None, previous=None, gap_previous=None, gap_target=None, details=None, note=None)
        ind["breakdowns"] = {d: [dict(r, value=None) for r in rows] for d, rows in ind["breakdowns"].items()}
    snap["annexes"][0]["rows"] = [{k: None for k in row} for row in snap["annexes"][0]["rows"][:5]]
    pages = pages_of(build_report(snap))
    assert f"page 1 / {len(pages)}" in pages[0]
    assert build_commitments_matrix(snap).startswith(b"%PDF")


def test_sample_breakdowns_add_up_to_their_total():
    snap = sample_snapshot("annual", findings=137, reports=55)
    by_code = {i["code"]: i for i in snap["indicators"]}
    for dimension, rows in by_code["findings_reported"]["breakdowns"].items():
        assert sum(r["value"] for r in rows) == 137, dimension
    for dimension, rows in by_code["reports_received"]["breakdowns"].items():
        assert sum(r["value"] for r in rows) == 55, dimension
    assert len(snap["annexes"][0]["rows"]) == 137


def test_annex_cells_never_spill_over_their_neighbour():
    """A reference (GUP-2025-000012) or a long word (« Dysfonctionnement ») fits its column: the column is at least
    as wide as the longest sampled word (up to a fifth of the page), and a longer word is cut inside the cell."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from gup.evaluations.pdf.document import ANNEX_FONT, FONT, fit_lines

    doc = AnnualReviewPdf()
    columns = [{"key": "ref", "label": "Référence", "width": 0.6}, {"key": "kind", "label": "Type", "width": 0.5},
               {"key": "text", "label": "Description", "width": 6}]
    rows = [{"ref": "GUP-2025-000012", "kind": "Dysfonctionnement", "text": "Toboggan cassé dans l'aire de jeux"}]
    widths = doc.annex_widths(columns, rows)
    assert widths[0] >= stringWidth("GUP-2025-000012", FONT, ANNEX_FONT)
    assert widths[1] >= stringWidth("Dysfonctionnement", FONT, ANNEX_FONT)
    assert abs(sum(widths) - doc.frame_width) < 1
    word = "Anticonstitutionnellementissimement" * 3
    lines = fit_lines(f"Avant {word} après", 60)
    assert "".join(lines).replace(" ", "") == f"Avant{word}après"
    assert all(stringWidth(line, FONT, ANNEX_FONT) <= 60 for line in lines)
