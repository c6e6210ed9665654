"""Participatory budget services: campaigns and phases, proposals and their review, voting codes stored hashed,
a code voting once (also from two connections at once), paper tallies with online votes, overrides with a
reason, results and delivery as an action."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from gup.actions.models import Action
from gup.budget import services
from gup.budget.models import (
    PBPhase,
    PBProject,
    PBVote,
    ProjectSource,
    ProjectStatus,
    SelectionOverride,
    VotingCode,
)
from gup.errors import DomainError, InvalidTransition
from gup.extensions import db
from gup.policy import can
from tests.budget.conftest import NOW, projects_in_vote, to_phase


def _votes(project):
    return db.session.scalar(sa.select(sa.func.count()).select_from(PBVote).where(PBVote.project_id == project.id))


# --- campaigns and phases ------------------------------------------------------------------------------------

def test_a_campaign_keeps_its_envelopes_and_rules(campaign, place):
    assert campaign.phase is PBPhase.PREPARATION
    assert campaign.envelope == Decimal("10000.00") and campaign.max_cost == Decimal("8000.00")
    assert campaign.envelope_for(place["nbh1"].id) == Decimal("6000.00")
    assert campaign.envelope_for(place["nbh2"].id) is None
    assert campaign.choices_per_voter == 2 and campaign.investment_only is True


@pytest.mark.parametrize(("fields", "field"), [
    ({"envelope": ""}, "envelope"),
    ({"envelope": "-5"}, "envelope"),
    ({"envelope": "abc"}, "envelope"),
    ({"max_cost": "20000"}, "max_cost"),
    ({"choices_per_voter": 0}, "choices_per_voter"),
    ({"title": "  "}, "title"),
    ({"vote_on": date(2026, 1, 1), "review_on": date(2026, 2, 1)}, "vote_on"),
])
def test_a_campaign_with_bad_rules_is_refused_in_french(w, place, fields, field):
    values = {"title": "BP", "year": 2026, "envelope": "10000", **fields}
    with pytest.raises(DomainError) as exc:
        services.create_campaign(w["agreement"], actor=w["coordinator"], now=NOW, **values)
    assert exc.value.field == field


def test_an_envelope_outside_the_perimeter_or_over_the_campaign_is_refused(w, place):
    with pytest.raises(DomainError, match="quartier de la convention"):
        services.create_campaign(w["agreement"], actor=w["coordinator"], now=NOW, title="BP", year=2026,
                                 envelope="1000", envelopes={place["outside"]: "500"})
    with pytest.raises(DomainError, match="dépasse l'enveloppe"):
        services.create_campaign(w["agreement"], actor=w["coordinator"], now=NOW, title="BP", year=2026,
                                 envelope="1000", envelopes={place["nbh1"]: "1500"})


def test_phases_move_one_step_at_a_time_in_order(campaign, w):
    with pytest.raises(InvalidTransition):
        services.move_phase(campaign, PBPhase.VOTE, actor=w["coordinator"], now=NOW)
    services.move_phase(campaign, PBPhase.PROPOSALS, actor=w["coordinator"], now=NOW)
    assert campaign.phase is PBPhase.PROPOSALS
    with pytest.raises(InvalidTransition):
        services.move_phase(campaign, PBPhase.PREPARATION, actor=w["coordinator"], now=NOW)
    services.move_phase(campaign, PBPhase.REVIEW, actor=w["coordinator"], now=NOW)
    with pytest.raises(InvalidTransition, match="Aucun projet recevable"):
        services.move_phase(campaign, PBPhase.VOTE, actor=w["coordinator"], now=NOW)


def test_the_job_moves_campaigns_whose_next_phase_date_has_come(campaign, place, w):
    from gup.budget import jobs

    assert jobs.advance_phases(NOW) == 0  # proposals open on 10 May
    assert campaign.phase is PBPhase.PREPARATION
    assert jobs.advance_phases(NOW + timedelta(days=40)) == 2  # 13 June: proposals, then review
    db.session.commit()
    assert campaign.phase is PBPhase.REVIEW
    # the vote (1 September) waits while no proposal is eligible; the job then does not move it
    assert jobs.advance_phases(NOW + timedelta(days=125)) == 0
    assert campaign.phase is PBPhase.REVIEW


def test_the_job_is_registered(app):
    from gup.features import registry

    assert "budget.advance_phases" in registry(app).jobs


# --- proposals and review ------------------------------------------------------------------------------------

def test_proposals_are_taken_during_the_proposals_phase_only(campaign, place):
    with pytest.raises(DomainError, match="pas ouvert"):
        services.submit_proposal(campaign, title="Bancs", description="Des bancs", now=NOW)
    to_phase(campaign, PBPhase.PROPOSALS)
    p = services.submit_proposal(campaign, title="Bancs", description="Des bancs", place=place["b1"],
                                 estimated_cost="1 200,50", now=NOW)
    assert p.status is ProjectStatus.SUBMITTED and p.estimated_cost == Decimal("1200.50")
    assert p.neighbourhood_id == place["nbh1"].id and p.source is ProjectSource.PUBLIC
    with pytest.raises(DomainError) as exc:
        services.submit_proposal(campaign, title="Ailleurs", description="x", place=place["outside"], now=NOW)
    assert exc.value.field == "place_id"
    with pytest.raises(DomainError) as exc:
        services.submit_proposal(campaign, title="", description="x", now=NOW)
    assert exc.value.field == "title"


def test_an_author_contact_is_kept_only_with_consent(campaign, place):
    to_phase(campaign, PBPhase.PROPOSALS)
    without = services.submit_proposal(campaign, title="A", description="a", now=NOW,
                                       contact=services.Contact(name="Awa", email="awa@example.org"))
    assert (without.author_name, without.author_email, without.contact_consent_at) == (None, None, None)
    agreed = services.submit_proposal(campaign, title="B", description="b", now=NOW,
                                      contact=services.Contact(name="Awa", phone="0600000000", consent=True))
    assert agreed.author_phone == "0600000000" and agreed.contact_consent_at == NOW


def test_a_finding_becomes_a_proposal(campaign, place, f, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    finding = f.make_finding(w["agreement"], w["hp1"], territory=place["b1"], description="Aire de jeux usée")
    p = services.proposal_from_finding(campaign, finding, actor=w["coordinator"], now=NOW)
    assert (p.source, p.finding_id, p.place_id, p.title) == (ProjectSource.FINDING, finding.id, place["b1"].id,
                                                            "Aire de jeux usée")


def test_a_resident_report_becomes_a_proposal_without_its_reporter_contact(campaign, place, f, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    report = f.make_report(description="Il manque des bancs près de l'aire de jeux", contact_email="a@example.org",
                           contact_consent=True)
    report.agreement_id, report.territory = w["agreement"].id, place["res"]
    p = services.proposal_from_report(campaign, report, actor=w["coordinator"], now=NOW, title="Des bancs")
    assert (p.source, p.report_id, p.place_id, p.title) == (ProjectSource.REPORT, report.id, place["res"].id,
                                                            "Des bancs")
    assert p.author_email is None and p.contact_consent_at is None
    report.agreement_id = None
    with pytest.raises(DomainError) as exc:
        services.proposal_from_report(campaign, report, actor=w["coordinator"], now=NOW)
    assert exc.value.field == "report_id"


def test_review_needs_a_reason_for_an_ineligible_project_and_checks_costs(campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    p = services.submit_proposal(campaign, title="Piscine", description="Une piscine", place=place["b1"],
                                 estimated_cost="9000", now=NOW)
    with pytest.raises(DomainError) as exc:
        services.review_project(p, eligible=False, actor=w["coordinator"], now=NOW, reason="  ")
    assert exc.value.field == "review_reason"
    with pytest.raises(DomainError, match="coût maximum"):
        services.review_project(p, eligible=True, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError, match="enveloppe du quartier"):  # 7 000 € ≤ max 8 000 but > 6 000 € area
        services.review_project(p, eligible=True, actor=w["coordinator"], now=NOW, reviewed_cost="7000")
    services.review_project(p, eligible=True, actor=w["coordinator"], now=NOW, reviewed_cost="5500",
                            feasibility_note="Réalisable en petit bassin")
    assert p.status is ProjectStatus.ELIGIBLE and p.cost == Decimal("5500.00") and p.reviewed_by_id
    services.review_project(p, eligible=False, actor=w["coordinator"], now=NOW, reason="Hors compétence")
    assert p.status is ProjectStatus.INELIGIBLE and p.review_reason == "Hors compétence"


def test_the_responsible_organisation_reviews_proposals_on_its_places_only(campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    own = services.submit_proposal(campaign, title="A", description="a", place=place["b1"], now=NOW)
    other = services.submit_proposal(campaign, title="B", description="b", place=place["res2"], now=NOW)
    db.session.commit()
    assert can(w["referent1"], "review", own) and not can(w["referent1"], "review", other)
    assert can(w["referent2"], "review", other) and not can(w["referent2"], "review", own)
    assert can(w["coordinator"], "review", other) and not can(w["observer"], "review", own)
    assert can(w["coordinator"], "manage", campaign) and not can(w["referent1"], "manage", campaign)
    assert can(w["observer"], "view", campaign) and not can(w["outsider"], "view", campaign)


def test_merging_folds_a_proposal_into_a_similar_one(campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    a = services.submit_proposal(campaign, title="Jardin", description="a", now=NOW)
    b = services.submit_proposal(campaign, title="Potager", description="b", now=NOW)
    c = services.submit_proposal(campaign, title="Jardin partagé", description="c", now=NOW)
    services.merge_projects(b, c, actor=w["coordinator"], now=NOW)
    services.merge_projects(c, a, actor=w["coordinator"], now=NOW)
    assert (b.status, c.status) == (ProjectStatus.MERGED, ProjectStatus.MERGED)
    assert b.merged_into_id == a.id and c.merged_into_id == a.id
    with pytest.raises(DomainError):
        services.merge_projects(a, a, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError):
        services.merge_projects(a, b, actor=w["coordinator"], now=NOW)


# --- codes and votes -----------------------------------------------------------------------------------------

def test_codes_are_readable_single_use_and_stored_hashed_only(app, campaign, w):
    codes = services.generate_codes(campaign, 50, actor=w["coordinator"], now=NOW)
    db.session.commit()
    assert len(set(codes)) == 50
    for code in codes:
        raw = code.replace("-", "")
        assert len(raw) == services.CODE_LENGTH and set(raw) <= set(services.CODE_ALPHABET)
        assert not set(raw) & set("0O1IL")
    stored = list(db.session.scalars(sa.select(VotingCode.code_hash)))
    assert len(stored) == 50
    key = app.config["SECRET_KEY"].encode()
    assert set(stored) == {hmac.new(key, c.replace("-", "").encode(), hashlib.sha256).hexdigest() for c in codes}
    # nothing in the table holds a code in clear
    dump = " ".join(str(v) for row in db.session.execute(sa.select(VotingCode.__table__)) for v in row)
    assert not any(c.replace("-", "") in dump or c in dump for c in codes)
    again = services.generate_codes(campaign, 3, actor=w["coordinator"], now=NOW)
    assert {b for (b,) in db.session.execute(sa.select(VotingCode.batch).distinct())} == {1, 2} and len(again) == 3


def test_a_code_votes_once_for_up_to_k_eligible_projects(campaign, place, w):
    a, b, c = projects_in_vote(campaign, place, w)
    code, other = services.generate_codes(campaign, 2, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError, match="au plus 2"):
        services.cast_vote(campaign, code, [a.id, b.id, c.id], now=NOW)
    with pytest.raises(DomainError, match="pas valide"):
        services.cast_vote(campaign, "ABCDE-FGHJK", [a.id], now=NOW)
    services.cast_vote(campaign, code.lower().replace("-", " "), [a.id, b.id], now=NOW)
    db.session.commit()
    with pytest.raises(DomainError, match="déjà servi"):
        services.cast_vote(campaign, code, [c.id], now=NOW)
    db.session.rollback()
    assert (_votes(a), _votes(b), _votes(c)) == (1, 1, 0)
    services.cast_vote(campaign, other, [a.id], now=NOW)
    db.session.commit()
    assert services.count_votes(campaign)[a.id].online == 2


def test_an_ineligible_project_or_a_closed_vote_takes_no_vote(campaign, place, w):
    to_phase(campaign, PBPhase.PROPOSALS)
    ok = services.submit_proposal(campaign, title="Bancs", description="b", estimated_cost="100", now=NOW)
    no = services.submit_proposal(campaign, title="Stade", description="s", estimated_cost="100", now=NOW)
    services.review_project(ok, eligible=True, actor=w["coordinator"], now=NOW)
    services.review_project(no, eligible=False, reason="Hors compétence", actor=w["coordinator"], now=NOW)
    (code,) = services.generate_codes(campaign, 1, actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError, match="pas ouvert"):
        services.cast_vote(campaign, code, [ok.id], now=NOW)
    to_phase(campaign, PBPhase.VOTE)
    with pytest.raises(DomainError, match="pas soumis au vote"):
        services.cast_vote(campaign, code, [no.id], now=NOW)
    assert db.session.scalar(sa.select(VotingCode.used_at)) is None  # a refused ballot leaves the code unused


def test_the_same_code_sent_twice_at_once_from_two_connections_counts_once(app, campaign, place, w):
    a, b, _c = projects_in_vote(campaign, place, w)
    (code,) = services.generate_codes(campaign, 1, actor=w["coordinator"], now=NOW)
    db.session.commit()
    campaign_id = campaign.id
    first_claimed, outcomes = threading.Event(), {}

    def vote(name: str, project_id: int, wait: threading.Event | None) -> None:
        with app.app_context():
            try:
                if wait is not None:
                    wait.wait(10)
                c = db.session.get(type(campaign), campaign_id)
                services.cast_vote(c, code, [project_id], now=NOW)
                if wait is None:  # hold the claimed row until the other connection is waiting on it
                    first_claimed.set()
                    threading.Event().wait(0.5)
                db.session.commit()
                outcomes[name] = "counted"
            except DomainError as exc:
                db.session.rollback()
                outcomes[name] = exc.message
            finally:
                first_claimed.set()
                db.session.remove()

    threads = [threading.Thread(target=vote, args=("first", a.id, None)),
               threading.Thread(target=vote, args=("second", b.id, first_claimed))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["Ce code de vote a déjà servi.", "counted"]
    db.session.expire_all()
    assert _votes(a) + _votes(b) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VotingCode)
                             .where(VotingCode.used_at.is_not(None))) == 1


# --- paper, counting, selection, delivery --------------------------------------------------------------------

def test_paper_tallies_add_up_with_online_votes(campaign, place, w):
    a, b, c = projects_in_vote(campaign, place, w)
    codes = services.generate_codes(campaign, 3, actor=w["coordinator"], now=NOW)
    for code in codes:
        services.cast_vote(campaign, code, [a.id], now=NOW)
    services.enter_paper_tally(a, polling_place="Marché du samedi", votes="4", actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(b, polling_place="Marché du samedi", votes=10, actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(b, polling_place="Mairie annexe", votes=2, actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(b, polling_place="Mairie annexe", votes=3, actor=w["coordinator"], now=NOW)  # fix
    with pytest.raises(DomainError) as exc:
        services.enter_paper_tally(c, polling_place="Mairie annexe", votes="-1", actor=w["coordinator"], now=NOW)
    assert exc.value.field == "votes"
    counts = services.count_votes(campaign)
    assert (counts[a.id].online, counts[a.id].paper, counts[a.id].total) == (3, 4, 7)
    assert (counts[b.id].online, counts[b.id].paper, counts[b.id].total) == (0, 13, 13)
    assert counts[c.id].total == 0
    assert services.paper_by_place(campaign) == {"Mairie annexe": {b.id: 3}, "Marché du samedi": {a.id: 4, b.id: 10}}


def test_an_override_needs_a_reason(campaign, place, w):
    a, _b, _c = projects_in_vote(campaign, place, w)
    for reason in (None, "", "   "):
        with pytest.raises(DomainError) as exc:
            services.override_selection(a, selected=False, reason=reason, actor=w["coordinator"], now=NOW)
        assert exc.value.field == "reason"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelectionOverride)) == 0


def test_results_follow_the_rule_and_the_overrides_then_winners_become_actions(campaign, place, w):
    # 5 000 € (nbh1, area 6 000 €), 2 000 € (nbh2), 4 000 € (nbh1)
    play, benches, garden = projects_in_vote(campaign, place, w)
    services.enter_paper_tally(garden, polling_place="Fête de quartier", votes=30, actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(play, polling_place="Fête de quartier", votes=20, actor=w["coordinator"], now=NOW)
    services.enter_paper_tally(benches, polling_place="Fête de quartier", votes=5, actor=w["coordinator"], now=NOW)
    to_phase(campaign, PBPhase.RESULTS)
    result = services.record_results(campaign, actor=w["coordinator"], now=NOW)
    # garden first (4 000 of nbh1's 6 000); play (5 000) no longer fits nbh1's envelope: skipped; benches fit
    assert result.selected == [garden.id, benches.id]
    assert result.skip_reason(play.id) == "neighbourhood_envelope"
    assert (garden.status, play.status, benches.status) == (ProjectStatus.SELECTED, ProjectStatus.NOT_SELECTED,
                                                           ProjectStatus.SELECTED)
    services.override_selection(garden, selected=False, reason="Terrain non disponible", actor=w["coordinator"],
                                now=NOW)
    result = services.record_results(campaign, actor=w["coordinator"], now=NOW)
    assert result.selected == [play.id, benches.id] and garden.status is ProjectStatus.NOT_SELECTED
    action = services.deliver_project(play, responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW,
                                      due_on=date(2027, 6, 30))
    db.session.commit()
    assert isinstance(action, Action) and play.action_id == action.id
    assert action.title == "Aire de jeux" and action.cost == Decimal("5000.00")
    assert action.responsible_organisation_id == w["hp1"].id and action.agreement_id == w["agreement"].id
    with pytest.raises(DomainError):
        services.deliver_project(play, responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW)
    with pytest.raises(DomainError):
        services.deliver_project(garden, responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW)


def test_rules_and_envelopes_are_frozen_once_the_vote_is_open(campaign, place, w):
    projects_in_vote(campaign, place, w)
    with pytest.raises(DomainError):
        services.update_campaign(campaign, actor=w["coordinator"], envelope="20000")
    services.update_campaign(campaign, actor=w["coordinator"], title="Budget participatif 2026 — quartiers",
                             envelope="10 000", choices_per_voter=2)  # the same rules, written otherwise
    assert campaign.title.endswith("quartiers")


def test_projects_of_a_campaign_are_listed_in_order(campaign, place, w):
    projects = projects_in_vote(campaign, place, w)
    assert [p.id for p in campaign.projects] == [p.id for p in projects]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PBProject)) == 3
