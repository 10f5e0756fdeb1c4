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

from dataclasses import replace

from chalicelib.domain import video_calls
from chalicelib.domain.call_recording import settle_call_recording
from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.district import District
from chalicelib.domain.intake import register_console_complaint
from chalicelib.domain.ports import ConsoleQueries, EventDispatcher, OperatorCalls, TicketStore, VideoCalls
from chalicelib.domain.registration import ConsoleComplaint
from chalicelib.domain.ticket import TimelineEntry


class CallOfAnotherDistrict(Exception):
    """The CallSid belongs to another district's call: its item and recording must not join this ticket."""


class CallHasTicket(Exception):
    """The call already has a ticket (registered by the IVR or another operator)."""

    def __init__(self, complaint_number: str) -> None:
        super().__init__(complaint_number)
        self.complaint_number = complaint_number


def register_for_caller(complaint: ConsoleComplaint, district: District, tickets: TicketStore,
                        dispatcher: EventDispatcher, clock: Clock, queries: ConsoleQueries,
                        calls: OperatorCalls, videos: VideoCalls | None = None) -> str:
    """The new complaint number. Raises CallOfAnotherDistrict, CallHasTicket, or UnknownCategory (nothing
    written then). A sign-language video call's complaint is registered on the `video` channel, and its timeline
    says which call, who answered it and the citizen's answer on recording."""
    call_sid = complaint.call_sid
    if call_sid and queries.call_district(call_sid) not in (None, district.code):
        raise CallOfAnotherDistrict(call_sid)
    video = videos.get(call_sid) if videos is not None and call_sid and video_calls.is_video_id(call_sid) else None
    if video is not None:
        complaint = replace(complaint, channel="video")
    result = register_console_complaint(complaint, district, tickets, dispatcher, clock)
    if video is not None and result.created:
        tickets.add_timeline(TimelineEntry(
            complaint_number=result.complaint_number, at=iso(clock.now()), actor_type="operator",
            actor_id=complaint.operator, action="video_call", channel="video",
            detail=video_calls.timeline_detail(video)), once_key=f"video#{video.id}#{result.complaint_number}")
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
