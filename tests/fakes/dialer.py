"""In memory, the Dialer port: the calls placed, and a carrier that fails when told to."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import Dialer


class MemoryDialer:
    def __init__(self) -> None:
        self.placed: list[dict[str, str]] = []
        self.fail_next = 0

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("Twilio unreachable")
        self.placed.append({"to": to, "caller_id": caller_id, "answer_path": answer_path,
                            "status_path": status_path})
        return f"CA{len(self.placed):032d}"


if TYPE_CHECKING:
    _: Dialer = MemoryDialer()
