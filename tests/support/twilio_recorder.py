"""A twilio HttpClient that records every request the real twilio.rest.Client makes and answers as
Twilio's API would, or with the failures a test queues up. Reads (GET: the Recordings list, a Call)
are answered from `account`, a sandbox state holding the calls and recordings made in the test; the
Messages and Calls lists from what this carrier took, filtered as Twilio filters them.

A slow carrier (`answer_late`) takes the message or call, then the client times out waiting for the answer:
the officer has the message, the app does not know it."""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from requests.exceptions import ReadTimeout
from twilio.http import HttpClient
from twilio.http.response import Response

from chalicelib.local.sandbox import carrier_listing

_LISTS = {"Messages.json": "Messages", "Calls.json": "Calls"}


class ConsumerKilled(BaseException):  # BaseException: no handler of the app catches it, as in a killed process
    """The Lambda runtime stopping the consumer mid-request (its timeout): nothing after the request runs."""


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
        self.late: list[str | None] = []  # POSTs taken, then answered after the client's timeout
        self.killing = 0  # POSTs taken, then the consumer is killed before the answer comes
        self.carrier: dict[str, list[dict[str, Any]]] = {"Messages": [], "Calls": []}  # what Twilio holds

    def fail_next(self, *outcomes: int | Exception) -> None:
        """Answer the next requests with these HTTP statuses (or raise these errors), in order."""
        self.failures.extend(outcomes)

    def fail_next_to(self, url_part: str, *outcomes: int | Exception) -> None:
        """Answer the next requests whose URL holds `url_part` with these statuses (or raise these errors)."""
        self.targeted.extend((url_part, outcome) for outcome in outcomes)

    def answer_late(self, count: int = 1, to: str | None = None) -> None:
        """The next `count` messages or calls (to `to`, if given) are taken and sent, and the client gets a
        ReadTimeout instead of the answer, as when Twilio answers after the client's timeout."""
        self.late.extend([to] * count)

    def kill_consumer_after_taking(self, count: int = 1) -> None:
        """The next `count` messages or calls are taken and sent, and the consumer dies waiting for the answer."""
        self.killing += count

    def _late(self, data: dict[str, Any]) -> bool:
        for n, to in enumerate(self.late):
            if to is None or to == data.get("To") or f"whatsapp:{to}" == data.get("To"):
                del self.late[n]
                return True
        return False

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
        listing = _LISTS.get(parts.path.rsplit("/", 1)[-1])
        if method == "GET" and listing:
            return Response(200, json.dumps(carrier_listing(listing, self.carrier[listing], query, parts.path)))
        if method == "GET" and self.account is not None:
            status, payload = self.account.read(parts.path, query)
            return Response(status, json.dumps(payload))
        sid = ("SM" if url.endswith("Messages.json") else "CA") + uuid.uuid4().hex
        payload = {"sid": sid, "status": "queued", "to": (data or {}).get("To"), "from": (data or {}).get("From"),
                   "body": (data or {}).get("Body"), "account_sid": auth[0] if auth else None}
        if listing:
            now = format_datetime(datetime.now(UTC))
            self.carrier[listing].append({**payload, "status": "sent" if listing == "Messages" else "ringing",
                                          "date_created": now, "start_time": now, "direction": "outbound-api",
                                          "request": dict(data or {})})
        if listing and self.killing:
            self.killing -= 1
            raise ConsumerKilled("the function timed out while Twilio was answering")
        if self._late(dict(data or {})):
            raise ReadTimeout("HTTPSConnectionPool(host='api.twilio.com', port=443): Read timed out. "
                              "(read timeout=5)")
        return Response(201, json.dumps(payload))

    def sms(self, to: str | None = None) -> list[RecordedRequest]:
        """Messages Twilio accepted (a failed attempt is not a message), optionally to one number."""
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.method == "POST" and r.url.endswith("/Messages.json")
                and (to is None or r.data.get("To") == to)]

    def reads(self, kind: str = "") -> list[RecordedRequest]:
        """GET requests (all of them, failed ones too), those whose path holds `kind` if given."""
        return [r for r in self.requests if r.method == "GET" and kind in urlsplit(r.url).path]

    def calls(self, to: str | None = None) -> list[RecordedRequest]:
        accepted = [r for r, ok in zip(self.requests, self.accepted, strict=True) if ok]
        return [r for r in accepted if r.method == "POST" and r.url.endswith("/Calls.json")
                and (to is None or r.data.get("To") == to)]
