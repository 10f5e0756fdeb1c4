"""The local stack's Transcribe (chalicelib/local/transcribe_standin.py), spoken to by the real boto3 client over
HTTP as `make run` wires it: the sandbox under /transcribe/, the media and the result in a bucket on the embedded
moto server (path-style S3), and the pump holding a delayed transcription step back as SQS does.

moto 5.2.5 has Start/GetTranscriptionJob, but reads no media, writes no result JSON and takes any language: the
first test shows why the stand-in exists."""
from __future__ import annotations

import json
import os
import time
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from chalicelib import settings, wiring
from chalicelib.local.faults import EmbeddedAwsEndpoint
from chalicelib.local.sandbox import Sandbox
from tests.support.stack_process import free_port_in

KEY = "recordings/RPR/RPR2611230001/RE0001.txt"
OUT = "transcripts/RPR/RPR2611230001/RE0001.json"
SAID = "मेरा नाम सीता है, गाँव खरोरा। नल से पानी नहीं आ रहा"


def test_motos_transcribe_takes_any_language_and_writes_no_result(aws):
    """What the stand-in is for, as moto answers the same two calls."""
    transcribe, s3 = boto3.client("transcribe"), boto3.client("s3")
    transcribe.start_transcription_job(TranscriptionJobName="j", LanguageCode="xx-XX",
                                       Media={"MediaFileUri": f"s3://{settings.audio_bucket()}/none.wav"},
                                       OutputBucketName=settings.audio_bucket(), OutputKey=OUT)
    for _ in range(3):
        job = transcribe.get_transcription_job(TranscriptionJobName="j")["TranscriptionJob"]
    assert job["TranscriptionJobStatus"] == "COMPLETED"
    assert s3.list_objects_v2(Bucket=settings.audio_bucket(), Prefix="transcripts/").get("KeyCount") == 0


@pytest.fixture
def local_stack(monkeypatch) -> Iterator[dict[str, Any]]:
    """The embedded AWS endpoint and the sandbox, with the environment `make run` sets (configure_environment),
    the bucket and queues provisioned from infra/resources.json; the process environment put back afterwards."""
    from chalicelib.local.provision import provision
    from chalicelib.local.stack import configure_environment

    saved = dict(os.environ)
    aws = EmbeddedAwsEndpoint("127.0.0.1", free_port_in(19400, 19449)).start()
    box = Sandbox("127.0.0.1", free_port_in(19450, 19499), settings.twilio_account_sid(),
                  settings.twilio_auth_token()).start()
    reset = f"http://127.0.0.1:{aws.port}/moto-api/reset"  # moto keeps its data per process, not per server
    urllib.request.urlopen(urllib.request.Request(reset, method="POST"), timeout=5).close()
    try:
        configure_environment(8000, aws.port, box.url, stage="test")
        wiring.reset()
        provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage(), boto3.client("s3"))
        yield {"aws": aws, "sandbox": box, "s3": boto3.client("s3"), "transcribe": boto3.client("transcribe")}
    finally:
        urllib.request.urlopen(urllib.request.Request(reset, method="POST"), timeout=5).close()
        box.stop()
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)
        wiring.reset()


def test_the_local_stack_points_s3_at_moto_and_transcribe_at_the_sandbox(local_stack):
    assert os.environ["AWS_ENDPOINT_URL_S3"] == f"http://127.0.0.1:{local_stack['aws'].port}"
    assert os.environ["AWS_ENDPOINT_URL_TRANSCRIBE"] == f"{local_stack['sandbox'].url}/transcribe"
    s3 = local_stack["s3"]
    bucket = settings.audio_bucket()
    assert bucket == "samvad-test-audio"
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert encryption[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())
    assert boto3.client("sqs").get_queue_url(QueueName=settings.queue_name("transcribe"))["QueueUrl"]


