"""The CallerHistory port in memory, over a MemoryTicketStore: the same conditions as store/callers.py."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import CallerHistory, NoteAlreadyAdded, StaleTicket
from chalicelib.domain.ticket import Ticket
from tests.fakes.tickets import MemoryTicketStore


class MemoryCallerHistory:
    def __init__(self, tickets: MemoryTicketStore | None = None) -> None:
        self.tickets = tickets or MemoryTicketStore()
        self.notes: dict[str, str] = {}  # CallSid → the recording its note carries (the call item's)

    def caller_tickets(self, phone: str, since: str | None = None, limit: int = 100) -> list[Ticket]:
        mine = [t for t in self.tickets.tickets.values()
                if t.caller_phone == phone and (since is None or t.created_at >= since)]
        return sorted(mine, key=lambda t: t.created_at, reverse=True)[:limit]

    def add_call_note(self, change: Change, call_sid: str, recording_sid: str) -> None:
        # DynamoDB reads the call's condition first: a retried webhook is "added before", even on a moved ticket.
        if call_sid in self.tickets.by_call:
            raise NoteAlreadyAdded(call_sid)
        stored = self.tickets.get(change.before.complaint_number)
        if stored is None or stored.version != change.before.version:
            raise StaleTicket(change.before.complaint_number)
        self.tickets.save_change(change)
        self.tickets.by_call[call_sid] = change.after.complaint_number
        self.notes[call_sid] = recording_sid


if TYPE_CHECKING:
    _: CallerHistory = MemoryCallerHistory()
