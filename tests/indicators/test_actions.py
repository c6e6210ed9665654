"""Action indicators and annex on known data: done ÷ planned by theme and lead partner, late actions."""

from __future__ import annotations

from datetime import date

from gup.actions.models import ActionStatus
from gup.extensions import db
from tests.indicators.conftest import annex, at, compute, rows


def _actions(f, w, other):
    agreement, hp1, hp2 = w["agreement"], w["hp1"], w["hp2"]
    created = at(2025, 1, 10)
    lighting = f.make_commitment(agreement, hp2, theme=f.theme("public_lighting"))
    done = f.make_action(agreement, hp1, title="Nettoyage du square", status=ActionStatus.DONE, progress=100,
                         due_on=date(2025, 6, 30), done_on=date(2025, 6, 15), created_at=created)
    finding = f.make_finding(agreement, hp1, theme=f.theme("waste"))
    done.findings = [finding]  # theme from the finding it answers
    f.make_action(agreement, hp1, status=ActionStatus.DONE, progress=100, due_on=date(2026, 3, 1),
                  done_on=date(2025, 11, 2), created_at=created)  # done early: counts
    f.make_action(agreement, hp2, commitment=lighting, status=ActionStatus.IN_PROGRESS, progress=40,
                  due_on=date(2025, 9, 30), created_at=created)  # late
    f.make_action(agreement, hp2, commitment=lighting, status=ActionStatus.DONE, progress=100,
                  due_on=date(2025, 12, 1), done_on=date(2026, 1, 15), created_at=created)  # done after: late
    f.make_action(agreement, hp2, status=ActionStatus.BLOCKED, blocked_reason="Attente devis",
                  due_on=date(2024, 12, 1), created_at=at(2024, 10, 1))  # late since 2024
    f.make_action(agreement, hp1, status=ActionStatus.CANCELLED, due_on=date(2025, 5, 1), created_at=at(2024, 3, 1),
                  updated_at=at(2024, 4, 1))  # cancelled in 2024
    f.make_action(agreement, hp1, due_on=date(2026, 5, 1), created_at=created)  # due later
    f.make_action(agreement, hp1, due_on=date(2025, 5, 1), created_at=at(2026, 1, 2))  # recorded after
    f.make_action(other, hp1, due_on=date(2025, 5, 1), created_at=created)
    db.session.flush()


def test_actions_done_rate_by_theme_and_lead_partner(f, other):
    w = f.world()
    _actions(f, w, other)

    value = compute("actions_done_rate", w["agreement"])

    assert value.value == 50.0  # 2 done of 4 planned (due in 2025 or done in 2025)
    assert rows(value, "partner") == {"Bailleur Deux": (0.0, 2), "Bailleur Un": (100.0, 2)}
    theme = rows(value, "theme")
    assert theme["Éclairage public"] == (0.0, 2) and theme["Déchets, encombrants, dépôts sauvages"] == (100.0, 1)
    assert theme["Non renseigné"] == (100.0, 1)


def test_actions_late_at_period_end(f, other):
    w = f.world()
    _actions(f, w, other)

    value = compute("actions_late", w["agreement"])

    assert value.value == 3
    assert value.details["Dont bloquées"] == 1 and value.details["Dont réalisées depuis"] == 1
    assert rows(value, "partner") == {"Bailleur Deux": (3, None)}


def test_actions_annex(f, other):
    w = f.world()
    _actions(f, w, other)
    quoted = f.make_finding(w["agreement"], w["hp1"], description="Appel de Jeanne Dupontel : encombrants")
    copied = f.make_action(w["agreement"], w["hp1"], title=quoted.description, created_at=at(2025, 2, 1))
    copied.findings = [quoted]
    db.session.flush()

    table = annex("actions", w["agreement"])

    titles = [row["title"] for row in table]
    assert "Nettoyage du square" in titles
    # neither the one cancelled in 2024, nor the one recorded after the period, nor the other agreement's
    assert len(table) == 7
    row = next(row for row in table if row["title"] == "Nettoyage du square")
    assert not any("Dupontel" in row["title"] for row in table)
    assert next(row for row in table if row["reference"] == f"A-{copied.id}")["title"] == (
        f"Suite du constat C-{copied.findings[0].id}")
    assert row["theme"] == "Déchets, encombrants, dépôts sauvages" and row["organisation"] == "Bailleur Un"
    assert row["status"] == "Réalisée" and row["progress"] == 100 and row["done_on"] == "2025-06-15"
