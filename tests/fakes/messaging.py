"""The Messenger port in memory (what was sent, to whom) and recording links made without a secret.

Like the carriers through telephony/rest.py and plivo_rest.py (an SMS through Plivo to India without DLT ids is
refused before anything is sent): `answer_late` takes the next messages and raises OutcomeUnknown
(the carrier has them, the caller does not know); find_sent finds a message by recipient, sender, content
and time, as rest.py reads Twilio's Messages list."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.domain.clock import iso
from chalicelib.domain.ports import Attempt, DltIds, Messenger, OutcomeUnknown


class MemoryMessenger:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail_next = 0  # this many sends are refused first (nothing sent)
        self.answer_late = 0  # this many sends are taken, then OutcomeUnknown
        self.lookups: list[Attempt] = []
        self.refuse_whatsapp = False
        self.refuse_whatsapp_to: set[str] = set()  # WhatsApp refuses these numbers outright (not on WhatsApp)
        self.refuse_sms_from: set[str] = set()  # SMS from these senders are refused (a route down, a DLT mismatch)
        self.answer_late_to: set[str] = set()  # messages to these numbers are taken, then OutcomeUnknown
        self._sent_at: dict[int, str] = {}  # id of a message in `sent` → when (a test may drop messages)

    def _fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionRefusedError("carrier unreachable")

    def _taken(self, message: dict[str, Any]) -> str:
        from datetime import UTC, datetime

        self.sent.append(message)
        self._sent_at[id(message)] = iso(datetime.now(UTC))
        if self.answer_late or message["to"] in self.answer_late_to:
            self.answer_late = max(self.answer_late - 1, 0)
            raise OutcomeUnknown("carrier answered after the timeout")
        return f"SM{len(self.sent)}"

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None, *,
                 carrier: str = "twilio", dlt: DltIds | None = None) -> str:
        if carrier == "plivo" and dlt is None and to.startswith("+91"):
            raise ValueError("an SMS to an Indian number through Plivo needs its DLT ids")  # as plivo_rest.py
        self._fail()
        if sender in self.refuse_sms_from:
            raise ConnectionError(f"21612: cannot route an SMS from {sender} to {to}")
        return self._taken({"channel": "sms", "to": to, "body": body, "sender": sender, "carrier": carrier,
                            "dlt": dlt, "status_callback": status_callback})

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        self._fail()
        if self.refuse_whatsapp or to in self.refuse_whatsapp_to:
            raise ConnectionError("63016: outside the 24-hour window")
        return self._taken({"channel": "whatsapp", "to": to, "content_sid": content_sid, "variables": variables,
                            "sender": sender, "carrier": "twilio", "status_callback": status_callback})

    def find_sent(self, attempt: Attempt) -> str | None:
        self.lookups.append(attempt)
        for n, message in reversed(list(enumerate(self.sent, 1))):
            content = message.get("body") if message["channel"] == "sms" else json.dumps(
                {"content_sid": message["content_sid"], "variables": message["variables"]}, ensure_ascii=False)
            same = (message["channel"], message["to"], message["sender"], content,
                    message.get("carrier", "twilio")) == (attempt.channel, attempt.to, attempt.sender, attempt.content,
                                                          attempt.carrier)
            if same and self._sent_at[id(message)] >= attempt.at:
                return f"SM{n}"
        return None

    def to(self, phone: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["to"] == phone]


def links(number: str, phone: str, hours: int) -> str:
    """domain/notices.py's RecordingLinks: a link that shows which recording, for whom, for how long."""
    return f"https://hotline.test/recordings/{number}-{phone[-4:]}-{hours}h"


if TYPE_CHECKING:
    _: Messenger = MemoryMessenger()
