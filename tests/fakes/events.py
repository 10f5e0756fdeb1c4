"""The EventDispatcher port in memory: events sent, in order; `fail` plays an unreachable queue."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import EventDispatcher


class MemoryDispatcher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[DomainEvent] = []
        self.fail = fail

    def dispatch(self, event: DomainEvent) -> None:
        if self.fail:
            raise ConnectionError("queue unreachable")
        self.sent.append(event)


if TYPE_CHECKING:
    _: EventDispatcher = MemoryDispatcher()
