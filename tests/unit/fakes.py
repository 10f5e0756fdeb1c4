"""In-memory adapters for the domain's ports."""
from __future__ import annotations

from collections import defaultdict

from chalicelib.domain.district import District
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import AlreadyRegistered
from chalicelib.domain.ticket import Registration


class MemoryTicketStore:
    def __init__(self) -> None:
        self.sequences: dict[tuple[str, str], int] = defaultdict(int)
        self.registrations: list[Registration] = []
        self.by_call: dict[str, str] = {}

    def next_sequence(self, district_code: str, ist_day: str) -> int:
        self.sequences[(district_code, ist_day)] += 1
        return self.sequences[(district_code, ist_day)]

    def register(self, registration: Registration) -> None:
        call_sid = registration.once_key or registration.ticket.call_sid  # once per call, or per conversation
        if call_sid in self.by_call:
            raise AlreadyRegistered(self.by_call[call_sid])
        self.by_call[call_sid] = registration.ticket.complaint_number
        self.registrations.append(registration)


class MemoryDispatcher:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[DomainEvent] = []
        self.fail = fail

    def dispatch(self, event: DomainEvent) -> None:
        if self.fail:
            raise ConnectionError("queue unreachable")
        self.sent.append(event)


class MemoryDirectory:
    def __init__(self, *districts: District) -> None:
        self._districts = {d.code: d for d in districts}
        self.blocked: dict[str, set[str]] = {}

    def district_for_line(self, line: str) -> District | None:
        return next((d for d in self._districts.values() if d.hotline_for_line(line)), None)

    def district(self, code: str) -> District | None:
        return self._districts.get(code)

    def blocked_phones(self, code: str) -> frozenset[str]:
        return frozenset(self.blocked.get(code, ()))


class MemoryMessenger:
    def __init__(self) -> None:
        self.sent: list[dict] = []
        self.fail_next = 0
        self.refuse_whatsapp = False

    def _fail(self) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise TimeoutError("carrier timeout")

    def send_sms(self, to: str, body: str, sender: str, status_callback: str | None = None) -> str:
        self._fail()
        self.sent.append({"channel": "sms", "to": to, "body": body, "sender": sender})
        return f"SM{len(self.sent)}"

    def send_whatsapp(self, to: str, sender: str, content_sid: str, variables: dict[str, str],
                      status_callback: str | None = None) -> str:
        self._fail()
        if self.refuse_whatsapp:
            raise ConnectionError("63016: outside the 24-hour window")
        self.sent.append({"channel": "whatsapp", "to": to, "content_sid": content_sid, "variables": variables})
        return f"SM{len(self.sent)}"

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.sent if m["to"] == phone]


class MemoryStore(MemoryTicketStore):
    """Tickets by number, for lifecycle use cases."""

    def __init__(self, *tickets) -> None:
        super().__init__()
        self.tickets = {t.complaint_number: t for t in tickets}
        self.changes: list = []

    def get(self, complaint_number: str):
        return self.tickets.get(complaint_number)

    def save_change(self, change) -> None:
        from chalicelib.domain.ports import StaleTicket

        if self.tickets[change.before.complaint_number].version != change.before.version:
            raise StaleTicket(change.before.complaint_number)
        self.tickets[change.after.complaint_number] = change.after
        self.changes.append(change)

    def recent_for_caller(self, phone: str, limit: int = 5):
        mine = [t for t in self.tickets.values() if t.caller_phone == phone]
        return sorted(mine, key=lambda t: t.created_at, reverse=True)[:limit]

    def add_timeline(self, entry) -> None:
        pass


def links(number: str, phone: str, hours: int) -> str:
    return f"https://hotline.test/recordings/{number}-{phone[-4:]}-{hours}h"


class MemoryClaims:
    def __init__(self) -> None:
        self.state: dict[str, str] = {}

    def claim(self, key: str) -> bool:
        if key in self.state:
            return False
        self.state[key] = "sending"
        return True

    def claim_all(self, keys: list[str]) -> set[str]:
        return {key for key in keys if self.claim(key)}

    def confirm(self, key: str, result: str) -> None:
        self.state[key] = f"done:{result}"

    def confirm_all(self, results: dict[str, str]) -> None:
        for key, result in results.items():
            self.confirm(key, result)

    def release(self, key: str) -> None:
        self.state.pop(key, None)


class MemoryConversations:
    """Chat intake conversations (domain/chat_intake.py), saved conditional on their version like DynamoDB's."""

    def __init__(self) -> None:
        self.items: dict = {}
        self.saves = 0

    def get(self, key: str):
        return self.items.get(key)

    def save(self, conversation, expected_version: int) -> None:
        from chalicelib.domain.ports import ConversationMoved

        stored = self.items.get(conversation.key)
        if (stored.version if stored else 0) != expected_version:
            raise ConversationMoved(conversation.key)
        self.items[conversation.key] = conversation
        self.saves += 1
