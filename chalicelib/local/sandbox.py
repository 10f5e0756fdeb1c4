"""A local stand-in for Twilio's REST API and its recordings, on loopback.

The app's real twilio.rest.Client reaches it through SandboxHttpClient, and its real plivo.RestClient through
plivo_rest's sandbox adapter (PLIVO_API_BASE): Plivo's API is played under /v1/Account/<auth_id>/ (Call,
Message, Recording: JSON bodies, Plivo's list shape api_id/meta/objects) and its media host under /media/.
Everything the app asks for (messages, calls) is kept with the exact fields the carrier's API received and can be
read back as JSON: GET /sandbox/messages, /sandbox/calls, /sandbox/recordings. The reconciler's reads are answered
as Twilio does: the Recordings list (paged, newest first), the Calls made to the hotline and each call's
Events (the requests made on it, which the call simulator posts to /sandbox/call-events). The
fallback TwiML is served at /fallback/<name>.xml, as the S3 bucket serves it deployed. Amazon Transcribe's batch
API is played under /transcribe/ (chalicelib/local/transcribe_standin.py), Amazon Chime SDK meetings and media
capture pipelines under /chime-meetings/ and /chime-pipelines/ (chalicelib/local/chime_standin.py).
"""
from __future__ import annotations

import base64
import io
import json
import re
import threading
import uuid
import wave
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

from chalicelib.local import chime_standin
from chalicelib.local.faults import UNAVAILABLE, FaultSwitch, answer_late
from chalicelib.local.transcribe_standin import CONTENT_TYPE as TRANSCRIBE_CONTENT_TYPE
from chalicelib.local.transcribe_standin import TranscribeStandIn

_API = re.compile(r"^/api/2010-04-01/Accounts/(?P<account>AC\w+)/(?P<kind>Messages|Calls)\.json$")
# What the reconciler reads (paths without the /api host prefix, as in Twilio's own URIs).
_READ = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC\w+)/"
                   r"(?:(?P<recordings>Recordings)\.json|Calls/(?P<call>CA\w+)(?P<events>/Events)?\.json"
                   r"|(?P<list>Messages|Calls)\.json)$")
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")  # RecordingSid -> recording_sid, as Call Events name parameters
_RECORDING = re.compile(r"^/recordings/(?P<sid>RE\w+?)(\.wav|\.mp3|\.txt)?$")
_STATIC = re.compile(r"^/fallback/(?P<name>[\w.-]+\.xml)$")
_NOT_FOUND = {"code": 20404, "message": "The requested resource was not found", "status": 404}


_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
         "Access-Control-Allow-Headers": "Content-Type, X-Amz-Target, X-Amz-User-Agent, Authorization",
         "Access-Control-Max-Age": "600"}


def _sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


# -- Plivo's REST API (v1), as the real plivo.RestClient meets it --------------------------------------------

_PLIVO = re.compile(r"^/v1/Account/(?P<account>[A-Z0-9]+)/(?P<kind>Call|Message|Recording)/(?:(?P<id>[\w-]+)/)?$")
_PLIVO_MEDIA = re.compile(r"^/media/v1/Account/(?P<account>[A-Z0-9]+)/Recording/(?P<id>[\w-]+)\.(?:mp3|wav)$")
_PLIVO_PATHS = re.compile(r"^(?:/media)?/v1/Account/")
_PLIVO_PAGE_MOST = 20
_IST = timezone(timedelta(hours=5, minutes=30))
_LIVE = ("ringing", "in-progress")  # the states the ringer leaves a call in while it is up
_QUEUED = ("queued",)


def _plivo_id() -> str:
    return str(uuid.uuid4())


def _plivo_error(status: int, error: str) -> tuple[int, dict[str, Any], str]:
    return status, {"api_id": _plivo_id(), "error": error}, "application/json"


def _ist(moment: datetime) -> str:
    """Plivo's resource times: IST with its offset, "2026-12-03 15:45:02.123456+05:30"."""
    return moment.astimezone(_IST).isoformat(sep=" ")


def _digits(phone: str | None) -> str:
    return (phone or "").lstrip("+")


def _e164(number: str | None) -> str:
    text = str(number or "")
    return "+" + text if text.isdigit() else text


def _filter_time(value: str) -> datetime | None:
    """A list filter's time, "YYYY-MM-DD HH:MM[:SS[.ffffff]]" in UTC."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def _time_filters(rows: list[dict[str, Any]], query: dict[str, str], name: str,
                  field: str) -> list[dict[str, Any]] | None:
    """Plivo's comparative filters (name__gt, __gte, __lt, __lte, and the exact name); None for a malformed one."""
    keep = {"__gt": datetime.__gt__, "__gte": datetime.__ge__, "__lt": datetime.__lt__, "__lte": datetime.__le__,
            "": datetime.__eq__}
    for suffix, compare in keep.items():
        value = query.get(name + suffix)
        if value is None:
            continue
        moment = _filter_time(value)
        if moment is None:
            return None
        rows = [r for r in rows if r.get(field) is not None and compare(r[field], moment)]
    return rows


