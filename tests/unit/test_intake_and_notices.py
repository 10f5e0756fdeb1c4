"""The domain with in-memory adapters: registration and the citizen's SMS."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.citizen_notices import notify_citizen
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.intake import register_call_complaint
from chalicelib.domain.ticket import CallComplaint, UnknownCategory
from tests.support.fixtures import DEMO
from tests.unit.fakes import MemoryClaims, MemoryDirectory, MemoryDispatcher, MemorySms, MemoryTicketStore

DISTRICT = read_district_file(DEMO)
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
    assert [c.scope for c in registration.counters] == ["DISTRICT#RPR", "LINE#+919977222574"]
    assert registration.counters[0].period == "DAY#2026-11-23"
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


def test_the_citizen_gets_one_sms_in_their_language_however_often_the_event_arrives():
    event, sms, claims = _created_event("hi"), MemorySms(), MemoryClaims()
    directory = MemoryDirectory(DISTRICT)
    assert notify_citizen(event, directory, sms, claims).sent
    assert not notify_citizen(event, directory, sms, claims).sent
    [(to, body, sender)] = sms.sent
    assert (to, sender) == ("+919812345678", "+919977222500")
    assert body == "आपकी शिकायत क्र. RPR2611230001 दि. 23-11-2026 को दर्ज हुई। -रायपुर जिला प्रशासन"


def test_a_failed_send_frees_the_claim_for_the_retry():
    event, sms, claims = _created_event("en"), MemorySms(), MemoryClaims()
    sms.fail_next = 1
    with pytest.raises(TimeoutError):
        notify_citizen(event, MemoryDirectory(DISTRICT), sms, claims)
    assert notify_citizen(event, MemoryDirectory(DISTRICT), sms, claims).sent
    assert sms.sent[0][1] == ("Your complaint RPR2611230001 was registered on 23-11-2026. "
                              "-Raipur District Administration")


def test_a_withheld_caller_id_gets_no_sms_and_no_error():
    event, sms = _created_event(phone="anonymous"), MemorySms()
    outcome = notify_citizen(event, MemoryDirectory(DISTRICT), sms, MemoryClaims())
    assert (outcome.sent, outcome.reason, sms.sent) == (False, "caller number withheld", [])
