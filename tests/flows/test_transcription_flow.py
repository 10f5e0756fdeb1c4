"""A call's recording becomes a transcript on its ticket, through the real interfaces: the simulated call's
webhooks, the queues pumped as Lambda would (followup → transcribe → notify), the audio fetched from the
carrier's sandbox, kept in the stack's bucket (moto S3), and the real boto3 Transcribe client talking to the
local stand-in (chalicelib/local/transcribe_standin.py) over HTTP.

The checks' delays (15 s, 30 s …) are asked of SQS as the operation computes them; here they are recorded and
the messages sent with none, so a test does not sleep through them (the delays' sequence is
tests/unit/test_transcription.py's).
"""
from __future__ import annotations

import io
import json
import re
import wave

import boto3
import pytest

from chalicelib import settings, wiring
from chalicelib.domain.transcripts import Transcript
from chalicelib.operations import transcription
from chalicelib.operations.ticket_search import search_tickets

WATER_L1 = "+919000000301"  # the demo district's water officer, on SMS
SAID = "मेरा नाम रामलाल है, गांव खरोरा से बोल रहा हूँ, हैंडपंप से पानी नहीं आ रहा"


class StandIn:
    def __init__(self, service) -> None:
        self.service = service  # the sandbox's TranscribeStandIn: what it was asked, in order
        self.delays: list[int] = []  # the checks' DelaySeconds as the operation asked for them

    @property
    def requests(self) -> list[str]:
        return list(self.service.requests)


@pytest.fixture
def standin(twilio_audio, monkeypatch, demo_carrier):
    """Transcribe at the sandbox (as `make run` points it), the demo district transcribing whatever the harness
    loaded it with, and the checks' delays recorded, not slept."""
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district
    from tests.support.demo import demo_on

    monkeypatch.setenv("AWS_ENDPOINT_URL_TRANSCRIBE", f"{twilio_audio.url}/transcribe")
    data = {**demo_on(demo_carrier).raw, "transcription": {"enabled": True, "min_confidence": 0.5}}
    load_district(parse_district(data, available_languages()))
    wiring.directory().clear()
    made = StandIn(twilio_audio.state.transcribe)
    real_delay = transcription.check_delay

    def recorded(tries: int) -> int:
        made.delays.append(real_delay(tries))
        return 0

    monkeypatch.setattr(transcription, "check_delay", recorded)
    return made


def complaint(hotline, spoken: str, category_key: str = "3") -> str:
    log = hotline.phone(f"1|1|{category_key}|{spoken}")
    said = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", log.said[-4])
    assert said, log.said
    hotline.deliver()
    return "RPR" + (said.group(1) + said.group(2)).replace(" ", "")


def transcribed_entries(number: str) -> list:
    return [e for e in wiring.console_queries().timeline(number) if e.action == "transcribed"]


def test_a_spoken_complaint_is_transcribed_and_the_officer_reads_who_called_and_what_they_said(hotline, standin):
    number = complaint(hotline, f"say:{SAID}")

    ticket = wiring.ticket_store().get(number)
    transcript = Transcript.from_json(ticket.transcript)
    assert transcript is not None
    assert (transcript.status, transcript.text, transcript.confidence, transcript.language) == (
        "done", SAID, 0.9, "hi-IN")
    assert transcript.seconds is not None and transcript.seconds >= 0
    assert (ticket.caller_name, ticket.address) == ("रामलाल", "गांव खरोरा")
    # The stand-in answered "in progress" once: the check came back once before the result.
    assert standin.requests == ["StartTranscriptionJob", "GetTranscriptionJob", "GetTranscriptionJob"]
    assert standin.delays == [15, 30]

    # The audio and Transcribe's result are in the stack's bucket, encrypted, under the district's prefixes.
    s3 = boto3.client("s3", region_name=settings.region())
    audio = s3.get_object(Bucket=settings.audio_bucket(), Key=f"recordings/RPR/{number}/{ticket.recording_sid}.txt")
    assert audio["ServerSideEncryption"] == "AES256" and audio["Body"].read().decode() == SAID
    result = s3.get_object(Bucket=settings.audio_bucket(),
                           Key=f"transcripts/RPR/{number}/{ticket.recording_sid}.json")
    assert result["ServerSideEncryption"] == "AES256"

    (entry,) = transcribed_entries(number)
    assert (entry.actor_type, entry.actor_id, entry.channel) == ("system", "transcriber", "system")
    assert (entry.detail["status"], entry.detail["text"], entry.detail["language"]) == ("done", SAID, "hi-IN")

    # The officer's forward waited for the transcript: one SMS, naming the caller and the village.
    (forward,) = hotline.sms_bodies(WATER_L1)
    assert number in forward and "रामलाल" in forward and "खरोरा" in forward, forward

    # Findable by a word that was only said, spelt another way (हेंडपंप), through the DynamoDB index.
    found, _cursor, _read = search_tickets(wiring.search_index(), wiring.ticket_store(), "RPR", "handpump", 10, None)
    assert [t.complaint_number for t in found] == [number]


