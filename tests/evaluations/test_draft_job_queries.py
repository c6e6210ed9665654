"""The draft job's SQL cost grows with the agreements, never with what each one holds, and the territory tree is
read once per run: in January every agreement's annual review comes due at once (200 agreements at load scale
took more than ten minutes when each indicator re-read the whole tree and each draft rendered its PDF)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from gup.agreements.models import CommitmentUpdate
from gup.evaluations import jobs, services
from gup.evaluations.models import Evaluation, EvaluationStatus
from gup.extensions import db
from gup.relays import services as relays
from gup.territory.models import TerritoryKind
from tests.test_query_counts import _empty_database

JANUARY = datetime(2026, 1, 2, 11, 0, tzinfo=UTC)  # the 2025 annual reviews are due for preparation


def _reads_the_tree(statement: str) -> bool:
    """territory_index()'s query: every node of the tree, no WHERE."""
    words = " ".join(statement.split())
    return words.endswith("FROM territories") and words.startswith("SELECT territories.id, territories.parent_id")


def _agreements(f, count: int, items: int) -> None:
    """`count` agreements in force since 2025, each with `items` commitments (an update each), buildings and
    relays on its own neighbourhood."""
    w = f.world()
    for _ in range(count):
        agreement = f.make_agreement(coordinators=[w["coordinator"]], organisations=[w["town"], w["hp1"], w["hp2"]],
                                     start_on=date(2025, 1, 1))
        nbh = f.make_territory(TerritoryKind.NEIGHBOURHOOD)
        agreement.territories.append(nbh)
        residence = f.make_territory(TerritoryKind.RESIDENCE, nbh, housing_provider=w["hp1"])
        for i in range(items):
            building = f.make_territory(TerritoryKind.BUILDING, residence)
            commitment = f.make_commitment(agreement, w["hp1"] if i % 2 else w["hp2"])
            db.session.add(CommitmentUpdate(commitment=commitment, note="Point", progress=50,
                                            operating_spent=Decimal("100.00"), spent_on=date(2025, 6, 1)))
            relays.create_relay(agreement, actor=w["coordinator"], person_name=f"Relais {i}", territory=building,
                                mandate_start_on=date(2025, 2, 1), mandate_end_on=date(2027, 1, 31))
        services.sync_schedule(agreement)
    db.session.commit()


def _run(f, count_queries, count: int) -> list[str]:
    _empty_database()
    _agreements(f, count, items=count)
    with count_queries() as statements:
        assert jobs.prepare_drafts(JANUARY) == count
    drafts = db.session.scalars(sa.select(Evaluation).where(Evaluation.status == EvaluationStatus.IN_PREPARATION))
    assert all(e.draft_version is not None and e.draft_version.snapshot for e in drafts)
    db.session.commit()
    return list(statements)


def test_draft_job_costs_the_same_queries_per_agreement_whatever_it_holds(app_ctx, f, count_queries):
    one, two, six = (_run(f, count_queries, n) for n in (1, 2, 6))
    for statements in (one, two, six):
        assert sum(_reads_the_tree(s) for s in statements) == 1
    per_agreement = len(two) - len(one)
    assert len(six) - len(two) == 4 * per_agreement, (len(one), len(two), len(six))


def test_a_draft_report_is_rendered_when_downloaded(app_ctx, f, client, login):
    _agreements(f, 1, items=1)
    assert jobs.prepare_drafts(JANUARY) == 1
    db.session.commit()
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.status == EvaluationStatus.IN_PREPARATION))
    draft = evaluation.draft_version
    assert draft.pdf is None and draft.pdf_sha256 is None  # nobody asked for it yet
    login(evaluation.agreement.coordinators[0])
    pdf = client.get(f"/evaluations/{evaluation.id}/versions/0/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "projet" in pdf.headers["Content-Disposition"]
    assert "X-Content-SHA256" not in pdf.headers  # only frozen versions carry a stored checksum
    assert jobs.prepare_drafts(JANUARY) == 0  # idempotent: the second run redoes nothing


def test_a_run_stops_after_its_time_budget_and_the_next_runs_go_on(app, app_ctx, f, monkeypatch):
    _agreements(f, 3, items=1)
    monkeypatch.setitem(app.config, "EVALUATION_DRAFTS_SECONDS", 1e-9)  # every run over budget after one draft
    assert [jobs.prepare_drafts(JANUARY) for _ in range(4)] == [1, 1, 1, 0]
    db.session.commit()
    prepared = db.session.scalars(sa.select(Evaluation).where(Evaluation.status == EvaluationStatus.IN_PREPARATION))
    assert len({e.agreement_id for e in prepared}) == 3  # each agreement's review, one per run
    monkeypatch.setitem(app.config, "EVALUATION_DRAFTS_SECONDS", 0)  # no limit
    assert jobs.prepare_drafts(JANUARY) == 0
