"""The CallerHistory port in memory, over a MemoryTicketStore: the same conditions as store/callers.py."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.domain.consent import NotTheCallersTicket, WhatsAppConsent, consent_entry
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

    def consent(self, phone: str) -> WhatsAppConsent | None:
        return self.tickets.consents.get(phone)

    def record_consent(self, phone: str, consent: WhatsAppConsent, numbers: Sequence[str]) -> None:
        found = [self.tickets.tickets.get(number) for number in numbers]
        if any(t is None or t.caller_phone != phone for t in found):
            raise NotTheCallersTicket(", ".join(numbers))
        for ticket in found:
            assert ticket is not None
            self.tickets.tickets[ticket.complaint_number] = replace(
                ticket, whatsapp_consent=consent.given, whatsapp_consent_at=consent.at, version=ticket.version + 1)
            self.tickets.timelines[ticket.complaint_number].append(consent_entry(ticket.complaint_number, consent,
                                                                                 phone))
        self.tickets.consents[phone] = consent


if TYPE_CHECKING:
    _: CallerHistory = MemoryCallerHistory()
