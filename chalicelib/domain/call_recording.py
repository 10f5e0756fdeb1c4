"""Twilio's confirmation of a call's recording, kept on its ticket: the IVR's own recording confirmed, or an
operator's call recording (the <Dial>'s) attached to the ticket the operator registered for the call.

The recording status callback and the console registration race: Twilio posts the recording when the
call ends, the operator may still be typing. Whichever lands second attaches it — the callback when the
call already has a ticket, the registration when the call already has a completed recording.

Transitions write the whole ticket, conditional on its version. A confirmation written without bumping the
version could land between a transition's read and its write and be overwritten with the old value; written
as a versioned change, it makes that transition stale instead (the officer is told to send again), and a
transition that lands first makes this write retry on the new ticket. Attaching twice is harmless.

An operator's recording newly attached raises `ticket.recording_attached` (in the change's outbox write), so
the follow-up consumer starts its transcription as it does for the IVR's recording at registration.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import EventDispatcher, StaleTicket, TicketStore
from chalicelib.domain.retry import STALE_TRIES, retry_on_stale
from chalicelib.domain.ticket import Ticket, snapshot

log = logging.getLogger(__name__)

RECORDING_ATTACHED = "ticket.recording_attached"


def _settled(ticket: Ticket, recording_sid: str, recording_url: str | None, duration: int | None) -> Ticket | None:
    """The ticket holding this recording, confirmed; None when it holds another or there is nothing to attach.

    Written even when the ticket already says so: the version must move past any transition that read the
    ticket before the confirmation."""
    if ticket.recording_sid == recording_sid:  # the IVR's own recording, or one attached before
        return replace(ticket, version=ticket.version + 1, recording_confirmed=True,
                       recording_duration=ticket.recording_duration if duration is None else duration)
    if ticket.recording_sid or not recording_url or not ticket.call_sid:
        return None  # the IVR's own recording stays, a ticket with no call gets none
    return replace(ticket, version=ticket.version + 1, recording_sid=recording_sid, recording_url=recording_url,
                   recording_duration=duration, recording_confirmed=True)


def settle_call_recording(number: str, recording_sid: str, recording_url: str | None, duration: int | None,
                          store: TicketStore, dispatcher: EventDispatcher | None = None,
                          clock: Clock | None = None) -> bool:
    """True once the ticket holds this recording (confirmed); False when it holds another or there is none.
    One read of the ticket per try. The attachment's event is sent through `dispatcher` when given, else the
    outbox sweep sends it."""
    sent: list[DomainEvent] = []

    def attempt() -> bool:
        ticket = store.get(number)
        after = _settled(ticket, recording_sid, recording_url, duration) if ticket is not None else None
        if ticket is None or after is None:
            return False
        events: tuple[DomainEvent, ...] = ()
        if ticket.recording_sid != recording_sid:  # newly attached, not the IVR's confirmation
            events = (DomainEvent(type=RECORDING_ATTACHED, complaint_number=number, version=after.version,
                                  at=iso((clock or SystemClock()).now()),
                                  data={**snapshot(after), "recording_sid": recording_sid}),)
        # No timeline entry: the call item keeps the recording's status, the timeline what people did.
        store.save_change(Change(before=ticket, after=after, timeline=(), events=events))
        sent[:] = events
        return True

    try:
        settled = retry_on_stale(attempt)
    except StaleTicket:
        log.warning("ticket %s: call recording %s not settled after %d tries", number, recording_sid, STALE_TRIES)
        return False
    if dispatcher is not None:
        for event in sent:
            try:
                dispatcher.dispatch(event)
            except Exception:
                log.exception("event %s left in the outbox for the sweep", event.id)
    return settled
