"""In memory, the Dialer port: the calls placed, and a carrier that fails when told to — refusing (nothing
placed) or answering late (placed, then OutcomeUnknown), as telephony/rest.py reports Twilio's answers."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.domain.clock import iso
from chalicelib.domain.ports import Attempt, Dialer, OutcomeUnknown


class MemoryDialer:
    def __init__(self) -> None:
        self.placed: list[dict[str, str]] = []
        self.fail_next = 0
        self.answer_late = 0
        self.lookups: list[Attempt] = []
        self._placed_at: dict[int, str] = {}  # id of a call in `placed` → when (a test may drop calls)

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = "twilio") -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("Twilio unreachable")
        self.placed.append({"to": to, "caller_id": caller_id, "answer_path": answer_path,
                            "status_path": status_path, "carrier": carrier})
        self._placed_at[id(self.placed[-1])] = iso(datetime.now(UTC))
        if self.answer_late:
            self.answer_late -= 1
            raise OutcomeUnknown("Twilio answered after the timeout")
        return f"CA{len(self.placed):032d}"

    def find_call(self, attempt: Attempt) -> str | None:
        self.lookups.append(attempt)
        for n, call in reversed(list(enumerate(self.placed, 1))):
            if (call["to"], call["caller_id"], call["carrier"]) == (attempt.to, attempt.sender, attempt.carrier) and \
                    self._placed_at[id(call)] >= attempt.at:
                return f"CA{n:032d}"
        return None


if TYPE_CHECKING:
    _: Dialer = MemoryDialer()
