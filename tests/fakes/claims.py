"""The Claims port in memory: a key is claimed once; only a claim being sent can be released; a held one
("unconfirmed": the carrier's answer never came) keeps its attempt until take_unconfirmed takes it.

No lease here: a claim taken and never settled stays taken (store/claims.py hands one with an attempt to
take_unconfirmed after five minutes, and frees one without)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import Claims

SENDING, UNCONFIRMED = "sending", "unconfirmed"


class MemoryClaims:
    def __init__(self) -> None:
        self.state: dict[str, str] = {}  # key → "sending", "unconfirmed" or "done:<result>"
        self.attempts: dict[str, str] = {}  # key → the attempt held (kept while it is taken again)

    def claim(self, key: str, attempt: str | None = None) -> bool:
        if key in self.state:
            return False
        self.state[key] = SENDING
        if attempt is not None:
            self.attempts[key] = attempt
        return True

    def claim_all(self, keys: list[str], attempts: dict[str, str] | None = None) -> set[str]:
        return {key for key in keys if self.claim(key, (attempts or {}).get(key))}

    def note(self, key: str, attempt: str) -> None:
        if self.state.get(key) == SENDING:
            self.attempts[key] = attempt

    def confirm(self, key: str, result: str) -> None:
        self.state[key] = f"done:{result}"
        self.attempts.pop(key, None)

    def confirm_all(self, results: dict[str, str]) -> None:
        for key, result in results.items():
            self.confirm(key, result)

    def release(self, key: str) -> None:
        # Like DynamoDB's conditional delete: a confirmed side effect, or a held one, stays claimed.
        if self.state.get(key) == SENDING:
            del self.state[key]
            self.attempts.pop(key, None)

    def hold(self, key: str, attempt: str) -> None:
        if self.state.get(key) in (SENDING, UNCONFIRMED):
            self.state[key], self.attempts[key] = UNCONFIRMED, attempt

    def take_unconfirmed(self, keys: list[str]) -> dict[str, str]:
        taken = {key: self.attempts[key] for key in keys if self.state.get(key) == UNCONFIRMED}
        for key in taken:
            self.state[key] = SENDING
        return taken


if TYPE_CHECKING:
    _: Claims = MemoryClaims()
