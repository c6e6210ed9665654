"""The three evaluation reports, each following its outline of GUIDE §6 heading by heading."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.platypus import Flowable

from gup.evaluations.pdf import fmt as F
from gup.evaluations.pdf.document import SECTION_TITLES, EvaluationPdf
from gup.reports.base import esc


class AnnualReviewPdf(EvaluationPdf):
    """Bilan annuel (presented to the COPIL and to the annual contrat de ville meeting): 12 sections."""

    outline = (
        (_l("Synthèse de l'année"), "s_synthesis"),
        (_l("Contexte et faits marquants"), "s_context"),
        (_l("Gouvernance : instances réunies, participation, décisions prises"), "s_governance"),
        (_l("Avancement du programme d'actions par thématique"), "s_actions"),
        (_l("Engagements des partenaires et moyens mobilisés (droit commun, crédits politique de la ville, "
            "TFPB)"), "s_commitments"),
        (_l("Constats : volumes, délais et résolution par partenaire et par quartier"), "s_findings"),
        (_l("Diagnostics en marchant et restitutions aux habitants"), "s_walks"),
        (_l("Signalements des habitants : canaux, délais, suites données"), "s_reports"),
        (_l("Participation des habitants : habitants relais, budget participatif"), "s_participation"),
        (_l("Abattement de TFPB : bilan par bailleur, par axe et par quartier"), "s_tfpb"),
        (_l("Difficultés rencontrées et décisions attendues"), "s_difficulties"),
        (_l("Annexes : tableaux d'indicateurs, liste des actions, cartes"), "s_annexes"),
    )

    def s_synthesis(self) -> list[Flowable]:
        out = self.text("synthesis")
        key = [i for i in self.indicators if i.get("code") in KEY_FIGURES]
        if key:
            out.append(self.p(esc(_("Chiffres clés de la période")), "chart_title"))
            out += self.indicator_table(key, self.mode)
        return out

    def s_context(self) -> list[Flowable]:
        return self.text("context")

    def s_governance(self) -> list[Flowable]:
        return self.text("governance", has_other_content=True) + self.domain(
            "governance", empty=_("Aucune réunion d'instance n'est enregistrée pour cette période."))

    def s_actions(self) -> list[Flowable]:
        return self.domain("actions", empty=_("Aucune action n'est enregistrée pour cette période."))

    def s_commitments(self) -> list[Flowable]:
        return self.commitments() + self.contributions()

    def s_findings(self) -> list[Flowable]:
        return self.domain("findings", empty=_("Aucun constat n'est enregistré pour cette période."))

    def s_walks(self) -> list[Flowable]:
        return self.domain("walks", empty=_("Aucun diagnostic en marchant n'est enregistré pour cette période."))

    def s_reports(self) -> list[Flowable]:
        return self.domain("resident_reports",
                           empty=_("Aucun signalement d'habitant n'est enregistré pour cette période."))

    def s_participation(self) -> list[Flowable]:
        return self.participation()

    def s_tfpb(self) -> list[Flowable]:
        return self.tfpb()

    def s_difficulties(self) -> list[Flowable]:
        out = self.text("difficulties")
        recommendations = (self.snap.get("sections") or {}).get("recommendations") or ""
        if recommendations.strip():
            out.append(self.p(esc(_("Décisions attendues et recommandations")), "chart_title"))
            out += self.paragraphs(recommendations)
        return out

    def s_annexes(self) -> list[Flowable]:
        return self.annexes(maps=True)


class MidtermEvaluationPdf(EvaluationPdf):
    """Évaluation à mi-parcours: 10 sections."""

    outline = (
        (_l("Synthèse et principales recommandations"), "s_synthesis"),
        (_l("Rappel de la convention : périmètre, signataires, objectifs, avenants"), "s_agreement"),
        (_l("Méthode et questions évaluatives"), "s_method"),
        (_l("Réalisation du programme d'actions"), "s_actions"),
        (_l("Respect des engagements des partenaires"), "s_commitments"),
        (_l("Indicateurs : valeur de référence, cible, valeur observée, écart"), "s_indicators"),
        (_l("Fonctionnement du partenariat et de la gouvernance"), "s_governance"),
        (_l("Implication des habitants et leur point de vue"), "s_participation"),
        (_l("Réorientations proposées (projet d'avenant le cas échéant)"), "s_reorientations"),
        (_l("Annexes"), "s_annexes"),
    )

    @property
    def mode(self) -> str:
        return "baseline"

    def s_synthesis(self) -> list[Flowable]:
        out = self.text("synthesis")
        recommendations = (self.snap.get("sections") or {}).get("recommendations") or ""
        out.append(self.p(esc(_("Principales recommandations")), "chart_title"))
        out += self.paragraphs(recommendations) if recommendations.strip() else self.text("recommendations")
        return out

    def s_agreement(self) -> list[Flowable]:
        return self.text("context", has_other_content=True) + self.agreement_recap()

    def s_method(self) -> list[Flowable]:
        out = self.text("method", has_other_content=True)
        out.append(self.p(esc(_("Les indicateurs sont arrêtés au %(d)s et comparés à leur valeur de référence et à "
                                  "leur cible fixées par la convention.", d=F.day(self.snap.get("cut_off"))))))
        return out + self.method_notes()

    def s_actions(self) -> list[Flowable]:
        return self.domain("actions", self.mode, empty=_("Aucune action n'est enregistrée pour cette période."))

    def s_commitments(self) -> list[Flowable]:
        out = self.commitments() + self.contributions()
        if self.snap.get("tfpb"):
            out += self.subheading(_("Abattement de TFPB"))
            out += self.tfpb()
        return out

    def s_indicators(self) -> list[Flowable]:
        out: list[Flowable] = []
        for section in ("findings", "walks", "resident_reports", "other"):
            inds = self.of_section(section)
            if inds:
                out += self.subheading(str(SECTION_TITLES[section]))
                out += self.domain(section, self.mode)
        out.append(self.p(esc(_("Les indicateurs du programme d'actions (section 4), des engagements (section 5) et "
                                "de la gouvernance (section 7) sont présentés dans leur section."))))
        return out

    def s_governance(self) -> list[Flowable]:
        return self.text("governance", has_other_content=True) + self.domain(
            "governance", self.mode, empty=_("Aucune réunion d'instance n'est enregistrée pour cette période."))

    def s_participation(self) -> list[Flowable]:
        return self.text("participation", has_other_content=True) + self.participation()

    def s_reorientations(self) -> list[Flowable]:
        return self.text("reorientations")

    def s_annexes(self) -> list[Flowable]:
        return self.annexes(indicator_tables=False, method=False)


class FinalEvaluationPdf(EvaluationPdf):
    """Évaluation finale: 11 sections."""

    outline = (
        (_l("Synthèse"), "s_synthesis"),
        (_l("Rappel de la convention et de ses évolutions"), "s_agreement"),
        (_l("Résultats au regard des objectifs"), "s_results"),
        (_l("Bilan des engagements et des moyens mobilisés sur toute la durée"), "s_commitments"),
        (_l("Évolution des indicateurs depuis la situation de référence"), "s_indicators"),
        (_l("Ce qui a fonctionné, ce qui n'a pas fonctionné"), "s_what_worked"),
        (_l("Enseignements sur la coordination des acteurs"), "s_lessons"),
        (_l("Bilan de la participation des habitants"), "s_participation"),
        (_l("Actions à pérenniser et à intégrer au droit commun"), "s_sustain"),
        (_l("Propositions pour la convention suivante (nouveau diagnostic partagé)"), "s_next"),
        (_l("Annexes"), "s_annexes"),
    )

    @property
    def mode(self) -> str:
        return "baseline"

    def s_synthesis(self) -> list[Flowable]:
        return self.text("synthesis")

    def s_agreement(self) -> list[Flowable]:
        return self.text("context", has_other_content=True) + self.agreement_recap(objectives=False)

    def s_results(self) -> list[Flowable]:
        targeted = [i for i in self.indicators if i.get("target") is not None]
        if not targeted:
            return [self.empty(_("Aucun indicateur de la convention n'a de cible."))]
        reached = [i for i in targeted if i.get("gap_target") is not None
                   and F.target_status(i["gap_target"], i.get("direction")) == _("cible atteinte")]
        measured = [i for i in targeted if i.get("gap_target") is not None]
        out = [self.p(esc(_("%(reached)s indicateurs sur %(total)s atteignent leur cible (%(measured)s mesurés).",
                             reached=len(reached), total=len(targeted), measured=len(measured))))]
        out += self.indicator_table(targeted, self.mode)
        for section in ("actions", "findings", "walks", "resident_reports"):
            inds = self.of_section(section)
            if inds:
                out += self.subheading(str(SECTION_TITLES[section]))
                out += self.domain(section, self.mode)
        return out

    def s_commitments(self) -> list[Flowable]:
        out = self.commitments() + self.contributions()
        out += self.subheading(_("Abattement de TFPB"))
        return out + self.tfpb()

    def s_indicators(self) -> list[Flowable]:
        return self.all_indicators()

    def s_what_worked(self) -> list[Flowable]:
        out = self.text("what_worked")
        difficulties = (self.snap.get("sections") or {}).get("difficulties") or ""
        if difficulties.strip():
            out.append(self.p(esc(_("Difficultés rencontrées")), "chart_title"))
            out += self.paragraphs(difficulties)
        return out

    def s_lessons(self) -> list[Flowable]:
        return self.text("lessons", has_other_content=True) + self.text("governance", has_other_content=True) + \
            self.domain("governance", self.mode,
                        empty=_("Aucune réunion d'instance n'est enregistrée pour cette période."))

    def s_participation(self) -> list[Flowable]:
        return self.text("participation", has_other_content=True) + self.participation()

    def s_sustain(self) -> list[Flowable]:
        return self.text("sustain")

    def s_next(self) -> list[Flowable]:
        return self.text("next_agreement")

    def s_annexes(self) -> list[Flowable]:
        return self.annexes(indicator_tables=False)


KEY_FIGURES = ("findings_reported", "resolution_rate", "resolution_days_median", "actions_done_rate",
               "commitments_fulfilled_rate", "budget_execution_rate", "walks_held", "reports_received",
               "tfpb_valued_amount")
