"""A twilio HttpClient that records every request the real twilio.rest.Client makes and answers as
Twilio's API would, or with the failures a test queues up."""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from twilio.http import HttpClient
from twilio.http.response import Response


@dataclass
class RecordedRequest:
    method: str
    url: str
    data: dict[str, Any]
    auth: tuple[str, str] | None
    headers: dict[str, str] = field(default_factory=dict)


class RecordingTwilioHttp(HttpClient):
    def __init__(self) -> None:
        super().__init__(logging.getLogger("twilio-recorder"), is_async=False)
        self.requests: list[RecordedRequest] = []
        self.failures: list[int | Exception] = []
        self.accepted: list[bool] = []

    def fail_next(self, *outcomes: int | Exception) -> None:
        """Answer the next requests with these HTTP statuses (or raise these errors), in order."""
        self.failures.extend(outcomes)

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False) -> Response:
        self.requests.append(RecordedRequest(method, url, dict(data or {}), auth, dict(headers or {})))
        self.accepted.append(not self.failures)
        if self.failures:
            outcome = self.failures.pop(0)
            if isinstance(outcome, Exception):
                raise outcome
            return Response(outcome, json.dumps({"code": 20500 if outcome >= 500 else 20429,
                                                 "message": "injected failure", "status": outcome}))
        sid = ("SM" if url.endswith("Messages.json") else "CA") + uuid.uuid4().hex
        payload = {"sid": sid, "status": "queued", "to": (data or {}).get("To"), "from": (data or {}).get("From"),
                   "body": (data or {}).get("Body"), "account_sid": auth[0] if auth else None}
        return Response(201, json.dumps(payload))

    def sms(self, to: str | None = None) -> list[RecordedRequest]:
        """Messages Twilio accepted (a failed attempt is not a message), optionally to one number."""
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.url.endswith("/Messages.json") and (to is None or r.data.get("To") == to)]

    def calls(self, to: str | None = None) -> list[RecordedRequest]:
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.url.endswith("/Calls.json") and (to is None or r.data.get("To") == to)]
