"""A citizen asks for a sign-language video call (WhatsApp, the IVR's key 8, the district's web page, or instead of
a feedback answer): book it, for now or the next signing shift, and send the link.

A phone with an open booking is sent that booking's link again rather than a second booking; each link sent
counts towards the district's `video_calls.per_day` for the phone (each is a message that costs money).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.clock import Clock, ist_date
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.ports import EventDispatcher, VideoCalls
from chalicelib.domain.video_calls import VideoCall, VideoRefused, book, booked_event, is_now


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
        sent = calls.count_link(existing, day, policy.per_day)
        dispatcher.dispatch(booked_event(existing, link(link_base, existing), sent, now))
        return Booked(existing, is_now(existing, now), again=True)
    call = book(district, caller_phone, language, source, now)
    sent = calls.add(call, day, policy.per_day, call.due_at(policy))
    dispatcher.dispatch(booked_event(call, link(link_base, call), sent, now))
    return Booked(call, is_now(call, now), again=False)
