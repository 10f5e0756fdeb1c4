"""The LinkAttempts port in memory: a window opens at the first wrong try, its count resets once it ends."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.ports import LinkAttempts


class MemoryLinkAttempts:
    def __init__(self) -> None:
        self.windows: dict[str, tuple[int, datetime]] = {}  # key → (wrong tries, when the window ends)

    def failures(self, key: str, now: datetime) -> int:
        count, ends = self.windows.get(key, (0, now))
        return count if ends > now else 0

    def add_failure(self, key: str, now: datetime, window: timedelta) -> int:
        count, ends = self.windows.get(key, (0, now))
        self.windows[key] = (count + 1, ends) if ends > now else (1, now + window)
        return self.windows[key][0]

    def remove_failure(self, key: str, now: datetime) -> None:
        count, ends = self.windows.get(key, (0, now))
        if ends > now and count > 0:
            self.windows[key] = (count - 1, ends)


if TYPE_CHECKING:
    _: LinkAttempts = MemoryLinkAttempts()
