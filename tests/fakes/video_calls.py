"""In memory, the VideoCalls port (domain/video_calls.py); tests/contract holds it to store/video_calls.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import StaleVideoCall
from chalicelib.domain.video_calls import VideoCall, VideoRefused


class MemoryVideoCalls:
    def __init__(self) -> None:
        self.calls: dict[str, VideoCall] = {}
        self.due_at: dict[str, str] = {}
        self.pointers: dict[tuple[str, str], tuple[str, str, int]] = {}  # (district, phone) -> (open id, day, links)
        self.outbox: list[DomainEvent] = []  # the links' events, written with their booking

    def get(self, call_id: str) -> VideoCall | None:
        return self.calls.get(call_id)

    def open_for(self, district: str, phone: str) -> VideoCall | None:
        pointer = self.pointers.get((district, phone))
        found = self.calls.get(pointer[0]) if pointer else None
        return found if found is not None and found.is_open else None

    def add(self, call: VideoCall, day: str, per_day: int, due_at: str | None,
            message: Callable[[int], DomainEvent]) -> DomainEvent:
        if call.id in self.calls:
            raise StaleVideoCall(call.id)
        event = message(self._count(call, day, per_day))
        self.calls[call.id] = call
        if due_at:
            self.due_at[call.id] = due_at
        self.outbox.append(event)
        return event

    def count_link(self, call: VideoCall, day: str, per_day: int,
                   message: Callable[[int], DomainEvent]) -> DomainEvent:
        event = message(self._count(call, day, per_day))
        self.outbox.append(event)
        return event

    def save(self, call: VideoCall, due_at: str | None) -> VideoCall:
        stored = self.calls.get(call.id)
        if stored is None or stored.version != call.version:
            raise StaleVideoCall(call.id)
        written = replace(call, version=call.version + 1, complaint_numbers=stored.complaint_numbers)
        self.calls[call.id] = written
        if due_at:
            self.due_at[call.id] = due_at
        else:
            self.due_at.pop(call.id, None)
        return written

    def due(self, now: str, limit: int) -> list[VideoCall]:
        ids = sorted((at, call_id) for call_id, at in self.due_at.items() if at <= now)[:limit]
        return [self.calls[call_id] for _, call_id in ids]

    def link_ticket(self, call_id: str, complaint_number: str) -> None:
        """What the registration's transaction does to the call item (a test's stand-in for it)."""
        call = self.calls[call_id]
        self.calls[call_id] = replace(call, complaint_numbers=tuple(sorted({*call.complaint_numbers,
                                                                            complaint_number})))

    def _count(self, call: VideoCall, day: str, per_day: int) -> int:
        _, on, sent = self.pointers.get((call.district, call.caller_phone), ("", "", 0))
        sent = sent if on == day else 0
        if sent >= per_day:
            raise VideoRefused("video_cap", most=per_day)
        self.pointers[(call.district, call.caller_phone)] = (call.id, day, sent + 1)
        return sent + 1
