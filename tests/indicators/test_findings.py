"""Findings indicators and annex on known data: values, breakdowns, period bounds, other agreements, privacy."""

from __future__ import annotations

import json
from datetime import date

from gup.audit.models import StatusChange
from gup.extensions import db
from gup.findings.models import FindingKind, FindingStatus
from gup.hotline.models import Channel
from gup.territory.models import TerritoryKind
from tests.indicators.conftest import annex, at, compute, rows


def _resolved(f, agreement, org, *, created, days, due_on=date(2025, 12, 31), **kw):
    from datetime import timedelta

    created_at = at(*created)
    return f.make_finding(agreement, org, status=FindingStatus.RESOLVED, created_at=created_at,
                          resolved_on=created_at.date() + timedelta(days=days), due_on=due_on, **kw)


def test_findings_reported_by_source_month_and_period_bounds(f, other):
    w = f.world()
    agreement, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]
    walk = f.make_walk(agreement, walked_on=date(2025, 3, 4))
    f.make_finding(agreement, hp1, walkthrough=walk, created_at=at(2025, 3, 4))
    staff = f.make_finding(agreement, hp2, created_at=at(2025, 3, 20), theme=f.theme("public_lighting"))
    from_report = f.make_finding(agreement, hp1, created_at=at(2025, 6, 1))
    from_relay = f.make_finding(agreement, hp1, created_at=at(2025, 6, 2))
    f.make_finding(agreement, hp1, kind=FindingKind.STRENGTH, created_at=at(2025, 12, 31, 23, 30))  # last evening
    f.make_finding(agreement, hp1, created_at=at(2026, 1, 1, 0, 30))  # still 2025 in UTC, 2026 in Paris: out
    f.make_finding(agreement, hp1, created_at=at(2024, 12, 31, 23, 59))  # before
    f.make_finding(other, None, created_at=at(2025, 5, 5))  # another agreement
    for finding, channel in ((from_report, Channel.PHONE), (from_relay, Channel.RELAY)):
        report = f.make_report(channel=channel, now=at(2025, 5, 30))
        report.finding_id = finding.id
    opened_from_walk_finding = f.make_report(channel=Channel.FINDING, now=at(2025, 3, 21))  # not an origin
    opened_from_walk_finding.finding_id = staff.id
    db.session.flush()

    value = compute("findings_reported", agreement)

    assert value.value == 5
    assert rows(value, "source") == {"Diagnostic en marchant": (1, None), "Signalement d'habitant": (1, None),
                                     "Habitant relais": (1, None), "Agents et partenaires": (2, None)}
    months = rows(value, "month")
    assert len(months) == 12 and months["mars 2025"] == (2, None) and months["déc. 2025"] == (1, None)
    assert months["janv. 2025"] == (0, None)
    assert rows(value, "partner") == {"Bailleur Deux": (1, None), "Bailleur Un": (4, None)}
    assert rows(value, "theme")["Éclairage public"] == (1, None)
    assert rows(value, "neighbourhood")[walk.neighbourhood.name] == (1, None)
    assert value.details["Point positif"] == 1 and value.details["Dysfonctionnement"] == 4


def test_resolution_delays_rate_and_in_time(f, other):
    w = f.world()
    agreement, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]
    _resolved(f, agreement, hp1, created=(2025, 3, 1), days=2, due_on=date(2025, 3, 2))  # late by a day
    _resolved(f, agreement, hp1, created=(2025, 4, 1), days=4)
    _resolved(f, agreement, hp2, created=(2025, 5, 1), days=10)
    f.make_finding(agreement, hp2, created_at=at(2025, 6, 1))  # still open (sent)
    _resolved(f, agreement, hp2, created=(2025, 12, 20), days=20)  # resolved in January 2026: open at the end
    _resolved(f, agreement, hp1, created=(2024, 11, 1), days=5)  # resolved in 2024: not counted
    _resolved(f, agreement, hp1, created=(2025, 2, 1), days=3, kind=FindingKind.PROPOSAL)  # not an issue
    f.make_finding(agreement, hp1, status=FindingStatus.OUT_OF_SCOPE, created_at=at(2025, 2, 2))  # redirected
    _resolved(f, other, hp1, created=(2025, 3, 1), days=1)

    median = compute("resolution_days_median", agreement)
    assert median.value == 4
    assert rows(median, "partner") == {"Bailleur Deux": (10, 1), "Bailleur Un": (3, 2)}
    p90 = compute("resolution_days_p90", agreement)
    assert p90.value == 8.8  # 4 + 0.8 × (10 − 4)
    assert rows(p90, "partner")["Bailleur Un"] == (3.8, 2)

    rate = compute("resolution_rate", agreement)
    assert rate.value == 60.0  # 3 resolved ÷ (3 + 2 open at the end)
    assert rate.details["Résolus pendant la période"] == 3 and rate.details["Ouverts en fin de période"] == 2
    assert rows(rate, "partner") == {"Bailleur Deux": (33.3, 3), "Bailleur Un": (100.0, 2)}

    in_time = compute("resolved_in_time_rate", agreement)
    assert in_time.value == 66.7
    assert rows(in_time, "partner")["Bailleur Un"] == (50.0, 2)


