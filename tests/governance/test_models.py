"""Meeting lifecycle: the table, refused moves, the status history, minutes needed before approval."""

from __future__ import annotations

import pytest

from gup.audit.services import status_history
from gup.errors import InvalidTransition
from gup.extensions import db
from gup.governance import services
from gup.governance.models import MEETING_NEXT, MeetingStatus
from tests.governance.conftest import NOW

EXPECTED = {("scheduled", "held"), ("scheduled", "cancelled"), ("held", "minutes_approved"), ("held", "scheduled"),
            ("minutes_approved", "held"), ("cancelled", "scheduled")}


def test_lifecycle_table_is_the_expected_one():
    assert {(a.value, b.value) for a, targets in MEETING_NEXT.items() for b in targets} == EXPECTED


@pytest.mark.parametrize("source", list(MeetingStatus))
@pytest.mark.parametrize("target", list(MeetingStatus))
def test_every_move_is_checked(w, bodies, source, target):
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=w["coordinator"], now=NOW)
    meeting.status = source
    meeting.minutes = "Compte rendu"
    if source is target:
        meeting.move_to(target)
        assert meeting.status is source
    elif (source.value, target.value) in EXPECTED:
        meeting.move_to(target)
        assert meeting.status is target
    else:
        with pytest.raises(InvalidTransition):
            meeting.move_to(target)
        assert meeting.status is source


def test_status_history_and_minutes_before_approval(w, bodies):
    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, place="Mairie", actor=coordinator, now=NOW)
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=coordinator, now=NOW)
    with pytest.raises(InvalidTransition, match="compte rendu"):
        services.change_meeting_status(meeting, to=MeetingStatus.MINUTES_APPROVED, actor=coordinator, now=NOW)
    services.save_minutes(meeting, text="Le COPIL s'est réuni.", actor=coordinator, now=NOW)
    services.change_meeting_status(meeting, to=MeetingStatus.MINUTES_APPROVED, actor=coordinator, now=NOW)
    db.session.commit()
    moves = [(c.from_status, c.to_status) for c in status_history(meeting)]
    assert moves == [(None, "scheduled"), ("scheduled", "held"), ("held", "minutes_approved")]


def test_minutes_only_once_held_and_file_checked(w, bodies):
    from gup.errors import DomainError
    from gup.media import storage

    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    with pytest.raises(DomainError, match="tenue"):
        services.save_minutes(meeting, text="Trop tôt", actor=coordinator, now=NOW)
    services.change_meeting_status(meeting, to=MeetingStatus.HELD, actor=coordinator, now=NOW)
    with pytest.raises(DomainError, match="PDF"):
        services.save_minutes(meeting, text="x", file=("cr.pdf", b"MZ not a pdf"), actor=coordinator, now=NOW)
    with pytest.raises(DomainError, match="PDF"):
        services.save_minutes(meeting, text="x", file=("cr.exe", b"%PDF-1.4"), actor=coordinator, now=NOW)
    services.save_minutes(meeting, text="x", file=("compte rendu.pdf", b"%PDF-1.4 demo"), actor=coordinator,
                          now=NOW)
    db.session.commit()
    assert meeting.minutes_file_type == "application/pdf" and meeting.minutes_file_size == 13
    assert storage.read(meeting.minutes_file_key) == b"%PDF-1.4 demo"


def test_copil_agenda_items_need_a_section(w, bodies):
    from gup.errors import DomainError
    from gup.governance.models import AgendaSection

    coordinator = w["coordinator"]
    meeting = services.create_meeting(bodies["copil"], starts_at=NOW, actor=coordinator, now=NOW)
    assert meeting.agenda == []  # a COPIL's agenda is not pre-filled
    with pytest.raises(DomainError, match="volet"):
        services.add_agenda_item(meeting, title="Propreté", actor=coordinator)
    item = services.add_agenda_item(meeting, title="Tranquillité", agenda_section=AgendaSection.SOCIAL,
                                    actor=coordinator)
    assert item.agenda_section is AgendaSection.SOCIAL and item.position == 1
