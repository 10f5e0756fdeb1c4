"""Sign-language video calls: a citizen who cannot speak or hear asks for one (WhatsApp, the IVR's key 8, the
district's web page), gets a link, and an operator who signs answers it in the console.

A video call is booked for now when a signing operator is on duty, else for the start of the next signing shift
(the slot). It rings the signing operators when the citizen opens the link and joins (like a call rings the
operators' phones), is answered by the first of them to join, and ends when both have left, when the operator
ends it, or at the district's cap. A booking nobody came to is missed once its slot has passed by the window.

Recording is off unless the citizen agrees on screen; the answer, and when, is kept with the call and written
on the timeline of every ticket registered from it. Pure: no AWS, no carrier, no clock of its own.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.clock import iso, ist_date, parse_iso
from chalicelib.domain.district import District, VideoPolicy
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.on_duty import shift_covers
from chalicelib.domain.roster import Operator

SIGN_LANGUAGE = "sign_language"  # the roster's skill
SOURCES = ("whatsapp", "ivr", "web", "feedback")  # where the citizen asked
ASKED_ON_WHATSAPP = ("whatsapp", "feedback")  # "वीडियो" in the chat, or instead of a feedback answer there
# The states, in order: booked (a link sent), ringing (the citizen is in the meeting, the signers are rung),
# answered (an operator joined), ended; missed: the slot passed and the citizen never came.
BOOKED, RINGING, ANSWERED, ENDED, MISSED = "booked", "ringing", "answered", "ended", "missed"
OPEN_STATES = (BOOKED, RINGING, ANSWERED)
BOOKED_EVENT = "video.booked"
ID_PREFIX = "VC"  # beside Twilio's CA… and Plivo's uuids in the calls table: a video call's id is its call_sid
FEEDBACK_MINUTES = 10  # "was it solved?" in sign language: a short slot (the district's cap if shorter)
EARLY_MINUTES = 10  # a citizen may join this long before the slot (the operator's shift is starting)
LOOKAHEAD_DAYS = 8  # the next signing shift is looked for this far ahead (a weekly roster repeats)


class VideoRefused(Exception):
    """What a citizen or an operator asked of a video call does not apply now; `code` is an API error code."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code, self.values = code, values


@dataclass(frozen=True)
class VideoCall:
    id: str
    district: str
    caller_phone: str
    language: str
    source: str
    state: str
    created_at: str
    slot_at: str  # from when the citizen may join (minus EARLY_MINUTES)
    version: int = 0
    meeting: dict[str, Any] | None = None  # the meeting service's Meeting, as both browsers need it
    citizen_attendee: str | None = None  # attendee ids, so a second join of the same side gets the same seat
    operator_attendee: str | None = None
    citizen_joined_at: str | None = None
    citizen_left_at: str | None = None
    ringing_at: str | None = None
    operators: tuple[str, ...] = ()  # the signers rung
    answered_by: str | None = None
    answered_at: str | None = None
    operator_left_at: str | None = None
    ended_at: str | None = None
    ended_reason: str | None = None  # left, operator, cap, missed
    recording_consent: bool | None = None  # None: not asked or not answered (no recording)
    consent_at: str | None = None
    recording_id: str | None = None  # the media capture pipeline, while recording
    complaint_numbers: tuple[str, ...] = ()  # the tickets registered from it (the calls table keeps them)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def meeting_id(self) -> str | None:
        return str(self.meeting["MeetingId"]) if self.meeting else None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def ends_at(self, policy: VideoPolicy) -> str | None:
        """The cap: counted from when the meeting began (the citizen's join); a feedback call is a short one."""
        if not self.citizen_joined_at:
            return None
        minutes = min(policy.max_minutes, FEEDBACK_MINUTES) if self.source == "feedback" else policy.max_minutes
        return iso(parse_iso(self.citizen_joined_at) + timedelta(minutes=minutes))

    def seconds(self) -> int | None:
        """How long the citizen and the operator were on it together (answer to end); None while unanswered."""
        if not self.answered_at:
            return None
        end = self.ended_at or self.operator_left_at
        return max(0, int((parse_iso(end) - parse_iso(self.answered_at)).total_seconds())) if end else None

    def due_at(self, policy: VideoPolicy) -> str | None:
        """When the sweeper must look at it: a booking's missed time, a meeting's cap; None once over."""
        if not self.is_open:
            return None
        if self.state == BOOKED:
            return iso(parse_iso(self.slot_at) + timedelta(minutes=policy.slot_minutes))
        return self.ends_at(policy)


def new_id() -> str:
    # The link's secret too: 128 random bits, so a link cannot be guessed from another.
    return ID_PREFIX + secrets.token_hex(16)


def is_video_id(value: str) -> bool:
    return len(value) == 34 and value.startswith(ID_PREFIX) and all(c in "0123456789abcdef" for c in value[2:])


def signers(district: District) -> tuple[Operator, ...]:
    return tuple(o for o in district.operators if SIGN_LANGUAGE in o.skills)


def signers_on_duty(district: District, now: datetime) -> tuple[str, ...]:
    """The signing operators whose shift covers `now` (a console operator needs no phone for this)."""
    return tuple(o.username for o in signers(district) if any(shift_covers(s, now) for s in o.shifts))


def next_slot(district: District, now: datetime) -> datetime | None:
    """Now if a signer is on duty; else the next minute a signing shift starts (None: nobody signs)."""
    if signers_on_duty(district, now):
        return now
    people = signers(district)
    if not any(o.shifts for o in people):
        return None
    # Shifts start on the minute: walk the week in 15-minute steps, then find the minute within the step.
    step = timedelta(minutes=15)
    at = now.replace(second=0, microsecond=0)
    for _ in range(int(LOOKAHEAD_DAYS * 24 * 4)):
        ahead = at + step
        if any(shift_covers(s, ahead) for o in people for s in o.shifts):
            minute = at
            while not any(shift_covers(s, minute) for o in people for s in o.shifts):
                minute += timedelta(minutes=1)
            return max(minute, now)
        at = ahead
    return None