def test_status_at_period_end_comes_from_the_history(f):
    """A finding resolved in 2025 then reopened in 2026 counts as resolved in 2025; refusals, redirections and
    reopenings of the period are shown beside the rate."""
    w = f.world()
    agreement, hp1 = w["agreement"], w["hp1"]
    reopened = f.make_finding(agreement, hp1, status=FindingStatus.IN_PROGRESS, created_at=at(2025, 3, 1))
    refused = f.make_finding(agreement, hp1, status=FindingStatus.SENT, created_at=at(2025, 3, 1))
    history = [(reopened, None, "new", at(2025, 3, 1)), (reopened, "new", "sent", at(2025, 3, 1, 13)),
               (reopened, "sent", "accepted", at(2025, 3, 2)), (reopened, "accepted", "resolved", at(2025, 3, 7)),
               (reopened, "resolved", "in_progress", at(2025, 5, 1)),
               (reopened, "in_progress", "resolved", at(2025, 5, 11)),
               (reopened, "resolved", "in_progress", at(2026, 2, 1)),  # after the period
               (refused, None, "new", at(2025, 3, 1)), (refused, "new", "sent", at(2025, 3, 1)),
               (refused, "sent", "refused", at(2025, 3, 3)), (refused, "refused", "sent", at(2025, 3, 4))]
    for finding, old, new, moment in history:
        db.session.add(StatusChange(entity_type="Finding", entity_id=finding.id, from_status=old, to_status=new,
                                    at=moment))
    db.session.flush()

    rate = compute("resolution_rate", agreement)
    assert rate.value == 50.0  # reopened one resolved on 11 May 2025; the refused one is open (sent) at the end
    assert rate.details["Refusés"] == 1 and rate.details["Rouverts"] == 1
    assert compute("resolution_days_median", agreement).value == 71  # 1 March → 11 May


def test_recurring_findings(f, other):
    w = f.world()
    agreement, hp1 = w["agreement"], w["hp1"]
    for day in (1, 2, 3):
        f.make_finding(agreement, hp1, is_recurring=True, created_at=at(2025, 9, day))
    f.make_finding(agreement, hp1, created_at=at(2025, 9, 4))
    f.make_finding(agreement, hp1, is_recurring=True, created_at=at(2026, 1, 2))  # after the period
    f.make_finding(other, hp1, is_recurring=True, created_at=at(2025, 9, 2))

    value = compute("recurring_findings", agreement)

    assert value.value == 3
    assert value.details["Part des dysfonctionnements de la période (%)"] == 75.0
    assert rows(value, "partner") == {"Bailleur Un": (3, None)}


def test_findings_annex_lists_the_period_without_residents_personal_data(f, other):
    w = f.world()
    agreement, hp1 = w["agreement"], w["hp1"]
    neighbourhood = f.make_territory(name="Les Tilleuls")
    building = f.make_territory(TerritoryKind.RESIDENCE, parent=neighbourhood, name="Résidence Les Lilas")
    placed = f.make_finding(agreement, hp1, territory=building, created_at=at(2025, 4, 2),
                            due_on=date(2025, 10, 1))
    report = f.make_report(channel=Channel.PHONE, now=at(2025, 5, 1), contact_name="Jeanne Dupontel",
                           contact_email="jeanne.dupontel@example.net", contact_phone="06 12 34 56 78",
                           address="12 rue Privée")
    converted = f.make_finding(agreement, hp1, created_at=at(2025, 5, 2), address="12 rue Privée",
                               description="Appel de Jeanne Dupontel (06 12 34 56 78) : encombrants")
    report.finding_id = converted.id
    f.make_finding(agreement, hp1, created_at=at(2026, 1, 3))  # after
    _resolved(f, agreement, hp1, created=(2024, 12, 1), days=40)  # created before, resolved in the period
    f.make_finding(other, hp1, created_at=at(2025, 4, 2))
    db.session.flush()

    table = annex("findings", agreement)

    assert len(table) == 3  # the two created in 2025 and the one resolved in 2025
    first = next(row for row in table if row["reference"] == f"C-{placed.id}")
    assert first == {"reference": f"C-{placed.id}", "opened_on": "2025-04-02", "kind": "Dysfonctionnement",
                     "theme": "Propreté", "place": "Les Tilleuls › Résidence Les Lilas",
                     "neighbourhood": "Les Tilleuls", "organisation": "Bailleur Un",
                     "status": "Transmis au partenaire", "due_on": "2025-10-01", "resolved_on": None}
    text = json.dumps(table, ensure_ascii=False)
    for personal in ("Jeanne", "Dupontel", "jeanne.dupontel@example.net", "06 12 34 56 78", "12 rue Privée"):
        assert personal not in text
