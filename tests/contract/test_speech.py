"""The voice-to-text ports: tests/fakes/speech.py and chalicelib/speech/ (boto3 S3 and SQS on moto, the real boto3
Transcribe client against the local stand-in over HTTP) keep audio, run jobs and queue steps alike.

The stand-in is what `make run` serves; Amazon Transcribe itself is never reached. What only the real adapters do
(SSE on the object, Transcribe's result JSON in the bucket, lifecycle rules) is checked at the end.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import settings
from chalicelib.domain.ports import AudioStore, SpeechToText, TranscriptionQueue
from tests.fakes.speech import MemoryAudioStore, MemorySpeech, MemoryTranscriptionQueue, SpeechRefused

SAID = "मेरा नाम राम है, गाँव खरोरा। हैंडपंप खराब है"
KEY = "recordings/RPR/RPR2611230001/RE0001.txt"
OUT = "transcripts/RPR/RPR2611230001/RE0001.json"
JOB = "samvad-test-RPR2611230001-RE0001"


def _wav() -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000)
    return buffer.getvalue()


@dataclass
class Speech:
    audio: AudioStore
    speech: SpeechToText
    queue: TranscriptionQueue
    refused: type[Exception]  # what a refused request raises on this side
    visible: Callable[[], list[dict[str, Any]]]  # the queue's messages that can be received now
    delayed: Callable[[], int]  # how many wait out their DelaySeconds


@pytest.fixture
def side(backend: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Speech]:
    if backend == "memory":
        audio = MemoryAudioStore(settings.audio_bucket())
        queue = MemoryTranscriptionQueue()
        yield Speech(audio, MemorySpeech(audio), queue, SpeechRefused,
                     lambda: [m for m, delay in queue.sent if delay == 0],
                     lambda: sum(1 for _m, delay in queue.sent if delay > 0))
        return
    import boto3

    from chalicelib.domain.ports import SpeechRefused as Refused
    from chalicelib.local.sandbox import Sandbox
    from chalicelib.speech.queue import SqsTranscriptionQueue
    from chalicelib.speech.s3_audio import S3AudioStore
    from chalicelib.speech.transcribe import TranscribeSpeech

    box = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_TRANSCRIBE", f"{box.url}/transcribe")  # clients are made on first use
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=settings.queue_name("transcribe"))["QueueUrl"]

    def visible() -> list[dict[str, Any]]:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        return [json.loads(m["Body"]) for m in got]

    def delayed() -> int:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"])

    try:
        yield Speech(S3AudioStore(), TranscribeSpeech(), SqsTranscriptionQueue(), Refused, visible, delayed)
    finally:
        box.stop()


@pytest.fixture(params=["memory", "real"])
def backend(request: pytest.FixtureRequest) -> str:
    """The fakes, or the adapters on moto (the `aws` fixture: the bucket and queues of infra/resources.json)."""
    if request.param == "real":
        request.getfixturevalue("aws")
    return str(request.param)


def test_audio_is_kept_under_its_key_and_named_by_an_s3_uri(side: Speech):
    assert side.audio.put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8") == \
        f"s3://{settings.audio_bucket()}/{KEY}"
    # Again is harmless: a retried start writes the same object.
    assert side.audio.put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8").endswith(KEY)


def test_a_said_recording_is_heard_as_its_words_after_one_look_in_progress(side: Speech):
    uri = side.audio.put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8")
    assert side.speech.start(JOB, uri, "hi-IN", OUT) is True
    assert side.speech.job(JOB).state == "in_progress"  # the check loop runs at least once
    done = side.speech.job(JOB)
    assert done.state == "completed"
    assert done.text == SAID
    assert done.confidence is not None and math.isclose(done.confidence, 0.9)
    assert done.seconds is not None and done.seconds >= 0
    assert side.speech.job(JOB) == done  # a completed job stays as it ended


def test_a_wav_with_no_words_is_an_empty_transcript(side: Speech):
    uri = side.audio.put_audio("recordings/RPR/RPR2611230001/RE0002.wav", _wav(), "audio/wav")
    assert side.speech.start("samvad-test-RPR2611230001-RE0002", uri, "en-IN",
                             "transcripts/RPR/RPR2611230001/RE0002.json") is True
    assert side.speech.job("samvad-test-RPR2611230001-RE0002").state == "in_progress"
    done = side.speech.job("samvad-test-RPR2611230001-RE0002")
    assert (done.state, done.text, done.confidence) == ("completed", "", None)


def test_a_retried_start_starts_nothing_twice(side: Speech):
    uri = side.audio.put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8")
    assert side.speech.start(JOB, uri, "hi-IN", OUT) is True
    assert side.speech.start(JOB, uri, "hi-IN", OUT) is False
    side.speech.job(JOB)
    assert side.speech.job(JOB).text == SAID


@pytest.mark.parametrize("case", ["a language the service has not", "no media object", "an unknown job"])
def test_a_request_the_service_refuses_raises_its_refusal(side: Speech, case: str):
    uri = side.audio.put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8")
    with pytest.raises(side.refused):
        if case == "a language the service has not":
            side.speech.start(JOB, uri, "xx-XX", OUT)
        elif case == "no media object":
            side.speech.start(JOB, f"s3://{settings.audio_bucket()}/recordings/RPR/none.txt", "hi-IN", OUT)
        else:
            side.speech.job("samvad-test-never-started")
    if case != "an unknown job":  # refused: no job was made, so the name is free for a start that can work
        assert side.speech.start(JOB, uri, "hi-IN", OUT) is True


def test_a_step_is_queued_now_or_after_its_delay(side: Speech):
    start = {"step": "start", "complaint_number": "RPR2611230001", "recording_sid": "RE0001", "tries": 0}
    check = {"step": "check", "complaint_number": "RPR2611230001", "recording_sid": "RE0001", "job": JOB,
             "started_at": "2026-11-23T10:00:00Z", "tries": 1}
    side.queue.send(start)
    side.queue.send(check, delay_seconds=15)
    assert side.visible() == [start]  # the check waits out its 15 s, as on SQS
    assert side.delayed() == 1
    with pytest.raises(ValueError):
        side.queue.send(check, delay_seconds=901)  # beyond SQS's 15 minutes: refused, never silently cut


# -- what only the real adapters do ---------------------------------------------------------------------


def test_the_audio_object_is_encrypted_and_the_result_json_is_in_the_bucket(aws: Any, monkeypatch):
    import boto3

    from chalicelib.local.sandbox import Sandbox
    from chalicelib.speech.s3_audio import S3AudioStore
    from chalicelib.speech.transcribe import TranscribeSpeech

    box = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_TRANSCRIBE", f"{box.url}/transcribe")
    try:
        uri = S3AudioStore().put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8")
        speech = TranscribeSpeech()
        speech.start(JOB, uri, "hi-IN", OUT)
        speech.job(JOB)
        speech.job(JOB)
    finally:
        box.stop()
    s3 = boto3.client("s3")
    assert s3.head_object(Bucket=settings.audio_bucket(), Key=KEY)["ServerSideEncryption"] == "AES256"
    result = json.loads(s3.get_object(Bucket=settings.audio_bucket(), Key=OUT)["Body"].read())
    assert result["results"]["transcripts"][0]["transcript"] == SAID
    words = [i for i in result["results"]["items"] if i["type"] == "pronunciation"]
    assert [w["alternatives"][0]["content"] for w in words] == SAID.replace(",", "").replace("।", "").split()
    assert {i["alternatives"][0]["content"] for i in result["results"]["items"] if i["type"] == "punctuation"} \
        == {",", "।"}


def test_confidence_is_the_mean_of_the_words_not_of_the_punctuation():
    from chalicelib.speech.transcribe import heard

    result = {"results": {"transcripts": [{"transcript": "पानी नहीं ।"}], "items": [
        {"type": "pronunciation", "alternatives": [{"confidence": "0.8", "content": "पानी"}]},
        {"type": "pronunciation", "alternatives": [{"confidence": "0.6", "content": "नहीं"}]},
        {"type": "punctuation", "alternatives": [{"confidence": "0.0", "content": "।"}]}]}}
    assert heard(result) == ("पानी नहीं ।", 0.7)
    assert heard({"results": {"transcripts": [{"transcript": "  "}], "items": []}}) == ("", None)


def test_retention_replaces_a_districts_own_lifecycle_rules_and_keeps_the_others(aws: Any):
    import boto3

    from chalicelib.speech.s3_audio import S3AudioStore

    s3, bucket = boto3.client("s3"), settings.audio_bucket()
    store = S3AudioStore()
    # The `aws` fixture loaded the demo district (RPR, 365 days by default); a rule made by hand stays too.
    rules = store.lifecycle_rules()
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [*rules, {
        "ID": "tmp-uploads", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}]})
    store.set_retention("BSP", 30)
    store.set_retention("RPR", 90)

    kept = {rule["ID"]: rule for rule in store.lifecycle_rules()}
    prefixes = ("recordings", "transcripts", "video")  # a consented video call's capture too
    assert set(kept) == {"tmp-uploads", *(f"retention-{d}-{p}" for d in ("BSP", "RPR") for p in prefixes)}
    assert kept["retention-RPR-recordings"]["Filter"] == {"Prefix": "recordings/RPR/"}
    assert kept["retention-RPR-transcripts"]["Filter"] == {"Prefix": "transcripts/RPR/"}
    assert kept["retention-RPR-video"]["Filter"] == {"Prefix": "video/RPR/"}
    assert {kept[f"retention-RPR-{p}"]["Expiration"]["Days"] for p in prefixes} == {90}
    assert {kept[f"retention-BSP-{p}"]["Expiration"]["Days"] for p in prefixes} == {30}
    with pytest.raises(ValueError):
        store.set_retention("RPR", 0)
    assert len(store.lifecycle_rules()) == 7  # a refused retention changed nothing


def test_loading_a_district_sets_its_retention(aws: Any):
    from chalicelib.speech.s3_audio import S3AudioStore

    rules = {rule["ID"]: rule for rule in S3AudioStore().lifecycle_rules()}
    assert rules["retention-RPR-recordings"]["Expiration"] == {"Days": 365}  # the default: a year
    assert rules["retention-RPR-transcripts"]["Status"] == "Enabled"
