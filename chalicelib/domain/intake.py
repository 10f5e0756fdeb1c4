"""Registering a complaint as a ticket — from the IVR, the console or a WhatsApp/SMS conversation — exactly once
per call or conversation, under the day's next complaint number."""
from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace

from chalicelib.domain.clock import Clock, FixedClock, ist_date, parse_iso
from chalicelib.domain.district import District
from chalicelib.domain.ports import AlreadyRegistered, EventDispatcher, SequenceTaken, TicketStore
from chalicelib.domain.registration import (
    CallComplaint,
    ChatComplaint,
    ConsoleComplaint,
    DaySequence,
    Registration,
    RegistrationResult,
    build_call_registration,
    build_chat_registration,
    build_console_registration,
)

log = logging.getLogger(__name__)

# Tries at the day's next number, each taken only if still free when the ticket is written, with a short jittered
# pause between them; a registration still losing after these takes the next number outright (`_take_outright`).
NUMBER_TRIES = 5
_PAUSE_BASE = 0.005  # seconds: up to 10, 20, 40 ms
_COPY_WAITS, _COPY_WAIT_SECONDS = 10, 0.3  # a copy waits up to 3 s for the one taking the number (Twilio waits 15)

Build = Callable[[int, Clock], Registration]


def register_call_complaint(complaint: CallComplaint, district: District, store: TicketStore,
                            dispatcher: EventDispatcher, clock: Clock, capped: bool = False) -> RegistrationResult:
    """`capped`: the caller's daily cap applies (the IVR; the reconciler's late recordings are not refused).
    Raises domain.callers.OverDailyLimit when the caller is at the cap; nothing is written then."""
    def build(sequence: int, at: Clock) -> Registration:
        registration = build_call_registration(complaint, district, sequence, at)
        return _capped(registration, district) if capped else registration

    return _register_numbered(build, district, store, dispatcher, clock)


def register_console_complaint(complaint: ConsoleComplaint, district: District, store: TicketStore,
                               dispatcher: EventDispatcher, clock: Clock) -> RegistrationResult:
    """An operator's registration; with a CallSid, once per call like the IVR's."""
    return _register_numbered(lambda sequence, at: build_console_registration(complaint, district, sequence, at),
                              district, store, dispatcher, clock)


def register_chat_complaint(complaint: ChatComplaint, district: District, store: TicketStore,
                            dispatcher: EventDispatcher, clock: Clock) -> RegistrationResult:
    """A citizen's WhatsApp or SMS conversation; once per conversation (its id is the once_key), within the
    caller's daily cap like the IVR's (raises domain.callers.OverDailyLimit; nothing is written then)."""
    return _register_numbered(
        lambda sequence, at: _capped(build_chat_registration(complaint, district, sequence, at), district),
        district, store, dispatcher, clock)


def _register_numbered(build: Build, district: District, store: TicketStore, dispatcher: EventDispatcher,
                       clock: Clock) -> RegistrationResult:
    """A number is taken by the transaction that writes its ticket, from the counter's value read just before: a
    refused registration (a replay, a caller over the cap) takes none, so the day's numbers have no gaps. One
    moment for every try, so the number's date is always the counter's day."""
    at = FixedClock(clock.now())
    day = ist_date(at.now())
    for tried in range(1, NUMBER_TRIES + 1):
        sequence = store.peek_sequence(district.code, day)
        try:
            return _register(replace(build(sequence, at), sequence=DaySequence(district.code, day, sequence)), store,
                             dispatcher)
        except SequenceTaken:
            log.info("%s %s: number %d taken meanwhile (try %d)", district.code, day, sequence, tried)
            # Registrations that lost the same number do not all come back at once: a herd would lose again.
            time.sleep(random.uniform(0, _PAUSE_BASE * 2 ** tried))
    return _take_outright(build, at, day, district, store, dispatcher)


def _take_outright(build: Build, at: Clock, day: str, district: District, store: TicketStore,
                   dispatcher: EventDispatcher) -> RegistrationResult:
    """Under a burst, a registration that keeps losing the next number to newer ones takes one outright, as a
    queue would, and cannot be starved. Its earlier tries were refused for the number alone, so its write is
    refused only if its own replay or the caller's cap won in this very moment: then that number stays unused."""
    from chalicelib.domain.callers import OverDailyLimit

    probe = build(1, at)  # read for its keys alone: which call or conversation this is
    key = probe.once_key or (f"call#{probe.ticket.call_sid}" if probe.ticket.call_sid and not probe.more_on_call
                             else None)
    if key and not store.hold_outright_take(key, probe.ticket.created_at):
        # Another copy of this very registration (a replayed webhook) takes the number: wait for its ticket.
        for _ in range(_COPY_WAITS):
            if number := store.registered_number(probe):
                return RegistrationResult(number, created=False)
            time.sleep(_COPY_WAIT_SECONDS)
        log.warning("%s: the copy taking its number has not registered it; taking one too", key)
    sequence = store.take_sequence(district.code, day)
    try:
        result = _register(build(sequence, at), store, dispatcher)
    except OverDailyLimit:
        _give_back(store, district, day, sequence, "the caller reached the cap meanwhile")
        raise
    if not result.created:
        _give_back(store, district, day, sequence, f"{result.complaint_number} registered meanwhile")
    return result


def _give_back(store: TicketStore, district: District, day: str, sequence: int, why: str) -> None:
    """Copies of one call racing each other can all reach the outright take; the losers' numbers go back."""
    if store.give_back_sequence(district.code, day, sequence):
        log.info("%s %s: number %d given back (%s)", district.code, day, sequence, why)
    else:
        log.warning("%s %s: number %d left unused (%s; a later number was taken since)", district.code, day,
                    sequence, why)


def _capped(registration: Registration, district: District) -> Registration:
    """The caller's daily cap, counted on the IST day the ticket is registered, joins its transaction."""
    from chalicelib.domain.callers import day_limit

    ticket = registration.ticket
    return replace(registration, caller_limit=day_limit(district, ticket.caller_phone, parse_iso(ticket.created_at)))


def _register(registration: Registration, store: TicketStore, dispatcher: EventDispatcher) -> RegistrationResult:
    try:
        store.register(registration)
    except AlreadyRegistered as existing:
        return RegistrationResult(existing.complaint_number, created=False)
    try:
        dispatcher.dispatch(registration.event)
    except Exception:  # the outbox sweep re-sends it; the caller must still hear the number
        log.exception("event %s left in the outbox for the sweep", registration.event.id)
    return RegistrationResult(registration.ticket.complaint_number, created=True)
