"""What the domain needs from the outside world. Adapters live in store/, telephony/, events/."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ticket import Registration, Ticket, TimelineEntry

if TYPE_CHECKING:
    from chalicelib.domain.lifecycle import Change


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


class Messenger(Protocol):
    """SMS and WhatsApp. Each returns the message id; each raises on failure (the queue retries)."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None) -> str: ...

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str: ...


class CitizenCaller(Protocol):
    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str) -> str:
        """Start an outbound call whose TwiML comes from answer_path; return its CallSid."""


class StaleTicket(Exception):
    """Someone else changed the ticket since it was read; nothing was written."""


class TicketRepository(Protocol):
    def get(self, complaint_number: str) -> Ticket | None: ...

    def save_change(self, change: Change) -> None:
        """Write the change if the ticket still has change.before's version, else raise StaleTicket."""

    def recent_for_caller(self, phone: str, limit: int = 5) -> list[Ticket]: ...

    def add_timeline(self, entry: TimelineEntry) -> None: ...


class Claims(Protocol):
    """At-most-once side effects across duplicate deliveries, keyed by event id and action."""

    def claim(self, key: str) -> bool: ...

    def claim_all(self, keys: list[str]) -> set[str]:
        """Claim several at once; returns the keys claimed now (others were claimed before)."""

    def confirm(self, key: str, result: str) -> None: ...

    def confirm_all(self, results: dict[str, str]) -> None: ...

    def release(self, key: str) -> None: ...
