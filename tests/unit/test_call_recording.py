"""The operator's call recording joins the ticket registered for the call, once; an IVR ticket keeps its own."""
from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.district_file import read_district_file
from chalicelib.domain.call_recording import settle_call_recording
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.registration import (
    CallComplaint,
    ConsoleComplaint,
    build_call_registration,
    build_console_registration,
)
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, LINE

DISTRICT = read_district_file(DEMO)
CLOCK = FixedClock(datetime(2026, 12, 8, 6, 0, tzinfo=UTC))
CALLER = "+919812345678"


def operator_ticket(call_sid: str | None = "CA" + "a" * 32):
    return build_console_registration(ConsoleComplaint(
        caller_phone=CALLER, category_id="water", language="hi", description="नल खराब", operator="operator.rpr",
        call_sid=call_sid), DISTRICT, 1, CLOCK).ticket


def test_the_dial_recording_is_attached_to_the_operators_ticket_and_confirmed():
    ticket = operator_ticket()
    store = MemoryTicketStore(ticket)
    assert settle_call_recording(ticket.complaint_number, "RE1", "https://api.twilio.com/RE1", 95, store)
    after = store.get(ticket.complaint_number)
    assert (after.recording_sid, after.recording_url, after.recording_duration, after.recording_confirmed) == (
        "RE1", "https://api.twilio.com/RE1", 95, True)
    assert after.version == ticket.version + 1 and store.changes[0].timeline == ()
    # Again (the callback retried, or the registration found it too): confirmed, nothing else changes.
    assert settle_call_recording(ticket.complaint_number, "RE1", "https://api.twilio.com/RE1", 95, store)
    assert store.get(ticket.complaint_number).recording_sid == "RE1"
    # Another recording for the same call does not replace the first.
    assert not settle_call_recording(ticket.complaint_number, "RE2", "https://api.twilio.com/RE2", 10, store)
    assert store.get(ticket.complaint_number).recording_sid == "RE1"


def test_an_ivr_ticket_keeps_its_own_recording_and_a_ticket_without_a_call_gets_none():
    ivr = build_call_registration(CallComplaint(
        call_sid="CA" + "b" * 32, caller_phone=CALLER, line=LINE, language="hi", category_id="water",
        recording_sid="RE9", recording_url="https://api.twilio.com/RE9", recording_duration=30), DISTRICT, 2,
        CLOCK).ticket
    walk_in = operator_ticket(call_sid=None)
    store = MemoryTicketStore(ivr, walk_in)
    assert not settle_call_recording(ivr.complaint_number, "RE3", "https://api.twilio.com/RE3", 5, store)
    assert store.get(ivr.complaint_number).recording_sid == "RE9"
    assert settle_call_recording(ivr.complaint_number, "RE9", None, 31, store)  # the IVR's confirmation
    assert store.get(ivr.complaint_number).recording_confirmed
    assert not settle_call_recording(walk_in.complaint_number, "RE4", "https://api.twilio.com/RE4", 5, store)
    assert not settle_call_recording("RPR2612080099", "RE5", "https://api.twilio.com/RE5", 5, store)


def test_the_ivr_confirmation_reads_the_ticket_once():
    class CountingStore(MemoryTicketStore):
        reads = 0

        def get(self, complaint_number: str):
            self.reads += 1
            return super().get(complaint_number)

    ivr = build_call_registration(CallComplaint(
        call_sid="CA" + "c" * 32, caller_phone=CALLER, line=LINE, language="hi", category_id="water",
        recording_sid="RE7", recording_url="https://api.twilio.com/RE7", recording_duration=30), DISTRICT, 3,
        CLOCK).ticket
    store = CountingStore(ivr)
    assert settle_call_recording(ivr.complaint_number, "RE7", "https://api.twilio.com/RE7", 31, store)
    assert store.reads == 1  # every recording status callback of the IVR comes here: one GetItem, one write
    after = store.get(ivr.complaint_number)
    assert (after.recording_confirmed, after.recording_duration, after.version) == (True, 31, ivr.version + 1)
