"""A realistic evaluation snapshot (the contract of /work/prompts/snapshot.md) for the PDF tests and the bench.

    sample_snapshot("annual")                       # frozen annual review of 2025, TFPB filled
    sample_snapshot("midterm", status="in_preparation", tfpb=False, sections=False)   # a draft with gaps
    sample_snapshot("annual", findings=10_000, actions=2_000)                        # the bench's size

Deterministic (seeded); no residents' personal data: annex rows carry references, themes, places, partners.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

THEMES = ["Propreté", "Déchets, encombrants, dépôts sauvages", "Éclairage public", "Voirie et cheminements",
          "Tranquillité résidentielle", "Espaces verts", "Parties communes des immeubles"]
PARTNERS = [("Ville de Villeneuve-sur-Lot", "Commune"), ("Habitat Nord", "Bailleur social"),
            ("Logis du Val", "Bailleur social"), ("Agglomération du Grand Val", "EPCI")]
NEIGHBOURHOODS = [("Les Tilleuls", "QN06901M"), ("La Roseraie", "QN06902M"), ("Centre ancien", None)]
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
FINDING_STATUSES = ["Résolu", "En cours", "Planifié", "Transmis", "Refusé", "Nouveau"]
ACTION_STATUSES = ["Réalisée", "En cours", "Prévue", "En retard", "Suspendue"]
CHANNELS = ["Site web", "Téléphone", "Habitant relais", "Open311"]
AXES = [("staff_presence", "Renforcement de la présence du personnel de proximité"),
        ("enhanced_maintenance", "Sur-entretien"),
        ("waste_bulky_wrecks", "Gestion des déchets et encombrants / épaves"),
        ("residential_safety", "Tranquillité résidentielle"),
        ("community_life", "Animation, lien social, vivre ensemble")]

KINDS = {"annual": "Bilan annuel", "midterm": "Évaluation à mi-parcours", "final": "Évaluation finale"}
STATUS_LABELS = {"scheduled": "Programmée", "in_preparation": "En préparation", "frozen": "Figée",
                 "approved": "Approuvée", "published": "Publiée"}


def _row(key: str, label: str, value: float | None, count: int | None = None) -> dict[str, Any]:
    return {"key": key, "label": label, "value": value, "count": count}


def _indicator(code: str, label: str, unit: str, direction: str, section: str, order: int, value: float | None, *,
               previous: float | None = None, baseline: float | None = None, target: float | None = None,
               source: str = "computed", description: str = "", note: str | None = None,
               details: dict | None = None, breakdowns: dict | None = None) -> dict[str, Any]:
    def gap(a, b):
        return None if a is None or b is None else round(a - b, 4)

    return {"code": code, "label": label, "unit": unit, "direction": direction, "section": section,
            "source": source, "order": order, "description": description, "value": value, "previous": previous,
            "baseline": baseline, "target": target, "gap_target": gap(value, target),
            "gap_previous": gap(value, previous), "note": note, "details": details or {},
            "breakdowns": breakdowns or {}}


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`total` cut into `parts` random whole shares that add up to it (breakdowns match their total)."""
    weights = [rng.uniform(0.3, 1.0) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def _indicators(rng: random.Random, year: int, findings: int, reports: int, tfpb: bool) -> list[dict[str, Any]]:
    by_theme = [_row(str(i + 1), t, n) for i, (t, n) in enumerate(zip(THEMES, _split(rng, findings, len(THEMES)),
                                                                      strict=True))]
    by_partner = [_row(str(i + 1), p, n) for i, ((p, _k), n) in
                  enumerate(zip(PARTNERS, _split(rng, findings, len(PARTNERS)), strict=True))]
    by_hood = [_row(str(i + 1), name, n) for i, ((name, _q), n) in
               enumerate(zip(NEIGHBOURHOODS, _split(rng, findings, len(NEIGHBOURHOODS)), strict=True))]
    months = [_row(f"{year}-{m + 1:02d}", f"{MONTHS[m]} {year}", n)
              for m, n in enumerate(_split(rng, findings, 12))]
    channel = [_row(c.lower(), c, n) for c, n in zip(CHANNELS, _split(rng, reports, len(CHANNELS)), strict=True)]
    medians = [_row(str(i + 1), p, round(rng.uniform(8, 18), 1), rng.randint(10, 90))
               for i, (p, _k) in enumerate(PARTNERS)]
    p90 = [_row(r["key"], r["label"], round(r["value"] * rng.uniform(1.8, 3.2), 1), r["count"]) for r in medians]
    out = [
        _indicator("meetings_held", "Instances réunies", "count", "higher", "governance", 10, 9, previous=7,
                   target=8, description="Réunions tenues, par type d'instance, avec le taux de présence",
                   breakdowns={"kind": [_row("steering_committee", "Comité de pilotage (COPIL)", 2),
                                        _row("technical_committee", "Comité technique (COTECH)", 5),
                                        _row("working_group", "Groupes de travail", 2)]},
                   details={"Taux de présence (%)": 78.5}),
        _indicator("actions_done_rate", "Actions réalisées", "percent", "higher", "actions", 10, 62.5, previous=55.0,
                   baseline=40.0, target=75.0, description="Actions réalisées ÷ actions prévues",
                   breakdowns={"theme": [_row(str(i + 1), t, float(rng.randint(30, 95))) for i, t in
                                         enumerate(THEMES)],
                               "partner": [_row(str(i + 1), p, float(rng.randint(30, 95))) for i, (p, _k) in
                                           enumerate(PARTNERS)]}),
        _indicator("actions_late", "Actions en retard", "count", "lower", "actions", 20, 14, previous=9, target=5,
                   description="Actions dont l'échéance est passée et qui ne sont pas réalisées"),
        _indicator("commitments_fulfilled_rate", "Engagements tenus", "percent", "higher", "commitments", 10, 58.3,
                   previous=50.0, baseline=None, target=80.0,
                   description="Engagements tenus (totalement ou en partie) ÷ engagements pris"),
        _indicator("budget_execution_rate", "Taux d'exécution budgétaire", "percent", "higher", "commitments", 20,
                   47.2, previous=31.0, target=90.0, description="Montants dépensés ÷ montants prévus",
                   breakdowns={"source": [_row("mainstream", "Droit commun", 61.0),
                                          _row("city_policy", "Crédits politique de la ville", 44.5),
                                          _row("tfpb", "Abattement de TFPB", 38.0)]}),
        _indicator("findings_reported", "Constats enregistrés", "count", "neutral", "findings", 10, findings,
                   previous=int(findings * 0.8), baseline=150, target=None,
                   description="Constats créés pendant la période, par origine",
                   breakdowns={"theme": by_theme, "partner": by_partner, "neighbourhood": by_hood, "month": months,
                               "source": [_row("walk", "Diagnostic en marchant",
                                               findings - int(findings * 0.45) - int(findings * 0.15)),
                                          _row("hotline", "Signalement d'habitant", int(findings * 0.45)),
                                          _row("staff", "Agent de proximité", int(findings * 0.15))]}),
        _indicator("resolution_rate", "Taux de résolution", "percent", "higher", "findings", 20, 71.4,
                   previous=74.0, baseline=60.0, target=80.0,
                   description="Résolus ÷ (résolus + ouverts en fin de période)",
                   details={"Refusés": 3, "Réorientés": 5, "Rouverts": 2},
                   breakdowns={"partner": [_row(str(i + 1), p, float(rng.randint(50, 95))) for i, (p, _k) in
                                           enumerate(PARTNERS)],
                               "neighbourhood": [_row(r["key"], r["label"], float(rng.randint(50, 95)))
                                                 for r in by_hood]}),
        _indicator("resolution_days_median", "Délai médian de résolution", "days", "lower", "findings", 30, 12.5,
                   previous=15.0, baseline=21.0, target=10.0,
                   description="Médiane des jours entre le relevé et la résolution", breakdowns={"partner": medians},
                   note="sur 412 constats résolus"),
        _indicator("resolution_days_p90", "Délai de résolution (90ᵉ centile)", "days", "lower", "findings", 40, 38.0,
                   previous=35.0, target=30.0, description="90ᵉ centile des mêmes délais",
                   breakdowns={"partner": p90}),
        _indicator("resolved_in_time_rate", "Part résolue dans le délai", "percent", "higher", "findings", 50, 66.0,
                   previous=61.5, target=75.0, description="Part des constats résolus avant leur échéance"),
        _indicator("recurring_findings", "Constats récurrents", "count", "lower", "findings", 60, 11, previous=14,
                   description="Lieux signalés de façon répétée (seuils locaux)"),
        _indicator("walks_held", "Diagnostics réalisés", "count", "higher", "walks", 10, 6, previous=5, target=6,
                   description="Diagnostics en marchant tenus, par type",
                   breakdowns={"kind": [_row("day", "De jour", 3), _row("night", "De nuit", 2),
                                        _row("women", "Marche exploratoire de femmes", 1)]}),
        _indicator("walk_participants", "Participants aux diagnostics", "count", "higher", "walks", 20, 87,
                   previous=64, description="Participants, part d'habitants et part de femmes",
                   details={"Part d'habitants (%)": 62.0, "Part de femmes (%)": 54.0}),
        _indicator("walks_restituted_rate", "Diagnostics restitués", "percent", "higher", "walks", 30, 83.3,
                   previous=60.0, target=100.0, description="Diagnostics restitués aux habitants dans les délais"),
        _indicator("reports_received", "Signalements reçus", "count", "neutral", "resident_reports", 10, reports,
                   previous=int(reports * 0.7), description="Signalements reçus, par canal ; part réorientée",
                   breakdowns={"channel": channel, "month": [_row(r["key"], r["label"], n) for r, n in
                                                            zip(months, _split(rng, reports, 12), strict=True)]},
                   details={"Réorientés (%)": 8.5}),
        _indicator("fixed_confirmed_rate", "Résolution confirmée", "percent", "higher", "resident_reports", 20, 72.0,
                   previous=None, target=70.0, description="Réponses « C'est réparé ? » qui disent oui"),
        _indicator("satisfaction_survey", "Satisfaction des locataires (saisie)", "percent", "higher", "other", 10,
                   68.0, previous=None, baseline=64.0, target=75.0, source="manual",
                   description="Enquête triennale de satisfaction des bailleurs"),
    ]
    if tfpb:
        out += [
            _indicator("tfpb_valued_amount", "Montant TFPB valorisé", "euros", "higher", "tfpb", 10, 305000.0,
                       previous=280000.0, description="Montants valorisés par bailleur, axe et quartier",
                       breakdowns={"partner": [_row("2", "Habitat Nord", 190000.0), _row("3", "Logis du Val",
                                                                                      115000.0)]}),
            _indicator("tfpb_per_dwelling", "Montant valorisé par logement", "euros", "higher", "tfpb", 20, 226.0,
                       previous=210.0, description="Montant valorisé ÷ logements en QPV"),
            _indicator("tfpb_coverage_ratio", "Ratio valorisé / abattement", "ratio", "higher", "tfpb", 30, 0.92,
                       previous=0.88, target=1.0, description="Montant valorisé ÷ abattement reçu"),
        ]
    return out


def _commitments(rng: random.Random) -> list[dict[str, Any]]:
    sources = [("mainstream", "Droit commun", None), ("city_policy", "Crédits politique de la ville", None),
               ("tfpb", "Abattement de TFPB", "Sur-entretien"), ("tfpb", "Abattement de TFPB",
                                                                  "Tranquillité résidentielle")]
    titles = ["Passage quotidien de l'équipe de propreté", "Enlèvement hebdomadaire des encombrants",
              "Remplacement des luminaires des cheminements", "Présence renforcée des gardiens le soir",
              "Réfection des halls d'entrée", "Médiation de nuit", "Sensibilisation au tri des déchets",
              "Entretien renforcé des espaces verts", "Réparation des portes d'accès", "Éclairage des parkings"]
    statuses = [("done", "Tenu"), ("in_progress", "En cours"), ("partly_done", "Tenu en partie"),
                ("planned", "Prévu"), ("late", "En retard")]
    out = []
    for i, title in enumerate(titles):
        partner = PARTNERS[i % len(PARTNERS)][0]
        code, label, axis = sources[i % len(sources)]
        if code == "tfpb" and "Bailleur" not in PARTNERS[i % len(PARTNERS)][1]:
            code, label, axis = "mainstream", "Droit commun", None
        status, status_label = statuses[i % len(statuses)]
        inv, op = float(rng.randint(0, 40) * 1000), float(rng.randint(2, 30) * 1000)
        done = rng.uniform(0.2, 1.0)
        out.append({"reference": f"E-{i + 1:02d}", "title": title, "partner": partner,
                    "theme": THEMES[i % len(THEMES)], "funding_source": code, "funding_source_label": label,
                    "tfpb_axis_label": axis, "status": status, "status_label": status_label,
                    "progress": int(done * 100), "due_on": f"2026-{(i % 12) + 1:02d}-30" if i % 12 != 1 else
                    "2026-02-28", "planned_investment": inv, "planned_operating": op,
                    "investment_spent": round(inv * done), "operating_spent": round(op * done),
                    "indicator_label": "Passages par semaine" if i % 3 == 0 else None,
                    "indicator_unit": "passages" if i % 3 == 0 else None,
                    "indicator_baseline": 2.0 if i % 3 == 0 else None,
                    "indicator_target": 5.0 if i % 3 == 0 else None,
                    "indicator_value": 4.0 if i % 3 == 0 else None})
    return out


def _tfpb(year: int) -> list[dict[str, Any]]:
    out = []
    for name, dwellings, abatement, axes in (("Habitat Nord", 820, 210000.0, AXES[:4]),
                                              ("Logis du Val", 530, 125000.0, AXES[1:])):
        amounts = [round(abatement * share, 0) for share in (0.3, 0.25, 0.2, 0.15)][:len(axes)]
        valued = sum(amounts)
        out.append({
            "organisation": name, "year": year, "dwellings": dwellings, "abatement_amount": abatement,
            "valued_amount": valued, "coverage_ratio": round(valued / abatement, 2),
            "per_dwelling": round(valued / dwellings, 1),
            "by_axis": [{"code": c, "label": label, "amount": a}
                        for (c, label), a in zip(axes, amounts, strict=False)],
            "by_neighbourhood": [{"name": n, "qpv_code": q, "amount": round(valued * s),
                                  "abatement_amount": round(abatement * s)}
                                 for (n, q), s in zip(NEIGHBOURHOODS[:2], (0.6, 0.4), strict=True)],
            "actions": [{"axis_label": label, "neighbourhood": NEIGHBOURHOODS[i % 2][0],
                         "title": f"{label} : programme {year} ({name})", "amount": a}
                        for i, ((_c, label), a) in enumerate(zip(axes, amounts, strict=False))]})
    return out


def _annexes(rng: random.Random, start: date, findings: int, actions: int, reports: int) -> list[dict[str, Any]]:
    def when(n: int) -> date:
        return start + timedelta(days=n % 360)

    finding_rows = []
    for i in range(findings):
        opened = when(i * 7)
        status = FINDING_STATUSES[i % len(FINDING_STATUSES)]
        resolved = opened + timedelta(days=3 + i % 40) if status == "Résolu" else None
        finding_rows.append({"reference": f"C-{i + 1}", "opened_on": opened.isoformat(),
                             "theme": THEMES[i % len(THEMES)], "neighbourhood": NEIGHBOURHOODS[i % 3][0],
                             "partner": PARTNERS[i % len(PARTNERS)][0], "status": status,
                             "resolved_on": resolved.isoformat() if resolved else None,
                             "days": (resolved - opened).days if resolved else None})
    action_rows = [{"reference": f"A-{i + 1}", "title": f"Action {i + 1} : {THEMES[i % len(THEMES)].lower()} "
                    f"rue {['des Lilas', 'du Marché', 'Pasteur'][i % 3]}", "theme": THEMES[i % len(THEMES)],
                    "partner": PARTNERS[(i + 1) % len(PARTNERS)][0], "due_on": when(i * 11).isoformat(),
                    "status": ACTION_STATUSES[i % len(ACTION_STATUSES)], "progress": (i * 17) % 101,
                    "budget": float(500 * (i % 20))} for i in range(actions)]
    report_rows = [{"reference": f"S-{i + 1}", "received_on": when(i * 5).isoformat(),
                    "channel": CHANNELS[i % len(CHANNELS)], "theme": THEMES[(i + 2) % len(THEMES)],
                    "neighbourhood": NEIGHBOURHOODS[i % 3][0], "status": FINDING_STATUSES[i % 4]}
                   for i in range(reports)]
    return [
        {"code": "findings", "label": "Constats de la période", "section": "findings",
         "columns": [{"key": "reference", "label": "N°", "width": 0.8, "kind": "text"},
                     {"key": "opened_on", "label": "Relevé le", "width": 1.3, "kind": "date"},
                     {"key": "theme", "label": "Thématique", "width": 1.9, "kind": "text"},
                     {"key": "neighbourhood", "label": "Quartier", "width": 1.2, "kind": "text"},
                     {"key": "partner", "label": "Partenaire", "width": 1.8, "kind": "text"},
                     {"key": "status", "label": "Statut", "width": 0.9, "kind": "text"},
                     {"key": "resolved_on", "label": "Résolu le", "width": 1.3, "kind": "date"},
                     {"key": "days", "label": "Jours", "width": 0.6, "kind": "number"}],
         "rows": finding_rows},
        {"code": "actions", "label": "Actions de la convention", "section": "actions",
         "columns": [{"key": "reference", "label": "N°", "width": 0.7, "kind": "text"},
                     {"key": "title", "label": "Action", "width": 2.8, "kind": "text"},
                     {"key": "partner", "label": "Pilote", "width": 1.7, "kind": "text"},
                     {"key": "due_on", "label": "Échéance", "width": 1.3, "kind": "date"},
                     {"key": "status", "label": "Statut", "width": 1.0, "kind": "text"},
                     {"key": "progress", "label": "Avancement", "width": 1.0, "kind": "percent"},
                     {"key": "budget", "label": "Budget", "width": 1.0, "kind": "euros"}],
         "rows": action_rows},
        {"code": "resident_reports", "label": "Signalements des habitants", "section": "resident_reports",
         "columns": [{"key": "reference", "label": "N°", "width": 0.8, "kind": "text"},
                     {"key": "received_on", "label": "Reçu le", "width": 1.3, "kind": "date"},
                     {"key": "channel", "label": "Canal", "width": 1.2, "kind": "text"},
                     {"key": "theme", "label": "Thématique", "width": 2.0, "kind": "text"},
                     {"key": "neighbourhood", "label": "Quartier", "width": 1.2, "kind": "text"},
                     {"key": "status", "label": "Statut", "width": 1.0, "kind": "text"}],
         "rows": report_rows},
    ]


SECTION_TEXTS = {
    "synthesis": "L'année {year} a vu la montée en charge du dispositif de signalement : les constats relevés "
                 "ont augmenté, mais le délai médian de résolution a baissé.\n\nLes bailleurs ont tenu la plupart "
                 "de leurs engagements de présence de proximité ; l'éclairage public reste le point faible.",
    "context": "Le quartier des Tilleuls est entré dans la phase de travaux du renouvellement urbain en mars. "
               "Deux halls ont été fermés pendant six mois.",
    "governance": "Le COPIL s'est réuni deux fois (mars et octobre) ; le COTECH tous les deux mois.",
    "difficulties": "Les délais d'intervention sur l'éclairage restent longs faute de marché d'entretien. "
                    "Le COPIL est invité à arbitrer le financement d'un contrat de maintenance.",
    "recommendations": "Fixer une cible de délai par thématique ; généraliser les marches de nuit.",
    "method": "Les indicateurs sont calculés par gup à la date d'arrêt, comparés à la période précédente, "
              "à la situation de référence et aux cibles de la convention.",
    "reorientations": "Recentrer le programme d'actions sur la tranquillité résidentielle ; un avenant "
                      "prolongera la convention d'un an.",
    "what_worked": "La coordination hebdomadaire des gardiens et des agents de la ville.",
    "lessons": "Un référent unique par partenaire accélère le traitement des constats.",
    "sustain": "La médiation de nuit et le passage quotidien de propreté sont à intégrer au droit commun.",
    "next_agreement": "Engager un nouveau diagnostic partagé au premier semestre.",
}


def sample_snapshot(kind: str = "annual", *, status: str = "frozen", version: int = 2, findings: int = 60,
                    actions: int = 30, reports: int = 40, tfpb: bool = True, sections: bool = True,
                    contributions: bool = True, seed: int = 9) -> dict[str, Any]:
    """A snapshot as `gup.evaluations.snapshot.build` returns it (see the contract), deterministic."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, not security)
    year = 2025
    if kind == "annual":
        period = {"start": "2025-01-01", "end": "2025-12-31", "label": "année 2025"}
        previous = {"start": "2024-01-01", "end": "2024-12-31", "label": "année 2024"}
        title = "Bilan annuel 2025"
    elif kind == "midterm":
        period = {"start": "2023-01-01", "end": "2025-12-31", "label": "du 1er janvier 2023 au 31 décembre 2025"}
        previous = None
        title = "Évaluation à mi-parcours de la convention GUP Nord"
    else:
        period = {"start": "2023-01-01", "end": "2028-10-31", "label": "du 1er janvier 2023 au 31 octobre 2028"}
        previous = None
        title = "Évaluation finale de la convention GUP Nord"
    start = date.fromisoformat(period["start"])
    texts = {k: (v.format(year=year) if sections else "") for k, v in SECTION_TEXTS.items()}
    return {
        "schema": 1,
        "generated_at": "2026-01-15T06:00:00+00:00",
        "cut_off": period["end"],
        "evaluation": {"id": 3, "kind": kind, "kind_label": KINDS[kind], "title": title,
                       "year": year if kind == "annual" else None, "due_on": "2026-01-31", "version": version,
                       "status": status, "status_label": STATUS_LABELS[status]},
        "period": period,
        "previous_period": previous,
        "agreement": {
            "id": 1, "reference": "GUP-2023-NORD", "title": "Convention de gestion urbaine de proximité des "
                                                            "quartiers Nord",
            "kind_label": "Convention de site", "start_on": "2023-01-01", "end_on": "2028-12-31",
            "midterm_on": "2026-01-01", "status_label": "En vigueur",
            "city_contract": "Contrat de ville du Grand Val 2024-2030",
            "renewal_agreement": "Convention NPNRU des Tilleuls",
            "territories": [{"name": n, "kind_label": "Quartier prioritaire (QPV)" if q else "Quartier de veille",
                             "qpv_code": q} for n, q in NEIGHBOURHOODS],
            "signatories": [
                {"organisation": "Ville de Villeneuve-sur-Lot", "role_label": "Commune", "signer_name": "Anne Maire",
                 "signer_title": "Maire", "signed_on": "2023-01-10"},
                {"organisation": "Préfecture du Val", "role_label": "État", "signer_name": "Paul Préfet",
                 "signer_title": "Préfet", "signed_on": "2023-01-12"},
                {"organisation": "Habitat Nord", "role_label": "Bailleur social", "signer_name": "Rémi Directeur",
                 "signer_title": "Directeur général", "signed_on": "2023-01-15"},
                {"organisation": "Logis du Val", "role_label": "Bailleur social", "signer_name": "Inès Directrice",
                 "signer_title": "Directrice générale", "signed_on": "2023-01-15"}],
            "partners": [{"id": i + 1, "organisation": p, "kind_label": k, "referent": f"Référent {i + 1}"}
                         for i, (p, k) in enumerate(PARTNERS)],
            "amendments": [{"number": 1, "signed_on": "2024-06-01", "subject": "Ajout du quartier Centre ancien "
                            "au périmètre", "new_end_on": None},
                           {"number": 2, "signed_on": "2025-09-15", "subject": "Prolongation d'un an",
                            "new_end_on": "2029-12-31"}],
            "themes": THEMES,
        },
        "indicators": _indicators(rng, year, findings, reports, tfpb),
        "sections": texts,
        "contributions": ([
            {"organisation": "Habitat Nord", "kind_label": "Bailleur social",
             "text": "Nous avons recruté deux gardiens supplémentaires.\n\nLe sur-entretien des halls a été "
                     "doublé aux Tilleuls.", "submitted_at": "2026-01-10T09:00:00+01:00"},
            {"organisation": "Ville de Villeneuve-sur-Lot", "kind_label": "Commune",
             "text": "La brigade de propreté passe désormais six jours sur sept.",
             "submitted_at": "2026-01-11T14:30:00+01:00"},
        ] if contributions else []),
        "commitments": _commitments(rng),
        "tfpb": _tfpb(year) if tfpb else [],
        "annexes": _annexes(rng, start, findings, actions, reports),
    }
