"""TfpbReviewPdf: the yearly TFPB abatement review of one housing provider (or of every provider of the
snapshot), sent to the signatories: amounts by axis and by neighbourhood, the actions with their amounts."""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.platypus import Flowable, PageBreak

from gup.evaluations.pdf import fmt as F
from gup.evaluations.pdf.document import EvaluationPdf
from gup.reports.base import esc


class TfpbReviewPdf(EvaluationPdf):
    """One part per housing provider: figures, by axis (chart and table), by neighbourhood, actions by axis."""

    def __init__(self, organisation: str | None = None) -> None:
        super().__init__()
        self.organisation = organisation

    def document_title(self, snap: dict) -> str:
        title = _("Bilan de l'abattement de TFPB")
        if self.organisation:
            title += f" — {self.organisation}"
        return f"{title} — {snap['agreement'].get('reference') or ''}"

    def providers(self, snap: dict) -> list[dict]:
        items = snap.get("tfpb") or []
        return [t for t in items if self.organisation in (None, t.get("organisation"))]

    def story(self, snap: dict) -> list[Flowable]:
        self.snap = snap
        self.draft = self.is_draft(snap)
        self.indicators = []
        ag, ev = snap["agreement"], snap["evaluation"]
        story = self.title_block(self.document_title(snap).rsplit(" — ", 1)[0], ag.get("title"), [
            f"<b>{esc(_('Convention'))} :</b> {esc(ag.get('reference') or '')}",
            f"<b>{esc(_('Période couverte'))} :</b> {esc(self.period_text(snap.get('period') or {}))}",
            f"<b>{esc(_('Évaluation'))} :</b> {esc(ev.get('title') or '')} — {esc(self.version_line(snap))}",
        ], F.moment(snap.get("generated_at")) or F.iso_date(snap.get("cut_off")))
        providers = self.providers(snap)
        if not providers:
            return story + [self.empty(_("Aucune donnée d'abattement de TFPB n'est enregistrée pour cette période."))]
        for n, t in enumerate(providers):
            if n:
                story.append(PageBreak())
            story.append(self.heading(_("%(org)s — année %(year)s", org=t.get("organisation") or "",
                                        year=t.get("year") or ""), 0))
            story.append(self.facts([
                (_("Logements en QPV"), F.number(t.get("dwellings"))),
                (_("Abattement reçu"), F.euros(t.get("abatement_amount"))),
                (_("Montant valorisé"), F.euros(t.get("valued_amount"))),
                (_("Valorisé / abattement"), F.ratio(t.get("coverage_ratio"))),
                (_("Montant valorisé par logement"), F.euros(t.get("per_dwelling"))),
            ]))
            story += self.tfpb_provider(t)
        return story
