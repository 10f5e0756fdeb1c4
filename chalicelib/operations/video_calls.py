"""A sign-language video call from the citizen's join to its end: the meeting, the seats, the consent, the cap.

Each step reads the call, decides in the domain (domain/video_calls.py), talks to the meeting service where it
must, and saves conditional on the version read — the citizen's page and the operator's console act on one call
at the same moment, so a stale save reads again and decides again. The meeting is created at the citizen's
first join (a booking nobody opens costs nothing) and ended when the call ends; the recording is started only
after the citizen's yes on screen and stopped at a no. What happens to a call with tickets (the consent, its
end) is written on each ticket's timeline.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from chalicelib.domain import video_calls as video
from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.district import District
from chalicelib.domain.ports import Directory, MeetingGone, StaleVideoCall, TicketStore, VideoCalls, VideoMeetings
from chalicelib.domain.retry import retry_on_stale
from chalicelib.domain.ticket import TimelineEntry
from chalicelib.domain.video_calls import VideoCall, VideoRefused

STALE_TRIES = 3
SWEEP_LIMIT = 25  # a minute's sweep looks at this many due video calls at most
T = TypeVar("T")


@dataclass(frozen=True)
class Seat:
    """What a browser needs to join: the call, the meeting and its own attendee."""
    call: VideoCall
    meeting: dict[str, Any]
    attendee: dict[str, Any]


@dataclass(frozen=True)
class VideoWork:
    """The ports a video call's steps use."""
    calls: VideoCalls
    meetings: VideoMeetings
    directory: Directory
    tickets: TicketStore
    clock: Clock
    recording_sink: Callable[[VideoCall], str]  # where a consented recording goes ("bucket/prefix")


Found = tuple[VideoCall, District]


def find(work: VideoWork, call_id: str) -> Found:
    call = work.calls.get(call_id) if video.is_video_id(call_id) else None
    district = work.directory.district(call.district) if call is not None else None
    if call is None or district is None:
        raise VideoRefused("no_video_call")
    return call, district


class _Reading:
    """The call as the handler already read it, for the first try; a stale save reads it again."""

    def __init__(self, work: VideoWork, call_id: str, known: Found | None) -> None:
        self.work, self.call_id, self.known = work, call_id, known

    def __call__(self) -> Found:
        known, self.known = self.known, None
        return known or find(self.work, self.call_id)


def citizen_join(work: VideoWork, call_id: str, known: Found | None = None) -> Seat:
    read = _Reading(work, call_id, known)

    def attempt() -> Seat:
        call, district = read()
        joined = video.citizen_joins(call, district, work.clock.now())
        meeting = joined.meeting or work.meetings.create_meeting(call.id, district.video.media_region)
        attendee = _seat(work, joined, meeting, f"citizen-{call.id}")
        saved = _save(work, replace(joined, meeting=meeting, citizen_attendee=attendee["AttendeeId"]), district)
        return Seat(saved, meeting, attendee)
    return _retrying(attempt)


def operator_join(work: VideoWork, call_id: str, username: str, known: Found | None = None) -> Seat:
    read = _Reading(work, call_id, known)

    def attempt() -> Seat:
        call, district = read()
        answered = video.operator_joins(call, district, username, work.clock.now())
        if answered.meeting is None:
            raise VideoRefused("video_not_joined")
        attendee = _seat(work, answered, answered.meeting, f"operator-{username}")
        saved = _save(work, replace(answered, operator_attendee=attendee["AttendeeId"]), district)
        return Seat(saved, answered.meeting, attendee)
    return _retrying(attempt)


def consent(work: VideoWork, call_id: str, agreed: bool, known: Found | None = None) -> VideoCall:
    read = _Reading(work, call_id, known)

    def attempt() -> VideoCall:
        call, district = read()
        answered = video.consent(call, agreed, work.clock.now())
        if agreed and answered.meeting_id and not answered.recording_id:
            answered = replace(answered, recording_id=work.meetings.start_recording(
                answered.meeting_id, work.recording_sink(answered)))
        elif not agreed and answered.recording_id:
            work.meetings.stop_recording(answered.recording_id)
            answered = replace(answered, recording_id=None)
        saved = _save(work, answered, district)
        _on_timelines(work, saved, "video_consent", {"recording_consent": "yes" if agreed else "no"},
                      f"consent#{saved.version}", ("citizen", saved.caller_phone))
        return saved
    return _retrying(attempt)


def leave(work: VideoWork, call_id: str, side: str, known: Found | None = None,
          username: str | None = None) -> VideoCall:
    """`side` citizen (the page) or operator (`username`: a signer; the one who answered, once answered)."""
    read = _Reading(work, call_id, known)

    def attempt() -> VideoCall:
        call, district = read()
        if side == "operator":
            video.operator_may_leave(call, district, username or "")
        return _finish(work, call, video.leaves(call, side, work.clock.now()), district)
    return _retrying(attempt)


def sweep(work: VideoWork) -> int:
    """The minute's look at the open video calls: bookings nobody came to are missed, meetings past the cap are
    ended. How many were ended; one that fails is left for the next minute."""
    ended = 0
    for call in work.calls.due(iso(work.clock.now()), SWEEP_LIMIT):
        district = work.directory.district(call.district)
        if district is None:
            continue
        done = video.due(call, district.video, work.clock.now())
        if done is None:
            continue
        try:
            _finish(work, call, done, district)
            ended += 1
        except StaleVideoCall:
            continue  # someone acted on it meanwhile: the next minute looks again
    return ended


# -- the steps' shared parts ------------------------------------------------------------------------------

def _seat(work: VideoWork, call: VideoCall, meeting: dict[str, Any], user: str) -> dict[str, Any]:
    try:
        return work.meetings.add_attendee(str(meeting["MeetingId"]), user)
    except MeetingGone as error:
        # The service ended it (its own limits): the call is over for us too.
        raise VideoRefused("video_over") from error


def _finish(work: VideoWork, before: VideoCall, after: VideoCall, district: District) -> VideoCall:
    if after == before:
        return before
    if not after.is_open:
        if after.recording_id:
            work.meetings.stop_recording(after.recording_id)
        if after.meeting_id:
            work.meetings.end_meeting(after.meeting_id)
    saved = _save(work, after, district)
    if not saved.is_open:
        _on_timelines(work, saved, "video_call_ended", video.timeline_detail(saved), "ended",
                      ("system", saved.ended_reason or "ended"))
    return saved


def _save(work: VideoWork, call: VideoCall, district: District) -> VideoCall:
    return work.calls.save(call, call.due_at(district.video))


def _on_timelines(work: VideoWork, call: VideoCall, action: str, detail: dict[str, Any], once: str,
                  actor: tuple[str, str]) -> None:
    for number in call.complaint_numbers:
        work.tickets.add_timeline(TimelineEntry(
            complaint_number=number, at=iso(work.clock.now()), actor_type=actor[0], actor_id=actor[1],
            action=action, channel="video", detail={"video_call": call.id, **detail}),
            once_key=f"video#{call.id}#{number}#{once}")


def _retrying(attempt: Callable[[], T]) -> T:
    return retry_on_stale(attempt, STALE_TRIES, StaleVideoCall)
