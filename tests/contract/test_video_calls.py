"""The VideoCalls port: tests/fakes/video_calls.py and store/video_calls.py keep a phone's open booking and its
day's links, save conditional on the version, and list what the sweeper must look at, alike."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.clock import IST, iso
from chalicelib.domain.ports import StaleVideoCall, VideoCalls
from chalicelib.domain.video_calls import ENDED, RINGING, VideoCall, VideoRefused, booked_event, new_id
from tests.fakes.video_calls import MemoryVideoCalls

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=IST)
CALLER = "+919812345678"
DAY = "2026-12-04"


@pytest.fixture
def calls(backend: str) -> VideoCalls:
    if backend == "memory":
        return MemoryVideoCalls()
    from chalicelib.store.video_calls import DynamoVideoCalls

    return DynamoVideoCalls()


def _message(call: VideoCall, day: str = DAY):
    at = NOW if day == DAY else NOW + timedelta(days=1)
    return lambda sent: booked_event(call, f"https://h.example/video/{call.id}", sent, at)


def _call(phone: str = CALLER) -> VideoCall:
    return VideoCall(id=new_id(), district="RPR", caller_phone=phone, language="hi", source="whatsapp",
                     state="booked", created_at=iso(NOW), slot_at=iso(NOW))


def test_a_booking_is_the_phones_open_one_and_each_link_counts_within_the_day(calls: VideoCalls):
    call = _call()
    first = calls.add(call, DAY, 2, iso(NOW + timedelta(minutes=30)), _message(call))
    assert first.id == f"video-booked-{call.id}-{DAY}-1" and first.data["link"].endswith(call.id)
    assert calls.get(call.id) == call
    assert calls.open_for("RPR", CALLER) == call
    assert calls.open_for("BSP", CALLER) is None and calls.open_for("RPR", "+919812345679") is None
    assert calls.count_link(call, DAY, 2, _message(call)).id.endswith("-2")
    with pytest.raises(VideoRefused) as refused:
        calls.count_link(call, DAY, 2, _message(call))
    assert refused.value.code == "video_cap"
    assert calls.count_link(call, "2026-12-05", 2, _message(call, "2026-12-05")).id.endswith("-2026-12-05-1")
    assert _outbox(calls) == [f"video-booked-{call.id}-{DAY}-1", f"video-booked-{call.id}-{DAY}-2",
                              f"video-booked-{call.id}-2026-12-05-1"]  # each written with its count


def test_saves_are_conditional_on_the_version_and_keep_the_calls_tickets(calls: VideoCalls):
    call = _call()
    calls.add(call, DAY, 3, iso(NOW), _message(call))
    ringing = calls.save(replace(call, state=RINGING, ringing_at=iso(NOW), citizen_joined_at=iso(NOW),
                                 operators=("operator.rpr.sign",), meeting={"MeetingId": "m-1"}), iso(NOW))
    assert ringing.version == 1 and calls.get(call.id) == ringing
    with pytest.raises(StaleVideoCall):
        calls.save(replace(call, state=ENDED), None)  # read before the ringing: refused, nothing written
    assert calls.get(call.id).state == RINGING
    ended = calls.save(replace(ringing, state=ENDED, ended_at=iso(NOW), ended_reason="left"), None)
    assert calls.get(call.id) == ended and calls.open_for("RPR", CALLER) is None


def test_due_lists_the_open_calls_whose_time_has_come_oldest_first(calls: VideoCalls):
    early, late, later = _call(), _call("+919812345679"), _call("+919812345670")
    calls.add(late, DAY, 3, iso(NOW + timedelta(minutes=20)), _message(late))
    calls.add(early, DAY, 3, iso(NOW + timedelta(minutes=10)), _message(early))
    calls.add(later, DAY, 3, iso(NOW + timedelta(hours=2)), _message(later))
    assert [c.id for c in calls.due(iso(NOW + timedelta(minutes=30)), 10)] == [early.id, late.id]
    assert [c.id for c in calls.due(iso(NOW + timedelta(minutes=30)), 1)] == [early.id]
    calls.save(replace(early, state=ENDED), None)  # no longer due: out of the index
    assert [c.id for c in calls.due(iso(NOW + timedelta(minutes=30)), 10)] == [late.id]


def _outbox(calls: VideoCalls) -> list[str]:
    """The links' events waiting in the outbox, in the order written."""
    if isinstance(calls, MemoryVideoCalls):
        return sorted(event.id for event in calls.outbox)
    from chalicelib.store.models import OutboxModel

    return sorted(item.event_id for item in OutboxModel.scan() if item.event_id.startswith("video-booked-"))
