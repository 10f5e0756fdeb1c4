"""A citizen asks for a sign-language video call (WhatsApp, the IVR's key 8, the district's web page, or instead of
a feedback answer): book it, for now or the next signing shift, and send the link.

A phone with an open booking is sent that booking's link again rather than a second booking; each link sent
counts towards the district's `video_calls.per_day` for the phone (each is a message that costs money).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.clock import Clock, ist_date
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import EventDispatcher, VideoCalls
from chalicelib.domain.video_calls import VideoCall, VideoRefused, book, booked_event, is_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Booked:
    call: VideoCall
    now: bool  # for now (open the link now), else a later slot (call.slot_at)
    again: bool  # the phone's open booking: its link sent again


def link(link_base: str, call: VideoCall) -> str:
    """The citizen's link: the call's id is the secret (domain/video_calls.new_id)."""
    return f"{link_base.rstrip('/')}/video/{call.id}"


def request_video(district: District, caller_phone: str, language: str, source: str, *, calls: VideoCalls,
                  dispatcher: EventDispatcher, clock: Clock, link_base: str) -> Booked:
    if not is_reachable(caller_phone):
        raise VideoRefused("video_no_phone")
    now = clock.now()
    day = ist_date(now)
    policy = district.video
    if not policy.enabled:
        raise VideoRefused("video_off")
    existing = calls.open_for(district.code, caller_phone)
    if existing is not None:
        _send(dispatcher, calls.count_link(existing, day, policy.per_day, _message(existing, link_base, now)))
        return Booked(existing, is_now(existing, now), again=True)
    call = book(district, caller_phone, language, source, now)
    _send(dispatcher, calls.add(call, day, policy.per_day, call.due_at(policy), _message(call, link_base, now)))
    return Booked(call, is_now(call, now), again=False)


def _send(dispatcher: EventDispatcher, event: DomainEvent) -> None:
    try:
        dispatcher.dispatch(event)
    except Exception:  # the outbox sweep re-sends it within the minute; the citizen is told it is booked
        log.exception("event %s left in the outbox for the sweep", event.id)


def _message(call: VideoCall, link_base: str, now: datetime) -> Callable[[int], DomainEvent]:
    """The n-th link of the day's event (its id names which, so each sending is claimed once)."""
    return lambda sent: booked_event(call, link(link_base, call), sent, now)
