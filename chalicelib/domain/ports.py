"""What the domain needs from the outside world. Adapters live in store/, telephony/, events/."""
from __future__ import annotations

from typing import Protocol

from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ticket import Registration


class AlreadyRegistered(Exception):
    """The call already has a ticket (a retried webhook); carries its complaint number."""

    def __init__(self, complaint_number: str) -> None:
        super().__init__(complaint_number)
        self.complaint_number = complaint_number


class TicketStore(Protocol):
    def next_sequence(self, district_code: str, ist_day: str) -> int: ...

    def register(self, registration: Registration) -> None:
        """Write the registration atomically; raise AlreadyRegistered if the call has a ticket."""


class EventDispatcher(Protocol):
    def dispatch(self, event: DomainEvent) -> None:
        """Send an event already in the outbox to its queues and acknowledge it there."""


class Directory(Protocol):
    def district_for_line(self, line: str) -> District | None: ...

    def district(self, code: str) -> District | None: ...


class SmsSender(Protocol):
    def send_sms(self, to: str, body: str, sender: str) -> str:
        """Hand the message to the carrier; return its id. Raise on failure (the queue retries)."""


class Claims(Protocol):
    """At-most-once side effects across duplicate deliveries, keyed by event id and action."""

    def claim(self, key: str) -> bool: ...

    def confirm(self, key: str, result: str) -> None: ...

    def release(self, key: str) -> None: ...