def test_a_said_recording_becomes_transcribes_result_json_through_the_adapters(local_stack):
    from chalicelib.speech.s3_audio import S3AudioStore
    from chalicelib.speech.transcribe import TranscribeSpeech

    uri = S3AudioStore().put_audio(KEY, SAID.encode(), "text/plain; charset=utf-8")  # path-style on moto server
    speech = TranscribeSpeech()
    assert speech.start("samvad-test-RPR2611230001-RE0001", uri, "hi-IN", OUT) is True
    assert speech.job("samvad-test-RPR2611230001-RE0001").state == "in_progress"
    done = speech.job("samvad-test-RPR2611230001-RE0001")
    assert (done.state, done.text, done.confidence) == ("completed", SAID, 0.9)

    job = local_stack["transcribe"].get_transcription_job(
        TranscriptionJobName="samvad-test-RPR2611230001-RE0001")["TranscriptionJob"]
    assert job["Transcript"]["TranscriptFileUri"] == \
        f"https://s3.ap-south-1.amazonaws.com/{settings.audio_bucket()}/{OUT}"
    assert job["CompletionTime"] >= job["CreationTime"] and job["LanguageCode"] == "hi-IN"
    result = json.loads(local_stack["s3"].get_object(Bucket=settings.audio_bucket(), Key=OUT)["Body"].read())
    assert result["status"] == "COMPLETED" and result["results"]["transcripts"] == [{"transcript": SAID}]
    assert local_stack["sandbox"].state.transcribe.requests == ["StartTranscriptionJob", "GetTranscriptionJob",
                                                                "GetTranscriptionJob", "GetTranscriptionJob"]


def test_errors_come_as_transcribe_gives_them(local_stack):
    transcribe, bucket = local_stack["transcribe"], settings.audio_bucket()
    local_stack["s3"].put_object(Bucket=bucket, Key=KEY, Body=SAID.encode(), ContentType="text/plain")
    media = {"MediaFileUri": f"s3://{bucket}/{KEY}"}
    transcribe.start_transcription_job(TranscriptionJobName="once", LanguageCode="en-IN", Media=media)

    with pytest.raises(transcribe.exceptions.ConflictException) as taken:
        transcribe.start_transcription_job(TranscriptionJobName="once", LanguageCode="en-IN", Media=media)
    assert taken.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(transcribe.exceptions.BadRequestException, match="language code"):
        transcribe.start_transcription_job(TranscriptionJobName="other", LanguageCode="xx-XX", Media=media)
    with pytest.raises(transcribe.exceptions.BadRequestException, match="can't be accessed"):
        transcribe.start_transcription_job(TranscriptionJobName="other", LanguageCode="hi-IN",
                                           Media={"MediaFileUri": f"s3://{bucket}/recordings/none.wav"})
    with pytest.raises(transcribe.exceptions.BadRequestException, match="couldn't be found"):
        transcribe.get_transcription_job(TranscriptionJobName="other")  # refused starts made no job


def test_a_job_whose_result_cannot_be_written_fails_with_its_reason(local_stack):
    transcribe, bucket = local_stack["transcribe"], settings.audio_bucket()
    local_stack["s3"].put_object(Bucket=bucket, Key=KEY, Body=SAID.encode(), ContentType="text/plain")
    transcribe.start_transcription_job(TranscriptionJobName="lost", LanguageCode="hi-IN",
                                       Media={"MediaFileUri": f"s3://{bucket}/{KEY}"},
                                       OutputBucketName="samvad-test-no-such-bucket", OutputKey=OUT)
    transcribe.get_transcription_job(TranscriptionJobName="lost")
    from chalicelib.speech.transcribe import TranscribeSpeech

    failed = TranscribeSpeech().job("lost")
    assert failed.state == "failed" and failed.reason and "output bucket" in failed.reason


def test_the_pump_holds_a_delayed_step_back_until_its_delay_is_over(aws):
    from chalice import Chalice

    from chalicelib.local.pump import QueuePump
    from chalicelib.speech.queue import SqsTranscriptionQueue

    seen: list[dict[str, Any]] = []
    app = Chalice("delays")

    @app.on_sqs_message(queue=settings.queue_name("transcribe"), name="transcriber")
    def transcriber(event):
        seen.extend(json.loads(record.body) for record in event)

    pump = QueuePump(SimpleNamespace(app=app, transcriber=transcriber), aws["sqs"], settings.region())
    queue = SqsTranscriptionQueue()
    queue.send({"step": "check", "tries": 1}, delay_seconds=2)
    queue.send({"step": "start", "tries": 0})
    sent = time.monotonic()
    assert pump.drain_once() == 1 and seen == [{"step": "start", "tries": 0}]
    while pump.drain_once() == 0:
        assert time.monotonic() - sent < 5, "the delayed step never came"
        time.sleep(0.2)
    assert time.monotonic() - sent >= 2  # not before its DelaySeconds
    assert seen[-1] == {"step": "check", "tries": 1}
