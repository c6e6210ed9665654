"""Preparing, freezing, approving, publishing: a frozen version never changes, a correction adds a version."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from gup.errors import DomainError, InvalidTransition
from gup.evaluations import services
from gup.evaluations.models import Evaluation, EvaluationStatus
from gup.extensions import db
from gup.indicators import Direction, Unit

NOW = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def _review(w, slot="annual-2025") -> Evaluation:
    services.sync_schedule(w["agreement"])
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.agreement_id == w["agreement"].id,
                                                          Evaluation.slot == slot))


def _indicator(snapshot, code):
    return next(i for i in snapshot["indicators"] if i["code"] == code)


def test_freeze_approve_publish_keeps_every_version(f):
    w = f.world()
    review = _review(w)
    services.save_sections(review, {"synthesis": "Une année de démarrage."}, actor=w["coordinator"], now=NOW)
    services.save_contribution(review, organisation=w["hp1"], text="Nos actions.", actor=w["referent1"], now=NOW)
    v1 = services.freeze(review, actor=w["coordinator"], now=NOW)
    assert review.status is EvaluationStatus.FROZEN and v1.number == 1 and not v1.is_draft
    assert v1.pdf.startswith(b"%PDF") and len(v1.pdf_sha256) == 64 and v1.pdf_size == len(v1.pdf)
    snapshot = v1.snapshot
    assert snapshot["evaluation"]["kind"] == "annual" and snapshot["period"]["start"] == "2025-01-01"
    assert snapshot["previous_period"] is None  # the agreement starts in 2025
    assert snapshot["sections"]["synthesis"] == "Une année de démarrage."
    assert snapshot["contributions"][0]["organisation"] == "Bailleur Un"
    assert {c["reference"] for c in snapshot["commitments"]} == {w["c1"].reference, w["c2"].reference}
    # frozen: texts and contributions are closed
    with pytest.raises(DomainError):
        services.save_sections(review, {"synthesis": "Autre"}, actor=w["coordinator"], now=NOW)
    with pytest.raises(InvalidTransition):
        services.publish(review, actor=w["coordinator"], now=NOW)  # not approved yet
    services.approve(review, approved_on=date(2026, 2, 10), note="COPIL", actor=w["coordinator"], now=NOW)
    services.publish(review, actor=w["coordinator"], now=NOW)
    assert review.published_version is v1

    # a correction needs its reason, and makes version 2 while version 1 stays as it was
    with pytest.raises(DomainError):
        services.freeze(review, actor=w["coordinator"], now=NOW)
    checksum = v1.pdf_sha256
    v2 = services.freeze(review, actor=w["coordinator"], now=NOW, note="Constat mal daté")
    assert v2.number == 2 and review.status is EvaluationStatus.FROZEN
    assert [v.number for v in review.frozen_versions] == [1, 2]
    assert v1.pdf_sha256 == checksum and review.published_version is v1  # the published report is unchanged


def test_a_draft_is_replaced_and_dropped_at_freezing(f):
    w = f.world()
    review = _review(w)
    services.prepare_draft(review, actor=w["coordinator"], now=NOW)
    services.prepare_draft(review, actor=w["coordinator"], now=NOW)
    assert review.status is EvaluationStatus.IN_PREPARATION
    assert [(v.number, v.is_draft) for v in review.versions] == [(0, True)]
    assert review.draft_version.snapshot["evaluation"]["status"] == "draft"
    services.freeze(review, actor=w["coordinator"], now=NOW)
    assert [(v.number, v.is_draft) for v in review.versions] == [(1, False)]


def test_the_previous_period_and_targets_are_in_each_figure(f):
    w = f.world()
    services.sync_schedule(w["agreement"])
    survey = services.save_indicator_target(w["agreement"], code="satisfaction", label="Satisfaction",
                                            unit=Unit.PERCENT, direction=Direction.HIGHER, baseline="60",
                                            target="75", organisation=w["hp1"], manual=True,
                                            actor=w["coordinator"])
    first, second = _review(w, "annual-2025"), _review(w, "annual-2026")
    services.save_manual_value(first, survey, value=Decimal("62"), comment="Enquête", actor=w["referent1"], now=NOW)
    services.save_manual_value(second, survey, value=Decimal("70"), comment=None, actor=w["referent1"], now=NOW)
    snapshot = services.freeze(second, actor=w["coordinator"], now=datetime(2027, 1, 15, tzinfo=UTC)).snapshot
    assert snapshot["previous_period"]["start"] == "2025-01-01"
    figure = _indicator(snapshot, "satisfaction")
    assert (figure["value"], figure["previous"], figure["baseline"], figure["target"]) == (70, 62, 60, 75)
    assert figure["gap_target"] == -5 and figure["gap_previous"] == 8 and figure["source"] == "manual"


def test_bad_inputs_are_refused_clearly(f):
    w = f.world()
    review = _review(w)
    with pytest.raises(DomainError):
        services.save_sections(review, {"next_agreement": "x"}, actor=w["coordinator"], now=NOW)  # final only
    with pytest.raises(DomainError):
        services.save_contribution(review, organisation=w["outsider_org"], text="x", actor=w["coordinator"],
                                   now=NOW)
    with pytest.raises(DomainError):
        services.save_indicator_target(w["agreement"], code="Bad Code", label="x", unit=Unit.COUNT,
                                       direction=Direction.HIGHER, baseline=None, target=None, manual=True,
                                       actor=w["coordinator"])
    with pytest.raises(DomainError):
        services.save_indicator_target(w["agreement"], code="nope", baseline="1", target="2",
                                       actor=w["coordinator"])
    midterm = _review(w, "midterm")
    with pytest.raises(DomainError, match="pas terminée"):
        services.freeze(midterm, actor=w["coordinator"], now=NOW)  # its period ends in 2027
    services.freeze(review, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError):
        services.approve(review, approved_on=date(2027, 1, 1), note=None, actor=w["coordinator"], now=NOW)
