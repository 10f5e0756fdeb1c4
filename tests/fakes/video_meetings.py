"""The meeting service (VideoMeetings) in memory, behaving as the Chime adapter does against the local stand-in
(chalicelib/local/chime_standin.py), which one contract suite holds both to (tests/contract/test_video_meetings.py):
a meeting per external id (again: the same one), an attendee per external user (again: the same one), MeetingGone
once the meeting has ended, ending or stopping twice no error, a meeting's end ending its captures.

`expire()` ends a meeting as Chime does on its own (everyone gone for five minutes, or its 24 hours over), and
`requests` names the operations asked for, in order, as the stand-in's log does.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.ports import MeetingGone

MEDIA_REGIONS = frozenset({"ap-south-1", "ap-southeast-1", "ap-northeast-1", "eu-west-2", "us-east-1", "us-west-2"})


@dataclass
class FakeVideoMeetings:
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)  # MeetingId -> Meeting
    attendees: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # MeetingId -> its Attendees
    ended: set[str] = field(default_factory=set)
    recordings: dict[str, dict[str, str]] = field(default_factory=dict)  # pipeline id -> {meeting_id, sink}
    requests: list[str] = field(default_factory=list)
    _by_external: dict[str, str] = field(default_factory=dict)

    def create_meeting(self, external_id: str, media_region: str) -> dict[str, Any]:
        self.requests.append("CreateMeeting")
        if media_region not in MEDIA_REGIONS:
            raise ValueError(f"The media region {media_region} is not supported")
        if external_id in self._by_external:
            return dict(self.meetings[self._by_external[external_id]])
        meeting_id = str(uuid.uuid4())
        base = "wss://meetings.chime.test"
        meeting = {"MeetingId": meeting_id, "ExternalMeetingId": external_id, "MediaRegion": media_region,
                   "MediaPlacement": {
                       "AudioHostUrl": f"audio.chime.test:3478/{meeting_id}",
                       "AudioFallbackUrl": f"{base}/audio-fallback/{meeting_id}",
                       "SignalingUrl": f"{base}/signal/{meeting_id}",
                       "TurnControlUrl": f"https://meetings.chime.test/turn/{meeting_id}",
                       "ScreenDataUrl": f"{base}/screen/data/{meeting_id}",
                       "ScreenViewingUrl": f"{base}/screen/view/{meeting_id}",
                       "ScreenSharingUrl": f"{base}/screen/share/{meeting_id}",
                       "EventIngestionUrl": "https://meetings.chime.test/client-events"},
                   "MeetingArn": f"arn:aws:chime:ap-south-1:123456789012:meeting/{meeting_id}"}
        self.meetings[meeting_id] = meeting
        self.attendees[meeting_id] = []
        self._by_external[external_id] = meeting_id
        return dict(meeting)

    def add_attendee(self, meeting_id: str, external_user_id: str) -> dict[str, Any]:
        self.requests.append("CreateAttendee")
        self._live(meeting_id)
        for attendee in self.attendees[meeting_id]:
            if attendee["ExternalUserId"] == external_user_id:
                return dict(attendee)
        attendee = {"ExternalUserId": external_user_id, "AttendeeId": str(uuid.uuid4()),
                    "JoinToken": secrets.token_urlsafe(48),
                    "Capabilities": {"Audio": "SendReceive", "Video": "SendReceive", "Content": "SendReceive"}}
        self.attendees[meeting_id].append(attendee)
        return dict(attendee)

    def end_meeting(self, meeting_id: str) -> None:
        self.requests.append("DeleteMeeting")
        if meeting_id in self.meetings:
            self.expire(meeting_id)

    def start_recording(self, meeting_id: str, sink: str) -> str:
        self.requests.append("CreateMediaCapturePipeline")
        sink = sink.strip("/")
        for pipeline_id, recording in self.recordings.items():
            if recording == {"meeting_id": meeting_id, "sink": sink}:  # a retried start
                return pipeline_id
        self._live(meeting_id)
        pipeline_id = str(uuid.uuid4())
        self.recordings[pipeline_id] = {"meeting_id": meeting_id, "sink": sink}
        return pipeline_id

    def stop_recording(self, recording_id: str) -> None:
        self.requests.append("DeleteMediaCapturePipeline")
        self.recordings.pop(recording_id, None)

    def expire(self, meeting_id: str) -> None:
        """The meeting ends without being asked (Chime's own limits); its captures end with it."""
        self.ended.add(meeting_id)
        for pipeline_id in [p for p, r in self.recordings.items() if r["meeting_id"] == meeting_id]:
            del self.recordings[pipeline_id]

    def live(self, meeting_id: str) -> bool:
        return meeting_id in self.meetings and meeting_id not in self.ended

    def _live(self, meeting_id: str) -> None:
        if not self.live(meeting_id):
            raise MeetingGone(meeting_id)
