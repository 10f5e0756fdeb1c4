"""The local stack's Chime SDK meetings and media pipelines (chalicelib/local/chime_standin.py), spoken to by the
real boto3 clients over HTTP as `make run` wires them: the sandbox under /chime-meetings/ and /chime-pipelines/,
STS on the embedded moto server. Here: what the stand-in answers that the adapter's contract suite
(tests/contract/test_video_meetings.py) does not reach — errors as botocore parses them, the reads, a capture's
life."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import boto3
import pytest

from chalicelib import settings
from chalicelib.local.sandbox import Sandbox
from tests.support.stack_process import free_port_in

CALL = "VC" + "9f" * 16


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    sandbox = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{sandbox.url}/chime-meetings")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{sandbox.url}/chime-pipelines")
    try:
        yield sandbox
    finally:
        sandbox.stop()


def _meeting(client: Any, external: str = CALL) -> str:
    return str(client.create_meeting(ClientRequestToken="t-" + external, ExternalMeetingId=external,
                                     MediaRegion="ap-south-1")["Meeting"]["MeetingId"])


def test_a_gone_meeting_is_chimes_not_found_as_botocore_raises_it(box: Sandbox):
    meetings = boto3.client("chime-sdk-meetings", region_name="ap-south-1")
    with pytest.raises(meetings.exceptions.NotFoundException) as gone:
        meetings.get_meeting(MeetingId="0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
    assert gone.value.response["Error"]["Code"] == "NotFoundException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    meeting_id = _meeting(meetings)
    meetings.delete_meeting(MeetingId=meeting_id)
    for ask in (lambda: meetings.create_attendee(MeetingId=meeting_id, ExternalUserId="citizen-1"),
                lambda: meetings.get_meeting(MeetingId=meeting_id),
                lambda: meetings.delete_meeting(MeetingId=meeting_id)):
        with pytest.raises(meetings.exceptions.NotFoundException):
            ask()
    # On the wire: Chime's body and the header botocore reads the exception's name from.
    request = urllib.request.Request(f"{box.url}/chime-meetings/meetings/{meeting_id}/attendees", method="POST",
                                     data=b'{"ExternalUserId": "citizen-1"}')
    with pytest.raises(urllib.error.HTTPError) as raw:
        urllib.request.urlopen(request, timeout=5)
    assert raw.value.code == 404
    assert raw.value.headers["x-amzn-ErrorType"] == "NotFoundException"
    assert json.loads(raw.value.read())["Code"] == "NotFound"


def test_a_request_chime_refuses_is_a_bad_request(box: Sandbox):
    meetings = boto3.client("chime-sdk-meetings", region_name="ap-south-1")
    with pytest.raises(meetings.exceptions.BadRequestException):
        meetings.create_meeting(ClientRequestToken="t-1", ExternalMeetingId=CALL, MediaRegion="mars-north-1")
    with pytest.raises(meetings.exceptions.BadRequestException):
        meetings.create_meeting(ClientRequestToken="not a token!", ExternalMeetingId=CALL, MediaRegion="ap-south-1")
    meeting_id = _meeting(meetings)
    with pytest.raises(meetings.exceptions.BadRequestException):
        meetings.create_attendee(MeetingId=meeting_id, ExternalUserId="citizen-1",
                                 Capabilities={"Audio": "Loud", "Video": "SendReceive", "Content": "None"})
    assert meetings.list_attendees(MeetingId=meeting_id)["Attendees"] == []  # the refusals seated nobody


def test_attendees_are_read_listed_and_a_deleted_ones_user_seated_anew(box: Sandbox):
    meetings = boto3.client("chime-sdk-meetings", region_name="ap-south-1")
    meeting_id = _meeting(meetings)
    assert meetings.get_meeting(MeetingId=meeting_id)["Meeting"]["ExternalMeetingId"] == CALL
    citizen = meetings.create_attendee(MeetingId=meeting_id, ExternalUserId="citizen-1")["Attendee"]
    signer = meetings.create_attendee(MeetingId=meeting_id, ExternalUserId="operator.rpr.sign")["Attendee"]
    assert citizen["Capabilities"] == {"Audio": "SendReceive", "Video": "SendReceive", "Content": "SendReceive"}
    assert meetings.get_attendee(MeetingId=meeting_id, AttendeeId=signer["AttendeeId"])["Attendee"] == signer
    listed = meetings.list_attendees(MeetingId=meeting_id)["Attendees"]
    assert [a["AttendeeId"] for a in listed] == [citizen["AttendeeId"], signer["AttendeeId"]]
    meetings.delete_attendee(MeetingId=meeting_id, AttendeeId=citizen["AttendeeId"])
    with pytest.raises(meetings.exceptions.NotFoundException):
        meetings.get_attendee(MeetingId=meeting_id, AttendeeId=citizen["AttendeeId"])
    back = meetings.create_attendee(MeetingId=meeting_id, ExternalUserId="citizen-1")["Attendee"]
    assert back["AttendeeId"] != citizen["AttendeeId"]  # removed, so seated as someone new
    assert box.state.chime.requests == [
        "CreateMeeting", "GetMeeting", "CreateAttendee", "CreateAttendee", "GetAttendee", "ListAttendees",
        "DeleteAttendee", "GetAttendee", "CreateAttendee"]


def test_a_capture_initialises_then_runs_and_ends_with_its_meeting(box: Sandbox):
    meetings = boto3.client("chime-sdk-meetings", region_name="ap-south-1")
    pipelines = boto3.client("chime-sdk-media-pipelines", region_name="ap-south-1")
    meeting_id = _meeting(meetings)
    source = f"arn:aws:chime::123456789012:meeting:{meeting_id}"
    made = pipelines.create_media_capture_pipeline(
        SourceType="ChimeSdkMeeting", SourceArn=source, SinkType="S3Bucket",
        SinkArn="arn:aws:s3:::samvad-test-audio/video/RPR", ClientRequestToken="capture-1")["MediaCapturePipeline"]
    assert made["Status"] == "Initializing"
    assert isinstance(made["CreatedTimestamp"], datetime)
    pipeline_id = made["MediaPipelineId"]
    looked = pipelines.get_media_capture_pipeline(MediaPipelineId=pipeline_id)["MediaCapturePipeline"]
    assert (looked["Status"], looked["SourceArn"]) == ("InProgress", source)
    with pytest.raises(pipelines.exceptions.BadRequestException):  # not an S3 bucket
        pipelines.create_media_capture_pipeline(SourceType="ChimeSdkMeeting", SourceArn=source,
                                                SinkType="S3Bucket", SinkArn="arn:aws:sqs:::queue")
    meetings.delete_meeting(MeetingId=meeting_id)
    with pytest.raises(pipelines.exceptions.NotFoundException):
        pipelines.get_media_capture_pipeline(MediaPipelineId=pipeline_id)
    with pytest.raises(pipelines.exceptions.NotFoundException):
        pipelines.delete_media_capture_pipeline(MediaPipelineId=pipeline_id)
    with pytest.raises(pipelines.exceptions.BadRequestException):  # no NotFound on a create: a BadRequest
        pipelines.create_media_capture_pipeline(SourceType="ChimeSdkMeeting", SourceArn=source,
                                                SinkType="S3Bucket", SinkArn="arn:aws:s3:::samvad-test-audio")


def test_the_sandbox_answers_no_other_delete(box: Sandbox):
    request = urllib.request.Request(f"{box.url}/api/2010-04-01/Accounts/AC1/Calls/CA1.json", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 404
    assert box.state.chime.requests == []


@pytest.fixture
def local_stack() -> Iterator[dict[str, Any]]:
    """The embedded AWS endpoint and the sandbox with the environment `make run` sets (configure_environment);
    the process environment put back afterwards."""
    from chalicelib.local.faults import EmbeddedAwsEndpoint
    from chalicelib.local.stack import configure_environment

    saved = dict(os.environ)
    aws = EmbeddedAwsEndpoint("127.0.0.1", free_port_in(19500, 19549)).start()
    sandbox = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    try:
        configure_environment(8000, aws.port, sandbox.url, stage="test")
        yield {"aws": aws, "sandbox": sandbox}
    finally:
        sandbox.stop()
        aws.stop()
        os.environ.clear()
        os.environ.update(saved)


def test_the_local_stack_points_chime_at_the_sandbox_and_sts_at_moto(local_stack):
    from chalicelib.video.chime import ChimeMeetings

    sandbox = local_stack["sandbox"]
    assert os.environ["AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS"] == f"{sandbox.url}/chime-meetings"
    assert os.environ["AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES"] == f"{sandbox.url}/chime-pipelines"
    meetings = ChimeMeetings(settings.region())  # as wiring makes it
    meeting = meetings.create_meeting(CALL, "ap-south-1")
    assert meeting["MediaPlacement"]["TurnControlUrl"].startswith(f"{sandbox.url}/chime-meetings/")
    recording = meetings.start_recording(meeting["MeetingId"], "samvad-test-audio/video/RPR")
    # botocore kept the endpoint's path prefix (the sandbox routes by it), and STS answered from moto's account
    pipeline = sandbox.state.chime.pipelines[recording]["public"]
    assert pipeline["SourceArn"] == f"arn:aws:chime::123456789012:meeting:{meeting['MeetingId']}"
    assert sandbox.state.chime.requests == ["CreateMeeting", "CreateMediaCapturePipeline"]
