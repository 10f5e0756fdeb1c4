"""The meeting service port: tests/fakes/video_meetings.py and chalicelib/video/chime.py (the real boto3 Chime
SDK meetings and media pipelines clients against the local stand-in, chalicelib/local/chime_standin.py, served by
the sandbox over loopback HTTP; STS on moto) make meetings, seat attendees, end and record alike.

Amazon Chime itself is never reached. What only the real adapter sends (the ARNs, the features, one client and one
account lookup per instance) is checked at the end.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib import settings
from chalicelib.domain.ports import MeetingGone, VideoMeetings
from tests.fakes.video_meetings import FakeVideoMeetings

CALL = "VC" + "ab12" * 8
OTHER_CALL = "VC" + "cd34" * 8
CITIZEN, SIGNER = f"citizen-{CALL[:12]}", "operator.rpr.sign"
SINK = "samvad-test-audio/video/RPR/" + CALL
PLACEMENT = {"AudioHostUrl", "AudioFallbackUrl", "SignalingUrl", "TurnControlUrl", "ScreenDataUrl",
             "ScreenViewingUrl", "ScreenSharingUrl", "EventIngestionUrl"}


@dataclass
class Side:
    meetings: VideoMeetings
    requests: Callable[[], list[str]]  # the operations the service was asked, in order
    sandbox: Any = None  # the sandbox serving the stand-in ("chime" only)


@pytest.fixture(params=["memory", "chime"])
def side(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Side]:
    if request.param == "memory":
        fake = FakeVideoMeetings()
        yield Side(fake, lambda: list(fake.requests))
        return
    from moto import mock_aws

    from chalicelib.local.sandbox import Sandbox
    from chalicelib.video.chime import ChimeMeetings

    box = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    # As the local stack sets them; the clients are made on first use, so they read these.
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{box.url}/chime-meetings")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{box.url}/chime-pipelines")
    try:
        with mock_aws():  # STS (the account id); the Chime endpoints on loopback are not moto's
            yield Side(ChimeMeetings(settings.region()), lambda: list(box.state.chime.requests), box)
    finally:
        box.stop()


def test_a_meeting_is_made_once_per_video_call(side: Side):
    meeting = side.meetings.create_meeting(CALL, "ap-south-1")
    assert meeting["ExternalMeetingId"] == CALL
    assert meeting["MediaRegion"] == "ap-south-1"
    assert set(meeting["MediaPlacement"]) == PLACEMENT
    assert all(meeting["MediaPlacement"].values())
    again = side.meetings.create_meeting(CALL, "ap-south-1")  # a retried create, a second press of join
    assert again["MeetingId"] == meeting["MeetingId"]
    assert again["MediaPlacement"] == meeting["MediaPlacement"]
    other = side.meetings.create_meeting(OTHER_CALL, "ap-south-1")
    assert other["MeetingId"] != meeting["MeetingId"]


def test_two_people_are_two_attendees_and_the_same_person_again_the_same_one(side: Side):
    meeting_id = side.meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    citizen = side.meetings.add_attendee(meeting_id, CITIZEN)
    signer = side.meetings.add_attendee(meeting_id, SIGNER)
    assert (citizen["ExternalUserId"], signer["ExternalUserId"]) == (CITIZEN, SIGNER)
    assert citizen["AttendeeId"] != signer["AttendeeId"]
    assert citizen["JoinToken"] and signer["JoinToken"] and citizen["JoinToken"] != signer["JoinToken"]
    rejoined = side.meetings.add_attendee(meeting_id, CITIZEN)  # a reloaded page
    assert (rejoined["AttendeeId"], rejoined["JoinToken"]) == (citizen["AttendeeId"], citizen["JoinToken"])


def test_an_ended_meeting_seats_nobody_and_ending_it_again_is_no_error(side: Side):
    meeting_id = side.meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    side.meetings.add_attendee(meeting_id, CITIZEN)
    side.meetings.end_meeting(meeting_id)
    with pytest.raises(MeetingGone):
        side.meetings.add_attendee(meeting_id, SIGNER)
    with pytest.raises(MeetingGone):
        side.meetings.add_attendee(meeting_id, CITIZEN)  # not even someone it had
    side.meetings.end_meeting(meeting_id)  # the other side's leave, the sweeper: already gone is done


def test_an_unknown_meeting_is_gone(side: Side):
    with pytest.raises(MeetingGone):
        side.meetings.add_attendee("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", CITIZEN)
    side.meetings.end_meeting("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")


def test_a_recording_starts_once_and_stops_without_error_twice(side: Side):
    meeting_id = side.meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    recording = side.meetings.start_recording(meeting_id, SINK)
    assert recording
    assert side.meetings.start_recording(meeting_id, SINK) == recording  # a retried start records once
    side.meetings.stop_recording(recording)
    side.meetings.stop_recording(recording)  # already stopped: done
    again = side.meetings.start_recording(meeting_id, SINK)  # consent given again after a stop
    assert again != recording


def test_a_meetings_end_ends_its_recording_and_an_ended_meeting_records_nothing(side: Side):
    meeting_id = side.meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    recording = side.meetings.start_recording(meeting_id, SINK)
    side.meetings.end_meeting(meeting_id)
    side.meetings.stop_recording(recording)  # ended with its meeting: done
    with pytest.raises(MeetingGone):
        side.meetings.start_recording(meeting_id, SINK)


def test_the_service_is_asked_each_operation_once_in_order(side: Side):
    meeting_id = side.meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    side.meetings.add_attendee(meeting_id, CITIZEN)
    side.meetings.add_attendee(meeting_id, SIGNER)
    recording = side.meetings.start_recording(meeting_id, SINK)
    side.meetings.stop_recording(recording)
    side.meetings.end_meeting(meeting_id)
    assert side.requests() == ["CreateMeeting", "CreateAttendee", "CreateAttendee", "CreateMediaCapturePipeline",
                               "DeleteMediaCapturePipeline", "DeleteMeeting"]


# -- what only the real adapter does ---------------------------------------------------------------------


@pytest.fixture
def chime(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, list[str]]]:
    """ChimeMeetings against the sandbox's stand-in, the boto3 clients it makes counted by service."""
    import boto3
    from moto import mock_aws

    from chalicelib.local.sandbox import Sandbox
    from chalicelib.video.chime import ChimeMeetings

    box = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{box.url}/chime-meetings")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{box.url}/chime-pipelines")
    made: list[str] = []
    real_client = boto3.client

    def counted(service: str, *args: Any, **kwargs: Any) -> Any:
        made.append(service)
        return real_client(service, *args, **kwargs)

    monkeypatch.setattr(boto3, "client", counted)
    try:
        with mock_aws():
            yield ChimeMeetings("ap-south-1"), box, made
    finally:
        box.stop()


