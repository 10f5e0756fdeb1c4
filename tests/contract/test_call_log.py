"""The CallLog port (operators' calls too): tests/fakes/call_log.py and store/calls.py + store/operator_calls.py
log, link and read calls alike."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.call_log import CallEnd
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.ports import CallLog, TicketStore
from chalicelib.domain.registration import CallComplaint, build_call_registration
from tests.fakes.call_log import MemoryCallLog
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, LINE

CALLER = "+919812345678"
SID, OTHER = "CA" + "1" * 32, "CA" + "2" * 32
AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)


@pytest.fixture
def log_and_tickets(backend: str) -> tuple[CallLog, TicketStore]:
    if backend == "memory":
        tickets = MemoryTicketStore()
        return MemoryCallLog(tickets), tickets
    from chalicelib.store.calls import DynamoCallLog
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoCallLog(), DynamoTicketStore()


@pytest.fixture
def call_log(log_and_tickets: tuple[CallLog, TicketStore]) -> CallLog:
    return log_and_tickets[0]


def _register(tickets: TicketStore, call_sid: str) -> str:
    """The IVR's registration of the call's recording: it links the call to its ticket."""
    district = read_district_file(DEMO)
    complaint = CallComplaint(call_sid=call_sid, caller_phone=CALLER, line=LINE, language="hi", category_id="water",
                              recording_sid="RE" + "1" * 32, recording_url="https://x.test/RE1", recording_duration=5)
    registration = build_call_registration(complaint, district, 1, FixedClock(AT))
    tickets.register(registration)
    return registration.ticket.complaint_number


def _end(status: str = "completed", call_sid: str = SID) -> CallEnd:
    return CallEnd(call_sid=call_sid, from_phone=CALLER, to_phone=LINE, district="RPR", hotline="main",
                   status=status, duration=42, ended_at="2026-12-01T06:31:00Z")


def test_a_call_end_is_logged_once(call_log: CallLog):
    assert call_log.record_call_end(_end())
    assert not call_log.record_call_end(_end())  # the carrier's retried status callback
    assert call_log.record_call_end(_end("no-answer", OTHER))


def test_a_recording_status_names_the_calls_ticket_once_it_has_one(log_and_tickets):
    call_log, tickets = log_and_tickets
    assert call_log.record_recording_status(SID, "RE" + "1" * 32, "in-progress", None) is None
    number = _register(tickets, SID)
    call_log.mark_over_cap(SID)  # too late: the call has its ticket, nothing to mark
    assert call_log.record_recording_status(SID, "RE" + "1" * 32, "completed", 5, "https://x.test/RE1") == number
    call_log.mark_over_cap(OTHER)
    assert call_log.record_recording_status(OTHER, "RE" + "2" * 32, "completed", 7) is None


def test_the_completed_recording_is_read_back_only_when_complete_with_its_url(call_log: CallLog):
    assert call_log.completed_recording(SID) is None
    call_log.record_recording_status(SID, "RE" + "1" * 32, "in-progress", None, "https://x.test/RE1")
    assert call_log.completed_recording(SID) is None
    call_log.record_recording_status(SID, "RE" + "1" * 32, "completed", 9)
    assert call_log.completed_recording(SID) == ("RE" + "1" * 32, "https://x.test/RE1", 9)
    call_log.record_recording_status(OTHER, "RE" + "2" * 32, "completed", 3)  # no URL: nothing to play
    assert call_log.completed_recording(OTHER) is None


def test_a_call_ringing_operators_is_found_and_answered_by_the_first_to_pick_up(call_log: CallLog):
    call_log.mark_ringing(SID, CALLER, LINE, "RPR", "main", ("op.a", "op.b"), "2026-12-01T06:30:00Z")
    call_log.mark_ringing(SID, CALLER, LINE, "RPR", "main", ("op.a", "op.b"), "2026-12-01T06:30:09Z")
    ringing = call_log.get_call(SID)
    assert ringing is not None and ringing.state == "ringing" and ringing.operators == ("op.a", "op.b")
    assert (ringing.caller_phone, ringing.line, ringing.district, ringing.hotline) == (CALLER, LINE, "RPR", "main")
    assert ringing.ringing_at == "2026-12-01T06:30:00Z"  # a retried webhook keeps the first ring
    answered = call_log.mark_answered(SID, "op.b", "2026-12-01T06:30:05Z")
    assert answered is not None and (answered.state, answered.answered_by) == ("answered", "op.b")
    again = call_log.mark_answered(SID, "op.a", "2026-12-01T06:30:06Z")
    assert again is not None and (again.answered_by, again.answered_at) == ("op.b", "2026-12-01T06:30:05Z")
    call_log.mark_dial_status(SID, "completed")
    ended = call_log.get_call(SID)
    assert ended is not None and (ended.state, ended.dial_status) == ("ended", "completed")


def test_an_unanswered_operators_call_is_missed(call_log: CallLog):
    call_log.mark_ringing(SID, CALLER, LINE, "RPR", "main", ("op.a",), "2026-12-01T06:30:00Z")
    call_log.mark_dial_status(SID, "no-answer")
    missed = call_log.get_call(SID)
    assert missed is not None and missed.state == "missed" and missed.answered_by is None


def test_only_calls_that_rang_operators_are_operators_calls(call_log: CallLog):
    assert call_log.get_call(SID) is None
    call_log.record_call_end(_end())
    call_log.record_recording_status(SID, "RE" + "1" * 32, "completed", 5, "https://x.test/RE1")
    assert call_log.get_call(SID) is None
    assert call_log.ringing_calls("RPR", "2026-01-01T00:00:00Z") == []


def test_ringing_calls_are_the_districts_since_a_time_newest_first_at_most_limit(call_log: CallLog):
    for n in range(4):
        call_log.mark_ringing(f"CA{n:032d}", CALLER, LINE, "RPR", "main", ("op.a",), f"2026-12-01T06:3{n}:00Z")
    call_log.mark_ringing("CA" + "9" * 32, CALLER, "+919977222600", "BSP", "main", ("op.z",),
                          "2026-12-01T06:35:00Z")
    newest = call_log.ringing_calls("RPR", "2026-12-01T06:31:00Z")
    assert [c.call_sid for c in newest] == [f"CA{n:032d}" for n in (3, 2, 1)]
    assert [c.call_sid for c in call_log.ringing_calls("RPR", "2026-12-01T00:00:00Z", limit=2)] == \
        [f"CA{n:032d}" for n in (3, 2)]
    assert [c.district for c in call_log.ringing_calls("BSP", "2026-12-01T00:00:00Z")] == ["BSP"]


def test_an_operators_call_names_the_ticket_registered_for_it(log_and_tickets):
    call_log, tickets = log_and_tickets
    call_log.mark_ringing(SID, CALLER, LINE, "RPR", "main", ("op.a",), "2026-12-01T06:30:00Z")
    assert call_log.get_call(SID).complaint_number is None
    number = _register(tickets, SID)
    assert call_log.get_call(SID).complaint_number == number
