"""A send whose answer never came is not a failure: the retry asks the carrier before sending again.

Notices (domain/delivery.py), feedback calls (domain/feedback_calls.py) and callbacks
(domain/callback_requests.py), with the in-memory ports; the fakes take the message or call and then raise
OutcomeUnknown, as telephony/rest.py does on a read timeout or a 5xx.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.callback_requests import (
    CALL_LEASE_MINUTES,
    CALLING,
    MISSED_CALL,
    callback_ended,
    place_due_callbacks,
    request_callback,
)
from chalicelib.domain.clock import IST
from chalicelib.domain.delivery import deliver
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.feedback_calls import place_feedback_call
from chalicelib.domain.ports import OutcomeUnknown
from chalicelib.domain.ticket import snapshot
from tests.fakes.callback_requests import MemoryCallbackRequests
from tests.fakes.claims import MemoryClaims
from tests.fakes.dialer import MemoryDialer
from tests.fakes.messaging import MemoryMessenger, links
from tests.support.demo import DEMO
from tests.unit.test_lifecycle import CITIZEN, DISTRICT, WATER, World

WHATSAPP_L1 = "+919111100301"


def _created(world: World) -> DomainEvent:
    return DomainEvent("ticket.created", world.number, 1, world.ticket.created_at,
                       {**snapshot(world.ticket), "actor": CITIZEN})


def _deliver(world: World, event: DomainEvent, messenger: MemoryMessenger, claims: MemoryClaims) -> list[str]:
    return deliver(event, world.directory, messenger, claims, links)


def test_a_forward_taken_without_an_answer_is_found_at_the_carrier_not_sent_again():
    world, messenger, claims = World(), MemoryMessenger(), MemoryClaims()
    event = _created(world)
    messenger.answer_late = 1  # the officer's forward, the first notice
    with pytest.raises(OutcomeUnknown):
        _deliver(world, event, messenger, claims)
    assert len(messenger.to(WATER["L1"])) == 1 and messenger.to(CITIZEN) == []
    # The officer's claim is held; the citizen's notice, never tried, was released.
    assert claims.state == {f"notice#{event.id}#officer": "unconfirmed"}

    assert _deliver(world, event, messenger, claims) == ["officer: SM1 (the carrier had it)", "citizen: SM2"]
    assert len(messenger.to(WATER["L1"])) == 1 and len(messenger.to(CITIZEN)) == 1
    [lookup] = messenger.lookups
    assert (lookup.channel, lookup.to, lookup.sender) == ("sms", WATER["L1"], DISTRICT.sms_sender)
    assert _deliver(world, event, messenger, claims) == ["officer: sent before", "citizen: sent before"]


def test_a_forward_the_carrier_never_took_is_sent_once_on_the_retry():
    world, messenger, claims = World(), MemoryMessenger(), MemoryClaims()
    event = _created(world)
    messenger.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        _deliver(world, event, messenger, claims)
    messenger.sent.clear()  # the request died on the way: the carrier has nothing
    assert _deliver(world, event, messenger, claims) == ["officer: SM1", "citizen: SM2"]
    assert len(messenger.to(WATER["L1"])) == 1 and len(messenger.lookups) == 1


def test_a_carrier_that_cannot_say_keeps_the_claim_held_for_the_next_retry():
    world, messenger, claims = World(), MemoryMessenger(), MemoryClaims()
    event = _created(world)
    messenger.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        _deliver(world, event, messenger, claims)

    def unavailable(attempt):
        raise ConnectionRefusedError("Twilio unreachable")

    messenger.find_sent = unavailable  # type: ignore[method-assign]
    with pytest.raises(ConnectionRefusedError):
        _deliver(world, event, messenger, claims)
    assert sorted(claims.state.values()) == ["unconfirmed"]  # still held, with the first attempt
    del messenger.find_sent
    assert _deliver(world, event, messenger, claims)[0] == "officer: SM1 (the carrier had it)"
    assert len(messenger.to(WATER["L1"])) == 1


def test_a_whatsapp_forward_without_an_answer_gets_no_sms_copy():
    world = World(replace(DISTRICT, departments={**DISTRICT.departments, "water": replace(
        DISTRICT.departments["water"], officers={**DISTRICT.departments["water"].officers, "L1": replace(
            DISTRICT.departments["water"].officers["L1"], whatsapp=WHATSAPP_L1)})}))
    messenger, claims, event = MemoryMessenger(), MemoryClaims(), _created(world)
    messenger.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        _deliver(world, event, messenger, claims)
    assert [m["channel"] for m in messenger.sent] == ["whatsapp"]  # no SMS fallback: WhatsApp may have it
    assert _deliver(world, event, messenger, claims)[0] == "officer: SM1 (the carrier had it)"
    assert [m["channel"] for m in messenger.to(WHATSAPP_L1) + messenger.to(WATER["L1"])] == ["whatsapp"]


def test_a_refused_send_is_released_and_sent_again_without_asking():
    world, messenger, claims = World(), MemoryMessenger(), MemoryClaims()
    event = _created(world)
    messenger.fail_next = 1
    with pytest.raises(ConnectionRefusedError):
        _deliver(world, event, messenger, claims)
    assert claims.state == {}
    assert _deliver(world, event, messenger, claims) == ["officer: SM1", "citizen: SM2"]
    assert messenger.lookups == []


def test_a_feedback_call_placed_without_an_answer_is_found_not_placed_again():
    world, dialer, claims = World(), MemoryDialer(), MemoryClaims()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    assert world.advance(minutes=1) == ["feedback.call_due"]
    due = world.dispatcher.sent[-1]

    def call() -> str:
        return place_feedback_call(due, world.directory, dialer, claims, world.store, answer_path="/a",
                                   status_path="/s")

    dialer.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        call()
    assert call() == "feedback call 1: CA" + "1".zfill(32) + " (the carrier had it)"
    assert call() == "placed before"
    assert [c["to"] for c in dialer.placed] == [CITIZEN]
    dialer.placed.clear()  # a call that never was: the next redelivery of another due call places it
    other = replace(due, id="another")
    dialer.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        place_feedback_call(other, world.directory, dialer, claims, world.store, answer_path="/a", status_path="/s")
    dialer.placed.clear()
    assert place_feedback_call(other, world.directory, dialer, claims, world.store, answer_path="/a",
                               status_path="/s") == "feedback call 1: CA" + "1".zfill(32)


def test_a_callback_placed_without_an_answer_waits_for_its_status_not_for_the_next_try():
    district = read_district_file(DEMO)
    line = "+919977222600"
    hotline, now = district.hotline_for_line(line), datetime(2026, 12, 1, 11, 0, tzinfo=IST)
    requests, dialer, sid = MemoryCallbackRequests(), MemoryDialer(), "CA" + "1" * 32
    request_callback(sid, CITIZEN, line, district, hotline, MISSED_CALL, now, None, requests)
    dialer.answer_late = 1
    assert place_due_callbacks(requests, dialer, now).failed == 1
    assert requests.get(sid).state == CALLING  # the try stands: the call may be ringing
    retry_minutes = hotline.missed_call.retry_minutes
    assert place_due_callbacks(requests, dialer, now + timedelta(minutes=retry_minutes)).placed == 0
    assert len(dialer.placed) == 1
    # The carrier had placed it: its status callback settles the try, as for any call.
    assert callback_ended(requests, sid, 1, "completed", now + timedelta(minutes=3)) == "answered"
    assert place_due_callbacks(requests, dialer, now + timedelta(minutes=CALL_LEASE_MINUTES)).placed == 0
