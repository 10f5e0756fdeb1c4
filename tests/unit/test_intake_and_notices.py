"""The domain with in-memory adapters: registration and the citizen's SMS."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.delivery import deliver
from chalicelib.domain.district import TranscriptionPolicy
from chalicelib.domain.intake import register_call_complaint
from chalicelib.domain.ports import DltIds
from chalicelib.domain.registration import CallComplaint, UnknownCategory
from tests.fakes.claims import MemoryClaims
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.messaging import MemoryMessenger, links
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

# The officer's forward goes at once here; waiting for the transcript is tests/unit/test_transcribed_forward.py's.
DISTRICT = replace(read_district_file(DEMO), transcription=TranscriptionPolicy(enabled=False))
# 20:00 UTC is 01:30 IST the next day: the complaint number and the SMS date follow India's calendar.
CLOCK = FixedClock(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))


def complaint(call_sid: str = "CA1", phone: str = "+919812345678", language: str = "hi",
              category: str = "water") -> CallComplaint:
    return CallComplaint(call_sid=call_sid, caller_phone=phone, line="+919977222574", language=language,
                         category_id=category, recording_sid="RE1", recording_url="https://r/RE1",
                         recording_duration=30)


def test_registration_numbers_follow_the_ist_day_and_carry_everything_together():
    store, dispatcher = MemoryTicketStore(), MemoryDispatcher()
    first = register_call_complaint(complaint("CA1"), DISTRICT, store, dispatcher, CLOCK)
    second = register_call_complaint(complaint("CA2"), DISTRICT, store, dispatcher, CLOCK)
    assert (first.complaint_number, second.complaint_number) == ("RPR2611230001", "RPR2611230002")
    registration = store.registrations[0]
    ticket = registration.ticket
    assert (ticket.department, ticket.status, ticket.level, ticket.hotline) == (
        "water", "registered", "L1", "collectorate")
    assert ticket.sla_due_at == "2026-11-25T20:00:00Z"  # water: 72 hours
    assert registration.timeline.actor_type == "citizen" and registration.timeline.channel == "ivr"
    assert [(c.scope, c.period) for c in registration.counters] == [
        ("DISTRICT#RPR", "DAY#2026-11-23"), ("DISTRICT#RPR", "OPEN"), ("LINE#+919977222574", "DAY#2026-11-23")]
    assert registration.counters[1].figures == {"open_L1_water": 1}
    assert [e.type for e in dispatcher.sent] == ["ticket.created", "ticket.created"]


def test_a_retried_call_returns_its_first_number_without_a_new_event():
    store, dispatcher = MemoryTicketStore(), MemoryDispatcher()
    first = register_call_complaint(complaint("CA1"), DISTRICT, store, dispatcher, CLOCK)
    again = register_call_complaint(complaint("CA1"), DISTRICT, store, dispatcher, CLOCK)
    assert again.complaint_number == first.complaint_number and again.created is False
    assert len(dispatcher.sent) == 1


def test_a_queue_outage_still_registers_and_answers_the_caller():
    store = MemoryTicketStore()
    result = register_call_complaint(complaint(), DISTRICT, store, MemoryDispatcher(fail=True), CLOCK)
    assert result.created and len(store.registrations) == 1  # the event waits in the outbox


def test_an_unknown_category_is_refused():
    with pytest.raises(UnknownCategory):
        register_call_complaint(complaint(category="astrology"), DISTRICT, MemoryTicketStore(), MemoryDispatcher(),
                                CLOCK)


def _created_event(language: str = "hi", phone: str = "+919812345678"):
    store, dispatcher = MemoryTicketStore(), MemoryDispatcher()
    register_call_complaint(complaint(language=language, phone=phone), DISTRICT, store, dispatcher, CLOCK)
    return dispatcher.sent[0]


def test_a_new_ticket_reaches_its_officer_and_the_citizen_once_however_often_the_event_arrives():
    event, messenger, claims = _created_event("hi"), MemoryMessenger(), MemoryClaims()
    directory = MemoryDirectory(DISTRICT)
    assert deliver(event, directory, messenger, claims, links) == ["officer: SM1", "citizen: SM2"]
    assert deliver(event, directory, messenger, claims, links) == ["officer: sent before", "citizen: sent before"]
    officer, citizen = messenger.sent
    # The demo's SMS go through Plivo from its DLT header, each with the template of exactly its message.
    assert citizen == {"channel": "sms", "to": "+919812345678", "sender": "RPRCOL", "carrier": "plivo",
                       "body": "आपकी शिकायत RPR2611230001 दर्ज हो गई है। -रायपुर जिला प्रशासन",
                       "dlt": DltIds("DEMO1101RPR00000001", "DEMO1107RPR00000201"),
                       "status_callback": "/messaging/status/RPR2611230001"}
    assert officer["to"] == "+919000000301"  # water, L1: the PHE sub engineer
    assert "RPR2611230001" in officer["body"] and "26-11 01:30" in officer["body"]  # due in IST
    assert "recordings/RPR2611230001-0301-72h" in officer["body"]


def test_a_failed_send_frees_its_claim_for_the_retry_and_sent_notices_are_not_repeated():
    event, messenger, claims = _created_event("en"), MemoryMessenger(), MemoryClaims()
    directory = MemoryDirectory(DISTRICT)
    deliver_once = lambda: deliver(event, directory, messenger, claims, links)  # noqa: E731
    messenger.sent.clear()
    original = messenger.send_sms
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) in (2, 3):  # the citizen's DLT SMS, then its international SMS: every channel refuses
            raise TimeoutError("carrier timeout")
        return original(**kwargs)

    messenger.send_sms = second_fails
    with pytest.raises(TimeoutError):
        deliver_once()
    assert deliver_once() == ["officer: sent before", "citizen: SM2"]
    assert messenger.sent[-1]["body"] == "Your complaint RPR2611230001 is registered. -Raipur District Administration"


def test_a_withheld_caller_id_gets_no_sms_and_no_error():
    event, messenger = _created_event(phone="anonymous"), MemoryMessenger()
    assert deliver(event, MemoryDirectory(DISTRICT), messenger, MemoryClaims(), links) == ["officer: SM1"]
