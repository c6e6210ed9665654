"""Resident-report indicators and annex on known data: channels, months, resolution, « is it fixed? », privacy."""

from __future__ import annotations

import json
from datetime import timedelta

from gup.extensions import db
from gup.hotline.models import Channel, ReportStatus
from tests.indicators.conftest import annex, at, compute, rows


def _report(f, agreement, channel, received, *, status=ReportStatus.RECEIVED, answered=None, closed=None,
            fixed=None, organisation=None, **kw):
    report = f.make_report(channel=channel, now=received, **kw)
    report.agreement = agreement
    report.status = status
    report.responsible_organisation = organisation
    report.first_answer_at = received + timedelta(days=answered) if answered is not None else None
    report.closed_at = received + timedelta(days=closed) if closed is not None else None
    report.fixed_answer = fixed
    db.session.flush()
    return report


def _reports(f, w, other):
    agreement, hp1 = w["agreement"], w["hp1"]
    _report(f, agreement, Channel.WEB, at(2025, 2, 1, 10), status=ReportStatus.RESOLVED, answered=1, closed=5,
            fixed=True, organisation=hp1)
    _report(f, agreement, Channel.PHONE, at(2025, 2, 10, 10), status=ReportStatus.SENT, answered=0.5, fixed=False,
            organisation=hp1)  # « no, not fixed »: reopened
    _report(f, agreement, Channel.RELAY, at(2025, 3, 1, 10), status=ReportStatus.NOT_OUR_REMIT, answered=2,
            closed=2)
    _report(f, agreement, Channel.OPEN311, at(2025, 12, 31, 23, 30))
    _report(f, agreement, Channel.WEB, at(2026, 1, 1, 0, 30))  # after the period (Paris time)
    _report(f, other, Channel.WEB, at(2025, 5, 1), status=ReportStatus.RESOLVED, answered=1, closed=1, fixed=True)


def test_reports_received_by_channel_and_month(f, other):
    w = f.world()
    _reports(f, w, other)

    value = compute("reports_received", w["agreement"])

    assert value.value == 4
    channels = rows(value, "channel")
    assert channels["Formulaire en ligne"] == (1, None) and channels["Téléphone (numéro vert)"] == (1, None)
    assert channels["Habitant relais"] == (1, None) and channels["Application partenaire (Open311)"] == (1, None)
    assert channels["Constat de diagnostic"] == (0, None)
    months = rows(value, "month")
    assert months["févr. 2025"] == (2, None) and months["déc. 2025"] == (1, None) and len(months) == 12
    assert value.details["Part réorientée, hors de nos compétences (%)"] == 25.0
    assert rows(value, "partner")["Bailleur Un"] == (2, None)


def test_reports_resolution_and_delays(f, other):
    w = f.world()
    _reports(f, w, other)
    agreement = w["agreement"]

    resolved = compute("reports_resolved_rate", agreement)
    assert resolved.value == 33.3  # 1 resolved of the 3 the partners had to handle
    assert resolved.details["Délai médian de première réponse (jours)"] == 1.0
    assert resolved.details["Délai médian de clôture des résolus (jours)"] == 5.0
    assert rows(resolved, "channel")["Formulaire en ligne"] == (100.0, 1)

    first = compute("reports_first_answer_days_median", agreement)
    assert first.value == 1.0  # 0.5, 1 and 2 days
    assert rows(first, "channel")["Téléphone (numéro vert)"] == (0.5, 1)
    assert compute("reports_closure_days_median", agreement).value == 5.0


def test_fixed_confirmed_rate(f, other):
    w = f.world()
    _reports(f, w, other)

    value = compute("fixed_confirmed_rate", w["agreement"])

    assert value.value == 50.0
    assert value.details["Réponses « oui »"] == 1 and value.details["Réponses « non » (signalement rouvert)"] == 1
    assert rows(value, "channel")["Formulaire en ligne"] == (100.0, 1)


def test_reports_annex_never_shows_residents_personal_data(f, other):
    w = f.world()
    agreement = w["agreement"]
    tilleuls = f.make_territory(name="Les Tilleuls")
    private = _report(f, agreement, Channel.PHONE, at(2025, 4, 1, 9), status=ReportStatus.RESOLVED, answered=1,
                      closed=3, description="Appel de Jeanne Dupontel : encombrants devant chez elle",
                      contact_name="Jeanne Dupontel", contact_email="jeanne.dupontel@example.net",
                      contact_phone="06 12 34 56 78", address="12 rue Privée", neighbourhood=tilleuls)
    public = _report(f, agreement, Channel.WEB, at(2025, 4, 2, 9), description="Tag sur le mur du gymnase",
                     address="Gymnase Jean Zay", publish_description=True)
    _report(f, other, Channel.WEB, at(2025, 4, 3), description="Autre convention")

    table = annex("resident_reports", agreement)

    assert [row["reference"] for row in table] == [private.reference, public.reference]
    assert table[0] == {"reference": private.reference, "received_on": "2025-04-01",
                        "channel": "Téléphone (numéro vert)", "category": private.category.label,
                        "theme": "Propreté", "neighbourhood": "Les Tilleuls", "status": "Résolu",
                        "days_to_close": 3.0, "description": "", "address": ""}
    assert table[1]["description"] == "Tag sur le mur du gymnase" and table[1]["address"] == "Gymnase Jean Zay"
    text = json.dumps(table, ensure_ascii=False)
    for personal in ("Jeanne", "Dupontel", "jeanne.dupontel@example.net", "06 12 34 56 78", "12 rue Privée"):
        assert personal not in text
