"""The reconciler's RecordingsSource: tests/fakes/recordings.py and telephony/recordings.py (the real
twilio.rest.Client over the recording HTTP client, answering from the sandbox's state as Twilio's API would)
list recordings and read back what a call chose in the IVR alike."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.ports import CallChoices, RecordingsSource
from chalicelib.local.sandbox import SandboxState
from chalicelib.routing.ivr import VOICE
from chalicelib.telephony.call_script import url
from tests.fakes.recordings import MemoryRecordings
from tests.support.fixtures import twilio  # noqa: F401
from tests.support.twilio_recorder import RecordingTwilioHttp

CALLER, LINE = "+919812345678", "+919977222564"


class TwilioSide:
    """The calls as Twilio keeps them: a recording, and the log of the requests made on its call."""

    def __init__(self, recorder: RecordingTwilioHttp) -> None:
        from chalicelib.telephony.recordings import TwilioRecordings

        self.state = SandboxState("AC" + "1" * 32, "unused")
        recorder.account = self.state
        self.source: RecordingsSource = TwilioRecordings()

    def call_with_recording(self, sid: str) -> str:
        return self.state.add_recording(text="हैंडपंप खराब है", call={"sid": sid, "from": CALLER, "to": LINE})["sid"]

    def chose(self, call_sid: str, recording_sid: str, choices: CallChoices) -> None:
        """The requests the IVR's steps would have had Twilio make for these choices."""
        form = {"CallSid": call_sid, "From": CALLER, "To": LINE, "CallStatus": "in-progress"}
        self.state.add_call_event(call_sid, "POST", url(f"{VOICE}/incoming"), {**form, "CallStatus": "ringing"}, 200)
        if choices.language:
            self.state.add_call_event(call_sid, "POST", url(f"{VOICE}/menu/{choices.language}/1"),
                                      {**form, "Digits": "1"}, 200)
        if choices.at_record_step:
            self.state.add_call_event(call_sid, "POST", url(f"{VOICE}/record/{choices.language}/"
                                                            f"{choices.category_id}/1"),
                                      {**form, "RecordingSid": recording_sid, "RecordingDuration": "9"}, 200)

    def published(self, call_sid: str) -> None:
        self.state.add_call_event(call_sid, "GET", "https://bucket.s3.ap-south-1.amazonaws.com/fallback/voice.xml",
                                  {"CallSid": call_sid, "ErrorCode": "11200"}, 200)


class MemorySide:
    def __init__(self) -> None:
        self.source = self.fake = MemoryRecordings()
        self.count = 0

    def call_with_recording(self, sid: str) -> str:
        from chalicelib.domain.ports import CallDetails, Recording

        self.count += 1
        recording_sid = f"RE{self.count:032d}"
        self.fake.recordings.append(Recording(sid=recording_sid, call_sid=sid, created_at=datetime.now(UTC),
                                              duration=4, status="completed", url=f"https://x/{recording_sid}"))
        self.fake.calls[sid] = CallDetails(sid=sid, from_phone=CALLER, to_phone=LINE, direction="inbound")
        return recording_sid

    def chose(self, call_sid: str, recording_sid: str, choices: CallChoices) -> None:
        self.fake.chose(call_sid, recording_sid, choices)

    def published(self, call_sid: str) -> None:
        self.fake.published(call_sid)


@pytest.fixture(params=["memory", "twilio"])
def carrier(request: pytest.FixtureRequest) -> TwilioSide | MemorySide:
    return TwilioSide(request.getfixturevalue("twilio")) if request.param == "twilio" else MemorySide()


def test_the_record_step_that_received_the_recording_gives_its_language_and_category(carrier):
    sid = "CA" + "1" * 32
    recording = carrier.call_with_recording(sid)
    carrier.chose(sid, recording, CallChoices("en", "water", at_record_step=True))
    assert carrier.source.call_choices(sid, recording) == CallChoices("en", "water", at_record_step=True)
    [page] = list(carrier.source.recording_pages(datetime.now(UTC) - timedelta(hours=1)))
    assert [r.sid for r in page] == [recording] and page[0].call_sid == sid
    call = carrier.source.call(sid)
    assert (call.from_phone, call.to_phone, call.direction) == (CALLER, LINE, "inbound")


def test_a_call_that_chose_only_its_language_gives_no_category(carrier):
    sid = "CA" + "2" * 32
    recording = carrier.call_with_recording(sid)
    carrier.chose(sid, recording, CallChoices("en"))
    assert carrier.source.call_choices(sid, recording) == CallChoices("en")


def test_the_fallbacks_call_chose_nothing_and_an_unpublished_log_is_none(carrier):
    fallback, unpublished = "CA" + "3" * 32, "CA" + "4" * 32
    first, second = carrier.call_with_recording(fallback), carrier.call_with_recording(unpublished)
    carrier.published(fallback)
    assert carrier.source.call_choices(fallback, first) == CallChoices()
    assert carrier.source.call_choices(unpublished, second) is None
