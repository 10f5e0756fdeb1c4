"""The Claims port in memory: a key is claimed once; only an unconfirmed ("sending") claim can be released."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import Claims

SENDING = "sending"


class MemoryClaims:
    def __init__(self) -> None:
        self.state: dict[str, str] = {}  # key → "sending" or "done:<result>"

    def claim(self, key: str) -> bool:
        if key in self.state:
            return False
        self.state[key] = SENDING
        return True

    def claim_all(self, keys: list[str]) -> set[str]:
        return {key for key in keys if self.claim(key)}

    def confirm(self, key: str, result: str) -> None:
        self.state[key] = f"done:{result}"

    def confirm_all(self, results: dict[str, str]) -> None:
        for key, result in results.items():
            self.confirm(key, result)

    def release(self, key: str) -> None:
        # Like DynamoDB's conditional delete: a confirmed side effect stays claimed.
        if self.state.get(key) == SENDING:
            del self.state[key]


if TYPE_CHECKING:
    _: Claims = MemoryClaims()
