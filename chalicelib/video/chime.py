"""VideoMeetings over Amazon Chime SDK meetings (boto3 `chime-sdk-meetings`) and its media capture pipelines
(`chime-sdk-media-pipelines`) for the recording.

The clients are made on first use and kept by the instance (wiring keeps one instance per container), so a
webhook that never touches a video call pays for neither. Creates are idempotent: a meeting's
ClientRequestToken is derived from the video call's id and a capture's from its meeting and sink, so a retried
request (a timeout, a citizen pressing join twice) gets back what the first made. Chime's NotFoundException on a
meeting is domain.ports.MeetingGone, on an end or a stop it is what was asked for: no error.
"""
from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.domain.ports import MeetingGone

# Modest on purpose: signing needs clear video (HD, 720p, is Chime's default anyway), nobody shares a screen,
# and echo reduction is billed per attendee-minute.
MEETING_FEATURES = {"Audio": {"EchoReduction": "UNAVAILABLE"}, "Video": {"MaxResolution": "HD"},
                    "Content": {"MaxResolution": "None"}}


def _token(*parts: str) -> str:
    """A ClientRequestToken (2 to 64 of [-_a-zA-Z0-9]) the same for the same request."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code") or "")


class ChimeMeetings:
    def __init__(self, region: str, meetings_client: Any = None, pipelines_client: Any = None,
                 sts_client: Any = None) -> None:
        self.region = region
        self._meetings = meetings_client
        self._pipelines = pipelines_client
        self._sts = sts_client
        self._account: str | None = None

    def _client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        from chalicelib import tracing

        tracing.trace_aws_requests()
        # Short: these run while a citizen or an operator waits on the join button.
        return boto3.client(service, region_name=self.region,
                            config=Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3}))

    @property
    def meetings(self) -> Any:
        if self._meetings is None:
            self._meetings = self._client("chime-sdk-meetings")
        return self._meetings

    @property
    def pipelines(self) -> Any:
        if self._pipelines is None:
            self._pipelines = self._client("chime-sdk-media-pipelines")
        return self._pipelines

    @property
    def account(self) -> str:
        """This account's id, which a meeting's ARN names (asked of STS once)."""
        if self._account is None:
            if self._sts is None:
                self._sts = self._client("sts")
            self._account = str(self._sts.get_caller_identity()["Account"])
        return self._account

    def create_meeting(self, external_id: str, media_region: str) -> dict[str, Any]:
        answer = self.meetings.create_meeting(
            ClientRequestToken=_token("meeting", external_id), ExternalMeetingId=external_id,
            MediaRegion=media_region, MeetingFeatures=MEETING_FEATURES)
        return dict(answer["Meeting"])

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        try:
            answer = self.meetings.create_attendee(MeetingId=meeting_id, ExternalUserId=external_user_id)
        except ClientError as error:
            if _code(error) == "NotFoundException":
                raise MeetingGone(meeting_id) from error
            raise
        return dict(answer["Attendee"])

    def end_meeting(self, meeting_id: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self.meetings.delete_meeting(MeetingId=meeting_id)
        except ClientError as error:
            if _code(error) != "NotFoundException":  # already ended (by us, or by Chime when everyone left)
                raise

    def start_recording(self, meeting_id: str, sink: str) -> str:
        from botocore.exceptions import ClientError

        sink = sink.strip("/")
        try:
            answer = self.pipelines.create_media_capture_pipeline(
                SourceType="ChimeSdkMeeting", SourceArn=f"arn:aws:chime::{self.account}:meeting:{meeting_id}",
                SinkType="S3Bucket", SinkArn=f"arn:aws:s3:::{sink}",
                ClientRequestToken=_token("capture", meeting_id, sink))
        except ClientError as error:
            # The operation has no NotFound: an ended meeting is a BadRequest, told apart by asking for it.
            if _code(error) == "BadRequestException" and self._gone(meeting_id):
                raise MeetingGone(meeting_id) from error
            raise
        return str(answer["MediaCapturePipeline"]["MediaPipelineId"])

    def stop_recording(self, recording_id: str) -> None:
        from botocore.exceptions import ClientError

        try:
            self.pipelines.delete_media_capture_pipeline(MediaPipelineId=recording_id)
        except ClientError as error:
            if _code(error) != "NotFoundException":  # already stopped, or ended with its meeting
                raise

    def _gone(self, meeting_id: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.meetings.get_meeting(MeetingId=meeting_id)
        except ClientError as error:
            return _code(error) == "NotFoundException"
        return False
