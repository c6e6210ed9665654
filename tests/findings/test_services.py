"""Finding services: routing suggestion, due dates, hand-overs, partner answers, lifecycle, recurrence."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gup.audit.models import AuditEntry
from gup.audit.services import status_history
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.findings.models import Finding, FindingKind, FindingStatus, LandOwnership, Priority, RoutingRule
from gup.findings.services import (
    change_finding_status,
    create_finding,
    default_due_on,
    flag_recurrence,
    route_finding,
    suggest_responsible,
    update_finding,
)
from gup.organisations.models import OrganisationKind
from gup.territory.models import TerritoryKind
from gup.territory.queries import distance_m
from tests import lifecycles
from tests.lifecycles import allowed as lifecycle_allows

NOW = datetime(2026, 10, 6, 12, 0, tzinfo=UTC)  # 14:00 in Bellerive
#: about 20 m and 60 m northwards, in degrees of latitude
STEP_20M, STEP_60M = 20 / 111_195, 60 / 111_195


@pytest.fixture
def w(f):
    return f.world()


def _rule(agreement, ownership, organisation, theme=None) -> RoutingRule:
    rule = RoutingRule(agreement=agreement, land_ownership=ownership, theme=theme, organisation=organisation)
    db.session.add(rule)
    db.session.flush()
    return rule


def _log(w, f, *, now=NOW, actor=None, **fields) -> Finding:
    fields.setdefault("description", "Dépôt d'encombrants au pied de l'immeuble")
    fields.setdefault("theme", f.theme("waste"))
    return create_finding(w["agreement"], actor=actor or w["coordinator"], now=now, **fields)


def _history(finding) -> list[tuple[str | None, str, str | None]]:
    return [(c.from_status, c.to_status, c.note) for c in status_history(finding)]


def _place(f, provider=None):
    """A residence (managed by `provider`) → building → stairwell, in a fresh neighbourhood."""
    hood = f.make_territory()
    residence = f.make_territory(TerritoryKind.RESIDENCE, parent=hood, housing_provider=provider)
    building = f.make_territory(TerritoryKind.BUILDING, parent=residence)
    stairwell = f.make_territory(TerritoryKind.STAIRWELL, parent=building)
    return residence, building, stairwell


# --- routing suggestion ---------------------------------------------------------------------------------------

def test_rule_for_ownership_and_theme_beats_rule_for_ownership_alone(w, f):
    agreement, town, hp1, hp2 = w["agreement"], w["town"], w["hp1"], w["hp2"]
    _rule(agreement, LandOwnership.HOUSING_PROVIDER, hp2, theme=f.theme("cleanliness"))
    _rule(agreement, LandOwnership.HOUSING_PROVIDER, town)
    _residence, building, _stairwell = _place(f, provider=hp1)
    _r, unmanaged, _s = _place(f)
    suggest = lambda theme, place=unmanaged: suggest_responsible(  # noqa: E731
        agreement, land_ownership=LandOwnership.HOUSING_PROVIDER, theme=f.theme(theme), territory=place)
    assert suggest("cleanliness") == hp2
    assert suggest("waste") == town
    # issue 8: on a place managed by hp1, a rule naming another housing provider gives way to hp1; a rule naming
    # someone else (the town) still beats the building's housing provider
    assert suggest("cleanliness", building) == hp1
    assert suggest("waste", building) == town
    assert suggest_responsible(agreement, land_ownership=LandOwnership.HOUSING_PROVIDER, theme=None,
                               territory=building) == town


def test_a_rule_of_another_agreement_or_ownership_is_ignored(w, f):
    other = f.make_agreement(organisations=[w["hp2"]])
    _rule(other, LandOwnership.TOWN, w["hp2"])
    _rule(w["agreement"], LandOwnership.EPCI, w["hp2"])
    assert suggest_responsible(w["agreement"], land_ownership=LandOwnership.TOWN, theme=f.theme(),
                               territory=None) == w["town"]


def test_housing_provider_of_the_place_beats_the_single_partner_of_that_kind(f):
    town = f.make_organisation(kind=OrganisationKind.MUNICIPALITY)
    partner_hp, signing_hp = f.make_organisation(), f.make_organisation()
    agreement = f.make_agreement(organisations=[town, partner_hp])
    f.make_signatory(agreement, signing_hp)  # a party to the agreement, though not listed as a partner
    residence, building, stairwell = _place(f, provider=signing_hp)
    for place in (residence, building, stairwell):  # looked up from the stairwell to the residence
        assert suggest_responsible(agreement, land_ownership=LandOwnership.HOUSING_PROVIDER, theme=f.theme(),
                                   territory=place) == signing_hp
    assert suggest_responsible(agreement, land_ownership=LandOwnership.HOUSING_PROVIDER, theme=f.theme(),
                               territory=None) == partner_hp
    _r, foreign_building, _s = _place(f, provider=f.make_organisation())  # not a party: cannot receive it
    # ... and another housing provider may not either (issue 8): the coordination chooses
    assert suggest_responsible(agreement, land_ownership=LandOwnership.HOUSING_PROVIDER, theme=f.theme(),
                               territory=foreign_building) is None


def test_single_partner_of_the_matching_kind(w, f):
    agreement = w["agreement"]
    assert suggest_responsible(agreement, land_ownership=LandOwnership.TOWN, theme=f.theme(),
                               territory=None) == w["town"]


@pytest.mark.parametrize("ownership", [None, LandOwnership.HOUSING_PROVIDER, LandOwnership.EPCI,
                                       LandOwnership.CO_OWNERSHIP, LandOwnership.PRIVATE, LandOwnership.STATE])
def test_no_suggestion(w, f, ownership):
    """Two housing providers and no place, no EPCI or State partner, no rule for private land: nobody."""
    assert suggest_responsible(w["agreement"], land_ownership=ownership, theme=f.theme(), territory=None) is None


# --- due dates ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("priority", list(Priority), ids=lambda p: p.value)
def test_default_due_date_from_the_priority_setting(app_ctx, priority):
    days = app_ctx.config["PRIORITY_DUE_DAYS"][priority.value]
    assert default_due_on(priority, date(2026, 10, 6)) == date(2026, 10, 6) + timedelta(days=days)


def test_due_date_counts_from_the_local_day_and_can_be_given(w, f, app_ctx):
    late_evening = datetime(2026, 10, 6, 22, 30, tzinfo=UTC)  # already 7 October in Bellerive
    urgent = _log(w, f, now=late_evening, priority=Priority.URGENT)
    assert urgent.due_on == date(2026, 10, 7) + timedelta(days=app_ctx.config["PRIORITY_DUE_DAYS"]["urgent"])
    default = _log(w, f)
    assert default.priority is Priority.THIS_YEAR
    assert default.due_on == date(2026, 10, 6) + timedelta(days=app_ctx.config["PRIORITY_DUE_DAYS"]["this_year"])
    assert _log(w, f, due_on=date(2026, 12, 24)).due_on == date(2026, 12, 24)


# --- logging a finding -------------------------------------------------------------------------------------------

def test_create_finding_routes_at_once(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.TOWN, address="  Square des Tilleuls ", resident_quote="  ")
    assert finding.status is FindingStatus.SENT and finding.responsible_organisation == w["town"]
    assert (finding.address, finding.resident_quote) == ("Square des Tilleuls", None)
    assert finding.created_by == w["coordinator"] and finding.created_at == NOW
    [transfer] = finding.transfers
    assert (transfer.from_organisation, transfer.to_organisation, transfer.at) == (None, w["town"], NOW)
    assert _history(finding) == [(None, "new", None), ("new", "sent", None)]
    assert [c.actor_id for c in status_history(finding)] == [w["coordinator"].id] * 2
    created = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity_type == "Finding",
                                                            AuditEntry.entity_id == finding.id))
    assert created.action == "create" and created.actor_id == w["coordinator"].id


def test_chosen_organisation_is_sent_the_finding_with_the_reason(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.TOWN, responsible_organisation=w["hp1"],
                   routing_reason="Le bailleur entretient ce square")
    assert finding.status is FindingStatus.SENT and finding.responsible_organisation == w["hp1"]
    assert finding.transfers[0].reason == "Le bailleur entretient ce square"


def test_without_a_responsible_organisation_the_finding_stays_new(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.PRIVATE)
    assert finding.status is FindingStatus.NEW and finding.responsible_organisation is None
    assert finding.transfers == [] and _history(finding) == [(None, "new", None)]


def test_positive_points_are_not_routed_unless_an_organisation_is_chosen(w, f):
    strength = _log(w, f, kind=FindingKind.STRENGTH, land_ownership=LandOwnership.TOWN)
    assert strength.status is FindingStatus.NEW and strength.responsible_organisation is None
    proposal = _log(w, f, kind=FindingKind.PROPOSAL, land_ownership=LandOwnership.TOWN,
                    responsible_organisation=w["town"])
    assert proposal.status is FindingStatus.SENT and proposal.responsible_organisation == w["town"]


def test_finding_at_a_stop_of_a_walk(w, f):
    walk = f.make_walk(w["agreement"])
    finding = _log(w, f, walkthrough=walk, stop=walk.stops[1], latitude=47.2109, longitude=-1.549)
    assert finding.walkthrough == walk and finding.stop == walk.stops[1]
    assert walk.findings == [finding]


@pytest.mark.parametrize(("fields", "field"), [
    ({"description": "   "}, "description"),
    ({"theme": None}, "theme_id"),
    ({"latitude": 47.2}, "latitude"),
    ({"latitude": 147.2, "longitude": 2.0}, "latitude"),
    ({"responsible_organisation": "outsider_org"}, "organisation_id"),
])
def test_create_finding_refuses_bad_input(w, f, fields, field):
    fields = {k: w[v] if v == "outsider_org" else v for k, v in fields.items()}
    with pytest.raises(DomainError) as caught:
        _log(w, f, **fields)
    assert caught.value.field == field and caught.value.message


def test_walk_and_stop_must_match(w, f):
    other_walk = f.make_walk(f.make_agreement())
    with pytest.raises(DomainError) as caught:
        _log(w, f, walkthrough=other_walk)
    assert caught.value.field == "walkthrough_id"
    walk = f.make_walk(w["agreement"])
    with pytest.raises(DomainError) as caught:
        _log(w, f, walkthrough=walk, stop=other_walk.stops[0])
    assert caught.value.field == "stop_id"
    with pytest.raises(TypeError):
        _log(w, f, status=FindingStatus.CHECKED)


def test_update_finding(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.TOWN)
    update_finding(finding, actor=w["coordinator"], description="  Tags sur le mur  ", address=" ",
                   priority=Priority.URGENT)
    assert (finding.description, finding.address, finding.priority) == ("Tags sur le mur", None, Priority.URGENT)
    assert finding.status is FindingStatus.SENT  # neither status nor routing moves
    with pytest.raises(DomainError) as caught:
        update_finding(finding, actor=w["coordinator"], description=" ")
    assert caught.value.field == "description"
    with pytest.raises(TypeError):
        update_finding(finding, actor=w["coordinator"], responsible_organisation=w["hp1"])


# --- hand-over ---------------------------------------------------------------------------------------------------

def test_rerouting_needs_a_reason_and_keeps_the_due_date_and_history(w, f):
    finding = _log(w, f, responsible_organisation=w["hp1"])
    due = finding.due_on
    later = NOW + timedelta(days=3)
    with pytest.raises(DomainError) as caught:
        route_finding(finding, to=w["hp2"], reason="  ", actor=w["coordinator"], now=later)
    assert caught.value.field == "reason"
    assert finding.responsible_organisation == w["hp1"] and len(finding.transfers) == 1

    route_finding(finding, to=w["hp2"], reason="Bâtiment géré par l'autre bailleur", actor=w["coordinator"],
                  now=later)
    assert finding.responsible_organisation == w["hp2"] and finding.status is FindingStatus.SENT
    assert finding.due_on == due  # the clock keeps running
    assert [(t.from_organisation, t.to_organisation, t.reason, t.at) for t in finding.transfers] == [
        (None, w["hp1"], None, NOW), (w["hp1"], w["hp2"], "Bâtiment géré par l'autre bailleur", later)]
    assert _history(finding) == [(None, "new", None), ("new", "sent", None)]  # still sent: no status move

    change_finding_status(finding, to=FindingStatus.REFUSED, note="Pas notre patrimoine", actor=w["referent2"],
                          now=later + timedelta(days=1))
    route_finding(finding, to=w["town"], reason="Voirie communale", actor=w["coordinator"],
                  now=later + timedelta(days=2))
    assert finding.status is FindingStatus.SENT and finding.refusal_reason is None
    assert finding.due_on == due and len(finding.transfers) == 3
    assert _history(finding)[-2:] == [("sent", "refused", "Pas notre patrimoine"),
                                      ("refused", "sent", "Voirie communale")]


def test_resending_to_the_same_organisation_needs_no_reason(w, f):
    finding = _log(w, f, responsible_organisation=w["hp1"])
    change_finding_status(finding, to=FindingStatus.REFUSED, note="Photo illisible", actor=w["referent1"], now=NOW)
    route_finding(finding, to=w["hp1"], reason=None, actor=w["coordinator"], now=NOW)
    assert finding.status is FindingStatus.SENT and len(finding.transfers) == 2


def test_an_accepted_finding_is_not_handed_over(w, f):
    finding = _log(w, f, responsible_organisation=w["hp1"])
    change_finding_status(finding, to=FindingStatus.ACCEPTED, actor=w["referent1"], now=NOW)
    with pytest.raises(InvalidTransition):
        route_finding(finding, to=w["hp2"], reason="Erreur", actor=w["coordinator"], now=NOW)
    assert finding.responsible_organisation == w["hp1"] and len(finding.transfers) == 1
    assert finding.status is FindingStatus.ACCEPTED


def test_only_a_party_to_the_agreement_receives_a_finding(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.PRIVATE)
    with pytest.raises(DomainError) as caught:
        route_finding(finding, to=w["outsider_org"], reason="?", actor=w["coordinator"], now=NOW)
    assert caught.value.field == "organisation_id" and finding.status is FindingStatus.NEW


# --- partner answers ---------------------------------------------------------------------------------------------

def test_refusal_needs_its_reason(w, f):
    finding = _log(w, f, responsible_organisation=w["hp1"])
    with pytest.raises(DomainError) as caught:
        change_finding_status(finding, to=FindingStatus.REFUSED, note="  ", actor=w["referent1"], now=NOW)
    assert caught.value.field == "note" and finding.status is FindingStatus.SENT
    change_finding_status(finding, to=FindingStatus.REFUSED, note=" Parking de la copropriété ",
                          actor=w["referent1"], now=NOW)
    assert finding.status is FindingStatus.REFUSED and finding.refusal_reason == "Parking de la copropriété"
    assert _history(finding)[-1] == ("sent", "refused", "Parking de la copropriété")
    assert status_history(finding)[-1].actor_id == w["referent1"].id


def test_out_of_scope_needs_the_referral_and_keeps_it(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.PRIVATE)
    with pytest.raises(DomainError) as caught:
        change_finding_status(finding, to=FindingStatus.OUT_OF_SCOPE, note=None, actor=w["coordinator"], now=NOW)
    assert caught.value.field == "note" and finding.status is FindingStatus.NEW
    referral = "Signalé à l'opérateur télécom (armoire de rue), qui répond aux habitants"
    change_finding_status(finding, to=FindingStatus.OUT_OF_SCOPE, note=referral, actor=w["coordinator"], now=NOW)
    assert finding.status is FindingStatus.OUT_OF_SCOPE and finding.referral == referral
    assert not finding.is_open and not finding.is_overdue(date(2030, 1, 1))
    assert _history(finding)[-1] == ("new", "out_of_scope", referral)
    route_finding(finding, to=w["town"], reason="Finalement communal", actor=w["coordinator"], now=NOW)
    assert finding.status is FindingStatus.SENT and finding.referral == referral  # the referral stays on record


def test_resolution_keeps_its_note_and_date(w, f):
    finding = _log(w, f, responsible_organisation=w["hp1"])
    change_finding_status(finding, to=FindingStatus.ACCEPTED, actor=w["referent1"], now=NOW)
    resolved_at = datetime(2026, 10, 20, 23, 0, tzinfo=UTC)  # 21 October in Bellerive
    change_finding_status(finding, to=FindingStatus.RESOLVED, note="Encombrants enlevés", actor=w["referent1"],
                          now=resolved_at)
    assert (finding.resolved_on, finding.resolution_note) == (date(2026, 10, 21), "Encombrants enlevés")


def test_sent_goes_through_routing_and_same_status_writes_nothing(w, f):
    finding = _log(w, f, land_ownership=LandOwnership.PRIVATE)
    with pytest.raises(DomainError) as caught:
        change_finding_status(finding, to=FindingStatus.SENT, actor=w["coordinator"], now=NOW)
    assert caught.value.field == "status"
    change_finding_status(finding, to="new", actor=w["coordinator"], now=NOW)
    assert _history(finding) == [(None, "new", None)]


PAIRS = [(a, b) for a, b in itertools.product(FindingStatus, FindingStatus) if a is not b]


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_every_transition_through_the_services(w, f, source, target):
    finding = f.make_finding(w["agreement"], w["hp1"], status=source)
    allowed = lifecycle_allows(lifecycles.FINDING, source, target)
    if target is FindingStatus.SENT:
        move = lambda: route_finding(finding, to=w["hp1"], reason="Relance", actor=w["coordinator"],  # noqa: E731
                                     now=NOW)
    else:
        move = lambda: change_finding_status(finding, to=target, note="Note", actor=w["coordinator"],  # noqa: E731
                                             now=NOW)
    if allowed:
        move()
        assert finding.status is target
        assert _history(finding)[-1][:2] == (source.value, target.value)
    else:
        with pytest.raises(InvalidTransition):
            move()
        assert finding.status is source and _history(finding) == []


# --- recurrence --------------------------------------------------------------------------------------------------

def test_distance():
    assert distance_m(47.218, -1.553, 47.218 + STEP_60M, -1.553) == pytest.approx(60, abs=0.5)


def _recurring(findings) -> list[bool]:
    db.session.flush()
    return [x.is_recurring for x in findings]


def test_three_times_at_the_same_building_in_twelve_months(w, f):
    _residence, building, stairwell = _place(f, provider=w["hp1"])
    first = _log(w, f, territory=building, now=datetime(2025, 11, 10, 9, 0, tzinfo=UTC))
    second = _log(w, f, territory=stairwell, now=datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    assert _recurring([first, second]) == [False, False]
    third = _log(w, f, territory=building, now=datetime(2026, 10, 6, 12, 0, tzinfo=UTC))
    assert _recurring([first, second, third]) == [True, True, True]


def test_two_times_are_not_recurring(w, f):
    _residence, building, _stairwell = _place(f)
    findings = [_log(w, f, territory=building, now=NOW - timedelta(days=d)) for d in (30, 0)]
    assert _recurring(findings) == [False, False]


def test_three_times_within_fifty_metres(w, f):
    spots = [(47.218, -1.553), (47.218 + STEP_20M, -1.553), (47.218, -1.553 + 20 / 75_500)]
    findings = [_log(w, f, latitude=lat, longitude=lng, now=NOW - timedelta(days=10 * i))
                for i, (lat, lng) in enumerate(spots)]
    assert _recurring(findings) == [True, True, True]


def test_sixty_metres_apart_is_not_the_same_spot(w, f):
    spots = [(47.218, -1.553), (47.218 + STEP_60M, -1.553), (47.218 - STEP_60M, -1.553)]
    findings = [_log(w, f, latitude=lat, longitude=lng) for lat, lng in spots]
    assert _recurring(findings) == [False, False, False]


def test_older_than_twelve_months_does_not_count(w, f):
    _residence, building, _stairwell = _place(f)
    dates = [datetime(2025, 9, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 10, 6, tzinfo=UTC)]
    findings = [_log(w, f, territory=building, now=at) for at in dates]
    assert _recurring(findings) == [False, False, False]


def test_other_theme_or_other_kind_does_not_count(w, f):
    _residence, building, _stairwell = _place(f)
    findings = [_log(w, f, territory=building, theme=f.theme("waste")),
                _log(w, f, territory=building, theme=f.theme("waste")),
                _log(w, f, territory=building, theme=f.theme("public_lighting")),
                _log(w, f, territory=building, theme=f.theme("waste"), kind=FindingKind.STRENGTH)]
    assert _recurring(findings) == [False, False, False, False]
    assert flag_recurrence(findings[3], now=NOW) is False


def test_an_edit_that_joins_a_cluster_flags_it(w, f):
    _residence, building, _stairwell = _place(f)
    twins = [_log(w, f, territory=building, now=NOW - timedelta(days=d)) for d in (60, 30)]
    elsewhere = _log(w, f, theme=f.theme("public_lighting"))
    assert _recurring([*twins, elsewhere]) == [False, False, False]
    update_finding(elsewhere, actor=w["coordinator"], theme=f.theme("waste"), territory=building)
    assert _recurring([*twins, elsewhere]) == [True, True, True]
    update_finding(elsewhere, actor=w["coordinator"], theme=f.theme("public_lighting"))
    assert elsewhere.is_recurring is False
