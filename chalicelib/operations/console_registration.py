"""An operator registers a complaint on a caller's behalf from the console.

With the CallSid of the operator's call: the call must be the district's, the ticket is once per call like
the IVR's, and a recording Twilio already posted for that call (it ended before the operator pressed
register) joins the ticket now — otherwise the recording callback attaches it when it comes.

A caller with several complaints on one call: each after the first is registered `more_on_call`, linked to
the call and listed on its record. The recording stays with the first ticket (the callback attaches to the
call's first number too): it is one recording of the whole call, and copying it onto every ticket would have it
transcribed, retained and forwarded once per ticket; the others reach it through the call.
"""
from __future__ import annotations

from chalicelib.domain.call_recording import settle_call_recording
from chalicelib.domain.clock import Clock
from chalicelib.domain.district import District
from chalicelib.domain.intake import register_console_complaint
from chalicelib.domain.ports import ConsoleQueries, EventDispatcher, OperatorCalls, TicketStore
from chalicelib.domain.registration import ConsoleComplaint


class CallOfAnotherDistrict(Exception):
    """The CallSid belongs to another district's call: its item and recording must not join this ticket."""


class CallHasTicket(Exception):
    """The call already has a ticket (registered by the IVR or another operator)."""

    def __init__(self, complaint_number: str) -> None:
        super().__init__(complaint_number)
        self.complaint_number = complaint_number


def register_for_caller(complaint: ConsoleComplaint, district: District, tickets: TicketStore,
                        dispatcher: EventDispatcher, clock: Clock, queries: ConsoleQueries,
                        calls: OperatorCalls) -> str:
    """The new complaint number. Raises CallOfAnotherDistrict, CallHasTicket, or UnknownCategory (nothing
    written then)."""
    call_sid = complaint.call_sid
    if call_sid and queries.call_district(call_sid) not in (None, district.code):
        raise CallOfAnotherDistrict(call_sid)
    result = register_console_complaint(complaint, district, tickets, dispatcher, clock)
    if not result.created:
        if call_sid and not complaint.more_on_call:
            raise CallHasTicket(result.complaint_number)
        return result.complaint_number  # the same form posted again (its submission): its ticket, not a second
    if call_sid and not complaint.more_on_call:
        finished = calls.completed_recording(call_sid)
        if finished:
            recording_sid, url, seconds = finished
            settle_call_recording(result.complaint_number, recording_sid, url, seconds, tickets, dispatcher, clock)
    return result.complaint_number
