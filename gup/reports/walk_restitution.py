"""WalkRestitutionPdf: the document sent back to residents and partners after a walk (GUIDE.md §3.5)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Image, KeepTogether, Spacer, Table, TableStyle

from gup.i18n import fmt_date
from gup.reports.base import FONT, MUTED, RULE, BasePdf, esc
from gup.reports.data import FindingEntry, StopFindings, WalkRestitution

THUMB_WIDTH = 4 * cm
THUMB_MAX_HEIGHT = 4 * cm


class WalkRestitutionPdf(BasePdf):
    """Restitution du diagnostic en marchant: participants, route, a summary by theme, the walk stop by stop
    (findings, residents' quotes), the positive points and the next steps."""

    def document_title(self, data: WalkRestitution) -> str:
        return _("Restitution du diagnostic en marchant") + f" — {data.title}"

    def footer(self, data: WalkRestitution) -> str:
        text = _("Restitution du diagnostic en marchant") + f" — {data.title}"
        return text if len(text) <= 95 else text[:94] + "…"

    def story(self, data: WalkRestitution) -> list[Flowable]:
        when = fmt_date(data.walked_on)
        if data.starts_at is not None:
            when = _("%(day)s à %(time)s", day=when, time=data.starts_at.strftime("%H:%M"))
        story = self.title_block(_("Restitution du diagnostic en marchant"), data.title, [
            self._fact(_("Quartier"), data.neighbourhood),
            self._fact(_("Date"), when),
            self._fact(_("Type de marche"), data.kind),
            self._fact(_("Convention"), data.agreement),
        ], data.today)
        story += self._participants(data)
        story += self._route(data)
        story += self._summary(data)
        story += self._stops(data)
        story += self._positives(data)
        story += self._next_steps(data)
        return story

    # --- sections --------------------------------------------------------------------------------

    def _fact(self, label: str, value: str | None) -> str:
        return f"<b>{esc(label)} :</b> {esc(value) if value else '—'}"

    def _participants(self, data: WalkRestitution) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Participants")), "h1")]
        out.append(self.p(self._fact(_("Organismes"), ", ".join(data.organisations) or None)))
        out.append(self.p(self._fact(_("Habitantes et habitants"), str(data.residents_count))))
        out.append(self.p(self._fact(_("Professionnels"), str(data.professionals_count))))
        out.append(self.p(esc(_("Ce document ne contient aucun nom ni propos nominatif d'habitant.")), "small"))
        return out

    def _route(self, data: WalkRestitution) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Parcours")), "h1")]
        if data.route_description:
            out.append(self.p(esc(data.route_description)))
        if data.stops:
            out.append(self.p(esc(_("Haltes, dans l'ordre du parcours :"))))
            out.extend(self.p(f"{position}. {esc(name)}", "body") for position, name in data.stops)
        if not data.route_description and not data.stops:
            out.append(self.p(esc(_("Parcours non renseigné."))))
        return out

    def _summary(self, data: WalkRestitution) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Synthèse des constats")), "h1")]
        if not data.themes:
            out.append(self.p(esc(_("Aucun constat n'a été relevé pendant cette marche."))))
            return out
        problems = sum(t.problems for t in data.themes)
        positives = sum(t.positives for t in data.themes)
        rows = [[self.p(esc(t.theme), "cell"), str(t.problems), str(t.positives)] for t in data.themes]
        rows.append([_("Total"), str(problems), str(positives)])
        table = Table([[_("Thématique"), _("Problèmes"), _("Points positifs")], *rows],
                      colWidths=[9 * cm, 3 * cm, 3 * cm], hAlign="LEFT", style=self.table_style(), repeatRows=1)
        table.setStyle(TableStyle([("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                                   ("FONT", (0, -1), (-1, -1), "DejaVuSans-Bold", 8.5)]))
        out.append(table)
        if data.summary:
            out.append(Spacer(1, 8))
            out.append(self.p(esc(_("Où en sont les problèmes :")), "body"))
            rows = [[label, str(n)] for _code, label, n in data.summary]
            rows.append([_("Total"), str(data.finding_count)])
            status = Table([[_("Statut"), _("Problèmes")], *rows], colWidths=[9 * cm, 3 * cm], hAlign="LEFT",
                           style=self.table_style())
            status.setStyle(TableStyle([("ALIGN", (1, 0), (1, -1), "RIGHT"),
                                        ("FONT", (0, -1), (-1, -1), "DejaVuSans-Bold", 8.5)]))
            out.append(status)
        return out

    def _stops(self, data: WalkRestitution) -> list[Flowable]:
        """The walk stop by stop, in route order, the findings outside any stop last."""
        if not any(stop.findings for stop in data.by_stop):
            return []
        out: list[Flowable] = []
        headings: list[Flowable] = [self.p(esc(_("Le parcours, halte par halte")), "h1")]
        for stop in data.by_stop:
            headings.append(self.p(esc(self._stop_title(stop)), "h2"))
            if stop.quotes:
                headings.append(self.p(f"<b>{esc(_('Paroles d’habitants'))}</b>", "cell"))
                headings.extend(self.p("« " + esc(quote) + " »", "cell") for quote in stop.quotes)
                headings.append(Spacer(1, 4))
            if not stop.findings:
                out.extend(headings + [self.p(esc(_("Aucun constat à cette halte.")), "small")])
                headings = []
                continue
            for entry in stop.findings:
                # headings travel with the first finding under them: never alone at the foot of a page
                out.append(KeepTogether(headings + self._finding(entry)))
                headings = []
        return out

    def _stop_title(self, stop: StopFindings) -> str:
        if stop.position is None:
            title = _("Hors halte")
        else:
            title = _("Halte %(n)s : %(name)s", n=stop.position, name=stop.name)
        problems = sum(1 for e in stop.findings if not e.is_positive)
        positives = len(stop.findings) - problems
        counts = [ngettext("%(num)d problème", "%(num)d problèmes", problems)] if problems else []
        if positives:
            counts.append(ngettext("%(num)d point positif", "%(num)d points positifs", positives))
        return title + (" — " + ", ".join(counts) if counts else "")

    def _positives(self, data: WalkRestitution) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Points positifs")), "h1")]
        if not data.positives:
            out.append(self.p(esc(_("Aucun point positif n'a été relevé pendant cette marche."))))
            return out
        out.append(self.p(esc(_("Ce que les habitants et les partenaires ont apprécié, à préserver."))))
        for e in data.positives:
            where = _("halte %(n)s", n=e.stop_position) if e.stop_position is not None else _("hors halte")
            line = f"<b>{esc(e.theme)}</b> ({esc(where)}) — {esc(e.description)}"
            out.append(self.p("• " + line, "body"))
        return out

    def _finding(self, e: FindingEntry) -> list[Flowable]:
        if e.is_positive:
            return self._positive(e)
        head = _("Constat n° %(id)s", id=e.id) + f" — {e.theme} · {e.kind}"
        if e.is_recurring:
            head += " · " + _("problème structurel")
        due = fmt_date(e.due_on) if e.due_on else None
        if due and e.is_overdue:
            due += " (" + _("en retard") + ")"
        facts = " · ".join([
            self._fact(_("Lieu"), e.place), self._fact(_("Priorité"), e.priority),
            self._fact(_("Échéance"), due), self._fact(_("Statut"), e.status),
            self._fact(_("Partenaire responsable"), e.responsible or _("à désigner")),
        ])
        out: list[Flowable] = [self.p(esc(head), "item_title"), self.p(esc(e.description)), self.p(facts, "cell")]
        if e.resolved_on:
            text = _("Résolu le %(d)s", d=fmt_date(e.resolved_on))
            out.append(self.p(f"<b>{esc(text)}</b>" + (f" : {esc(e.resolution_note)}" if e.resolution_note else ""),
                              "cell"))
        if e.status_code == "refused" and e.refusal_reason:
            out.append(self.p(self._fact(_("Motif du refus"), e.refusal_reason), "cell"))
        if e.status_code == "out_of_scope" and e.referral:
            out.append(self.p(self._fact(_("Réorienté vers"), e.referral), "cell"))
        if e.actions:
            out.append(self.p(f"<b>{esc(_('Ce qui est prévu :'))}</b>", "cell"))
            for action in e.actions:
                when = (_("réalisée le %(d)s", d=fmt_date(action.done_on)) if action.done_on else
                        _("échéance %(d)s", d=fmt_date(action.due_on)) if action.due_on else _("sans échéance"))
                late = " (" + _("en retard") + ")" if action.is_overdue else ""
                line = f"{action.title} — {action.organisation} — {action.status}, {when}{late}"
                out.append(self.p("• " + esc(line), "cell"))
        elif e.status_code not in ("resolved", "checked", "out_of_scope", "refused"):
            out.append(self.p(esc(_("Aucune action programmée pour l'instant.")), "cell"))
        if e.thumbnails:
            out.append(Spacer(1, 3))
            out.append(self._thumbnails(e))
        out.append(Spacer(1, 4))
        out.append(Table([[""]], colWidths=[self.frame_width], rowHeights=[2],
                         style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)])))
        return out

    def _positive(self, e: FindingEntry) -> list[Flowable]:
        head = _("Point positif n° %(id)s", id=e.id) + f" — {e.theme}"
        out: list[Flowable] = [self.p(esc(head), "item_title"), self.p(esc(e.description))]
        if e.place:
            out.append(self.p(self._fact(_("Lieu"), e.place), "cell"))
        if e.thumbnails:
            out.append(Spacer(1, 3))
            out.append(self._thumbnails(e))
        out.append(Spacer(1, 4))
        out.append(Table([[""]], colWidths=[self.frame_width], rowHeights=[2],
                         style=TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)])))
        return out

    def _thumbnails(self, e: FindingEntry) -> Table:
        images, captions = [], []
        for thumb in e.thumbnails:
            height = THUMB_WIDTH * thumb.height / thumb.width
            width = THUMB_WIDTH
            if height > THUMB_MAX_HEIGHT:
                width, height = THUMB_WIDTH * THUMB_MAX_HEIGHT / height, THUMB_MAX_HEIGHT
            images.append(Image(thumb.path, width=width, height=height))
            captions.append(_("Après intervention") if thumb.is_resolution else _("Photo du constat"))
        col = THUMB_WIDTH + 0.4 * cm
        return Table([images, captions], colWidths=[col] * len(images), hAlign="LEFT",
                     style=TableStyle([("FONT", (0, 1), (-1, 1), FONT, 7), ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
                                       ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))

    def _next_steps(self, data: WalkRestitution) -> list[Flowable]:
        out: list[Flowable] = [self.p(esc(_("Prochaines étapes")), "h1")]
        if not data.next_steps:
            out.append(self.p(esc(_("Aucune action en cours ou programmée pour l'instant."))))
            return out
        out.append(self.p(esc(_("Actions en cours ou programmées pour répondre aux constats, par échéance."))))
        header = [_("Échéance"), _("Action"), _("Organisme"), _("Statut")]
        rows = []
        for step in data.next_steps:
            due = fmt_date(step.due_on, "short") if step.due_on else "—"
            if step.is_overdue:
                due += "\n" + _("en retard")
            rows.append([due, self.p(esc(step.title), "cell"), self.p(esc(step.organisation), "cell"), step.status])
        widths = [2.6 * cm, None, 4.2 * cm, 2.6 * cm]
        widths[1] = self.frame_width - sum(w for w in widths if w)
        out.extend(self.paged_tables(header, rows, widths))
        return out
