"""Agreement and commitment rules: mid-term date, amendments, lifecycles, overdue."""

from datetime import date

import pytest

from gup.agreements import services
from gup.agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
)
from gup.errors import DomainError, InvalidTransition
from tests import lifecycles
from tests.lifecycles import allowed


def _agreement(start, end, **kw):
    return Agreement(reference="X", title="X", kind=AgreementKind.SITE, start_on=start, end_on=end, **kw)


def test_midterm_defaults_to_three_years_or_halfway():
    assert _agreement(date(2025, 1, 1), date(2030, 12, 31)).midterm_evaluation_on == date(2028, 1, 1)
    assert _agreement(date(2025, 1, 1), date(2029, 1, 1)).midterm_evaluation_on == date(2027, 1, 1)
    assert _agreement(date(2025, 1, 1), date(2030, 12, 31),
                      midterm_on=date(2027, 6, 1)).midterm_evaluation_on == date(2027, 6, 1)


def test_amendment_extends_end_without_gap(f):
    w = f.world()
    agreement = w["agreement"]
    services.add_amendment(agreement, signed_on=date(2030, 6, 1), subject="Prolongation",
                           new_end_on=date(2031, 12, 31), actor=w["coordinator"])
    assert agreement.effective_end_on == date(2031, 12, 31) and agreement.is_extended
    assert agreement.end_on == date(2030, 12, 31)
    labels = [label for _, label in agreement.key_dates()]
    assert "Fin (prolongée par avenant)" in labels and "Fin initialement prévue" in labels
    with pytest.raises(DomainError, match="avant sa fin"):
        services.add_amendment(agreement, signed_on=date(2032, 2, 1), subject="Trop tard",
                               new_end_on=date(2033, 12, 31), actor=w["coordinator"])
    second = services.add_amendment(agreement, signed_on=date(2031, 3, 1), subject="Avenant 2", new_end_on=None,
                                    actor=w["coordinator"])
    assert second.number == 2


def test_agreement_signed_only_when_every_signatory_signed(f):
    w = f.world()
    agreement = w["agreement"]
    agreement.status = AgreementStatus.DRAFT
    f.make_signatory(agreement, w["town"], signed_on=date(2025, 1, 10))
    f.make_signatory(agreement, w["hp1"], signed_on=None)
    with pytest.raises(InvalidTransition):
        agreement.move_to(AgreementStatus.SIGNED)
    agreement.signatories[1].signed_on = date(2025, 1, 20)
    agreement.move_to(AgreementStatus.SIGNED)
    assert agreement.signed_on == date(2025, 1, 20)
    with pytest.raises(InvalidTransition):
        agreement.move_to(AgreementStatus.ENDED)


def test_agreements_enter_into_force_and_end_by_date(f):
    w = f.world()
    agreement = w["agreement"]
    agreement.status = AgreementStatus.SIGNED
    services.put_agreements_in_force(today=date(2024, 12, 31))
    assert agreement.status is AgreementStatus.SIGNED
    services.put_agreements_in_force(today=date(2025, 1, 1))
    assert agreement.status is AgreementStatus.IN_FORCE
    services.put_agreements_in_force(today=date(2031, 1, 1))
    assert agreement.status is AgreementStatus.ENDED


@pytest.mark.parametrize("current", list(CommitmentStatus))
@pytest.mark.parametrize("target", list(CommitmentStatus))
def test_commitment_transitions(current, target):
    commitment = Commitment(status=current, progress=0)
    if target is current or allowed(lifecycles.COMMITMENT, current, target):
        commitment.move_to(target)
        assert commitment.status is target
    else:
        with pytest.raises(InvalidTransition):
            commitment.move_to(target)


def test_overdue_is_computed(f):
    w = f.world()
    c1 = w["c1"]  # due 2026-06-30
    assert c1.is_overdue(date(2026, 7, 1)) and not c1.is_overdue(date(2026, 6, 30))
    c1.status = CommitmentStatus.FULFILLED
    assert not c1.is_overdue(date(2026, 7, 1))


def test_tfpb_rules(f):
    w = f.world()
    from gup.agreements.models import FundingSource, TfpbAxis

    with pytest.raises(DomainError, match="axe TFPB"):
        services.update_commitment(w["c1"], actor=w["coordinator"], funding_source=FundingSource.TFPB)
    services.update_commitment(w["c1"], actor=w["coordinator"], funding_source=FundingSource.TFPB,
                               tfpb_axis=TfpbAxis.ENHANCED_MAINTENANCE)
    town_partner = f.partner_of(w["agreement"], w["town"])
    with pytest.raises(DomainError, match="bailleurs"):
        services.create_commitment(w["agreement"], partner=town_partner, actor=w["coordinator"], title="T",
                                   theme=f.theme(), funding_source=FundingSource.TFPB,
                                   tfpb_axis=TfpbAxis.STAFF_PRESENCE)


def test_progress_update_moves_commitment(f):
    w = f.world()
    update = services.add_commitment_update(w["c1"], note="Travaux lancés", progress=40,
                                            status=CommitmentStatus.IN_PROGRESS, actor=w["referent1"], now=w["now"])
    assert w["c1"].progress == 40 and w["c1"].status is CommitmentStatus.IN_PROGRESS
    assert update.author_id == w["referent1"].id
    with pytest.raises(DomainError):
        services.add_commitment_update(w["c1"], note="  ", actor=w["referent1"], now=w["now"])
