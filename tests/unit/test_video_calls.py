"""Sign-language video calls on the fakes: the slot, the booking and its link, both joins, the consent and the
recording, leaving, the cap and a missed booking (domain/video_calls.py, operations/video_booking.py,
operations/video_calls.py)."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.clock import IST, FixedClock, iso
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.video_calls import (
    ANSWERED,
    BOOKED,
    ENDED,
    MISSED,
    RINGING,
    VideoRefused,
    is_video_id,
    next_slot,
    signers_on_duty,
)
from chalicelib.i18n import available_languages
from chalicelib.operations import video_calls as steps
from chalicelib.operations.video_booking import request_video
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.fakes.video_calls import MemoryVideoCalls
from tests.fakes.video_meetings import FakeVideoMeetings
from tests.support.demo import CALLER, DEMO

FRIDAY_NOON = datetime(2026, 12, 4, 12, 0, tzinfo=IST)  # the signer (operator.rpr.sign) is on, Mon–Sat 10–18
SATURDAY_EVENING = datetime(2026, 12, 5, 19, 0, tzinfo=IST)
MONDAY_TEN = datetime(2026, 12, 7, 10, 0, tzinfo=IST)
SIGNER, OTHER = "operator.rpr.sign", "operator.rpr"
BASE = "https://hotline.example.in"


def _district(**changes: object) -> District:
    data = copy.deepcopy(read_yaml(DEMO))
    data.update(changes)
    return parse_district(data, available_languages())


RAIPUR = _district()


class World:
    def __init__(self, at: datetime, district: District = RAIPUR) -> None:
        self.district = district
        self.clock = FixedClock(at.astimezone(UTC))
        self.calls, self.meetings, self.dispatcher = MemoryVideoCalls(), FakeVideoMeetings(), MemoryDispatcher()
        self.tickets = MemoryTicketStore()
        self.work = steps.VideoWork(calls=self.calls, meetings=self.meetings, directory=MemoryDirectory(district),
                                    tickets=self.tickets, clock=self.clock,
                                    recording_sink=lambda call: f"audio/video/{call.district}/{call.id}")

    def ask(self, phone: str = CALLER, source: str = "whatsapp"):
        return request_video(self.district, phone, "hi", source, calls=self.calls, dispatcher=self.dispatcher,
                             clock=self.clock, link_base=BASE)


def test_the_slot_is_now_while_a_signer_is_on_duty_else_the_next_signing_shift():
    assert signers_on_duty(RAIPUR, FRIDAY_NOON) == (SIGNER,)
    assert next_slot(RAIPUR, FRIDAY_NOON) == FRIDAY_NOON
    assert next_slot(RAIPUR, SATURDAY_EVENING) == MONDAY_TEN  # no Sunday shift
    assert next_slot(RAIPUR, datetime(2026, 12, 7, 9, 10, tzinfo=IST)) == MONDAY_TEN


def test_a_booking_sends_its_link_and_asking_again_sends_the_same_link_within_the_days_cap():
    world = World(FRIDAY_NOON)
    first = world.ask()
    assert first.now and not first.again and first.call.state == BOOKED and is_video_id(first.call.id)
    event = world.dispatcher.sent[-1]
    assert event.type == "video.booked" and event.data["link"] == f"{BASE}/video/{first.call.id}"
    assert event.data["caller_phone"] == CALLER and event.data["language"] == "hi"
    again = world.ask(source="ivr")
    assert again.again and again.call.id == first.call.id
    assert world.dispatcher.sent[-1].id != event.id  # a second message, its own claim
    world.ask()
    with pytest.raises(VideoRefused) as refused:
        world.ask()  # per_day: 3 in the demo file
    assert refused.value.code == "video_cap" and len(world.dispatcher.sent) == 3


def test_out_of_hours_the_link_names_the_next_shift():
    world = World(SATURDAY_EVENING)
    booked = world.ask()
    assert not booked.now and booked.call.slot_at == iso(MONDAY_TEN)
    assert world.dispatcher.sent[-1].data["slot_at"] == iso(MONDAY_TEN)
    with pytest.raises(VideoRefused) as early:
        steps.citizen_join(world.work, booked.call.id)
    assert early.value.code == "video_not_yet" and early.value.values["slot_at"] == iso(MONDAY_TEN)
    assert world.meetings.requests == []  # nothing to pay for before the citizen comes


def test_a_district_without_video_calls_or_without_signers_refuses_in_its_own_words():
    with pytest.raises(VideoRefused) as off:
        World(FRIDAY_NOON, _district(video_calls={"enabled": False})).ask()
    assert off.value.code == "video_off"
    nobody = _district(operators=[o for o in read_yaml(DEMO)["operators"] if "skills" not in o])
    with pytest.raises(VideoRefused) as none:
        World(FRIDAY_NOON, nobody).ask()
    assert none.value.code == "no_signer"
    with pytest.raises(VideoRefused) as withheld:
        World(FRIDAY_NOON).ask(phone="+266696687")
    assert withheld.value.code == "video_no_phone"


def test_the_citizen_joins_and_rings_the_signers_the_first_signer_answers_another_is_refused():
    world = World(FRIDAY_NOON)
    call_id = world.ask().call.id
    seat = steps.citizen_join(world.work, call_id)
    assert seat.call.state == RINGING and seat.call.operators == (SIGNER,)
    assert seat.attendee["ExternalUserId"] == f"citizen-{call_id}"
    again = steps.citizen_join(world.work, call_id)  # a reload keeps the seat and the meeting
    assert again.attendee["AttendeeId"] == seat.attendee["AttendeeId"]
    assert again.meeting["MeetingId"] == seat.meeting["MeetingId"]
    with pytest.raises(VideoRefused) as no_skill:
        steps.operator_join(world.work, call_id, OTHER)
    assert no_skill.value.code == "no_sign_language"
    answered = steps.operator_join(world.work, call_id, SIGNER)
    assert answered.call.state == ANSWERED and answered.call.answered_by == SIGNER
    assert answered.meeting["MeetingId"] == seat.meeting["MeetingId"]
    assert world.meetings.requests == ["CreateMeeting", "CreateAttendee", "CreateAttendee", "CreateAttendee"]


def test_recording_only_after_the_citizens_yes_and_the_answer_is_on_the_tickets_timeline():
    world = World(FRIDAY_NOON)
    call_id = world.ask().call.id
    steps.citizen_join(world.work, call_id)
    steps.operator_join(world.work, call_id, SIGNER)
    assert world.meetings.recordings == {}
    world.calls.link_ticket(call_id, "RPR2612040001")  # the operator registered the complaint
    yes = steps.consent(world.work, call_id, True)
    assert yes.recording_consent is True and yes.recording_id in world.meetings.recordings
    assert world.meetings.recordings[yes.recording_id]["sink"] == f"audio/video/RPR/{call_id}"
    no = steps.consent(world.work, call_id, False)
    assert no.recording_id is None and world.meetings.recordings == {}
    entries = [e for e in world.tickets.timelines["RPR2612040001"] if e.action == "video_consent"]
    assert [e.detail["recording_consent"] for e in entries] == ["yes", "no"]
    assert all(e.actor_type == "citizen" and e.channel == "video" for e in entries)


def test_the_operator_leaving_an_answered_call_ends_it_and_the_timeline_says_how_long():
    world = World(FRIDAY_NOON)
    call_id = world.ask().call.id
    seat = steps.citizen_join(world.work, call_id)
    steps.operator_join(world.work, call_id, SIGNER)
    world.calls.link_ticket(call_id, "RPR2612040001")
    world.clock.advance(timedelta(minutes=7))
    with pytest.raises(VideoRefused) as not_theirs:
        steps.leave(world.work, call_id, "operator", username=OTHER)  # no skill: cannot end anyone's call
    assert not_theirs.value.code == "no_sign_language"
    ended = steps.leave(world.work, call_id, "operator", username=SIGNER)
    assert ended.state == ENDED and ended.ended_reason == "operator" and ended.seconds() == 420
    assert not world.meetings.live(seat.meeting["MeetingId"])
    [entry] = [e for e in world.tickets.timelines["RPR2612040001"] if e.action == "video_call_ended"]
    assert entry.detail["seconds"] == 420 and entry.detail["answered_by"] == SIGNER
    assert steps.leave(world.work, call_id, "citizen").state == ENDED  # the other side's leave changes nothing
    with pytest.raises(VideoRefused) as over:
        steps.citizen_join(world.work, call_id)
    assert over.value.code == "video_over"


def test_the_citizen_alone_leaving_an_unanswered_call_ends_it():
    world = World(FRIDAY_NOON)
    call_id = world.ask().call.id
    steps.citizen_join(world.work, call_id)
    assert steps.leave(world.work, call_id, "citizen").state == ENDED
    assert world.meetings.requests[-1] == "DeleteMeeting"


def test_the_sweep_ends_a_meeting_at_the_cap_and_misses_a_booking_nobody_came_to():
    world = World(FRIDAY_NOON)
    live = world.ask().call.id
    steps.citizen_join(world.work, live)
    steps.operator_join(world.work, live, SIGNER)
    consented = steps.consent(world.work, live, True)
    later = world.ask(phone="+919812345679").call.id
    world.clock.advance(timedelta(minutes=19))
    assert steps.sweep(world.work) == 0
    world.clock.advance(timedelta(minutes=2))  # past the cap (20) and the slot's window (30)? only the cap
    assert steps.sweep(world.work) == 1
    capped = world.calls.get(live)
    assert capped.state == ENDED and capped.ended_reason == "cap" and capped.seconds() == 21 * 60
    assert consented.recording_id not in world.meetings.recordings
    world.clock.advance(timedelta(minutes=10))
    assert steps.sweep(world.work) == 1
    missed = world.calls.get(later)
    assert missed.state == MISSED and missed.ended_reason == "missed"
    assert steps.sweep(world.work) == 0 and world.calls.due(iso(world.clock.now()), 10) == []


def test_a_link_the_queues_cannot_take_now_waits_in_the_outbox_and_the_citizen_is_still_told_it_is_booked():
    world = World(FRIDAY_NOON)
    world.dispatcher.fail = True  # SQS unreachable
    booked = world.ask()
    assert booked.now and world.calls.get(booked.call.id) is not None
    assert [event.data["link"] for event in world.calls.outbox] == [f"{BASE}/video/{booked.call.id}"]
    assert world.dispatcher.sent == []  # the sweeper's outbox pass sends it


def test_a_feedback_call_is_a_short_one():
    world = World(FRIDAY_NOON)
    call_id = world.ask(source="feedback").call.id
    joined = steps.citizen_join(world.work, call_id).call
    assert joined.ends_at(RAIPUR.video) == iso(FRIDAY_NOON + timedelta(minutes=10))  # the district's cap is 20
    world.clock.advance(timedelta(minutes=11))
    assert steps.sweep(world.work) == 1 and world.calls.get(call_id).ended_reason == "cap"