def test_when_the_districts_retention_runs_out_the_sweeper_deletes_the_words_and_says_so(hotline, standin):
    number = complaint(hotline, f"say:{SAID}")
    kept = wiring.ticket_store().get(number)

    report = hotline.advance(days=365, minutes=1)  # the demo district keeps transcripts 365 days

    assert report["transcripts_deleted"] == 1 and report["transcripts_not_deleted"] == 0
    ticket = wiring.ticket_store().get(number)
    transcript = Transcript.from_json(ticket.transcript)
    assert transcript is not None and transcript.best_text == "" and transcript.deleted_at
    assert (transcript.status, ticket.caller_name) == ("done", kept.caller_name)
    timeline = wiring.console_queries().timeline(number)
    (entry,) = transcribed_entries(number)
    assert "text" not in entry.detail and entry.detail["text_deleted_at"] == transcript.deleted_at
    assert [e.detail["retention_days"] for e in timeline if e.action == "transcript_deleted"] == [365]
    found, _cursor, _read = search_tickets(wiring.search_index(), wiring.ticket_store(), "RPR", "handpump", 10, None)
    assert found == []
    assert hotline.advance(minutes=1)["transcripts_deleted"] == 0  # handled once


def test_a_redelivered_check_or_start_never_doubles_the_transcript(hotline, standin, aws):
    number = complaint(hotline, f"say:{SAID}")
    ticket = wiring.ticket_store().get(number)
    queue = wiring.transcription_queue()
    # Both steps again, as an SQS redelivery would bring them, through the consumer.
    queue.send(transcription.start_message(number, ticket.recording_sid))
    queue.send({"step": "check", "complaint_number": number, "recording_sid": ticket.recording_sid,
                "job": transcription.job_name(f"samvad-{settings.stage()}", number, ticket.recording_sid),
                "started_at": ticket.created_at, "tries": 0, "origin": "created"})
    hotline.deliver()
    assert wiring.ticket_store().get(number).version == ticket.version
    assert len(transcribed_entries(number)) == 1 and len(hotline.sms_bodies(WATER_L1)) == 1
    assert standin.requests.count("StartTranscriptionJob") == 1  # the start found the transcript and stopped


def test_a_recording_with_no_words_is_marked_empty_and_the_forward_still_goes_with_the_link(hotline, standin,
                                                                                          tmp_path):
    silence = tmp_path / "silence.wav"
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 8000 * 2)
    silence.write_bytes(buffer.getvalue())
    number = complaint(hotline, f"wav:{silence}")

    ticket = wiring.ticket_store().get(number)
    transcript = Transcript.from_json(ticket.transcript)
    assert (transcript.status, transcript.text) == ("empty", "")
    assert ticket.recording_url and ticket.caller_name is None
    s3 = boto3.client("s3", region_name=settings.region())
    assert s3.head_object(Bucket=settings.audio_bucket(), Key=f"recordings/RPR/{number}/{ticket.recording_sid}.wav")
    (entry,) = transcribed_entries(number)
    assert entry.detail["status"] == "empty"
    (forward,) = hotline.sms_bodies(WATER_L1)
    assert number in forward


def test_a_carrier_that_will_not_hand_over_the_recording_leaves_the_ticket_usable(hotline, standin, twilio_audio,
                                                                                  app_module, aws):
    hotline.phone(f"1|1|3|say:{SAID}")
    not_transcribe = lambda arn: not arn.endswith("-transcribe")  # noqa: E731
    while hotline.pump.drain_once(queues=not_transcribe):
        pass
    twilio_audio.stop()  # the carrier's media host does not answer from now on
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("transcribe"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    from chalicelib.local.lambda_events import LambdaContext, sqs_event

    for receive in range(1, transcription.LAST_RECEIVE + 1):
        (message,) = sqs.receive_message(QueueUrl=url, AttributeNames=["All"]).get("Messages", [])
        assert message["Attributes"]["ApproximateReceiveCount"] == str(receive)
        number = json.loads(message["Body"])["complaint_number"]
        answer = app_module.transcriber(sqs_event([message], arn, settings.region()), LambdaContext("transcriber"))
        if receive < transcription.LAST_RECEIVE:
            # Reported as failed, so only it returns to the queue; the ticket stays as it was meanwhile.
            assert answer == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
            assert wiring.ticket_store().get(number).transcript is None
            # The consumer backed it off; SQS shows it again once that time is over (here: at once).
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        else:
            assert answer == {"batchItemFailures": []}
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    hotline.deliver()
    ticket = wiring.ticket_store().get(number)
    transcript = Transcript.from_json(ticket.transcript)
    assert transcript is not None and transcript.status == "unavailable" and ticket.status == "registered"
    assert transcript.reason == "the carrier did not hand over the recording"
    assert standin.requests == []
    (entry,) = transcribed_entries(number)
    assert entry.detail["status"] == "unavailable"
    (forward,) = hotline.sms_bodies(WATER_L1)  # the forward that waited goes, with the link as before
    assert number in forward
