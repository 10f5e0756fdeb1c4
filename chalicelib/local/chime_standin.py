"""Amazon Chime SDK meetings and media capture pipelines as the local stack serves them (the sandbox, under
/chime-meetings/ and /chime-pipelines/), for the real boto3 clients:
`AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS=<sandbox>/chime-meetings`,
`AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES=<sandbox>/chime-pipelines`.

moto 5.2.5 has neither service. This one speaks their REST-JSON protocol as botocore sends it (the operation in
the method and path, JSON bodies; an error as `{"Code": "NotFound", "Message": …}` with the header
`x-amzn-ErrorType: NotFoundException`, which botocore's rest-json parser reads first: the client raises
`NotFoundException`), and holds to what the app relies on:

- CreateMeeting with a ClientRequestToken already used returns that meeting again (a retried create makes none);
  a MediaRegion Chime has not is BadRequest;
- CreateAttendee with an ExternalUserId the meeting has returns that attendee again; on a meeting that was
  deleted (or never was) it is NotFound, as are Get/Delete of a meeting or attendee that is not there;
- a media capture pipeline takes a live meeting's ARN (arn:aws:chime::<account>:meeting:<id>) and an S3 bucket's
  (arn:aws:s3:::<bucket>/<prefix>); it is Initializing, then InProgress on the next look; deleting the meeting
  ends its pipelines, as Chime does (a later DeleteMediaCapturePipeline is NotFound).

Nothing carries media: the MediaPlacement URLs point at the sandbox's own loopback address, and nothing answers
there (the local stack's browsers do not start audio or video). Nothing is written to the bucket.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

MEETINGS_PREFIX = "/chime-meetings"
PIPELINES_PREFIX = "/chime-pipelines"
ACCOUNT = "123456789012"  # moto's account: the pipelines' own ARNs name it
REGION = "ap-south-1"
# Chime SDK media regions (the meetings' MediaRegion), as its documentation lists them.
MEDIA_REGIONS = frozenset({
    "af-south-1", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1", "eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-east-1",
    "us-gov-west-1"})
_TOKEN = re.compile(r"^[-_a-zA-Z0-9]{2,64}$")
_ID = r"[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}"
_MEETING_ARN = re.compile(rf"^arn:aws:chime::\d{{12}}:meeting:(?P<id>{_ID})$")
_BUCKET_ARN = re.compile(r"^arn:aws:s3:::(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<prefix>.*))?$")
_CAPABILITY = frozenset({"SendReceive", "Send", "Receive", "None"})
_ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (method, re.compile(f"^{pattern}/?$"), operation) for method, pattern, operation in (
        ("POST", f"{MEETINGS_PREFIX}/meetings", "CreateMeeting"),
        ("GET", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)", "GetMeeting"),
        ("DELETE", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)", "DeleteMeeting"),
        ("POST", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)/attendees", "CreateAttendee"),
        ("GET", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)/attendees", "ListAttendees"),
        ("GET", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)/attendees/(?P<attendee>[^/]+)", "GetAttendee"),
        ("DELETE", f"{MEETINGS_PREFIX}/meetings/(?P<meeting>[^/]+)/attendees/(?P<attendee>[^/]+)",
         "DeleteAttendee"),
        ("POST", f"{PIPELINES_PREFIX}/sdk-media-capture-pipelines", "CreateMediaCapturePipeline"),
        ("GET", f"{PIPELINES_PREFIX}/sdk-media-capture-pipelines/(?P<pipeline>[^/]+)", "GetMediaCapturePipeline"),
        ("DELETE", f"{PIPELINES_PREFIX}/sdk-media-capture-pipelines/(?P<pipeline>[^/]+)",
         "DeleteMediaCapturePipeline"),
    ))
_SUCCESS = {"DeleteMeeting": 204, "DeleteAttendee": 204, "DeleteMediaCapturePipeline": 204,
            "CreateMediaCapturePipeline": 201}


class ChimeError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _bad(message: str) -> ChimeError:
    return ChimeError("BadRequest", message, 400)


def _gone(message: str) -> ChimeError:
    return ChimeError("NotFound", message, 404)


def error_headers(status: int, answer: dict[str, Any] | None) -> dict[str, str]:
    """The header botocore takes an error's code from (`NotFound` → NotFoundException); none on success."""
    if status < 400 or not answer or "Code" not in answer:
        return {}
    return {"x-amzn-ErrorType": f"{answer['Code']}Exception"}


