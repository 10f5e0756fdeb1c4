"""What the domain needs from the outside world. Adapters live in store/, telephony/, events/."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ticket import Registration, Ticket, TimelineEntry

if TYPE_CHECKING:
    from chalicelib.domain.callbacks import CallbackRequest
    from chalicelib.domain.chat_intake import Conversation
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

    def blocked_phones(self, code: str) -> frozenset[str]:
        """The numbers the district's Collector's office has blocked."""
        ...


class Messenger(Protocol):
    """SMS and WhatsApp. Each returns the message id; each raises on failure (the queue retries)."""

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None) -> str: ...

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str: ...


class CitizenCaller(Protocol):
    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str) -> str:
        """Start an outbound call whose TwiML comes from answer_path; return its CallSid."""


class CallbackStore(Protocol):
    """Callback requests (domain/callbacks.py); each write is conditional, so a retry changes nothing twice."""

    def add(self, request: CallbackRequest, ist_day: str, per_day: int) -> str:
        """Count the caller's callback for the day (at most per_day) and write the request, atomically:
        "added", "exists" (a retried webhook: counted before) or "over_cap" (nothing written)."""

    def due(self, now: datetime, limit: int) -> list[CallbackRequest]:
        """Requests whose due time has come, from the sparse due index."""

    def get(self, request_id: str) -> CallbackRequest | None: ...

    def start_try(self, before: CallbackRequest, after: CallbackRequest) -> bool:
        """Write `after` (one more try, the next due time) if the request is still as `before`."""

    def retry_at(self, request: CallbackRequest, due_at: datetime) -> bool: ...

    def finish(self, request: CallbackRequest, state: str) -> bool:
        """Set the final state and drop the due time, if the request is still on `request`'s try."""


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


# -- the reconciler's (domain/reconcile.py): Twilio's recordings, and which calls have a ticket --------

@dataclass(frozen=True)
class Recording:
    sid: str
    call_sid: str
    created_at: datetime
    duration: int  # seconds
    status: str  # Twilio's: completed, processing, absent, failed…
    url: str  # where the audio is fetched from (officers' links, the console)


@dataclass(frozen=True)
class CallDetails:
    sid: str
    from_phone: str
    to_phone: str
    direction: str  # inbound, outbound-api, outbound-dial


class SourceUnavailable(Exception):
    """Twilio did not answer (or refused: rate_limited for a 429); whatever is left waits for the next run."""

    def __init__(self, message: str, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.rate_limited = rate_limited


class RecordingsSource(Protocol):
    def recording_pages(self, since: datetime) -> Iterator[list[Recording]]:
        """The account's recordings created since `since`, newest first, one page at a time (each page is
        fetched only when the previous one is done). Raises SourceUnavailable."""

    def call(self, call_sid: str) -> CallDetails:
        """The call a recording belongs to. Raises SourceUnavailable."""


class CallTickets(Protocol):
    def tickets_of(self, call_sids: Sequence[str]) -> dict[str, str]:
        """Those calls the reconciler must not register: each one's complaint number, or why it needs none
        (domain/reconcile.py OPERATORS_CALL, OVER_CAP). Calls with neither are left out."""


# -- WhatsApp and SMS intake (domain/chat_intake.py): a citizen's conversation, one per district, phone, channel --

class ConversationMoved(Exception):
    """The conversation was saved by someone else since it was read (a retried or concurrent message)."""


class Conversations(Protocol):
    def get(self, key: str) -> Conversation | None: ...

    def save(self, conversation: Conversation, expected_version: int) -> None:
        """Write it if the stored version is still `expected_version` (0: nothing stored), else raise
        ConversationMoved. The item expires by itself a while after `conversation.updated_at`."""
