"""An operator's call recording (the <Dial>'s), attached to the ticket the operator registered for the call.

The recording status callback and the console registration race: Twilio posts the recording when the
call ends, the operator may still be typing. Whichever lands second attaches it — the callback when the
call already has a ticket, the registration when the call already has a completed recording. Both go
through here, a versioned change like the IVR recording's confirmation, so attaching twice is harmless.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import StaleTicket, TicketRepository
from chalicelib.domain.recording_status import TRIES, confirm_recording

log = logging.getLogger(__name__)


def settle_call_recording(number: str, recording_sid: str, recording_url: str | None, duration: int | None,
                          store: TicketRepository) -> bool:
    """True once the ticket holds this recording (confirmed); False when it holds another or there is none."""
    for _ in range(TRIES):
        ticket = store.get(number)
        if ticket is None:
            return False
        if ticket.recording_sid == recording_sid:
            return confirm_recording(number, recording_sid, duration, store)
        if ticket.recording_sid or not recording_url or not ticket.call_sid:
            return False  # the IVR's own recording, or nothing to attach
        after = replace(ticket, version=ticket.version + 1, recording_sid=recording_sid,
                        recording_url=recording_url, recording_duration=duration, recording_confirmed=True)
        try:
            store.save_change(Change(before=ticket, after=after, timeline=(), events=()))
            return True
        except StaleTicket:
            continue
    log.warning("ticket %s: call recording %s not attached after %d tries", number, recording_sid, TRIES)
    return False
