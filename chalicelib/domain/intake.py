"""Registering a complaint as a ticket — from the IVR, the console or a WhatsApp/SMS conversation — exactly once
per call or conversation."""
from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.domain.clock import Clock, ist_date, parse_iso
from chalicelib.domain.district import District
from chalicelib.domain.ports import AlreadyRegistered, EventDispatcher, TicketStore
from chalicelib.domain.registration import (
    CallComplaint,
    ChatComplaint,
    ConsoleComplaint,
    Registration,
    RegistrationResult,
    build_call_registration,
    build_chat_registration,
    build_console_registration,
)

log = logging.getLogger(__name__)


def register_call_complaint(complaint: CallComplaint, district: District, store: TicketStore,
                            dispatcher: EventDispatcher, clock: Clock, capped: bool = False) -> RegistrationResult:
    """`capped`: the caller's daily cap applies (the IVR; the reconciler's late recordings are not refused).
    Raises domain.callers.OverDailyLimit when the caller is at the cap; nothing is written then."""
    sequence = store.next_sequence(district.code, ist_date(clock.now()))
    registration = build_call_registration(complaint, district, sequence, clock)
    return _register(_capped(registration, district) if capped else registration, store, dispatcher)


def register_console_complaint(complaint: ConsoleComplaint, district: District, store: TicketStore,
                               dispatcher: EventDispatcher, clock: Clock) -> RegistrationResult:
    """An operator's registration; with a CallSid, once per call like the IVR's."""
    sequence = store.next_sequence(district.code, ist_date(clock.now()))
    return _register(build_console_registration(complaint, district, sequence, clock), store, dispatcher)


def register_chat_complaint(complaint: ChatComplaint, district: District, store: TicketStore,
                            dispatcher: EventDispatcher, clock: Clock) -> RegistrationResult:
    """A citizen's WhatsApp or SMS conversation; once per conversation (its id is the once_key), within the
    caller's daily cap like the IVR's (raises domain.callers.OverDailyLimit; nothing is written then)."""
    sequence = store.next_sequence(district.code, ist_date(clock.now()))
    return _register(_capped(build_chat_registration(complaint, district, sequence, clock), district), store,
                     dispatcher)


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
