"""CommitmentsMatrixPdf: partner × theme × funding source, planned and spent amounts (A4 landscape)."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import Flowable, PageBreak

from gup.evaluations.pdf import fmt as F
from gup.evaluations.pdf.document import EvaluationPdf, planned, spent
from gup.reports.base import esc


def _rate(done: float, plan: float) -> str:
    return F.percent(100 * done / plan) if plan else "—"


class CommitmentsMatrixPdf(EvaluationPdf):
    """The commitments matrix of an evaluation's snapshot: sources always shown apart (GUIDE §3.2)."""

    pagesize = landscape(A4)
    outline = (
        (_l("Matrice partenaire × source de financement"), "s_matrix"),
        (_l("Détail par partenaire, thématique et source de financement"), "s_detail"),
        (_l("Liste des engagements"), "s_list"),
    )

    def document_title(self, snap: dict) -> str:
        return _("Matrice des engagements") + f" — {snap['agreement'].get('reference') or ''}"

    def story(self, snap: dict) -> list[Flowable]:
        self.snap = snap
        self.draft = self.is_draft(snap)
        self.indicators = []
        self.items = snap.get("commitments") or []
        ag, ev = snap["agreement"], snap["evaluation"]
        story = self.title_block(_("Matrice des engagements"), ag.get("title"), [
            f"<b>{esc(_('Convention'))} :</b> {esc(ag.get('reference') or '')}",
            f"<b>{esc(_('Évaluation'))} :</b> {esc(ev.get('title') or '')} — {esc(self.version_line(snap))}",
            f"<b>{esc(_('Montants arrêtés au'))} :</b> {esc(F.day(snap.get('cut_off')))}",
        ], F.moment(snap.get("generated_at")) or F.iso_date(snap.get("cut_off")))
        if not self.items:
            return story + [self.empty(_("Aucun engagement n'est enregistré pour cette convention."))]
        for number, (title, method) in enumerate(self.outline, start=1):
            if number > 1:
                story.append(PageBreak())
            story.append(self.heading(f"{number}. {title}", 0))
            story += getattr(self, method)()
        return story

    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.items:
            seen.setdefault(c.get("funding_source_label") or _("Non précisé"), None)
        return list(seen)

    def s_matrix(self) -> list[Flowable]:
        sources = self.sources()
        cells: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
        partners: dict[str, None] = {}
        for c in self.items:
            partner = c.get("partner") or _("Non précisé")
            partners.setdefault(partner, None)
            cell = cells[partner, c.get("funding_source_label") or _("Non précisé")]
            cell[0] += planned(c)
            cell[1] += spent(c)
        header = [_("Partenaire")]
        for s in sources:
            header += [f"{s} — " + _("prévu"), f"{s} — " + _("dépensé")]
        header += [_("Total prévu"), _("Total dépensé"), _("Exécution")]
        rows = []
        for partner in [*partners, None]:
            row = [partner or _("Total")]
            plan_total = spent_total = 0.0
            for s in sources:
                keys = [(p, s) for p in partners] if partner is None else [(partner, s)]
                plan = sum(cells[k][0] for k in keys if k in cells)
                done = sum(cells[k][1] for k in keys if k in cells)
                row += [F.euros(plan), F.euros(done)]
                plan_total += plan
                spent_total += done
            row += [F.euros(plan_total), F.euros(spent_total), _rate(spent_total, plan_total)]
            rows.append(row)
        widths = [2.2] + [1.1] * (2 * len(sources)) + [1.2, 1.2, 0.9]
        return [self.p(esc(_("Montants prévus (investissement et fonctionnement) et dépensés à la date d'arrêt, "
                               "par partenaire et par source de financement."))),
                self.grid(header, rows, widths, numeric=range(1, len(header)), total=True)]

    def s_detail(self) -> list[Flowable]:
        groups: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0])
        for c in self.items:
            key = (c.get("partner") or _("Non précisé"), c.get("theme") or _("Non précisé"),
                   c.get("funding_source_label") or _("Non précisé"))
            g = groups[key]
            g[0] += 1
            g[1] += c.get("planned_investment") or 0
            g[2] += c.get("planned_operating") or 0
            g[3] += c.get("investment_spent") or 0
            g[4] += c.get("operating_spent") or 0
        rows = []
        for (partner, theme, source), g in sorted(groups.items()):
            rows.append([partner, theme, source, str(g[0]), F.euros(g[1]), F.euros(g[2]), F.euros(g[3]),
                         F.euros(g[4]), _rate(g[3] + g[4], g[1] + g[2])])
        t = [sum(g[i] for g in groups.values()) for i in range(5)]
        rows.append([_("Total"), "", "", str(int(t[0])), F.euros(t[1]), F.euros(t[2]), F.euros(t[3]), F.euros(t[4]),
                     _rate(t[3] + t[4], t[1] + t[2])])
        return [self.grid([_("Partenaire"), _("Thématique"), _("Source de financement"), _("Nombre"),
                           _("Investissement prévu"), _("Fonctionnement prévu"), _("Investissement dépensé"),
                           _("Fonctionnement dépensé"), _("Exécution")], rows,
                          [1.9, 2.0, 1.9, 0.8, 1.5, 1.5, 1.5, 1.5, 1.0], numeric=range(3, 9), total=True)]

    def s_list(self) -> list[Flowable]:
        rows = []
        for c in self.items:
            source = c.get("funding_source_label") or ""
            if c.get("tfpb_axis_label"):
                source += f" ({c['tfpb_axis_label']})"
            rows.append([c.get("reference") or "", c.get("title") or "", c.get("partner") or "", c.get("theme") or "",
                         source, c.get("status_label") or "", F.percent(c.get("progress")), F.day(c.get("due_on")),
                         F.euros(planned(c)), F.euros(spent(c))])
        return [self.grid([_("Réf."), _("Engagement"), _("Partenaire"), _("Thématique"), _("Financement"),
                           _("Statut"), _("Avancement"), _("Échéance"), _("Prévu"), _("Dépensé")], rows,
                          [0.6, 2.45, 1.6, 1.6, 1.8, 1.0, 1.25, 1.4, 1.0, 1.0], numeric=(6, 8, 9))]
