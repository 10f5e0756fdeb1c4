"""A repeat caller's recorded message, kept as a note on their own open ticket, once per call."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from chalicelib.domain.callers import recorded_note
from chalicelib.domain.clock import Clock
from chalicelib.domain.district import District
from chalicelib.domain.ports import CallerHistory, NoteAlreadyAdded, StaleTicket, TicketStore
from chalicelib.domain.retry import retry_on_stale

log = logging.getLogger(__name__)

NoteOutcome = Literal["added", "added_before", "stale"]


class NotTheCallersTicket(ValueError):
    """The ticket is missing, another district's, or someone else's: it takes no note from this call."""


@dataclass(frozen=True)
class RecordedMessage:
    call_sid: str
    caller: str
    recording_sid: str
    recording_url: str
    duration: int  # seconds


def add_recorded_note(number: str, district: District, message: RecordedMessage, tickets: TicketStore,
                      history: CallerHistory, clock: Clock) -> NoteOutcome:
    """Read the ticket, build the note, write it with the call; again on a fresh read when the ticket moved
    on meanwhile. "stale": it kept moving on, nothing was written."""
    def attempt() -> NoteOutcome:
        ticket = tickets.get(number)
        # The number came from our own signed action URL; still, only the caller's own ticket takes notes.
        if ticket is None or ticket.district != district.code or ticket.caller_phone != message.caller:
            raise NotTheCallersTicket(f"complaint {number} is not this caller's")
        change = recorded_note(ticket, district, clock.now(), message.caller, message.call_sid,
                               message.recording_sid, message.recording_url, message.duration)
        try:
            history.add_call_note(change, message.call_sid, message.recording_sid)
        except NoteAlreadyAdded:
            log.info("call %s: message on %s was added already", message.call_sid, number)
            return "added_before"
        log.info("call %s: message added to %s", message.call_sid, number)
        return "added"

    try:
        return retry_on_stale(attempt)
    except StaleTicket:
        return "stale"
