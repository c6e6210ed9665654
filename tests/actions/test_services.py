"""Action services: creation, one step from a finding, progress updates resolving findings, bulk moves."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from gup.actions.models import ActionKind, ActionStatus
from gup.actions.services import add_action_update, create_action, update_action
from gup.audit.services import history_of, status_history
from gup.auth.models import Role
from gup.errors import DomainError, InvalidTransition
from gup.findings.models import FindingStatus
from gup.findings.services import action_from_finding
from gup.inbox.services import bulk_status
from tests import lifecycles
from tests.lifecycles import allowed

NOW = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def w(f):
    return f.world()


def _moves(obj) -> list[tuple[str | None, str]]:
    return [(c.from_status, c.to_status) for c in status_history(obj)]


# --- creating ----------------------------------------------------------------------------------------------------

def test_create_action(w, f):
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    action = create_action(w["agreement"], responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW,
                           findings=[finding], title="  Remplacer la porte du hall  ", description=" ",
                           kind=ActionKind.WORKS, assignee=w["referent1"], contributors=[w["town"]],
                           commitment=w["c1"], cost=Decimal("1250.50"), due_on=date(2026, 12, 15))
    assert (action.title, action.description, action.status, action.progress) == (
        "Remplacer la porte du hall", None, ActionStatus.PLANNED, 0)
    assert action.findings == [finding] and finding.actions == [action] and action.contributors == [w["town"]]
    assert _moves(action) == [(None, "planned")]
    assert [e.action for e in history_of(action)] == ["create"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": "  "}, "title"),
    ({"responsible_organisation": "outsider_org"}, "responsible_organisation_id"),
    ({"assignee": "referent2"}, "assignee_id"),
    ({"cost": Decimal("-1")}, "cost"),
    ({"progress": 101}, "progress"),
])
def test_create_action_refuses_bad_input(w, f, fields, field):
    fields = {k: w[v] if isinstance(v, str) and v in w else v for k, v in fields.items()}
    fields.setdefault("title", "Action")
    fields.setdefault("responsible_organisation", w["hp1"])
    with pytest.raises(DomainError) as caught:
        create_action(w["agreement"], actor=w["coordinator"], now=NOW, **fields)
    assert caught.value.field == field


def test_links_must_belong_to_the_agreement(w, f):
    other = f.make_agreement(organisations=[w["hp1"]])
    with pytest.raises(DomainError) as caught:
        create_action(w["agreement"], responsible_organisation=w["hp1"], actor=None, now=NOW, title="A",
                      commitment=f.make_commitment(other, w["hp1"]))
    assert caught.value.field == "commitment_id"
    with pytest.raises(DomainError) as caught:
        create_action(w["agreement"], responsible_organisation=w["hp1"], actor=None, now=NOW, title="A",
                      findings=[f.make_finding(other, w["hp1"])])
    assert caught.value.field == "finding_ids"


def test_update_action(w, f):
    action = create_action(w["agreement"], responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW,
                           title="Action")
    update_action(action, actor=w["coordinator"], title=" Nouveau titre ", responsible_organisation=w["hp2"],
                  assignee=w["referent2"])
    assert (action.title, action.responsible_organisation, action.assignee) == ("Nouveau titre", w["hp2"],
                                                                                w["referent2"])
    with pytest.raises(DomainError):
        update_action(action, actor=w["coordinator"], responsible_organisation=w["hp1"])  # assignee of hp2
    with pytest.raises(TypeError):
        update_action(action, actor=w["coordinator"], status=ActionStatus.DONE)


# --- from a finding ----------------------------------------------------------------------------------------------

def test_action_from_an_accepted_finding(w, f):
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED,
                             description="Porte du hall A2 qui ne ferme plus", due_on=date(2026, 10, 27))
    action = action_from_finding(finding, actor=w["referent1"], now=NOW, kind=ActionKind.WORKS)
    assert action.responsible_organisation == w["hp1"]  # kept from the finding
    assert (action.title, action.description, action.due_on, action.kind) == (
        "Porte du hall A2 qui ne ferme plus", finding.description, date(2026, 10, 27), ActionKind.WORKS)
    assert finding.status is FindingStatus.PLANNED
    assert action.findings == [finding] and finding.actions == [action]
    assert status_history(finding)[-1].to_status == "planned"
    assert f"n° {action.id}" in status_history(finding)[-1].note


def test_action_from_a_sent_finding_accepts_it_on_the_way(w, f):
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)
    action = action_from_finding(finding, actor=w["referent1"], now=NOW, title="Enlever les encombrants",
                                 due_on=date(2026, 11, 1))
    assert (action.title, action.due_on) == ("Enlever les encombrants", date(2026, 11, 1))
    assert finding.status is FindingStatus.PLANNED
    assert _moves(finding) == [("sent", "accepted"), ("accepted", "planned")]


@pytest.mark.parametrize("status", [FindingStatus.NEW, FindingStatus.REFUSED, FindingStatus.RESOLVED,
                                    FindingStatus.CHECKED, FindingStatus.OUT_OF_SCOPE])
def test_no_action_from_a_finding_nobody_has_taken_on(w, f, status):
    finding = f.make_finding(w["agreement"], w["hp1"], status=status)
    with pytest.raises(DomainError):
        action_from_finding(finding, actor=w["coordinator"], now=NOW)
    assert finding.actions == [] and finding.status is status


def test_no_action_from_a_finding_without_organisation(w, f):
    with pytest.raises(DomainError) as caught:
        action_from_finding(f.make_finding(w["agreement"]), actor=w["coordinator"], now=NOW)
    assert caught.value.field == "responsible_organisation_id"


# --- progress updates --------------------------------------------------------------------------------------------

def test_done_with_resolve_findings_resolves_the_open_ones_only(w, f):
    planned = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.PLANNED)
    accepted = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    refused = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.REFUSED, refusal_reason="Pas nous")
    sent = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)
    action = create_action(w["agreement"], responsible_organisation=w["hp1"], actor=w["coordinator"], now=NOW,
                           title="Réparer", findings=[planned, accepted, refused, sent])
    done_at = NOW + timedelta(days=5)
    update = add_action_update(action, note="Porte remplacée le 24 octobre", status=ActionStatus.DONE,
                               actor=w["referent1"], now=done_at, resolve_findings=True)
    assert (action.status, action.progress, action.done_on) == (ActionStatus.DONE, 100, date(2026, 10, 25))
    assert (update.note, update.status, update.progress, update.author_id, update.created_at) == (
        "Porte remplacée le 24 octobre", ActionStatus.DONE, 100, w["referent1"].id, done_at)
    for finding in (planned, accepted):
        assert finding.status is FindingStatus.RESOLVED
        assert (finding.resolution_note, finding.resolved_on) == ("Porte remplacée le 24 octobre", date(2026, 10, 25))
    assert refused.status is FindingStatus.REFUSED and sent.status is FindingStatus.SENT
    assert _moves(action) == [(None, "planned"), ("planned", "done")]


def test_done_without_resolve_findings_leaves_them(w, f):
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.ACCEPTED)
    action = action_from_finding(finding, actor=w["referent1"], now=NOW)
    add_action_update(action, note="Fait", status=ActionStatus.DONE, actor=w["referent1"], now=NOW)
    assert finding.status is FindingStatus.PLANNED


def test_progress_note_and_photo(w, f):
    action = f.make_action(w["agreement"], w["hp1"])
    update = add_action_update(action, note=" Devis signé ", progress=30, actor=w["referent1"], now=NOW)
    assert (action.status, action.progress, update.note, update.progress, update.status) == (
        ActionStatus.PLANNED, 30, "Devis signé", 30, None)
    add_action_update(action, note="Travaux commencés", progress=50, status=ActionStatus.IN_PROGRESS,
                      actor=w["referent1"], now=NOW + timedelta(days=1))
    assert (action.status, action.progress) == (ActionStatus.IN_PROGRESS, 50)
    assert [u.note for u in action.updates] == ["Travaux commencés", "Devis signé"]  # newest first


@pytest.mark.parametrize(("kwargs", "field"), [({"note": "  "}, "note"), ({"progress": 120}, "progress"),
                                               ({"progress": -1}, "progress")])
def test_bad_update_changes_nothing(w, f, kwargs, field):
    action = f.make_action(w["agreement"], w["hp1"], progress=20)
    kwargs = {"note": "Note", **kwargs}
    with pytest.raises(DomainError) as caught:
        add_action_update(action, actor=w["referent1"], now=NOW, **kwargs)
    assert caught.value.field == field and action.progress == 20 and action.updates == []


def test_invalid_move_changes_nothing(w, f):
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.CANCELLED, progress=20)
    with pytest.raises(InvalidTransition):
        add_action_update(action, note="Reprise", progress=60, status=ActionStatus.DONE, actor=w["referent1"],
                          now=NOW)
    assert (action.status, action.progress) == (ActionStatus.CANCELLED, 20)


def test_blocked_keeps_its_reason(w, f):
    action = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS)
    add_action_update(action, note="Chantier à l'arrêt", status=ActionStatus.BLOCKED,
                      reason="Livraison des colonnes reportée à janvier", actor=w["referent1"], now=NOW)
    assert action.status is ActionStatus.BLOCKED
    assert action.blocked_reason == "Livraison des colonnes reportée à janvier"
    other = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.IN_PROGRESS)
    add_action_update(other, note="Attente de l'accord de la copropriété", status="blocked", actor=w["referent1"],
                      now=NOW)
    assert other.blocked_reason == "Attente de l'accord de la copropriété"  # the note is the reason
    add_action_update(other, note="Accord obtenu", status=ActionStatus.IN_PROGRESS, actor=w["referent1"], now=NOW)
    assert other.blocked_reason is None
    assert status_history(other)[-2].note == "Attente de l'accord de la copropriété"


PAIRS = [(a, b) for a, b in itertools.product(ActionStatus, ActionStatus) if a is not b]


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_every_transition_through_progress_updates(w, f, source, target):
    action = f.make_action(w["agreement"], w["hp1"], status=source)
    if allowed(lifecycles.ACTION, source, target):
        add_action_update(action, note="Motif", status=target, actor=w["referent1"], now=NOW)
        assert action.status is target and _moves(action) == [(source.value, target.value)]
    else:
        with pytest.raises(InvalidTransition):
            add_action_update(action, note="Motif", status=target, actor=w["referent1"], now=NOW)
        assert action.status is source and _moves(action) == []


# --- bulk --------------------------------------------------------------------------------------------------------

def test_bulk_status_moves_what_it_can_and_reports_the_rest(w, f):
    mine = f.make_action(w["agreement"], w["hp1"])
    cancelled = f.make_action(w["agreement"], w["hp1"], status=ActionStatus.CANCELLED)
    theirs = f.make_action(w["agreement"], w["hp2"])
    planned = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.PLANNED)
    sent = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)

    def may(item, status):
        return item.responsible_organisation_id == w["hp1"].id

    moved, problems = bulk_status([mine, cancelled, theirs, planned, sent], to="in_progress",
                                  note="Intervention lancée", actor=w["referent1"], now=NOW, may=may)
    assert moved == 2
    assert (mine.status, planned.status) == (ActionStatus.IN_PROGRESS, FindingStatus.IN_PROGRESS)
    assert (cancelled.status, theirs.status, sent.status) == (ActionStatus.CANCELLED, ActionStatus.PLANNED,
                                                              FindingStatus.SENT)
    assert len(problems) == 3
    assert f"Action n° {cancelled.id}" in problems[0] and "impossible" in problems[0]
    assert f"Action n° {theirs.id}" in problems[1] and "pas le modifier" in problems[1]
    assert f"Constat n° {sent.id}" in problems[2]
    assert mine.updates[0].note == "Intervention lancée"


def test_bulk_status_needs_a_note_and_a_known_status(w, f):
    action = f.make_action(w["agreement"], w["hp1"])
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)
    moved, problems = bulk_status([action, finding], to="done", note=" ", actor=w["referent1"], now=NOW,
                                  may=lambda item, status: True)
    assert moved == 0 and len(problems) == 2 and action.status is ActionStatus.PLANNED
    moved, problems = bulk_status([finding], to="sent", note="x", actor=w["coordinator"], now=NOW,
                                  may=lambda item, status: True)
    assert moved == 0 and finding.status is FindingStatus.SENT  # sending goes through routing
    moved, problems = bulk_status([action], to="accepted", note="x", actor=w["coordinator"], now=NOW,
                                  may=lambda item, status: True)
    assert moved == 0 and "statut inconnu" in problems[0]


def test_bulk_refusal_uses_the_note_as_reason(w, f):
    finding = f.make_finding(w["agreement"], w["hp1"], status=FindingStatus.SENT)
    moved, problems = bulk_status([finding], to="refused", note="Hors patrimoine", actor=w["referent1"], now=NOW,
                                  may=lambda item, status: True)
    assert (moved, problems, finding.refusal_reason) == (1, [], "Hors patrimoine")


def test_assignee_must_work_for_the_responsible_organisation(w, f):
    stranger = f.make_user(Role.PARTNER_REFERENT, organisation=w["hp2"])
    with pytest.raises(DomainError) as caught:
        create_action(w["agreement"], responsible_organisation=w["hp1"], actor=None, now=NOW, title="A",
                      assignee=stranger)
    assert caught.value.field == "assignee_id"