def owns(path: str) -> bool:
    """Whether a request path is this stand-in's (either service's prefix)."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in (MEETINGS_PREFIX, PIPELINES_PREFIX))


class ChimeStandIn:
    def __init__(self, base_url: Callable[[], str] = lambda: "http://127.0.0.1", region: str = REGION) -> None:
        self._base_url = base_url  # the sandbox's own address, known once it listens
        self.region = region
        self._lock = threading.Lock()
        self.meetings: dict[str, dict[str, Any]] = {}  # MeetingId -> {"public", "attendees", "ended"}
        self.tokens: dict[str, str] = {}  # ClientRequestToken -> MeetingId or MediaPipelineId
        self.pipelines: dict[str, dict[str, Any]] = {}  # MediaPipelineId -> {"public", "looks"}
        self.requests: list[str] = []  # operations served, in order (tests and the bench count them)

    def handle(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any] | None]:
        """One request: (HTTP status, JSON answer or None for an empty 204) as the service gives it."""
        parts = urlsplit(path)
        routed = next(((operation, match) for route_method, pattern, operation in _ROUTES
                       if route_method == method and (match := pattern.match(parts.path))), None)
        if routed is None:
            return 404, {"Code": "NotFound", "Message": f"No operation at {method} {parts.path}"}
        operation, match = routed
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return 400, {"Code": "BadRequest", "Message": "The request body is not a JSON object"}
        with self._lock:
            self.requests.append(operation)
            try:
                ids = {k: unquote(v) for k, v in match.groupdict().items()}
                answer = getattr(self, "_" + re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())(request, **ids)
            except ChimeError as error:
                return error.status, {"Code": error.code, "Message": error.message,
                                      "RequestId": str(uuid.uuid4())}
        status = _SUCCESS.get(operation, 200)
        return status, (None if status == 204 else answer)

    # -- meetings ------------------------------------------------------------------------------------------

    def _create_meeting(self, request: dict[str, Any]) -> dict[str, Any]:
        token = str(request.get("ClientRequestToken") or "")
        external = str(request.get("ExternalMeetingId") or "")
        region = str(request.get("MediaRegion") or "")
        if not _TOKEN.match(token):
            raise _bad("ClientRequestToken: 2 to 64 of - _ a-z A-Z 0-9")
        if not 2 <= len(external) <= 64:
            raise _bad("ExternalMeetingId: 2 to 64 characters")
        if region not in MEDIA_REGIONS:
            raise _bad(f"The media region {region or '(none)'} is not supported")
        if token in self.tokens:  # a retried create: the meeting it made
            return {"Meeting": dict(self.meetings[self.tokens[token]]["public"])}
        meeting_id = str(uuid.uuid4())
        public: dict[str, Any] = {
            "MeetingId": meeting_id, "ExternalMeetingId": external, "MediaRegion": region,
            "MediaPlacement": self._placement(meeting_id),
            "MeetingArn": f"arn:aws:chime:{self.region}:{ACCOUNT}:meeting/{meeting_id}"}
        if request.get("MeetingFeatures"):
            public["MeetingFeatures"] = request["MeetingFeatures"]
        self.meetings[meeting_id] = {"public": public, "attendees": {}, "ended": False}
        self.tokens[token] = meeting_id
        return {"Meeting": dict(public)}

    def _get_meeting(self, request: dict[str, Any], meeting: str) -> dict[str, Any]:
        return {"Meeting": dict(self._live(meeting)["public"])}

    def _delete_meeting(self, request: dict[str, Any], meeting: str) -> None:
        self._live(meeting)["ended"] = True
        arn = f":meeting:{meeting}"
        for pipeline_id in [p for p, v in self.pipelines.items() if v["public"]["SourceArn"].endswith(arn)]:
            del self.pipelines[pipeline_id]  # the meeting's end ends its capture

    def _create_attendee(self, request: dict[str, Any], meeting: str) -> dict[str, Any]:
        external = str(request.get("ExternalUserId") or "")
        if not 2 <= len(external) <= 64:
            raise _bad("ExternalUserId: 2 to 64 characters")
        capabilities = request.get("Capabilities") or {
            "Audio": "SendReceive", "Video": "SendReceive", "Content": "SendReceive"}
        if not isinstance(capabilities, dict) or any(capabilities.get(k) not in _CAPABILITY
                                                     for k in ("Audio", "Video", "Content")):
            raise _bad("Capabilities: Audio, Video and Content, each SendReceive, Send, Receive or None")
        attendees = self._live(meeting)["attendees"]
        for attendee in attendees.values():
            if attendee["ExternalUserId"] == external:  # the same person again: the same attendee
                return {"Attendee": dict(attendee)}
        attendee = {"ExternalUserId": external, "AttendeeId": str(uuid.uuid4()),
                    "JoinToken": secrets.token_urlsafe(48), "Capabilities": capabilities}
        attendees[attendee["AttendeeId"]] = attendee
        return {"Attendee": dict(attendee)}

    def _get_attendee(self, request: dict[str, Any], meeting: str, attendee: str) -> dict[str, Any]:
        return {"Attendee": dict(self._attendee(meeting, attendee))}

    def _delete_attendee(self, request: dict[str, Any], meeting: str, attendee: str) -> None:
        self._attendee(meeting, attendee)
        del self.meetings[meeting]["attendees"][attendee]

    def _list_attendees(self, request: dict[str, Any], meeting: str) -> dict[str, Any]:
        return {"Attendees": [dict(a) for a in self._live(meeting)["attendees"].values()]}

    def _live(self, meeting_id: str) -> dict[str, Any]:
        meeting = self.meetings.get(meeting_id)
        if meeting is None or meeting["ended"]:
            raise _gone("The meeting has ended or does not exist")
        return meeting

    def _attendee(self, meeting_id: str, attendee_id: str) -> dict[str, Any]:
        found = self._live(meeting_id)["attendees"].get(attendee_id)
        if found is None:
            raise _gone(f"Attendee {attendee_id} not found")
        return dict(found)

    def _placement(self, meeting_id: str) -> dict[str, str]:
        http = self._base_url().rstrip("/") + MEETINGS_PREFIX
        ws = "ws" + http.removeprefix("http")  # ws:// for http://, wss:// for https://
        host = urlsplit(http).netloc
        return {"AudioHostUrl": f"{host}/chime-meetings/audio/{meeting_id}",
                "AudioFallbackUrl": f"{ws}/audio-fallback/{meeting_id}",
                "SignalingUrl": f"{ws}/signal/{meeting_id}",
                "TurnControlUrl": f"{http}/turn/{meeting_id}",
                "ScreenDataUrl": f"{ws}/screen/data/{meeting_id}",
                "ScreenViewingUrl": f"{ws}/screen/view/{meeting_id}",
                "ScreenSharingUrl": f"{ws}/screen/share/{meeting_id}",
                "EventIngestionUrl": f"{http}/client-events"}

    # -- media capture pipelines --------------------------------------------------------------------------

    def _create_media_capture_pipeline(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("SourceType") != "ChimeSdkMeeting":
            raise _bad("SourceType must be ChimeSdkMeeting")
        if request.get("SinkType") != "S3Bucket":
            raise _bad("SinkType must be S3Bucket")
        source = _MEETING_ARN.match(str(request.get("SourceArn") or ""))
        if not source:
            raise _bad("SourceArn: arn:aws:chime::<account>:meeting:<MeetingId>")
        if not _BUCKET_ARN.match(str(request.get("SinkArn") or "")):
            raise _bad("SinkArn: arn:aws:s3:::<bucket>[/<prefix>]")
        token = str(request.get("ClientRequestToken") or "")
        if token and not _TOKEN.match(token):
            raise _bad("ClientRequestToken: 2 to 64 of - _ a-z A-Z 0-9")
        if token in self.tokens and self.tokens[token] in self.pipelines:
            return {"MediaCapturePipeline": dict(self.pipelines[self.tokens[token]]["public"])}
        meeting = self.meetings.get(source["id"])
        if meeting is None or meeting["ended"]:  # the operation has no NotFound: Chime says BadRequest
            raise _bad(f"The meeting {source['id']} has ended or does not exist")
        pipeline_id = str(uuid.uuid4())
        now = _timestamp()
        public = {"MediaPipelineId": pipeline_id,
                  "MediaPipelineArn": f"arn:aws:chime:{self.region}:{ACCOUNT}:media-pipeline/{pipeline_id}",
                  "SourceType": "ChimeSdkMeeting", "SourceArn": request["SourceArn"], "Status": "Initializing",
                  "SinkType": "S3Bucket", "SinkArn": request["SinkArn"], "CreatedTimestamp": now,
                  "UpdatedTimestamp": now}
        if request.get("ChimeSdkMeetingConfiguration"):
            public["ChimeSdkMeetingConfiguration"] = request["ChimeSdkMeetingConfiguration"]
        self.pipelines[pipeline_id] = {"public": public, "looks": 0}
        if token:
            self.tokens[token] = pipeline_id
        return {"MediaCapturePipeline": dict(public)}

    def _get_media_capture_pipeline(self, request: dict[str, Any], pipeline: str) -> dict[str, Any]:
        found = self._pipeline(pipeline)
        found["looks"] += 1
        if found["public"]["Status"] == "Initializing":  # under way by the next look
            found["public"].update(Status="InProgress", UpdatedTimestamp=_timestamp())
        return {"MediaCapturePipeline": dict(found["public"])}

    def _delete_media_capture_pipeline(self, request: dict[str, Any], pipeline: str) -> None:
        self._pipeline(pipeline)
        del self.pipelines[pipeline]

    def _pipeline(self, pipeline_id: str) -> dict[str, Any]:
        found = self.pipelines.get(pipeline_id)
        if found is None:
            raise _gone(f"Media pipeline {pipeline_id} not found")
        return found


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