def test_the_adapter_sends_chimes_arns_features_and_an_idempotency_token(chime):
    meetings, box, _made = chime
    meeting = meetings.create_meeting(CALL, "ap-south-1")
    assert meeting["MeetingFeatures"] == {"Audio": {"EchoReduction": "UNAVAILABLE"},
                                          "Video": {"MaxResolution": "HD"}, "Content": {"MaxResolution": "None"}}
    # The stand-in's placement names the sandbox itself: nothing local carries media, nothing leaves the machine.
    assert meeting["MediaPlacement"]["SignalingUrl"] == \
        "ws" + box.url.removeprefix("http") + f"/chime-meetings/signal/{meeting['MeetingId']}"
    recording = meetings.start_recording(meeting["MeetingId"], SINK + "/")
    pipeline = box.state.chime.pipelines[recording]["public"]
    assert pipeline["SourceArn"] == f"arn:aws:chime::123456789012:meeting:{meeting['MeetingId']}"  # moto's account
    assert pipeline["SinkArn"] == f"arn:aws:s3:::{SINK}"
    assert (pipeline["SourceType"], pipeline["SinkType"]) == ("ChimeSdkMeeting", "S3Bucket")
    # The token is the call's, not the instance's: another container retrying the create gets the same meeting.
    from chalicelib.video.chime import ChimeMeetings

    assert ChimeMeetings("ap-south-1").create_meeting(CALL, "ap-south-1")["MeetingId"] == meeting["MeetingId"]


def test_each_client_and_the_account_are_made_once_per_instance_and_only_when_needed(chime):
    meetings, _box, made = chime
    assert made == []  # nothing at construction: a webhook that never touches a video call pays for nothing
    meeting_id = meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    assert made == ["chime-sdk-meetings"]
    for who in (CITIZEN, SIGNER):
        meetings.add_attendee(meeting_id, who)
    first = meetings.start_recording(meeting_id, SINK)
    meetings.stop_recording(first)
    meetings.start_recording(meeting_id, SINK + "/again")
    meetings.end_meeting(meeting_id)
    assert sorted(made) == ["chime-sdk-media-pipelines", "chime-sdk-meetings", "sts"]


def test_another_refusal_is_raised_as_the_services_error(chime):
    from botocore.exceptions import ClientError

    meetings, _box, _made = chime
    with pytest.raises(ClientError) as refused:
        meetings.create_meeting(CALL, "mars-north-1")
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    meeting_id = meetings.create_meeting(CALL, "ap-south-1")["MeetingId"]
    with pytest.raises(ClientError) as refused:  # a live meeting: the refusal is the bucket's, not a MeetingGone
        meetings.start_recording(meeting_id, "Not A Bucket")
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
