"""The Messenger port in memory (what was sent, to whom) and recording links made without a secret."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.ports import Messenger


class MemoryMessenger:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail_next = 0  # this many sends time out first
        self.refuse_whatsapp = False

    def _fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise TimeoutError("carrier timeout")

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None) -> str:
        self._fail()
        self.sent.append({"channel": "sms", "to": to, "body": body, "sender": sender})
        return f"SM{len(self.sent)}"

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        self._fail()
        if self.refuse_whatsapp:
            raise ConnectionError("63016: outside the 24-hour window")
        self.sent.append({"channel": "whatsapp", "to": to, "content_sid": content_sid, "variables": variables})
        return f"SM{len(self.sent)}"

    def to(self, phone: str) -> list[dict[str, Any]]:
        return [m for m in self.sent if m["to"] == phone]


def links(number: str, phone: str, hours: int) -> str:
    """domain/notices.py's RecordingLinks: a link that shows which recording, for whom, for how long."""
    return f"https://hotline.test/recordings/{number}-{phone[-4:]}-{hours}h"


if TYPE_CHECKING:
    _: Messenger = MemoryMessenger()
