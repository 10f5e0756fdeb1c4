"""The officer's forward of a recorded complaint waits for its transcript and then says what was said:
"name, village: the start of the complaint" by SMS, the words and the link by WhatsApp. The citizen's
acknowledgement does not wait; a transcript that ends without words sends the forward with the link as before."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.delivery import deliver
from chalicelib.domain.district import TranscriptionPolicy
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.registration import (
    CallComplaint,
    ConsoleComplaint,
    build_call_registration,
    build_console_registration,
)
from chalicelib.domain.ticket import Ticket, snapshot
from chalicelib.domain.transcripts import DONE, EMPTY, LOW_CONFIDENCE, TIMED_OUT, Transcript
from chalicelib.operations.transcription import transcribed_change
from tests.fakes.claims import MemoryClaims
from tests.fakes.directory import MemoryDirectory
from tests.fakes.messaging import MemoryMessenger, links
from tests.support.demo import DEMO

DISTRICT = read_district_file(DEMO)
CLOCK = FixedClock(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))
WATER_L1, HEALTH_L1, CALLER = "+919000000301", "+919000000101", "+919812345678"
SAID = "मेरा नाम रामलाल है, गांव खरोरा से बोल रहा हूँ, हैंडपंप दो हफ्ते से खराब है"


def _registered(category: str = "water", district=DISTRICT):
    complaint = CallComplaint(call_sid="CA1", caller_phone=CALLER, line="+919977222564", language="hi",
                              category_id=category, recording_sid="RE1", recording_url="https://r/RE1",
                              recording_duration=12)
    return build_call_registration(complaint, district, 1, CLOCK)


def _transcribed(ticket: Ticket, status: str = DONE, text: str = SAID) -> DomainEvent:
    change = transcribed_change(ticket, Transcript("RE1", status, text=text, confidence=0.9, language="hi-IN"),
                                DISTRICT, CLOCK.now())
    [event] = change.events
    return event


def _deliver(event: DomainEvent, messenger: MemoryMessenger, claims: MemoryClaims | None = None) -> list[str]:
    return deliver(event, MemoryDirectory(DISTRICT), messenger, claims or MemoryClaims(), links)


def test_the_acknowledgement_goes_at_once_and_the_forward_waits_for_the_transcript():
    registration = _registered()
    assert registration.event.data["transcribing"] is True
    messenger = MemoryMessenger()
    assert _deliver(registration.event, messenger) == ["citizen: SM1"]
    assert messenger.to(WATER_L1) == []
    assert _deliver(_transcribed(registration.ticket), messenger) == ["officer: SM2"]
    [forward] = messenger.to(WATER_L1)
    # The demo's water officer has SMS only, on the DLT route: each variable at most 30 characters.
    assert forward["body"].startswith(f"शिकायत {registration.ticket.complaint_number} (पेयजल), ")
    assert 'रामलाल, गांव खरोरा: "हैंडपंप दो हफ्ते से खराब है"' in forward["body"]
    assert forward["dlt"].template_id == DISTRICT.dlt.template_id("officer_assigned_caller", "hi")


def test_whatsapp_carries_the_words_and_the_link():
    registration = _registered("health")
    messenger = MemoryMessenger()
    _deliver(registration.event, messenger)
    assert messenger.to(HEALTH_L1) == []
    _deliver(_transcribed(registration.ticket), messenger)
    [forward] = messenger.to(HEALTH_L1)
    variables = forward["variables"]
    assert variables["3"] == "रामलाल, गांव खरोरा: हैंडपंप दो हफ्ते से खराब है"
    assert variables["5"].startswith("https://hotline.test/recordings/")


def test_a_transcript_without_sure_words_sends_the_forward_with_the_link():
    for status, text in ((EMPTY, ""), (TIMED_OUT, ""), (LOW_CONFIDENCE, SAID)):
        registration = _registered()
        messenger = MemoryMessenger()
        _deliver(_transcribed(registration.ticket, status, text), messenger)
        [forward] = messenger.to(WATER_L1)
        assert "https://hotline.test/recordings/" in forward["body"], status
        assert "हैंडपंप" not in forward["body"], status  # a doubtful text is heard, not read


def test_the_forward_is_sent_once_however_often_the_transcribed_event_arrives():
    registration = _registered()
    event, messenger, claims = _transcribed(registration.ticket), MemoryMessenger(), MemoryClaims()
    assert _deliver(event, messenger, claims) == ["officer: SM1"]
    assert _deliver(event, messenger, claims) == ["officer: sent before"]


def test_a_district_that_does_not_transcribe_forwards_at_registration():
    quiet = replace(DISTRICT, transcription=TranscriptionPolicy(enabled=False))
    registration = _registered(district=quiet)
    assert registration.event.data["transcribing"] is False
    messenger = MemoryMessenger()
    assert deliver(registration.event, MemoryDirectory(quiet), messenger, MemoryClaims(), links) == [
        "officer: SM1", "citizen: SM2"]


def test_a_transcript_of_a_recording_attached_later_tells_nobody():
    # An operator's call recording: the officer had the operator's words at registration.
    console = build_console_registration(ConsoleComplaint(
        caller_phone=CALLER, category_id="water", language="hi", description="नल टूटा", operator="operator.rpr",
        caller_name="सुनीता", call_sid="CA2"), DISTRICT, 2, CLOCK)
    assert console.event.data["transcribing"] is False
    ticket = replace(console.ticket, recording_sid="RE1", recording_url="https://r/RE1")
    change = transcribed_change(ticket, Transcript("RE1", DONE, text=SAID, confidence=0.9), DISTRICT, CLOCK.now(),
                                forward_waits=False)
    assert _deliver(change.events[0], MemoryMessenger()) == []


def test_a_closed_ticket_is_not_forwarded():
    registration = _registered()
    event = _transcribed(replace(registration.ticket, status="closed"))
    assert _deliver(event, MemoryMessenger()) == []


def test_the_snapshot_summarises_the_transcript_without_the_introduction():
    ticket = replace(_registered().ticket, transcript=Transcript("RE1", DONE, text=SAID).to_json())
    assert snapshot(ticket)["summary"] == "हैंडपंप दो हफ्ते से खराब है"
    # A person's correction is read whatever the machine's confidence; the operator's typed words come first.
    doubtful = Transcript("RE1", LOW_CONFIDENCE, text="हैंड पम खरब").corrected("नल टूटा है", "operator.rpr", "t")
    assert snapshot(replace(ticket, transcript=doubtful.to_json()))["summary"] == "नल टूटा है"
    assert snapshot(replace(ticket, description="बिजली नहीं"))["summary"] == "बिजली नहीं"
    assert snapshot(replace(ticket, transcript=Transcript("RE1", LOW_CONFIDENCE, text=SAID).to_json()))[
        "summary"] == ""
    assert snapshot(replace(ticket, address="वार्ड 7"))["address"] == "वार्ड 7"
