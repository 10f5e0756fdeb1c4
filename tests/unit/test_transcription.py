"""A recording's transcription, step by step on the fakes: started once, checked until it ends, written once.

Each message the operation sends is handed back to it as the queue would, so the loop of checks, its delays and
its end are what run here; the carrier, the bucket and the speech service are tests/fakes/speech.py's.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.call_recording import settle_call_recording
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import SpeechJob, StaleTicket
from chalicelib.domain.registration import (
    CallComplaint,
    ConsoleComplaint,
    build_call_registration,
    build_console_registration,
)
from chalicelib.domain.ticket import Ticket, snapshot
from chalicelib.domain.transcripts import Transcript
from chalicelib.i18n import available_languages
from chalicelib.operations import transcription
from chalicelib.operations.ticket_search import query_terms
from chalicelib.operations.transcription import (
    LAST_RECEIVE,
    MAX_AUDIO_BYTES,
    MAX_CHECKS,
    TranscriptionPorts,
    request_transcription,
    run,
)
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.retention import MemoryTranscriptRetention
from tests.fakes.search import MemorySearchIndex
from tests.fakes.speech import MemoryAudioStore, MemoryRecordingAudio, MemorySpeech, MemoryTranscriptionQueue
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, DEMO, LINE

SPOKEN = "मेरा नाम रामलाल है, गांव खरोरा से बोल रहा हूँ, हैंडपंप से पानी नहीं आ रहा"
RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


def district_data(**changes: Any) -> dict[str, Any]:
    data = read_yaml(DEMO)
    for category in data["categories"]:
        if category["id"] == "water":
            category["keywords"] = {"hi": ["पानी", "हैंडपंप", "नल"], "en": ["water", "handpump"]}
        if category["id"] == "electricity":
            category["keywords"] = {"hi": ["बिजली", "ट्रांसफार्मर", "खंभा", "तार"], "en": ["electricity", "power"]}
    data.update(changes)
    return data


def district(**changes: Any):
    return parse_district(district_data(**changes), available_languages())


DISTRICT = district()


class Harness:
    """The operation's ports in memory, and the queue's loop: `deliver` hands each sent message back."""

    def __init__(self, ticket: Ticket, district=DISTRICT, audio: bytes = SPOKEN.encode(),
                 content_type: str = "text/plain; charset=utf-8") -> None:
        self.clock = FixedClock(datetime(2026, 12, 8, 6, 0, tzinfo=UTC))
        self.tickets = MemoryTicketStore(ticket)
        self.recordings = MemoryRecordingAudio()
        if ticket.recording_url:
            self.recordings.add(ticket.recording_url, audio, content_type)
        self.audio = MemoryAudioStore()
        self.speech = MemorySpeech(self.audio)
        self.queue = MemoryTranscriptionQueue()
        self.dispatcher = MemoryDispatcher()
        self.index = MemorySearchIndex()
        self.retention = MemoryTranscriptRetention()
        self.ports = TranscriptionPorts(
            tickets=self.tickets, directory=MemoryDirectory(district), recordings=self.recordings, audio=self.audio,
            speech=self.speech, queue=self.queue, dispatcher=self.dispatcher, index=self.index,
            retention=self.retention, clock=self.clock, job_prefix="samvad-test")
        self.number = ticket.complaint_number
        self.delays: list[int] = []
        self.outcomes: list[str] = []

    def ticket(self) -> Ticket:
        found = self.tickets.get(self.number)
        assert found is not None
        return found

    def transcript(self) -> Transcript | None:
        return Transcript.from_json(self.ticket().transcript)

    def deliver(self, limit: int = 50) -> list[str]:
        """Run every message sent until the queue is empty (each check after its delay on the clock)."""
        for _ in range(limit):
            sent = self.queue.take()
            if not sent:
                return self.outcomes
            for message, delay in sent:
                self.delays.append(delay)
                self.clock.advance(timedelta(seconds=delay))
                self.outcomes.append(run(message, 1, self.ports))
        raise AssertionError("the transcription never ended")

    def transcribed_events(self) -> list[DomainEvent]:
        return [e for e in self.dispatcher.sent if e.type == "ticket.transcribed"]


def ivr_ticket(language: str = "hi", category: str = "water", sequence: int = 1) -> Ticket:
    return build_call_registration(CallComplaint(
        call_sid="CA" + f"{sequence:032d}", caller_phone=CALLER, line=LINE, language=language, category_id=category,
        recording_sid="RE1", recording_url=RECORDING_URL, recording_duration=30), DISTRICT, sequence,
        FixedClock(datetime(2026, 12, 8, 5, 59, tzinfo=UTC))).ticket


def created(ticket: Ticket, transcribing: bool = True) -> DomainEvent:
    return DomainEvent(type="ticket.created", complaint_number=ticket.complaint_number, version=1,
                       at=ticket.created_at, data={**snapshot(ticket), "transcribing": transcribing})


def test_a_recording_becomes_a_transcript_with_its_timeline_entry_event_fields_and_search_words():
    ticket = ivr_ticket()
    h = Harness(ticket)
    assert request_transcription(created(ticket), h.queue, h.ports.directory) == "transcription requested"
    h.deliver()

    assert h.outcomes == ["job started", "in progress (check 1)", "done"]
    assert h.delays == [0, 15, 30]  # the start at once, then a check after 15 s and again after 30 s
    key = f"recordings/RPR/{ticket.complaint_number}/RE1.txt"
    assert h.audio.objects[key].audio == SPOKEN.encode()
    job = h.speech.jobs[f"samvad-test-{ticket.complaint_number}-RE1"]
    assert (job.language, job.output_key) == ("hi-IN", f"transcripts/RPR/{ticket.complaint_number}/RE1.json")

    after = h.ticket()
    transcript = h.transcript()
    assert transcript is not None
    assert (transcript.status, transcript.text, transcript.confidence, transcript.language, transcript.seconds) == (
        "done", SPOKEN, 0.9, "hi-IN", 2.0)
    assert transcript.at == "2026-12-08T06:00:45Z" and after.version == ticket.version + 1
    # The spoken name and village fill the ticket, which had none.
    assert (after.caller_name, after.address) == ("रामलाल", "गांव खरोरा")
    assert after.category_hint is None  # the words are the water category's, the key pressed

    (change,) = h.tickets.changes
    (entry,) = change.timeline
    assert (entry.actor_type, entry.actor_id, entry.action, entry.channel) == (
        "system", "transcriber", "transcribed", "system")
    assert entry.detail == {"status": "done", "recording_sid": "RE1", "language": "hi-IN", "confidence": 0.9,
                            "seconds": 2.0, "text": SPOKEN}
    (event,) = h.transcribed_events()
    assert event.version == after.version and event.data["transcript_status"] == "done"
    assert event.data["recording_sid"] == "RE1" and event.data["forward_waits"] is True
    assert event.data["caller_name"] == "रामलाल" and event.data["district"] == "RPR"
    assert h.index.find("RPR", query_terms("हैंडपंप"), 10).numbers == [ticket.complaint_number]


def test_retries_and_duplicate_deliveries_never_double_a_transcript():
    ticket = ivr_ticket()
    h = Harness(ticket)
    start = transcription.start_message(ticket.complaint_number, "RE1")
    assert run(start, 1, h.ports) == "job started"
    # The followup consumer saw ticket.created twice: a second start finds the job and starts nothing.
    assert run(start, 1, h.ports) == "job was started before"
    assert len(h.speech.jobs) == 1
    h.deliver()  # two loops of checks, both ending
    assert h.outcomes.count("done") == 1 and h.outcomes.count("transcribed already") == 1
    assert len(h.tickets.changes) == 1 and len(h.transcribed_events()) == 1
    # A start that arrives after the transcript: nothing at all, not even the audio fetched again.
    fetches = h.recordings.fetches
    assert run(start, 1, h.ports) == "transcribed already"
    assert h.recordings.fetches == fetches and h.queue.sent == []


def test_a_write_that_finds_the_ticket_moved_on_is_made_again_on_the_new_ticket():
    ticket = ivr_ticket()
    h = Harness(ticket)
    store = h.tickets
    original = store.save_change
    officer_acted = {"done": False}

    def save_change(change):
        if not officer_acted["done"]:  # an officer's ACK lands between the transcriber's read and its write
            officer_acted["done"] = True
            moved = replace(change.before, version=change.before.version + 1, status="acknowledged")
            store.tickets[moved.complaint_number] = moved
            raise StaleTicket(moved.complaint_number)
        original(change)

    store.save_change = save_change  # type: ignore[method-assign]
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    after = h.ticket()
    assert after.status == "acknowledged" and after.version == ticket.version + 2
    assert h.transcript().status == "done" and len(h.transcribed_events()) == 1


def test_a_busy_ticket_stale_three_times_returns_the_message_to_the_queue():
    ticket = ivr_ticket()
    h = Harness(ticket)

    def always_stale(change):
        raise StaleTicket(change.before.complaint_number)

    h.tickets.save_change = always_stale  # type: ignore[method-assign]
    h.speech.script(f"samvad-test-{ticket.complaint_number}-RE1",
                    SpeechJob("completed", text="नल खराब", confidence=0.9, seconds=3))
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    (first_check, _), = h.queue.take()
    with pytest.raises(StaleTicket):
        run(first_check, 1, h.ports)
    assert h.transcript() is None and h.transcribed_events() == [] and h.queue.sent == []


def test_low_confidence_keeps_the_text_but_fills_no_field():
    ticket = ivr_ticket()
    h = Harness(ticket)
    h.speech.script(f"samvad-test-{ticket.complaint_number}-RE1",
                    SpeechJob("completed", text=SPOKEN, confidence=0.31, seconds=12.26))
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    transcript = h.transcript()
    assert (transcript.status, transcript.text, transcript.confidence, transcript.seconds) == (
        "low_confidence", SPOKEN, 0.31, 12.3)
    assert (h.ticket().caller_name, h.ticket().address) == (None, None)
    assert h.transcribed_events()[0].data["transcript_status"] == "low_confidence"
    assert h.index.find("RPR", query_terms("हैंडपंप"), 10).numbers == [ticket.complaint_number]  # still searchable


def test_the_district_threshold_decides_low_confidence():
    ticket = ivr_ticket()
    strict = district(transcription={"min_confidence": 0.95})
    h = Harness(ticket, district=strict)
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    assert h.transcript().status == "low_confidence"  # the fake's 0.9 is below this district's 0.95


def test_a_recording_with_no_words_is_marked_empty_and_the_recording_stays_the_evidence():
    ticket = ivr_ticket()
    h = Harness(ticket, audio=b"RIFF\x00\x00\x00\x00WAVEfmt ", content_type="audio/x-wav")
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    assert f"recordings/RPR/{ticket.complaint_number}/RE1.wav" in h.audio.objects
    transcript = h.transcript()
    assert (transcript.status, transcript.text, transcript.reason) == (
        "empty", "", "no words were heard in the recording")
    after = h.ticket()
    assert after.recording_url == RECORDING_URL and after.caller_name is None
    assert h.tickets.changes[0].timeline[0].detail["status"] == "empty"
    assert [e.data["transcript_status"] for e in h.transcribed_events()] == ["empty"]


def test_a_failed_job_says_why():
    ticket = ivr_ticket()
    h = Harness(ticket)
    h.speech.script(f"samvad-test-{ticket.complaint_number}-RE1", SpeechJob("in_progress"),
                    SpeechJob("failed", reason="The media format provided does not match the detected media format"))
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    transcript = h.transcript()
    assert transcript.status == "failed" and "media format" in (transcript.reason or "")
    assert h.tickets.changes[0].timeline[0].detail["reason"] == transcript.reason
    assert len(h.transcribed_events()) == 1


def test_a_job_that_never_finishes_times_out_after_the_last_check():
    ticket = ivr_ticket()
    h = Harness(ticket)
    h.speech.script(f"samvad-test-{ticket.complaint_number}-RE1", SpeechJob("in_progress"))
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    assert h.speech.looks == MAX_CHECKS
    assert h.delays == [15, 30, 60, 120, 240] + [300] * (MAX_CHECKS - 5)
    transcript = h.transcript()
    assert transcript.status == "timed_out" and transcript.seconds == sum(h.delays)
    assert len(h.transcribed_events()) == 1


def test_a_recording_the_carrier_will_not_hand_over_is_retried_then_unavailable_on_the_last_receive():
    ticket = ivr_ticket()
    h = Harness(ticket)
    h.recordings.fail = True
    start = transcription.start_message(ticket.complaint_number, "RE1")
    for receive in range(1, LAST_RECEIVE):
        with pytest.raises(ConnectionError):
            run(start, receive, h.ports)
        assert h.transcript() is None
    assert run(start, LAST_RECEIVE, h.ports) == "unavailable"
    transcript = h.transcript()
    assert transcript.reason == "the carrier did not hand over the recording"
    assert h.speech.starts == 0 and h.queue.sent == [] and len(h.transcribed_events()) == 1


def test_audio_over_the_limit_is_unavailable_at_once():
    ticket = ivr_ticket()
    h = Harness(ticket, audio=b"\0" * (MAX_AUDIO_BYTES + 1), content_type="audio/x-wav")
    assert run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports) == "unavailable"
    assert h.transcript().reason == "the recording is over 25 MB" and h.audio.objects == {}


def test_a_service_that_will_not_take_the_job_fails_it_on_the_last_receive():
    ticket = ivr_ticket()
    h = Harness(ticket)
    h.speech.unavailable = True
    start = transcription.start_message(ticket.complaint_number, "RE1")
    with pytest.raises(ConnectionError):
        run(start, 1, h.ports)
    assert run(start, LAST_RECEIVE, h.ports) == "failed"
    assert h.transcript().reason == "the transcription service did not take the job"


def test_checks_that_cannot_reach_the_service_count_as_looks_on_the_last_receive():
    ticket = ivr_ticket()
    h = Harness(ticket)
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    (check, _), = h.queue.take()
    h.speech.unavailable = True
    with pytest.raises(ConnectionError):
        run(check, 1, h.ports)
    assert run(check, LAST_RECEIVE, h.ports) == "in progress (check 1)"
    h.speech.unavailable = False
    h.deliver()
    assert h.transcript().status == "done"


def test_a_language_transcribe_has_not_is_said_so():
    ticket = replace(ivr_ticket(), language="cg")  # Chhattisgarhi: no Transcribe model
    h = Harness(ticket)
    assert run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports) == "unsupported_language"
    assert h.recordings.fetches == 0 and h.transcript().reason == "cg"


def test_english_goes_to_the_en_in_model():
    ticket = ivr_ticket(language="en")
    h = Harness(ticket, audio=b"My name is Ramlal, from village Kharora, the handpump gives no water")
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    assert h.transcript().language == "en-IN"
    assert (h.ticket().caller_name, h.ticket().address) == ("Ramlal", "village Kharora")


def test_a_name_the_ticket_has_is_kept_and_the_words_of_another_category_become_a_hint():
    ticket = replace(ivr_ticket(category="water"), caller_name="सुनीता", address="वार्ड 4")
    h = Harness(ticket, audio="मेरा नाम रामलाल है, बिजली का ट्रांसफार्मर जल गया, तार सड़क पर है".encode())
    run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports)
    h.deliver()
    after = h.ticket()
    assert (after.caller_name, after.address) == ("सुनीता", "वार्ड 4")
    assert after.category_hint == "electricity" and after.category == "water"  # a suggestion, nothing moved


def test_a_district_or_category_that_does_not_transcribe():
    ticket = ivr_ticket()
    off = district(transcription={"enabled": False})
    assert not off.transcribes("water")
    h = Harness(ticket, district=off)
    # The registration said it was transcribing, then the district switched it off: the forward still waits
    # for ticket.transcribed, so the ending is written all the same.
    assert run(transcription.start_message(ticket.complaint_number, "RE1"), 1, h.ports) == "off"
    assert h.recordings.fetches == 0 and h.transcribed_events()[0].data["transcript_status"] == "off"

    data = district_data()
    next(c for c in data["categories"] if c["id"] == "police")["transcribe"] = False
    quiet = parse_district(data, available_languages())
    assert quiet.transcribes("water") and not quiet.transcribes("police") and not quiet.transcribes("nope")


def test_only_a_registration_that_says_transcribing_or_an_attached_recording_starts_one():
    ticket = ivr_ticket()
    h = Harness(ticket)
    assert request_transcription(created(ticket, transcribing=False), h.queue, h.ports.directory) == (
        "no transcription for this event")
    assert h.queue.sent == []
    request_transcription(created(ticket), h.queue, h.ports.directory)
    assert h.queue.take() == [({"step": "start", "complaint_number": ticket.complaint_number, "recording_sid": "",
                                "tries": 0, "origin": "created"}, 0)]


def test_an_operators_call_recording_attached_later_is_transcribed_without_a_second_forward():
    clock = FixedClock(datetime(2026, 12, 8, 6, 0, tzinfo=UTC))
    ticket = build_console_registration(ConsoleComplaint(
        caller_phone=CALLER, category_id="water", language="hi", description="नल खराब", operator="operator.rpr",
        call_sid="CA" + "a" * 32), DISTRICT, 1, clock).ticket
    h = Harness(ticket)
    h.recordings.add(RECORDING_URL, SPOKEN.encode(), "text/plain")
    dispatcher = MemoryDispatcher()
    assert settle_call_recording(ticket.complaint_number, "RE1", RECORDING_URL, 95, h.tickets, dispatcher, clock)
    (attached,) = dispatcher.sent
    assert attached.type == "ticket.recording_attached" and attached.data["recording_sid"] == "RE1"
    assert attached.version == ticket.version + 1 and h.tickets.changes[0].events == (attached,)
    # Confirmed again (the callback retried): nothing new to transcribe.
    assert settle_call_recording(ticket.complaint_number, "RE1", RECORDING_URL, 95, h.tickets, dispatcher, clock)
    assert len(dispatcher.sent) == 1

    assert request_transcription(attached, h.queue, h.ports.directory) == "transcription requested"
    h.deliver()
    after = h.ticket()
    assert h.transcript().status == "done" and after.description == "नल खराब"
    (event,) = h.transcribed_events()
    assert event.data["forward_waits"] is False  # the officer had the forward at registration
    # Both texts are searchable: the operator's description and what was said.
    assert h.index.find("RPR", query_terms("हैंडपंप"), 10).numbers == [ticket.complaint_number]


def test_an_attached_recording_in_a_category_that_does_not_transcribe_is_left_alone():
    data = district_data()
    next(c for c in data["categories"] if c["id"] == "police")["transcribe"] = False
    quiet = parse_district(data, available_languages())
    ticket = replace(ivr_ticket(category="police"))
    event = DomainEvent(type="ticket.recording_attached", complaint_number=ticket.complaint_number, version=2,
                        at=ticket.created_at, data={**snapshot(ticket), "recording_sid": "RE1"})
    queue = MemoryTranscriptionQueue()
    assert request_transcription(event, queue, MemoryDirectory(quiet)) == "recording attached; not transcribed here"
    assert queue.sent == []


def test_the_ivr_confirmation_of_its_own_recording_raises_no_event():
    ticket = ivr_ticket()
    store, dispatcher = MemoryTicketStore(ticket), MemoryDispatcher()
    assert settle_call_recording(ticket.complaint_number, "RE1", RECORDING_URL, 31, store, dispatcher)
    assert dispatcher.sent == [] and store.changes[0].events == ()


def test_a_ticket_holding_another_recording_or_none_is_not_touched():
    ticket = ivr_ticket()
    h = Harness(ticket)
    assert run(transcription.start_message(ticket.complaint_number, "RE9"), 1, h.ports) == (
        "the ticket holds no such recording")
    assert run(transcription.start_message("RPR2612089999", "RE1"), 1, h.ports) == "no such ticket"
    assert run({"step": "nonsense"}, 1, h.ports) == "not a transcription step: 'nonsense'"
    assert h.tickets.changes == []


def test_audio_keys_follow_the_carriers_content_type_or_the_urls_ending():
    ticket = ivr_ticket()
    n = ticket.complaint_number
    assert transcription.audio_key(ticket, "RE1", "audio/mpeg") == f"recordings/RPR/{n}/RE1.mp3"
    assert transcription.audio_key(ticket, "RE1", "audio/x-wav") == f"recordings/RPR/{n}/RE1.wav"
    assert transcription.audio_key(ticket, "RE1", "application/octet-stream",
                                   "https://media.plivo.com/rec/abc.mp3") == f"recordings/RPR/{n}/RE1.mp3"
    assert transcription.audio_key(ticket, "RE1", "", RECORDING_URL) == f"recordings/RPR/{n}/RE1.wav"


# -- the district file's settings ----------------------------------------------------------------------------

def test_transcription_settings_default_and_load():
    assert (DISTRICT.transcription.enabled, DISTRICT.transcription.min_confidence,
            DISTRICT.transcription.retention_days) == (True, 0.5, 365)
    set_ = district(transcription={"enabled": True, "min_confidence": 0.7, "retention_days": 90}).transcription
    assert (set_.min_confidence, set_.retention_days) == (0.7, 90)
    water = DISTRICT.category("water")
    assert water is not None and water.transcribe and water.keywords["hi"] == ("पानी", "हैंडपंप", "नल")


@pytest.mark.parametrize(("transcription_setting", "message"), [
    ({"min_confidence": 1.5}, "transcription.min_confidence: a number from 0 to 1"),
    ({"min_confidence": True}, "transcription.min_confidence: a number from 0 to 1"),
    ({"retention_days": 0}, "transcription.retention_days: a whole number from 1 to 36500"),
    ({"enabled": "yes"}, "transcription.enabled: true or false"),
    ({"keep": 3}, "transcription: unknown setting keep"),
    ("on", "transcription: {enabled: true, min_confidence: 0.5, retention_days: 365}"),
])
def test_wrong_transcription_settings_are_refused_with_where_and_how(transcription_setting, message):
    with pytest.raises(DistrictConfigError) as error:
        district(transcription=transcription_setting)
    assert str(error.value) == message


def test_wrong_keywords_and_flags_are_refused():
    data = district_data()
    data["categories"][0]["keywords"] = {"ta": ["தண்ணீர்"]}
    with pytest.raises(DistrictConfigError, match=r"categories\[0\].keywords: 'ta' is not one of the languages"):
        parse_district(data, available_languages())
    data["categories"][0]["keywords"] = {"hi": "पानी"}
    with pytest.raises(DistrictConfigError, match=r"categories\[0\].keywords.hi: a list of words"):
        parse_district(data, available_languages())
    data["categories"][0]["keywords"] = None
    data["categories"][0]["transcribe"] = "no"
    with pytest.raises(DistrictConfigError, match=r"categories\[0\].transcribe: true or false"):
        parse_district(data, available_languages())


def test_the_schema_takes_the_settings_the_parser_takes_and_refuses_the_same_shapes():
    from chalicelib import schemas

    good = district_data(transcription={"enabled": False, "min_confidence": 0.6, "retention_days": 30})
    good["categories"][0]["transcribe"] = False
    assert schemas.problem("district", good) is None
    assert schemas.problem("district", district_data(transcription={"min_confidence": 2})) is not None
    assert schemas.problem("district", district_data(transcription={"keep": 3})) is not None
    bad_words = district_data()
    bad_words["categories"][0]["keywords"] = {"hi": [""]}
    assert schemas.problem("district", bad_words) is not None
