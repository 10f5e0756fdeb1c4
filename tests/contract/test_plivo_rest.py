"""Messenger, Dialer and RecordingsSource on Plivo: the fakes (tests/fakes) and telephony/plivo_rest.py through
the real plivo.RestClient over the recording transport (tests/support/plivo_recorder.py) behave alike — what is
refused before a request, what a late answer leaves for the retry's lookup, what the reconciler reads."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.clock import iso
from chalicelib.domain.ports import Attempt, CallChoices, CallDetails, DltIds, OutcomeUnknown, Recording
from tests.fakes.dialer import MemoryDialer
from tests.fakes.messaging import MemoryMessenger
from tests.fakes.recordings import MemoryRecordings
from tests.support.plivo_recorder import RecordingPlivoTransport, plivo  # noqa: F401 (autouse here)

CITIZEN, LINE, HEADER = "+919812345678", "+919977222564", "RPRCOL"
DLT = DltIds("1101RPR000001", "1107RPR000201")
TEXT = "आपकी शिकायत क्र. RPR2611230007 दर्ज हुई। -रायपुर जिला प्रशासन"


class PlivoSide:
    def __init__(self, recorder: RecordingPlivoTransport) -> None:
        from chalicelib.telephony.plivo_rest import PlivoCalls, PlivoMessaging, PlivoRecordings

        self.recorder = recorder
        self.messenger, self.dialer, self.recordings = PlivoMessaging(), PlivoCalls(), PlivoRecordings()

    def answer_late(self) -> None:
        self.recorder.answer_late()

    def sent(self) -> int:
        return len(self.recorder.sms()) + len(self.recorder.calls())

    def call_with_recording(self) -> tuple[str, str]:
        made = self.recorder.state.add_plivo_recording(text="बिजली नहीं है", call={"uuid": "", "from": CITIZEN,
                                                                                     "to": LINE})
        return made["call_uuid"], made["recording_id"]


class MemorySide:
    def __init__(self) -> None:
        self.messenger, self.dialer = MemoryMessenger(), MemoryDialer()
        self.recordings = self.fake = MemoryRecordings(page_size=20, logs_requests=False)

    def answer_late(self) -> None:
        self.messenger.answer_late += 1
        self.dialer.answer_late += 1

    def sent(self) -> int:
        return len(self.messenger.sent) + len(self.dialer.placed)

    def call_with_recording(self) -> tuple[str, str]:
        n = len(self.fake.recordings) + 1
        call, recording = f"{n:08d}-0000-4000-8000-000000000000", f"{n:08d}-1111-4000-8000-000000000000"
        self.fake.recordings.append(Recording(sid=recording, call_sid=call, created_at=datetime.now(UTC), duration=2,
                                              status="completed", url=f"https://media.plivo.com/{recording}.mp3"))
        self.fake.calls[call] = CallDetails(sid=call, from_phone=CITIZEN, to_phone=LINE, direction="inbound")
        return call, recording


@pytest.fixture(params=["memory", "plivo"])
def carrier(request: pytest.FixtureRequest) -> Any:
    return PlivoSide(request.getfixturevalue("plivo")) if request.param == "plivo" else MemorySide()


def _attempt(channel: str, to: str, sender: str, content: str, at: datetime) -> Attempt:
    return Attempt(channel, to, sender, content, iso(at), "plivo")


def test_an_sms_to_india_without_dlt_ids_is_refused_and_nothing_is_sent(carrier):
    with pytest.raises(ValueError, match="DLT"):
        carrier.messenger.send_sms(CITIZEN, TEXT, HEADER, carrier="plivo")
    assert carrier.sent() == 0


def test_an_sms_answered_late_is_found_by_the_lookup_and_one_never_sent_is_not(carrier):
    at = datetime.now(UTC) - timedelta(seconds=1)
    assert carrier.messenger.find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, at)) is None
    carrier.answer_late()
    with pytest.raises(OutcomeUnknown):
        carrier.messenger.send_sms(CITIZEN, TEXT, HEADER, "/messaging/status/RPR1", carrier="plivo", dlt=DLT)
    assert carrier.messenger.find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, at)) is not None
    assert carrier.messenger.find_sent(_attempt("sms", "+919800000001", HEADER, TEXT, at)) is None


def test_a_call_answered_late_is_found_by_the_lookup(carrier):
    at = datetime.now(UTC) - timedelta(seconds=1)
    attempt = _attempt("call", CITIZEN, LINE, "/voice/callback/cb1", at)
    assert carrier.dialer.find_call(attempt) is None
    carrier.answer_late()
    with pytest.raises(OutcomeUnknown):
        carrier.dialer.place_call(CITIZEN, LINE, "/voice/callback/cb1", "/voice/callback-status/cb1/1",
                                  carrier="plivo")
    assert carrier.dialer.find_call(attempt) is not None
    assert carrier.dialer.find_call(_attempt("call", "+919800000001", LINE, "/voice/callback/cb1", at)) is None


def test_recordings_come_newest_first_in_pages_and_no_call_ever_says_what_it_chose(carrier):
    made = [carrier.call_with_recording() for _ in range(23)]
    pages = list(carrier.recordings.recording_pages(datetime.now(UTC) - timedelta(hours=1)))
    assert [len(page) for page in pages] == [20, 3]
    listed = [r for page in pages for r in page]
    assert {r.sid for r in listed} == {recording for _, recording in made}
    assert [r.created_at for r in listed] == sorted((r.created_at for r in listed), reverse=True)
    call, recording = made[0]
    details = carrier.recordings.call(call)
    assert (details.from_phone, details.to_phone, details.direction) == (CITIZEN, LINE, "inbound")
    # Plivo keeps no log of its requests to us: nothing known, and never None (nothing to wait for).
    assert carrier.recordings.call_choices(call, recording) == CallChoices()
