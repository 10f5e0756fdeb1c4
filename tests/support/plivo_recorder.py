"""A requests transport adapter, mounted on the real plivo.RestClient's session (plivo_rest.use_transport), that
records every request the SDK makes and answers it as Plivo's API would — from a sandbox state
(chalicelib/local/sandbox.py plays Plivo's Call, Message and Recording resources) — or with the failures a test
queues up. Nothing leaves the process: the adapter is the session's only way out.

A slow carrier (`answer_late`) takes the message or call, then the client times out waiting for the answer."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.exceptions import ReadTimeout
from requests.structures import CaseInsensitiveDict

from chalicelib import settings
from chalicelib.local.sandbox import SandboxState
from chalicelib.telephony import plivo_rest

API = "https://api.plivo.com"


@dataclass
class PlivoRequest:
    method: str
    url: str
    path: str
    params: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class RecordingPlivoTransport(BaseAdapter):
    def __init__(self, state: SandboxState | None = None) -> None:
        super().__init__()
        self.state = state or SandboxState("AC" + "0" * 32, "unused", settings.plivo_auth_id(),
                                           settings.plivo_auth_token())
        self.state.plivo_media_base = "https://media.plivo.com"  # recordings' URLs as Plivo writes them
        self.requests: list[PlivoRequest] = []
        self.accepted: list[bool] = []
        self.failures: list[int | Exception] = []
        self.late: list[str | None] = []  # creates taken, then answered after the client's timeout
        self.targeted: list[tuple[str, int | Exception]] = []  # (destination, outcome): a create to it fails so

    def fail_next(self, *outcomes: int | Exception) -> None:
        """Answer the next requests with these HTTP statuses (or raise these errors), in order."""
        self.failures.extend(outcomes)

    def fail_next_to(self, to: str, *outcomes: int | Exception) -> None:
        """Answer the next creates to `to` (+E.164) with these HTTP statuses (or raise these errors), in order."""
        self.targeted.extend((to.lstrip("+"), outcome) for outcome in outcomes)

    def _targeted(self, body: dict[str, Any]) -> int | Exception | None:
        destination = str(body.get("dst") or body.get("to") or "").lstrip("+")
        for n, (to, outcome) in enumerate(self.targeted):
            if to == destination:
                del self.targeted[n]
                return outcome
        return None

    def answer_late(self, count: int = 1, to: str | None = None) -> None:
        """The next `count` creates (to `to`, Plivo's digits or +E.164, if given) are taken, and the client gets a
        ReadTimeout instead of the answer."""
        self.late.extend([to] * count)

    def _late(self, body: dict[str, Any]) -> bool:
        destination = str(body.get("dst") or body.get("to") or "")
        for n, to in enumerate(self.late):
            if to is None or to.lstrip("+") == destination.lstrip("+"):
                del self.late[n]
                return True
        return False

    def send(self, request: PreparedRequest, stream: bool = False, timeout: Any = None, verify: Any = True,
             cert: Any = None, proxies: Any = None) -> Response:
        url = request.url or ""
        parts = urlsplit(url)
        raw = request.body or b""
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        body = json.loads(text) if text.strip().startswith("{") else {}
        self.requests.append(PlivoRequest(str(request.method), url, parts.path, dict(parse_qsl(parts.query)), body,
                                          dict(request.headers)))
        outcome = self._targeted(body) if request.method == "POST" else None
        if outcome is None:
            outcome = self.failures.pop(0) if self.failures else None
        self.accepted.append(outcome is None)
        if isinstance(outcome, Exception):
            raise outcome
        if outcome is not None:
            return _response(request, outcome, {"api_id": "injected", "error": "injected failure"}, "application/json")
        if not url.startswith(API + "/"):
            raise AssertionError(f"the Plivo client asked for {url}: only {API} is Plivo's API")
        status, payload, content_type = self.state.plivo(str(request.method), parts.path, dict(parse_qsl(parts.query)),
                                                         text.encode(), request.headers.get("Authorization"))
        if request.method == "POST" and status < 300 and self._late(body):
            raise ReadTimeout("HTTPSConnectionPool(host='api.plivo.com', port=443): Read timed out. (read timeout=10)")
        return _response(request, status, payload, content_type)

    def close(self) -> None:
        pass

    def _posts(self, kind: str) -> list[PlivoRequest]:
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.method == "POST" and r.path.endswith(f"/{kind}/")]

    def sms(self, to: str | None = None) -> list[PlivoRequest]:
        """Message creates Plivo accepted (a failed attempt is not a message), optionally to one number."""
        return [r for r in self._posts("Message") if to is None or r.body.get("dst") == to.lstrip("+")]

    def calls(self, to: str | None = None) -> list[PlivoRequest]:
        return [r for r in self._posts("Call") if to is None or r.body.get("to") == to.lstrip("+")]

    def reads(self, kind: str = "") -> list[PlivoRequest]:
        """GET requests (failed ones too), those whose path holds `kind` if given."""
        return [r for r in self.requests if r.method == "GET" and kind in r.path]


def _response(request: PreparedRequest, status: int, payload: Any, content_type: str) -> Response:
    response = Response()
    response.status_code = status
    response._content = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    response.headers = CaseInsensitiveDict({"Content-Type": content_type})
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    return response


@pytest.fixture(autouse=True)
def plivo() -> Iterator[RecordingPlivoTransport]:
    """Every Plivo request of the test into a recorder (autouse where imported: no test reaches Plivo)."""
    recorder = RecordingPlivoTransport()
    plivo_rest.use_transport(recorder)
    yield recorder
    plivo_rest.use_transport(None)
