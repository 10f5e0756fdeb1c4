"""The TranscriptRetention port in memory: the entries still to come, by (expiry, complaint number)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.ports import RetentionDue, TranscriptRetention


class MemoryTranscriptRetention:
    def __init__(self) -> None:
        self.entries: set[tuple[str, str]] = set()

    def keep_until(self, complaint_number: str, expires_at: str) -> None:
        self.entries.add((expires_at, complaint_number))

    def due(self, now: str, limit: int) -> list[RetentionDue]:
        return [RetentionDue(number, at) for at, number in sorted(self.entries) if at <= now][:limit]

    def done(self, due: RetentionDue) -> None:
        self.entries.discard((due.expires_at, due.complaint_number))


if TYPE_CHECKING:
    _: TranscriptRetention = MemoryTranscriptRetention()
