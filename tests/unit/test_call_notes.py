"""operations/call_notes.py: a repeat caller's recorded message on their own ticket, once per call, on fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.operations.call_notes import NotTheCallersTicket, RecordedMessage, add_recorded_note
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, LINE

CALLER = "+919812345678"
DISTRICT = read_district_file(DEMO)
AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
MESSAGE = RecordedMessage(call_sid="CA" + "7" * 32, caller=CALLER, recording_sid="RE" + "7" * 32,
                          recording_url="https://x.test/RE7", duration=12)


@pytest.fixture
def tickets() -> MemoryTicketStore:
    return MemoryTicketStore()


def _ticket(tickets: MemoryTicketStore, caller: str = CALLER) -> str:
    complaint = CallComplaint(call_sid="CA" + "1" * 32, caller_phone=caller, line=LINE, language="hi",
                              category_id="water", recording_sid="RE" + "1" * 32, recording_url="https://x.test/RE1",
                              recording_duration=5)
    registration = build_call_registration(complaint, DISTRICT, 1, FixedClock(AT - timedelta(days=1)))
    tickets.register(registration)
    return registration.ticket.complaint_number


def test_the_message_becomes_a_note_with_its_recording_once_per_call(tickets):
    number = _ticket(tickets)
    history, clock = MemoryCallerHistory(tickets), FixedClock(AT)
    assert add_recorded_note(number, DISTRICT, MESSAGE, tickets, history, clock) == "added"
    ticket = tickets.get(number)
    assert ticket.version == 2
    [note] = tickets.changes[-1].timeline
    assert (note.actor_type, note.actor_id, note.channel) == ("citizen", CALLER, "ivr")
    assert note.detail["recording_sid"] == MESSAGE.recording_sid and note.detail["recording_duration"] == 12
    assert history.notes == {MESSAGE.call_sid: MESSAGE.recording_sid}
    # The carrier retries the Record webhook: the call's message is on the ticket already.
    assert add_recorded_note(number, DISTRICT, MESSAGE, tickets, history, clock) == "added_before"
    assert tickets.get(number).version == 2


@pytest.mark.parametrize("whose", ["someone else's", "missing", "another district's"])
def test_only_the_callers_own_ticket_in_this_district_takes_the_note(tickets, whose):
    number = _ticket(tickets, caller="+919800000001" if whose == "someone else's" else CALLER)
    if whose == "missing":
        number = number[:-1] + ("0" if number[-1] != "0" else "1")
    if whose == "another district's":
        tickets.tickets[number] = replace(tickets.tickets[number], district="BSP")
    with pytest.raises(NotTheCallersTicket):
        add_recorded_note(number, DISTRICT, MESSAGE, tickets, MemoryCallerHistory(tickets), FixedClock(AT))
    assert MESSAGE.call_sid not in tickets.by_call


class OfficerFirst(MemoryCallerHistory):
    """An officer's change lands between the note's read and its write, `times` times."""

    def __init__(self, tickets: MemoryTicketStore, times: int) -> None:
        super().__init__(tickets)
        self.times = times

    def add_call_note(self, change: Change, call_sid: str, recording_sid: str) -> None:
        if self.times:
            self.times -= 1
            current = self.tickets.get(change.before.complaint_number)
            self.tickets.save_change(Change(before=current, after=replace(current, version=current.version + 1),
                                            timeline=(), events=()))
        super().add_call_note(change, call_sid, recording_sid)


def test_a_ticket_that_moved_on_is_read_again_and_the_note_goes_on_the_new_one(tickets):
    number = _ticket(tickets)
    assert add_recorded_note(number, DISTRICT, MESSAGE, tickets, OfficerFirst(tickets, 2), FixedClock(AT)) == "added"
    assert tickets.get(number).version == 1 + 2 + 1  # two officers' changes, then the note
    assert tickets.by_call[MESSAGE.call_sid] == number


def test_a_ticket_that_keeps_moving_on_gets_no_note_and_the_caller_hears_so(tickets):
    number = _ticket(tickets)
    assert add_recorded_note(number, DISTRICT, MESSAGE, tickets, OfficerFirst(tickets, 3), FixedClock(AT)) == "stale"
    assert MESSAGE.call_sid not in tickets.by_call
    assert all(not change.timeline for change in tickets.changes)  # only the officers' (empty) changes
