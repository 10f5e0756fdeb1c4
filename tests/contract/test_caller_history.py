"""The CallerHistory port: tests/fakes/caller_history.py and store/callers.py find a caller's tickets and take a
repeat caller's note alike."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.callers import recorded_note
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.ports import NoteAlreadyAdded, StaleTicket, TicketStore
from chalicelib.domain.registration import CallComplaint, build_call_registration
from tests.support.demo import DEMO, LINE

CALLER, NEIGHBOUR = "+919812345678", "+919800000001"
AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
DISTRICT = read_district_file(DEMO)


def _register(tickets: TicketStore, sequence: int, caller: str = CALLER, hours_ago: int = 0) -> str:
    complaint = CallComplaint(call_sid=f"CA{sequence:032d}", caller_phone=caller, line=LINE, language="hi",
                              category_id="water", recording_sid=f"RE{sequence:032d}",
                              recording_url="https://x.test/RE", recording_duration=5)
    registration = build_call_registration(complaint, DISTRICT, sequence,
                                           FixedClock(AT - timedelta(hours=hours_ago)))
    tickets.register(registration)
    return registration.ticket.complaint_number


def test_a_callers_tickets_newest_first_since_a_time_at_most_limit(history_and_tickets):
    history, tickets = history_and_tickets
    numbers = [_register(tickets, n, hours_ago=10 - n) for n in range(1, 5)]  # the 4th is the newest
    _register(tickets, 9, caller=NEIGHBOUR)
    assert [t.complaint_number for t in history.caller_tickets(CALLER)] == numbers[::-1]
    assert [t.complaint_number for t in history.caller_tickets(CALLER, limit=2)] == numbers[:1:-1]
    since = iso(AT - timedelta(hours=7, minutes=30))
    assert [t.complaint_number for t in history.caller_tickets(CALLER, since=since)] == numbers[:1:-1]
    assert history.caller_tickets("+919800000002") == []


def _note(ticket, call_sid: str):
    return recorded_note(ticket, DISTRICT, AT + timedelta(minutes=5), CALLER, call_sid, "RE" + "7" * 32,
                         "https://x.test/RE7", 12)


def test_a_note_is_written_once_per_call(history_and_tickets):
    history, tickets = history_and_tickets
    number = _register(tickets, 1, hours_ago=2)
    before = tickets.get(number)
    history.add_call_note(_note(before, "CA" + "7" * 32), "CA" + "7" * 32, "RE" + "7" * 32)
    after = tickets.get(number)
    assert after.version == before.version + 1
    with pytest.raises(NoteAlreadyAdded):  # the Record webhook retried: the same call, even on the new ticket
        history.add_call_note(_note(after, "CA" + "7" * 32), "CA" + "7" * 32, "RE" + "7" * 32)
    assert tickets.get(number).version == after.version


def test_a_note_built_on_a_ticket_that_moved_on_is_stale_and_writes_nothing(history_and_tickets):
    history, tickets = history_and_tickets
    number = _register(tickets, 1, hours_ago=2)
    read_before = tickets.get(number)
    history.add_call_note(_note(read_before, "CA" + "7" * 32), "CA" + "7" * 32, "RE" + "7" * 32)
    with pytest.raises(StaleTicket):
        history.add_call_note(_note(read_before, "CA" + "8" * 32), "CA" + "8" * 32, "RE" + "8" * 32)
    # The stale call left no mark: on a fresh read its note goes in.
    fresh = tickets.get(number)
    history.add_call_note(_note(fresh, "CA" + "8" * 32), "CA" + "8" * 32, "RE" + "8" * 32)
    assert tickets.get(number).version == fresh.version + 1


def test_a_note_on_a_ticket_that_is_not_there_is_stale(history_and_tickets):
    history, tickets = history_and_tickets
    number = _register(tickets, 1, hours_ago=2)
    ghost = replace(tickets.get(number), complaint_number=number[:-1] + ("0" if number[-1] != "0" else "1"))
    with pytest.raises(StaleTicket):
        history.add_call_note(_note(ghost, "CA" + "7" * 32), "CA" + "7" * 32, "RE" + "7" * 32)
