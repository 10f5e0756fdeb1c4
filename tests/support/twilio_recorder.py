"""A twilio HttpClient that records every request the real twilio.rest.Client makes and answers as
Twilio's API would, or with the failures a test queues up. Reads (GET: the Recordings list, a Call)
are answered from `account`, a sandbox state holding the calls and recordings made in the test."""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from twilio.http import HttpClient
from twilio.http.response import Response


@dataclass
class RecordedRequest:
    method: str
    url: str
    data: dict[str, Any]
    auth: tuple[str, str] | None
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


class RecordingTwilioHttp(HttpClient):
    def __init__(self, account: Any = None) -> None:
        super().__init__(logging.getLogger("twilio-recorder"), is_async=False)
        self.requests: list[RecordedRequest] = []
        self.failures: list[int | Exception] = []
        self.accepted: list[bool] = []
        self.account = account  # chalicelib.local.sandbox.SandboxState: what GETs read
        self.targeted: list[tuple[str, int | Exception]] = []

    def fail_next(self, *outcomes: int | Exception) -> None:
        """Answer the next requests with these HTTP statuses (or raise these errors), in order."""
        self.failures.extend(outcomes)

    def fail_next_to(self, url_part: str, *outcomes: int | Exception) -> None:
        """Answer the next requests whose URL holds `url_part` with these statuses (or raise these errors)."""
        self.targeted.extend((url_part, outcome) for outcome in outcomes)

    def _outcome(self, url: str) -> int | Exception | None:
        for n, (part, outcome) in enumerate(self.targeted):
            if part in url:
                del self.targeted[n]
                return outcome
        return self.failures.pop(0) if self.failures else None

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False) -> Response:
        parts = urlsplit(url)
        query = {**dict(parse_qsl(parts.query)), **{k: str(v) for k, v in (params or {}).items()}}
        self.requests.append(RecordedRequest(method, url, dict(data or {}), auth, dict(headers or {}), query))
        outcome = self._outcome(url)
        self.accepted.append(outcome is None)
        if outcome is not None:
            if isinstance(outcome, Exception):
                raise outcome
            return Response(outcome, json.dumps({"code": 20500 if outcome >= 500 else 20429,
                                                 "message": "injected failure", "status": outcome}))
        if method == "GET" and self.account is not None:
            status, payload = self.account.read(parts.path, query)
            return Response(status, json.dumps(payload))
        sid = ("SM" if url.endswith("Messages.json") else "CA") + uuid.uuid4().hex
        payload = {"sid": sid, "status": "queued", "to": (data or {}).get("To"), "from": (data or {}).get("From"),
                   "body": (data or {}).get("Body"), "account_sid": auth[0] if auth else None}
        return Response(201, json.dumps(payload))

    def sms(self, to: str | None = None) -> list[RecordedRequest]:
        """Messages Twilio accepted (a failed attempt is not a message), optionally to one number."""
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.url.endswith("/Messages.json") and (to is None or r.data.get("To") == to)]

    def reads(self, kind: str = "") -> list[RecordedRequest]:
        """GET requests (all of them, failed ones too), those whose path holds `kind` if given."""
        return [r for r in self.requests if r.method == "GET" and kind in urlsplit(r.url).path]

    def calls(self, to: str | None = None) -> list[RecordedRequest]:
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.url.endswith("/Calls.json") and (to is None or r.data.get("To") == to)]
