"""A local stand-in for Twilio's REST API and its recordings, on loopback.

The app's real twilio.rest.Client reaches it through SandboxHttpClient. Everything the app asks
for (messages, calls) is kept with the exact fields Twilio's API received and can be read back as
JSON: GET /sandbox/messages, /sandbox/calls, /sandbox/recordings.
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
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

_API = re.compile(r"^/api/2010-04-01/Accounts/(?P<account>AC\w+)/(?P<kind>Messages|Calls)\.json$")
_RECORDING = re.compile(r"^/recordings/(?P<sid>RE\w+?)(\.wav|\.mp3|\.txt)?$")


_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
         "Access-Control-Allow-Headers": "Content-Type, X-Amz-Target, X-Amz-User-Agent, Authorization",
         "Access-Control-Max-Age": "600"}


def _sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


class SandboxState:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.recordings: dict[str, dict[str, Any]] = {}
        self.base_url = ""
        self.answers: dict[str, str] = {}  # phone -> how the citizen answers the hotline's calls (a script)
        self.on_call: Callable[[dict[str, Any]], None] | None = None  # rings the callee of a placed call
        self.on_message: Callable[[dict[str, Any]], None] | None = None  # reports delivery, as Twilio does
        self.on_advance: Callable[[float], dict[str, Any]] | None = None
        self.issuer: Any = None  # chalicelib.local.auth.LocalIssuer: the user pool's stand-in under /auth/

    def add_recording(self, text: str | None = None, wav: bytes | None = None) -> dict[str, Any]:
        sid = _sid("RE")
        if wav is not None:
            with wave.open(io.BytesIO(wav)) as w:
                duration = max(1, round(w.getnframes() / float(w.getframerate())))
        else:
            duration = max(1, round(len((text or "").split()) / 2.5))  # ~150 spoken words a minute
        record = {"sid": sid, "duration": duration, "text": text, "has_audio": wav is not None,
                  "url": f"{self.base_url}/recordings/{sid}", "created": _now()}
        with self.lock:
            self.recordings[sid] = {**record, "wav": wav}
        return record


def _now() -> str:
    return datetime.now(UTC).isoformat()


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

    def do_OPTIONS(self) -> None:
        # The console (another port) signs in here: a CORS preflight, as Cognito's endpoint answers it.
        self._reply(204, b"", "text/plain", _CORS)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/auth/.well-known/jwks.json" and self.state.issuer:
            return self._reply(200, self.state.issuer.jwks())
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        listing = {"/sandbox/messages": "messages", "/sandbox/calls": "calls"}.get(parts.path)
        with self.state.lock:
            if listing:
                items = [m for m in getattr(self.state, listing)
                         if all(str(m.get(k, m.get("request", {}).get(k))) == v for k, v in query.items())]
                return self._reply(200, {listing: items})
            if parts.path == "/sandbox/recordings":
                return self._reply(200, {"recordings": [{k: v for k, v in r.items() if k != "wav"}
                                                        for r in self.state.recordings.values()]})
            match = _RECORDING.match(parts.path)
            if match and match["sid"] in self.state.recordings:
                rec = self.state.recordings[match["sid"]]
                if rec["wav"] is not None:
                    return self._reply(200, rec["wav"], "audio/wav")
                return self._reply(200, (rec["text"] or "").encode(), "text/plain; charset=utf-8")
        self._reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
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
        if parts.path == "/sandbox/advance" and self.state.on_advance:
            return self._reply(200, self.state.on_advance(float(json.loads(body or b"{}").get("seconds", 0))))
        if parts.path == "/sandbox/recordings":
            if (self.headers.get("Content-Type") or "").startswith("audio/"):
                return self._reply(201, self.state.add_recording(wav=body))
            return self._reply(201, self.state.add_recording(text=json.loads(body or b"{}").get("text", "")))
        match = _API.match(parts.path)
        if not match:
            return self._reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        if not self._authorised(match["account"]):
            return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
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
        self._reply(201, {**public, "api_version": "2010-04-01", "uri": f"{parts.path[4:-5]}/{record['sid']}.json"})


class Sandbox:
    def __init__(self, host: str, port: int, account_sid: str, auth_token: str) -> None:
        self.state = SandboxState(account_sid, auth_token)
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