def book(district: District, caller_phone: str, language: str, source: str, now: datetime,
         call_id: str | None = None) -> VideoCall:
    """A new booking, for now or the next signing shift. Refused when the district takes no video calls or has
    nobody who signs."""
    policy = district.video
    if not policy.enabled:
        raise VideoRefused("video_off")
    slot = next_slot(district, now)
    if slot is None:
        raise VideoRefused("no_signer")
    spoken = language if language in district.languages else district.default_language
    return VideoCall(id=call_id or new_id(), district=district.code, caller_phone=caller_phone, language=spoken,
                     source=source if source in SOURCES else "web", state=BOOKED, created_at=iso(now),
                     slot_at=iso(slot))


def is_now(call: VideoCall, now: datetime) -> bool:
    """The booking is for now (the link says "open it now"), not a later slot."""
    return parse_iso(call.slot_at) <= now + timedelta(minutes=1)


def booked_event(call: VideoCall, link: str, sent: int, now: datetime) -> DomainEvent:
    """The citizen's message with the link. Its id is the booking's and which sending of it that IST day, so a
    retried request sends it once; asking again sends it again."""
    return DomainEvent(BOOKED_EVENT, "", 0, iso(now),
                       {"district": call.district, "caller_phone": call.caller_phone, "language": call.language,
                        "link": link, "slot_at": call.slot_at, "source": call.source, "video_call": call.id,
                        # Asked for on WhatsApp: the link goes back there (the channel plan's first choice).
                        "whatsapp_consent": call.source in ASKED_ON_WHATSAPP},
                       id=f"video-booked-{call.id}-{ist_date(now)}-{sent}")


def citizen_joins(call: VideoCall, district: District, now: datetime) -> VideoCall:
    """The citizen opened the link and pressed join: the call rings the signers on duty. Joining again (a reload,
    a dropped connection) keeps the seat and the ringing."""
    if call.state in (ENDED, MISSED):
        raise VideoRefused("video_over")
    if now < parse_iso(call.slot_at) - timedelta(minutes=EARLY_MINUTES):
        raise VideoRefused("video_not_yet", slot_at=call.slot_at)
    if call.state != BOOKED:
        return replace(call, citizen_left_at=None)
    rung = signers_on_duty(district, now)
    return replace(call, state=RINGING, citizen_joined_at=iso(now), ringing_at=iso(now), operators=rung,
                   citizen_left_at=None)


def operator_joins(call: VideoCall, district: District, username: str, now: datetime) -> VideoCall:
    """A signing operator joins: the first answers it; the one who answered may join again."""
    if not any(o.username == username for o in signers(district)):
        raise VideoRefused("no_sign_language")
    if call.state in (ENDED, MISSED):
        raise VideoRefused("video_over")
    if call.state == BOOKED:
        raise VideoRefused("video_not_joined")  # the citizen is not there yet: nothing to answer
    if call.state == ANSWERED:
        if call.answered_by != username:
            raise VideoRefused("video_taken", operator=call.answered_by or "")
        return replace(call, operator_left_at=None)
    return replace(call, state=ANSWERED, answered_by=username, answered_at=iso(now), operator_left_at=None)


def operator_may_leave(call: VideoCall, district: District, username: str) -> None:
    """Only a signer, and on an answered call only the one who answered, ends it from the console."""
    if not any(o.username == username for o in signers(district)):
        raise VideoRefused("no_sign_language")
    if call.answered_by and call.answered_by != username:
        raise VideoRefused("video_taken", operator=call.answered_by)


def consent(call: VideoCall, agreed: bool, now: datetime) -> VideoCall:
    """The citizen's answer on screen to "may this call be recorded?"; they may change it while it lasts."""
    if not call.is_open:
        raise VideoRefused("video_over")
    return replace(call, recording_consent=agreed, consent_at=iso(now))


def leaves(call: VideoCall, side: str, now: datetime) -> VideoCall:
    """One side left (`citizen` or `operator`); once both have, or the operator ends an answered call, it ends."""
    if not call.is_open:
        return call
    if side == "citizen":
        call = replace(call, citizen_left_at=iso(now))
    else:
        call = replace(call, operator_left_at=iso(now))
    both_gone = call.citizen_left_at and (call.operator_left_at or call.state == RINGING)
    if both_gone or (side == "operator" and call.state == ANSWERED):
        return end(call, "left" if both_gone else "operator", now)
    return call


def end(call: VideoCall, reason: str, now: datetime) -> VideoCall:
    if not call.is_open:
        return call
    return replace(call, state=MISSED if call.state == BOOKED else ENDED, ended_at=iso(now), ended_reason=reason)


def due(call: VideoCall, policy: VideoPolicy, now: datetime) -> VideoCall | None:
    """What the sweeper does: a booking past its window is missed, a meeting past the cap ended; None: nothing."""
    when = call.due_at(policy)
    if when is None or parse_iso(when) > now:
        return None
    return end(call, "missed" if call.state == BOOKED else "cap", now)


def timeline_detail(call: VideoCall) -> dict[str, Any]:
    """What a ticket's timeline keeps of the video call it came from: who, when, how long, and the consent."""
    return {"video_call": call.id, "answered_by": call.answered_by, "answered_at": call.answered_at,
            "ended_at": call.ended_at, "seconds": call.seconds(),
            "recording_consent": {True: "yes", False: "no", None: "not_given"}[call.recording_consent],
            "consent_at": call.consent_at}