class PlivoSide:
    """Plivo's part of the sandbox: the Call, Message and Recording resources of one account and its media. The
    calls and messages sit in the state's `calls` and `messages` beside Twilio's (carrier "plivo"), in the shape
    the ringer and `manage.py messages` read; Plivo's own fields are added to each."""

    plivo_auth_id: str
    plivo_auth_token: str
    plivo_recordings: dict[str, dict[str, Any]]
    plivo_inbound_calls: dict[str, dict[str, Any]]
    lock: threading.Lock
    messages: list[dict[str, Any]]
    calls: list[dict[str, Any]]
    base_url: str
    plivo_media_base: str | None  # where recording_url points: the sandbox's /media, or (a test's) Plivo's own host
    on_call: Callable[[dict[str, Any]], None] | None

    def plivo_authorised(self, account: str, authorization: str | None) -> bool:
        expected = base64.b64encode(f"{self.plivo_auth_id}:{self.plivo_auth_token}".encode()).decode()
        return bool(self.plivo_auth_id) and account == self.plivo_auth_id and authorization == f"Basic {expected}"

    def add_plivo_recording(self, text: str | None = None, wav: bytes | None = None,
                            call: dict[str, str] | None = None) -> dict[str, Any]:
        """A recording made on a Plivo call (`call`: its uuid, from and to). A call none of the sandbox's placed
        calls is becomes an inbound call to a Plivo line, which Call detail then shows."""
        recording_id = _plivo_id()
        if wav is not None:
            with wave.open(io.BytesIO(wav)) as w:
                milliseconds = max(1000, round(1000 * w.getnframes() / float(w.getframerate())))
        else:
            milliseconds = max(1000, round(1000 * len((text or "").split()) / 2.5))
        created = datetime.now(UTC)
        call_uuid = (call or {}).get("uuid") or _plivo_id()
        record = {"recording_id": recording_id, "call_uuid": call_uuid, "text": text, "has_audio": wav is not None,
                  "recording_url": f"{self.plivo_media_base or self.base_url + '/media'}/v1/Account/"
                                   f"{self.plivo_auth_id}/Recording/{recording_id}.mp3",
                  "recording_duration_ms": f"{milliseconds}.00000", "add_time": _ist(created)}
        with self.lock:
            self.plivo_recordings[recording_id] = {**record, "wav": wav, "created_at": created}
            placed = any(c.get("call_uuid") == call_uuid for c in self.calls)
            if not placed:
                given = call or {}
                self.plivo_inbound_calls.setdefault(call_uuid, {
                    "call_uuid": call_uuid, "from": _e164(given.get("from")), "to": _e164(given.get("to")),
                    "direction": "inbound", "status": "completed", "created_at": created, "ended_at": created})
        return record

    def plivo(self, method: str, path: str, query: dict[str, str], body: bytes,
              authorization: str | None) -> tuple[int, Any, str]:
        """One request to Plivo's API or media host: (status, JSON payload or bytes, content type)."""
        media = _PLIVO_MEDIA.match(path)
        if media:
            if method != "GET" or not self.plivo_authorised(media["account"], authorization):
                return _plivo_error(401, "Authentication failed")
            with self.lock:
                recording = self.plivo_recordings.get(media["id"])
            if recording is None:
                return _plivo_error(404, "not found")
            if recording["wav"] is not None:
                return 200, recording["wav"], "audio/wav"
            return 200, (recording["text"] or "").encode(), "text/plain; charset=utf-8"
        match = _PLIVO.match(path)
        if not match:
            return _plivo_error(404, "not found")
        if not self.plivo_authorised(match["account"], authorization):
            return _plivo_error(401, "Authentication failed")
        kind, key = match["kind"], match["id"]
        if method == "POST" and key is None and kind in ("Call", "Message"):
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return _plivo_error(400, "the body is not JSON")
            return self._create_call(request) if kind == "Call" else self._create_message(request)
        if method != "GET":
            return _plivo_error(405, f"{method} not allowed")
        if key is not None:
            return self._plivo_get(kind, key, query)
        return self._plivo_list(kind, path, query)

    def _create_call(self, request: dict[str, Any]) -> tuple[int, Any, str]:
        if not (request.get("from") and request.get("to") and request.get("answer_url")):
            return _plivo_error(400, "from, to and answer_url are required")
        now = datetime.now(UTC)
        request_uuid, call_uuid = _plivo_id(), _plivo_id()
        record = {"sid": request_uuid, "carrier": "plivo", "request_uuid": request_uuid, "call_uuid": call_uuid,
                  "account_sid": self.plivo_auth_id, "to": _e164(request["to"]), "from": _e164(request["from"]),
                  "status": "queued", "date_created": format_datetime(now), "direction": "outbound-api",
                  "created_at": now,
                  # What the ringer reads (Twilio's names), beside the JSON Plivo received.
                  "request": {**{k: str(v) for k, v in request.items()}, "To": _e164(request["to"]),
                              "From": _e164(request["from"]), "Url": request["answer_url"],
                              "StatusCallback": request.get("hangup_url") or ""}}
        with self.lock:
            self.calls.append(record)
        if self.on_call:
            self.on_call(record)
        return 201, {"api_id": _plivo_id(), "message": "call fired", "request_uuid": request_uuid}, "application/json"

    def _create_message(self, request: dict[str, Any]) -> tuple[int, Any, str]:
        from chalicelib.domain.sms_segments import segments

        if not (request.get("src") and request.get("dst") and request.get("text")):
            return _plivo_error(400, "src, dst and text are required")
        now = datetime.now(UTC)
        message_uuid = _plivo_id()
        record = {"sid": message_uuid, "carrier": "plivo", "account_sid": self.plivo_auth_id,
                  "to": _e164(request["dst"]), "from": request["src"], "body": request["text"], "status": "queued",
                  "date_created": format_datetime(now), "num_segments": str(segments(request["text"])),
                  "direction": "outbound-api", "created_at": now,
                  "dlt_entity_id": request.get("dlt_entity_id"), "dlt_template_id": request.get("dlt_template_id"),
                  "request": {**{k: str(v) for k, v in request.items()}, "To": _e164(request["dst"]),
                              "From": request["src"], "Body": request["text"], "StatusCallback": request.get("url")}}
        with self.lock:
            self.messages.append(record)
        # Delivery reports are not posted: the ringer speaks Twilio's callbacks only.
        return 202, {"api_id": _plivo_id(), "message": "message(s) queued", "message_uuid": [message_uuid]}, \
            "application/json"

    def _cdr(self, call: dict[str, Any]) -> dict[str, Any]:
        """A call as Plivo's Call detail record shows it."""
        created = call["created_at"]
        ended = call.get("ended_at") or created
        inbound = call.get("direction") == "inbound"
        uuid_ = call["call_uuid"]
        return {"call_uuid": uuid_, "from_number": _digits(call.get("from")), "to_number": _digits(call.get("to")),
                "call_direction": "inbound" if inbound else "outbound", "initiation_time": _ist(created),
                "answer_time": _ist(created), "end_time": _ist(ended), "call_state": "ANSWER",
                "hangup_cause_name": "Normal Hangup", "bill_duration": 0,
                "resource_uri": f"/v1/Account/{self.plivo_auth_id}/Call/{uuid_}/"}

    def _plivo_calls(self, states: tuple[str, ...] | None) -> list[dict[str, Any]]:
        """Plivo's placed calls in these sandbox states (None: those finished), and the inbound ones then."""
        placed = [c for c in self.calls if c.get("carrier") == "plivo"]
        if states is not None:
            return [c for c in placed if c.get("status") in states]
        done = [{**c, "ended_at": c.get("ended_at") or datetime.now(UTC)} for c in placed
                if c.get("status") not in _LIVE + _QUEUED]
        return done + list(self.plivo_inbound_calls.values())

    def _plivo_get(self, kind: str, key: str, query: dict[str, str]) -> tuple[int, Any, str]:
        with self.lock:
            if kind == "Recording":
                found = self.plivo_recordings.get(key)
                shown = self._recording_object(found) if found else None
            elif kind == "Message":
                found = next((m for m in self.messages if m.get("carrier") == "plivo" and m["sid"] == key), None)
                shown = self._mdr(found) if found else None
            elif query.get("status") in ("live", "queued"):
                found = next((c for c in self._plivo_calls(_LIVE if query["status"] == "live" else _QUEUED)
                              if c["call_uuid"] == key), None)
                shown = {"call_uuid": key, "request_uuid": found["request_uuid"], "from": _digits(found["from"]),
                         "to": _digits(found["to"]), "direction": "outbound", "call_status": found["status"],
                         "caller_name": ""} if found else None
            else:
                found = next((c for c in self._plivo_calls(None) if c["call_uuid"] == key), None)
                shown = self._cdr(found) if found else None
        if shown is None:
            return _plivo_error(404, f"{kind.lower()} not found")
        return 200, {"api_id": _plivo_id(), **shown}, "application/json"

    def _recording_object(self, recording: dict[str, Any]) -> dict[str, Any]:
        return {"recording_id": recording["recording_id"], "call_uuid": recording["call_uuid"],
                "recording_url": recording["recording_url"],
                "recording_duration_ms": recording["recording_duration_ms"],
                "recording_format": "mp3", "recording_type": "normal", "add_time": recording["add_time"],
                "conference_name": None, "resource_uri": f"/v1/Account/{self.plivo_auth_id}/Recording/"
                                                         f"{recording['recording_id']}/"}

    def _mdr(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as Plivo's message detail record shows it: no text."""
        return {"message_uuid": message["sid"], "from_number": _digits(message["from"]),
                "to_number": _digits(message["to"]), "message_direction": "outbound",
                "message_state": message.get("status") or "queued", "message_time": _ist(message["created_at"]),
                "message_type": "sms", "units": int(message.get("num_segments") or 1), "error_code": "000",
                "total_amount": "0.00000", "dlt_entity_id": message.get("dlt_entity_id"),
                "dlt_template_id": message.get("dlt_template_id"),
                "resource_uri": f"/v1/Account/{self.plivo_auth_id}/Message/{message['sid']}/"}

    def _plivo_list(self, kind: str, path: str, query: dict[str, str]) -> tuple[int, Any, str]:
        with self.lock:
            if kind == "Call" and query.get("status") in ("live", "queued"):
                rows = self._plivo_calls(_LIVE if query["status"] == "live" else _QUEUED)
                rows = [c for c in rows if all(_digits(c[side]) == _digits(query[name])
                                               for name, side in (("from_number", "from"), ("to_number", "to"))
                                               if query.get(name))]
                return 200, {"api_id": _plivo_id(), "calls": [c["call_uuid"] for c in rows]}, "application/json"
            if kind == "Recording":
                records = sorted(self.plivo_recordings.values(), key=lambda r: r["created_at"], reverse=True)
                filtered = _time_filters(records, query, "add_time", "created_at")
                if filtered is not None and query.get("call_uuid"):
                    filtered = [r for r in filtered if r["call_uuid"] == query["call_uuid"]]
                objects = [self._recording_object(r) for r in filtered or []]
            elif kind == "Message":
                records = sorted((m for m in self.messages if m.get("carrier") == "plivo"),
                                 key=lambda m: m["created_at"], reverse=True)
                filtered = _time_filters(records, query, "message_time", "created_at")
                objects = [self._mdr(m) for m in filtered or []]
                if query.get("message_direction"):
                    objects = [m for m in objects if m["message_direction"] == query["message_direction"]]
            else:
                records = sorted(self._plivo_calls(None), key=lambda c: c["created_at"], reverse=True)
                filtered = _time_filters(records, query, "end_time", "ended_at")
                objects = [self._cdr(c) for c in filtered or []]
                if query.get("call_direction"):
                    objects = [c for c in objects if c["call_direction"] == query["call_direction"]]
        if filtered is None:
            return _plivo_error(400, "a time filter is not YYYY-MM-DD HH:MM[:ss[.uuuuuu]]")
        for name in ("from_number", "to_number"):
            if query.get(name):
                objects = [o for o in objects if o.get(name) == _digits(query[name])]
        return self._plivo_page(path, objects, query)

    def _plivo_page(self, path: str, objects: list[dict[str, Any]], query: dict[str, str]) -> tuple[int, Any, str]:
        """One page, newest first, as Plivo pages a list: limit (at most 20) and offset, meta.next to follow."""
        limit, offset = query.get("limit") or "20", query.get("offset") or "0"
        if not (limit.isdigit() and offset.isdigit()) or not 0 < int(limit) <= _PLIVO_PAGE_MOST:
            return _plivo_error(400, "limit must be 1 to 20 and offset a number")
        size, start = int(limit), int(offset)
        kept = {k: v for k, v in query.items() if k not in ("limit", "offset")}

        def at(position: int) -> str:
            return f"{path}?{urlencode({**kept, 'limit': size, 'offset': position})}"

        meta = {"limit": size, "offset": start, "total_count": len(objects),
                "next": at(start + size) if start + size < len(objects) else None,
                "previous": at(max(0, start - size)) if start else None}
        return 200, {"api_id": _plivo_id(), "meta": meta, "objects": objects[start:start + size]}, "application/json"


class SandboxState(PlivoSide):
    def __init__(self, account_sid: str, auth_token: str, plivo_auth_id: str = "", plivo_auth_token: str = "") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.plivo_auth_id = plivo_auth_id
        self.plivo_auth_token = plivo_auth_token
        self.plivo_recordings: dict[str, dict[str, Any]] = {}
        self.plivo_inbound_calls: dict[str, dict[str, Any]] = {}  # calls to a Plivo line, as its Call detail
        self.plivo_media_base: str | None = None
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.recordings: dict[str, dict[str, Any]] = {}
        self.base_url = ""
        self.answers: dict[str, str] = {}  # phone -> how the citizen answers the hotline's calls (a script)
        self.on_call: Callable[[dict[str, Any]], None] | None = None  # rings the callee of a placed call
        self.on_message: Callable[[dict[str, Any]], None] | None = None  # reports delivery, as Twilio does
        self.on_advance: Callable[[float], dict[str, Any]] | None = None
        # `manage.py load-district --local` wrote the directory: the stack forgets its cached copy (the app's TTL)
        self.on_directory_changed: Callable[[], dict[str, Any]] | None = None
        self.issuer: Any = None  # chalicelib.local.auth.LocalIssuer: the user pool's stand-in under /auth/
        self.inbound_calls: dict[str, dict[str, Any]] = {}  # calls to the hotline, as Twilio's Calls resource
        self.documents: dict[str, str] = {}  # the fallback TwiML, served at /fallback/<name> like the S3 prefix
        self.call_events: dict[str, list[dict[str, Any]]] = {}  # CallSid -> the requests Twilio made on the call
        self.faults = FaultSwitch()  # POST /_faults: 503s, slow answers, the AWS endpoint down (faults.py)
        # Amazon Transcribe's batch API under /transcribe/ (AWS_ENDPOINT_URL_TRANSCRIBE), reading and writing S3
        self.transcribe = TranscribeStandIn()
        # Chime SDK meetings and media pipelines (AWS_ENDPOINT_URL_CHIME_SDK_*): its URLs name this sandbox
        self.chime = chime_standin.ChimeStandIn(lambda: self.base_url)

    def add_recording(self, text: str | None = None, wav: bytes | None = None,
                      call: dict[str, str] | None = None) -> dict[str, Any]:
        """A recording made on a call (`call`: its sid, from and to, which the call resource then shows)."""
        sid = _sid("RE")
        if wav is not None:
            with wave.open(io.BytesIO(wav)) as w:
                duration = max(1, round(w.getnframes() / float(w.getframerate())))
        else:
            duration = max(1, round(len((text or "").split()) / 2.5))  # ~150 spoken words a minute
        created = datetime.now(UTC)
        record = {"sid": sid, "duration": duration, "text": text, "has_audio": wav is not None,
                  "url": f"{self.base_url}/recordings/{sid}", "created": created.isoformat(),
                  "call_sid": (call or {}).get("sid")}
        with self.lock:
            self.recordings[sid] = {**record, "wav": wav, "created_at": created}
            if call and call.get("sid"):
                self.inbound_calls.setdefault(call["sid"], {
                    "sid": call["sid"], "account_sid": self.account_sid, "from": call.get("from"),
                    "to": call.get("to"), "direction": "inbound", "status": "completed",
                    "date_created": format_datetime(created), "start_time": format_datetime(created),
                    "api_version": "2010-04-01"})
        return record

    @property
    def fallback_url(self) -> str | None:
        """The number's fallback URL as the call simulator follows it (when the documents are served here)."""
        return f"{self.base_url}/fallback/voice.xml" if self.base_url and self.documents else None

    def add_call_event(self, call_sid: str, method: str, url: str, parameters: dict[str, str],
                       status: int) -> None:
        """A request Twilio made on a call and how it was answered, as its Call Events resource lists it."""
        event = {"request": {"method": method, "url": url,
                             "parameters": {_WORD.sub("_", k).lower(): v for k, v in parameters.items()}},
                 "response": {"response_code": status, "date_created": format_datetime(datetime.now(UTC))}}
        with self.lock:
            self.call_events.setdefault(call_sid, []).append(event)

    def _events(self, path: str, call_sid: str) -> tuple[int, dict[str, Any]]:
        """Twilio keeps a call's events from a while after it ends; the sandbox at once. Newest first."""
        events = list(reversed(self.call_events.get(call_sid, [])))
        return 200, {"events": events, "page": 0, "page_size": max(len(events), 50), "start": 0,
                     "end": max(len(events) - 1, 0), "uri": path, "first_page_uri": path, "next_page_uri": None,
                     "previous_page_uri": None}

    def read(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """GET on Twilio's API as the reconciler uses it: the Recordings list (newest first, `DateCreated>`,
        PageSize, PageToken: the next page's URI comes with each page) and one Call."""
        match = _READ.match(path)
        if not match:
            return 404, _NOT_FOUND
        account = match["account"]
        if match["list"]:
            with self.lock:
                rows = [r for r in (self.messages if match["list"] == "Messages" else self.calls)
                        if r.get("carrier", "twilio") == "twilio"]
            return 200, carrier_listing(match["list"], rows, query, path)
        with self.lock:
            if match["events"]:
                return self._events(path, match["call"])
            if match["call"]:
                call = self.inbound_calls.get(match["call"]) or next(
                    ({**c, "direction": c.get("direction", "outbound-api")} for c in self.calls
                     if c["sid"] == match["call"]), None)
                if call is None:
                    return 404, {**_NOT_FOUND, "message": f"The requested resource {path} was not found"}
                return 200, {k: v for k, v in call.items() if k != "request"}
            rows = sorted(self.recordings.values(), key=lambda r: (r["created_at"], r["sid"]), reverse=True)
        after = query.get("DateCreated>") or query.get("DateCreated>=")
        if after:
            since = datetime.strptime(after, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) if "T" in after else \
                datetime.strptime(after, "%Y-%m-%d").replace(tzinfo=UTC)
            rows = [r for r in rows if r["created_at"] >= since]
        size, number, token = int(query.get("PageSize") or 50), int(query.get("Page") or 0), query.get("PageToken")
        if size > 1000:
            return 400, {"code": 20007, "message": "Page size too large. The maximum page size is 1000.", "status": 400}
        size = max(1, size)
        # Twilio's cursor: the page starts after the recording the token names (PA + its sid), so recordings
        # made meanwhile shift nothing; a token naming none is refused, never read as "the first page".
        start = next((i + 1 for i, r in enumerate(rows) if "PA" + r["sid"] == token), None) if token else number * size
        if start is None:
            return 400, {"code": 21481, "message": "Invalid PageToken", "status": 400}
        page = rows[start:start + size]
        uri = f"/2010-04-01/Accounts/{account}/Recordings.json"
        keep = "".join(f"&{quote(k)}={quote(v)}" for k, v in query.items() if k.startswith("DateCreated"))
        more = start + size < len(rows)
        return 200, {
            "recordings": [{
                "sid": r["sid"], "account_sid": account, "call_sid": r.get("call_sid"), "status": "completed",
                "duration": str(r["duration"]), "date_created": format_datetime(r["created_at"]),
                "start_time": format_datetime(r["created_at"]), "channels": 1, "source": "RecordVerb",
                "api_version": "2010-04-01", "uri": f"{uri[:-5]}/{r['sid']}.json", "media_url": r["url"]}
                for r in page],
            "page": number, "page_size": size, "start": start, "end": start + len(page) - 1,
            "uri": f"{uri}?PageSize={size}&Page={number}{keep}",
            "first_page_uri": f"{uri}?PageSize={size}&Page=0{keep}",
            "next_page_uri": f"{uri}?PageSize={size}&Page={number + 1}&PageToken=PA{page[-1]['sid']}{keep}"
            if more and page else None,
            "previous_page_uri": None,
        }


# The list filters of Twilio's Messages and Calls resources: To and From exact; the date filters compare
# the GMT day only (DateSent / StartTime, with < and > for on-or-before and on-or-after, as the SDK's
# date_sent_after sends them) and leave out what has no such date yet: a message still queued has no
# date_sent, a call not yet started no start_time.
_LIST_DATES = {"Messages": ("DateSent", "date_sent"), "Calls": ("StartTime", "start_time")}


def _gmt_day(value: str) -> str:
    if "," in value:  # RFC 2822, as resources carry their dates
        return parsedate_to_datetime(value).astimezone(UTC).strftime("%Y-%m-%d")
    return value.lstrip("<>=")[:10]


def _listed(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    public = {k: v for k, v in record.items() if k != "request"}
    request = record.get("request") or {}
    day_field = _LIST_DATES[kind][1]
    if not public.get(day_field) and public.get("status") not in (None, "queued", "accepted", "initiated"):
        public[day_field] = public.get("date_created")  # handed on at once: sent when it was created
    if kind == "Messages":
        public.setdefault("messaging_service_sid", request.get("MessagingServiceSid"))
        if not public.get("body") and request.get("ContentSid"):
            # Twilio lists a Content template's message with its text filled in; the sandbox knows no
            # template texts, so it lists the template and the values that filled it.
            values = json.loads(request.get("ContentVariables") or "{}")
            public["body"] = f"{request['ContentSid']}: " + " | ".join(str(v) for v in values.values())
    return public


def message_text(record: dict[str, Any]) -> str:
    """What a person reads of a message the app handed on: its text, or for a WhatsApp template (Twilio's
    Content API: a ContentSid and the values of its variables, no Body) the template and each variable's value."""
    request = record.get("request") or {}
    if record.get("body") or not request.get("ContentSid"):
        return str(record.get("body") or "")
    try:
        values = json.loads(request.get("ContentVariables") or "{}")
    except ValueError:
        values = {}
    filled = ", ".join(f"{{{{{name}}}}}={value}" for name, value in values.items()) or "no variables"
    return f"WhatsApp template {request['ContentSid']} ({filled})"


def carrier_listing(kind: str, records: list[dict[str, Any]], query: dict[str, str], path: str) -> dict[str, Any]:
    """GET Messages.json / Calls.json as Twilio answers it: filtered, newest first, the first PageSize."""
    rows = [_listed(kind, r) for r in records]
    for name in ("To", "From"):
        if query.get(name):
            rows = [r for r in rows if r.get(name.lower()) == query[name]]
    param, field = _LIST_DATES[kind]
    for suffix, keep in (("", str.__eq__), ("<", str.__le__), (">", str.__ge__)):
        if query.get(param + suffix):
            day = _gmt_day(query[param + suffix])
            rows = [r for r in rows if r.get(field) and keep(_gmt_day(r[field]), day)]
    rows.sort(key=lambda r: parsedate_to_datetime(r["date_created"]), reverse=True)
    size = max(1, min(1000, int(query.get("PageSize") or 50)))
    page = int(query.get("Page") or 0) if str(query.get("Page") or "0").isdigit() else 0
    start = page * size
    # Twilio pages a list with next_page_uri (Page and a PageToken): a busy officer's older messages are there.
    later = {**{k: v for k, v in query.items() if k not in ("Page", "PageToken", "PageSize")},
             "PageSize": size, "Page": page + 1, "PageToken": f"PT{start + size}"}
    next_uri = f"{path}?{urlencode(later)}" if start + size < len(rows) else None
    return {kind.lower(): rows[start:start + size], "page": page, "page_size": size, "start": start,
            "end": min(start + size, len(rows)) - 1, "uri": path, "first_page_uri": path,
            "next_page_uri": next_uri, "previous_page_uri": None}


class _Handler(BaseHTTPRequestHandler):

    state: SandboxState

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: Any, content_type: str = "application/json",
               headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False, indent=1).encode()
        self.send_response(status)
        if not isinstance(payload, bytes):
            content_type = "application/json; charset=utf-8"
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self, account: str) -> bool:
        expected = base64.b64encode(f"{self.state.account_sid}:{self.state.auth_token}".encode()).decode()
        return account == self.state.account_sid and self.headers.get("Authorization") == f"Basic {expected}"

    def _plivo(self, method: str, path: str, query: dict[str, str], body: bytes) -> None:
        fault = self.state.faults.carrier.next_request()
        if fault and fault.refuse:  # nothing is done
            return self._reply(503, {"api_id": _plivo_id(), "error": "service temporarily unavailable"})
        status, payload, content_type = self.state.plivo(method, path, query, body,
                                                         self.headers.get("Authorization"))
        answer_late(fault)  # taken, answered late: the client may have given up and retry
        self._reply(status, payload, content_type)

    def do_OPTIONS(self) -> None:
        # The console (another port) signs in here: a CORS preflight, as Cognito's endpoint answers it.
        self._reply(204, b"", "text/plain", _CORS)

    def _chime(self, method: str) -> None:
        status, answer = self.state.chime.handle(method, self.path, self._body() if method == "POST" else b"")
        payload = b"" if answer is None else json.dumps(answer, ensure_ascii=False).encode()
        self._reply(status, payload, "application/json", chime_standin.error_headers(status, answer))

    def do_DELETE(self) -> None:
        if chime_standin.owns(urlsplit(self.path).path):
            return self._chime("DELETE")
        self._reply(404, _NOT_FOUND)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if chime_standin.owns(parts.path):
            return self._chime("GET")
        if parts.path == "/auth/.well-known/jwks.json" and self.state.issuer:
            return self._reply(200, self.state.issuer.jwks())
        if parts.path == "/_faults":
            return self._reply(200, self.state.faults.describe())
        if parts.path == "/sandbox/chime-requests":  # the meeting stand-in's operations, in order (tests read them)
            return self._reply(200, {"requests": list(self.state.chime.requests)})
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if _PLIVO_PATHS.match(parts.path):
            return self._plivo("GET", parts.path, query, b"")
        if parts.path.startswith("/api/2010-04-01/"):
            read = _READ.match(parts.path[4:])
            if read and not self._authorised(read["account"]):
                return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            fault = self.state.faults.carrier.next_request()
            if fault and fault.refuse:
                return self._reply(503, UNAVAILABLE)
            answer_late(fault)
            return self._reply(*self.state.read(parts.path[4:], query))
        static = _STATIC.match(parts.path)
        if static and static["name"] in self.state.documents:  # like S3: GET, any query string ignored
            return self._reply(200, self.state.documents[static["name"]].encode(), "text/xml; charset=utf-8")
        listing = {"/sandbox/messages": "messages", "/sandbox/calls": "calls"}.get(parts.path)
        with self.state.lock:
            if listing:
                items = [{k: v for k, v in m.items() if k != "created_at"} for m in getattr(self.state, listing)
                         if all(str(m.get(k, m.get("request", {}).get(k))) == v for k, v in query.items())]
                return self._reply(200, {listing: items})
            if parts.path == "/sandbox/recordings":
                twilio = [{**{k: v for k, v in r.items() if k not in ("wav", "created_at")}, "carrier": "twilio"}
                          for r in self.state.recordings.values()]
                plivo = [{**{k: v for k, v in r.items() if k not in ("wav", "created_at")}, "carrier": "plivo",
                          "url": r["recording_url"]} for r in self.state.plivo_recordings.values()]
                return self._reply(200, {"recordings": twilio + plivo})
            match = _RECORDING.match(parts.path)
            if match and match["sid"] in self.state.recordings:
                rec = self.state.recordings[match["sid"]]
                if rec["wav"] is not None:
                    return self._reply(200, rec["wav"], "audio/wav")
                return self._reply(200, (rec["text"] or "").encode(), "text/plain; charset=utf-8")
        self._reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if chime_standin.owns(parts.path):
            return self._chime("POST")
        body = self._body()
        if parts.path == "/_faults":
            return self._reply(*self.state.faults.apply(body))
        if parts.path in ("/transcribe", "/transcribe/"):
            status, answer = self.state.transcribe.handle(self.headers.get("X-Amz-Target", ""), body)
            return self._reply(status, json.dumps(answer, ensure_ascii=False).encode(), TRANSCRIBE_CONTENT_TYPE)
        if parts.path == "/auth/" and self.state.issuer:
            target = self.headers.get("X-Amz-Target", "")
            if target != "AWSCognitoIdentityProviderService.InitiateAuth":
                return self._reply(400, {"__type": "UnknownOperationException", "message": target}, headers=_CORS)
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return self._reply(400, {"__type": "SerializationException", "message": "not JSON"}, headers=_CORS)
            status, answer = self.state.issuer.initiate_auth(request)
            return self._reply(status, answer, headers=_CORS)
        if parts.path == "/sandbox/answers":
            request = json.loads(body or b"{}")
            with self.state.lock:
                self.state.answers[request["number"]] = request.get("script")
            return self._reply(200, {"answers": self.state.answers})
        if parts.path == "/sandbox/directory-changed" and self.state.on_directory_changed:
            return self._reply(200, self.state.on_directory_changed())
        if parts.path == "/sandbox/advance" and self.state.on_advance:
            return self._reply(200, self.state.on_advance(float(json.loads(body or b"{}").get("seconds", 0))))
        if parts.path == "/sandbox/call-events":
            event = json.loads(body or b"{}")
            self.state.add_call_event(event["call_sid"], event["method"], event["url"], event["parameters"],
                                      int(event["status"]))
            return self._reply(201, {})
        if _PLIVO_PATHS.match(parts.path):
            return self._plivo("POST", parts.path, dict(parse_qsl(parts.query)), body)
        if parts.path == "/sandbox/plivo/recordings":
            given = dict(parse_qsl(parts.query))  # the call it was made on: call_uuid, from, to
            call = {"uuid": given.get("call_uuid", ""), "from": given.get("from", ""), "to": given.get("to", "")}
            if (self.headers.get("Content-Type") or "").startswith("audio/"):
                return self._reply(201, self.state.add_plivo_recording(wav=body, call=call))
            return self._reply(201, self.state.add_plivo_recording(
                text=json.loads(body or b"{}").get("text", ""), call=call))
        if parts.path == "/sandbox/recordings":
            given = dict(parse_qsl(parts.query))  # the call it was made on: call_sid, from, to
            call = {"sid": given.get("call_sid", ""), "from": given.get("from", ""), "to": given.get("to", "")}
            if (self.headers.get("Content-Type") or "").startswith("audio/"):
                return self._reply(201, self.state.add_recording(wav=body, call=call))
            return self._reply(201, self.state.add_recording(text=json.loads(body or b"{}").get("text", ""),
                                                             call=call))
        match = _API.match(parts.path)
        if not match:
            return self._reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        if not self._authorised(match["account"]):
            return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
        fault = self.state.faults.carrier.next_request()
        if fault and fault.refuse:  # nothing is sent
            return self._reply(503, UNAVAILABLE)
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        created = format_datetime(datetime.now(UTC))
        if match["kind"] == "Messages":
            if not form.get("To") or not (form.get("Body") or form.get("ContentSid")):
                return self._reply(400, {"code": 21602, "message": "Message body is required.", "status": 400})
            record = {"sid": _sid("SM"), "account_sid": match["account"], "to": form.get("To"),
                      "from": form.get("From") or form.get("MessagingServiceSid"), "body": form.get("Body"),
                      "status": "queued", "date_created": created, "num_segments": None, "direction": "outbound-api",
                      "request": form}
            with self.state.lock:
                self.state.messages.append(record)
            if self.state.on_message:
                self.state.on_message(record)
        else:
            record = {"sid": _sid("CA"), "account_sid": match["account"], "to": form.get("To"),
                      "from": form.get("From"), "status": "queued", "date_created": created,
                      "direction": "outbound-api", "request": form}
            with self.state.lock:
                self.state.calls.append(record)
            if self.state.on_call:
                self.state.on_call(record)
        public = {k: v for k, v in record.items() if k != "request"}
        answer_late(fault)  # taken and sent, answered late: the client may have given up and retry
        self._reply(201, {**public, "api_version": "2010-04-01", "uri": f"{parts.path[4:-5]}/{record['sid']}.json"})


class Sandbox:
    def __init__(self, host: str, port: int, account_sid: str, auth_token: str, plivo_auth_id: str = "",
                 plivo_auth_token: str = "") -> None:
        self.state = SandboxState(account_sid, auth_token, plivo_auth_id, plivo_auth_token)
        handler = type("SandboxHandler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.state.base_url = self.url
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="twilio-sandbox")

    def start(self) -> Sandbox:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
