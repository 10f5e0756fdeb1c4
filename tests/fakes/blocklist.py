"""The Blocklist port in memory: one entry per district and phone, re-worded by a second block."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import BlockedCaller, Blocklist


class MemoryBlocklist:
    def __init__(self) -> None:
        self.blocked: dict[str, dict[str, BlockedCaller]] = {}
        self.audit: list[tuple[str, str, str]] = []  # (district, action, phone), as the audit trail has them

    def entries(self, code: str) -> list[BlockedCaller]:
        # DynamoDB lists them by sort key, BLOCK#<phone>: by phone.
        return sorted(self.blocked.get(code, {}).values(), key=lambda e: e.phone)

    def block(self, code: str, phone: str, reason: str, by: str, at: str) -> None:
        self.blocked.setdefault(code, {})[phone] = BlockedCaller(phone, reason, by, at)
        self.audit.append((code, "blocklist_added", phone))

    def unblock(self, code: str, phone: str, by: str, at: str) -> bool:
        if self.blocked.get(code, {}).pop(phone, None) is None:
            return False
        self.audit.append((code, "blocklist_removed", phone))
        return True


if TYPE_CHECKING:
    _: Blocklist = MemoryBlocklist()
