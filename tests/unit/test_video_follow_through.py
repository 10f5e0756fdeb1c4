"""Sign-language video calls after the booking: the citizen's link (domain/notices.py `video.booked`) and a video
call's ticket, which gets no feedback calls (its citizen may not hear them) but still closes for no answer."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.delivery import deliver
from chalicelib.domain.district import TranscriptionPolicy
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.inbox import handle_message
from chalicelib.domain.message_kinds import CITIZEN_KINDS, KIND_OF
from chalicelib.domain.notices import VIDEO_SMS, notices_for, sms_messages
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.schedule import feedback_call_hours, feedback_due_after
from chalicelib.domain.sms_segments import segments
from chalicelib.domain.sweep import sweep_tickets
from tests.fakes.claims import MemoryClaims
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.messaging import MemoryMessenger
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

DISTRICT = replace(read_district_file(DEMO), transcription=TranscriptionPolicy(enabled=False))
CITIZEN = "+919812345678"
WATER_L1 = "+919000000301"
START = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 10:30 IST
CALL_ID = "VC" + "ab" * 16
LINK = f"https://samvad.cg.gov.in/video/{CALL_ID}"


def _booked(language: str = "hi", slot: datetime = START, **extra: object) -> DomainEvent:
    return DomainEvent("video.booked", "", 0, iso(START),
                       {"district": DISTRICT.code, "caller_phone": CITIZEN, "language": language, "link": LINK,
                        "slot_at": iso(slot), "source": "web", "video_call": CALL_ID, **extra},
                       id=f"video-booked-{CALL_ID}-1")


def _links(number: str, phone: str, hours: int) -> str:
    return "-"


# -- the citizen's link ---------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["hi", "en"])
def test_a_booking_for_now_says_open_the_link_now(language):
    [notice] = notices_for(_booked(language), DISTRICT, _links)
    assert notice.message == "citizen_video_now" and notice.kind == "video_link" == notice.template
    assert notice.to == CITIZEN and notice.language == language and LINK in notice.body
    assert ("अभी" if language == "hi" else "now") in notice.body
    assert notice.variables == {"1": LINK, "2": notice.body} and not notice.consent
    assert segments(notice.body) <= 2


@pytest.mark.parametrize(("language", "time"), [("hi", "24-11 10:00 बजे"), ("en", "at 24-11 10:00")])
def test_a_later_slot_names_its_ist_time(language, time):
    slot = datetime(2026, 11, 24, 4, 30, tzinfo=UTC)  # Tuesday 10:00 IST, the signer's next shift
    [notice] = notices_for(_booked(language, slot), DISTRICT, _links)
    assert notice.message == "citizen_video_booked" and time in notice.body and LINK in notice.body
    assert segments(notice.body) <= 2


def test_a_slot_within_a_minute_of_the_booking_is_now():
    [soon] = notices_for(_booked(slot=START + timedelta(seconds=50)), DISTRICT, _links)
    [later] = notices_for(_booked(slot=START + timedelta(minutes=2)), DISTRICT, _links)
    assert (soon.message, later.message) == ("citizen_video_now", "citizen_video_booked")


def test_a_withheld_number_or_a_language_the_district_lacks():
    assert notices_for(_booked(caller_phone="anonymous"), DISTRICT, _links) == []
    [notice] = notices_for(_booked(language="ta"), DISTRICT, _links)
    assert notice.language == DISTRICT.default_language


def test_the_link_goes_by_whatsapp_only_with_consent_else_by_dlt_sms():
    messenger = MemoryMessenger()
    deliver(_booked(), MemoryDirectory(DISTRICT), messenger, MemoryClaims(), _links)
    [sms] = messenger.sent
    assert sms["channel"] == "sms" and LINK in str(sms["body"]) and sms["dlt"] is not None
    assert sms["dlt"].template_id == DISTRICT.dlt.template_id("citizen_video_now", "hi")  # type: ignore[union-attr]

    messenger = MemoryMessenger()
    event = replace(_booked(whatsapp_consent=True), id="video-booked-2")
    deliver(event, MemoryDirectory(DISTRICT), messenger, MemoryClaims(), _links)
    [whatsapp] = messenger.sent
    assert whatsapp["channel"] == "whatsapp" and whatsapp["to"] == CITIZEN
    assert whatsapp["content_sid"] == DISTRICT.whatsapp.templates["video_link"]  # type: ignore[union-attr]
    assert json.dumps(whatsapp["variables"], ensure_ascii=False).count(LINK) == 2


def test_the_same_booking_event_twice_sends_one_message():
    messenger, claims = MemoryMessenger(), MemoryClaims()
    for _ in range(2):
        deliver(_booked(), MemoryDirectory(DISTRICT), messenger, claims, _links)
    assert len(messenger.sent) == 1


def test_only_a_district_that_takes_video_calls_registers_their_sms():
    assert {"citizen_video_now", "citizen_video_booked"} == set(VIDEO_SMS)
    assert "video_link" in CITIZEN_KINDS and {KIND_OF[key] for key in VIDEO_SMS} == {"video_link"}
    assert {key for key, _ in sms_messages(DISTRICT)} >= set(VIDEO_SMS)
    off = replace(DISTRICT, video=replace(DISTRICT.video, enabled=False))
    assert not {key for key, _ in sms_messages(off)} & set(VIDEO_SMS)


# -- a video call's ticket: no feedback calls, the close for no answer all the same --------------------

class World:
    def __init__(self, channel: str) -> None:
        self.clock = FixedClock(START)
        complaint = CallComplaint(call_sid="CA1", caller_phone=CITIZEN, line="+919977222564", language="hi",
                                  category_id="water", recording_sid="RE1", recording_url="https://r/RE1",
                                  recording_duration=20)
        ticket = replace(build_call_registration(complaint, DISTRICT, 1, self.clock).ticket, channel=channel)
        self.number = ticket.complaint_number
        self.store = MemoryTicketStore(ticket)
        self.dispatcher = MemoryDispatcher()
        self.directory = MemoryDirectory(DISTRICT)

    @property
    def ticket(self):
        return self.store.tickets[self.number]

    def text(self, phone: str, message: str):
        return handle_message(phone, "whatsapp", message, self.directory, self.store, self.dispatcher, self.clock,
                              DISTRICT)

    def advance(self, **delta: float) -> list[str]:
        self.clock.advance(timedelta(**delta))
        before = len(self.dispatcher.sent)
        now = iso(self.clock.now())
        due = [n for n, t in self.store.tickets.items() if t.next_action_at and t.next_action_at <= now]
        sweep_tickets(due, self.store, self.directory, self.dispatcher, self.clock)
        return [e.type for e in self.dispatcher.sent[before:]]


def test_a_video_calls_ticket_is_never_called_for_feedback_and_closes_for_no_answer_after_the_window():
    world = World("video")
    assert world.text(WATER_L1, f"DONE {world.number} handpump repaired").changed
    close_after = DISTRICT.follow_up.no_response_close_after_hours
    assert feedback_call_hours(world.ticket, DISTRICT) == ()
    assert world.ticket.feedback_due_at == iso(START + timedelta(hours=close_after))
    assert world.advance(minutes=1) == []  # a voice ticket's first feedback call would be due now
    assert world.advance(hours=close_after - 1) == []
    assert world.advance(hours=1) == ["ticket.closed"]
    assert (world.ticket.status, world.ticket.closure, world.ticket.feedback_calls) == ("closed", "no_response", 0)
    assert not [e for e in world.dispatcher.sent if e.type == "feedback.call_due"]


def test_a_video_calls_ticket_still_takes_the_citizens_written_answer():
    world = World("video")
    world.text(WATER_L1, f"DONE {world.number} handpump repaired")
    assert world.text(CITIZEN, "1").changed and world.ticket.closure == "satisfied"


def test_other_channels_keep_their_feedback_calls():
    world = World("ivr")
    world.text(WATER_L1, f"DONE {world.number} repaired")
    assert feedback_call_hours(world.ticket, DISTRICT) == DISTRICT.follow_up.feedback_call_hours
    assert world.advance(minutes=1) == ["feedback.call_due"]
    assert feedback_due_after(world.ticket, DISTRICT, 1) == iso(START + timedelta(hours=24))


def test_a_video_calls_resolution_asks_for_the_answer_on_whatsapp_not_a_call():
    world = World("video")
    world.text(WATER_L1, f"DONE {world.number} handpump repaired")
    [resolved] = [e for e in world.dispatcher.sent if e.type == "ticket.resolved"]
    [notice] = notices_for(resolved, DISTRICT, _links)
    assert notice.message == "citizen_video_resolved" and notice.kind == "resolution"
    assert "व्हाट्सऐप" in notice.body and "कॉल करेंगे" not in notice.body and segments(notice.body) <= 2
    voice = World("ivr")
    voice.text(WATER_L1, f"DONE {voice.number} handpump repaired")
    [resolved] = [e for e in voice.dispatcher.sent if e.type == "ticket.resolved"]
    assert notices_for(resolved, DISTRICT, _links)[0].message == "citizen_resolved"  # "we will call"
