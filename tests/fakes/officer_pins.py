"""The OfficerPins port in memory: one hash per district and phone, and the audit trail's entries."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import OfficerPins


class MemoryOfficerPins:
    def __init__(self) -> None:
        self.hashes: dict[tuple[str, str], str] = {}
        self.audit: list[tuple[str, str, str]] = []  # (district, phone, by), as the audit trail has them
        self.reads = 0

    def pin_hash(self, district: str, phone: str) -> str | None:
        self.reads += 1
        return self.hashes.get((district, phone))

    def set_pin_hash(self, district: str, phone: str, pin_hash: str, by: str, at: str) -> None:
        self.hashes[(district, phone)] = pin_hash
        self.audit.append((district, phone, by))


if TYPE_CHECKING:
    _: OfficerPins = MemoryOfficerPins()
