"""Twilio's confirmation that a complaint's recording is complete, kept on its ticket.

Transitions write the whole ticket, conditional on its version. A confirmation written without
bumping the version could land between a transition's read and its write and be overwritten with
the old value; written as a versioned change, it makes that transition stale instead (the officer
is told to send again), and a transition that lands first makes this write retry on the new ticket.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import StaleTicket, TicketRepository

log = logging.getLogger(__name__)

TRIES = 3


def confirm_recording(number: str, recording_sid: str, duration: int | None, store: TicketRepository) -> bool:
    """True once the ticket says its recording is confirmed; False for another recording or no ticket."""
    for _ in range(TRIES):
        ticket = store.get(number)
        if ticket is None or ticket.recording_sid != recording_sid:
            return False
        # Written even when the ticket already says so: the version must move past any transition
        # that read the ticket before the confirmation.
        after = replace(ticket, version=ticket.version + 1, recording_confirmed=True,
                        recording_duration=ticket.recording_duration if duration is None else duration)
        try:
            # No timeline entry: the call item keeps the recording's status, the timeline what people did.
            store.save_change(Change(before=ticket, after=after, timeline=(), events=()))
            return True
        except StaleTicket:
            continue
    log.warning("ticket %s: recording %s not confirmed after %d tries", number, recording_sid, TRIES)
    return False
