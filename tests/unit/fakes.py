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
        call_sid = registration.ticket.call_sid
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

    def district_for_line(self, line: str) -> District | None:
        return next((d for d in self._districts.values() if d.hotline_for_line(line)), None)

    def district(self, code: str) -> District | None:
        return self._districts.get(code)


class MemorySms:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail_next = 0

    def send_sms(self, to: str, body: str, sender: str) -> str:
        if self.fail_next:
            self.fail_next -= 1
            raise TimeoutError("carrier timeout")
        self.sent.append((to, body, sender))
        return f"SM{len(self.sent)}"


class MemoryClaims:
    def __init__(self) -> None:
        self.state: dict[str, str] = {}

    def claim(self, key: str) -> bool:
        if key in self.state:
            return False
        self.state[key] = "sending"
        return True

    def confirm(self, key: str, result: str) -> None:
        self.state[key] = f"done:{result}"

    def release(self, key: str) -> None:
        self.state.pop(key, None)
