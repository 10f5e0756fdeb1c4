"""The TicketStore port in memory: the same keys, conditions and errors as store/tickets.py."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from chalicelib.domain.callers import OverDailyLimit
from chalicelib.domain.consent import WhatsAppConsent
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import AlreadyRegistered, SequenceTaken, StaleTicket, TicketStore
from chalicelib.domain.registration import Registration
from chalicelib.domain.ticket import Ticket, TimelineEntry


class MemoryTicketStore:
    """Tickets by number; `registrations` and `changes` keep what was written, for tests to read."""

    def __init__(self, *tickets: Ticket) -> None:
        self.tickets: dict[str, Ticket] = {t.complaint_number: t for t in tickets}
        self.sequences: dict[tuple[str, str], int] = defaultdict(int)
        self.registrations: list[Registration] = []
        self.changes: list[Change] = []
        self.timelines: dict[str, list[TimelineEntry]] = defaultdict(list)
        self.by_call: dict[str, str] = {}  # CallSid → complaint number: the call log's link to its ticket
        self.by_once_key: dict[str, str] = {}  # a conversation's once_key → complaint number
        self.timeline_once_keys: set[str] = set()  # timeline entries' once_keys (a delivery status's)
        self.outright_holds: set[str] = set()  # registrations one of whose copies is taking a number outright
        self.counters: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.consents: dict[str, WhatsAppConsent] = {}  # phone → its answer on WhatsApp updates (the caller's item)

    def peek_sequence(self, district_code: str, ist_day: str) -> int:
        return self.sequences[(district_code, ist_day)] + 1

    def take_sequence(self, district_code: str, ist_day: str) -> int:
        self.sequences[(district_code, ist_day)] += 1
        return self.sequences[(district_code, ist_day)]

    def hold_outright_take(self, key: str, at: str) -> bool:
        if key in self.outright_holds:
            return False
        self.outright_holds.add(key)
        return True

    def registered_number(self, registration: Registration) -> str | None:
        ticket = registration.ticket
        if ticket.call_sid and not registration.more_on_call and ticket.call_sid in self.by_call:
            return self.by_call[ticket.call_sid]
        return self.by_once_key.get(registration.once_key) if registration.once_key else None

    def give_back_sequence(self, district_code: str, ist_day: str, sequence: int) -> bool:
        if self.sequences[(district_code, ist_day)] != sequence:
            return False
        self.sequences[(district_code, ist_day)] = sequence - 1
        return True

    def register(self, registration: Registration) -> None:
        # The DynamoDB transaction's conditions, in the order its refusals are read: the call's ticket, the
        # conversation's, the caller's daily cap, then the day's sequence; nothing is written unless all pass.
        ticket = registration.ticket
        if ticket.call_sid and not registration.more_on_call and ticket.call_sid in self.by_call:
            raise AlreadyRegistered(self.by_call[ticket.call_sid])
        if registration.once_key and registration.once_key in self.by_once_key:
            raise AlreadyRegistered(self.by_once_key[registration.once_key])
        cap = registration.caller_limit
        if cap and self.counters[(cap.scope, cap.period)]["value"] >= cap.limit:
            raise OverDailyLimit(cap.scope)
        sequence = registration.sequence
        if sequence:
            if self.sequences[(sequence.district, sequence.ist_day)] != sequence.number - 1:
                raise SequenceTaken(ticket.complaint_number)
        if ticket.complaint_number in self.tickets:
            raise ValueError(f"ticket {ticket.complaint_number} exists")  # DynamoDB: the transaction is cancelled
        self.tickets[ticket.complaint_number] = ticket
        self.timelines[ticket.complaint_number].append(registration.timeline)
        if ticket.call_sid and not registration.more_on_call:
            self.by_call[ticket.call_sid] = ticket.complaint_number
        if registration.once_key:
            self.by_once_key[registration.once_key] = ticket.complaint_number
        if cap:
            self.counters[(cap.scope, cap.period)]["value"] += 1
        if registration.consent:
            self.consents[ticket.caller_phone] = registration.consent
        if sequence:
            self.sequences[(sequence.district, sequence.ist_day)] = sequence.number
        for counter in registration.counters:
            for name, n in counter.figures.items():
                self.counters[(counter.scope, counter.period)][name] += n
        self.registrations.append(registration)

    def get(self, complaint_number: str) -> Ticket | None:
        return self.tickets.get(complaint_number)

    def get_many(self, complaint_numbers: Sequence[str]) -> list[Ticket]:
        return [self.tickets[number] for number in complaint_numbers if number in self.tickets]

    def save_change(self, change: Change) -> None:
        stored = self.tickets.get(change.before.complaint_number)
        if stored is None or stored.version != change.before.version:
            raise StaleTicket(change.before.complaint_number)
        self.tickets[change.after.complaint_number] = change.after
        self.timelines[change.after.complaint_number] += change.timeline
        for counter in change.counters:
            for name, n in counter.figures.items():
                self.counters[(counter.scope, counter.period)][name] += n
        self.changes.append(change)

    def recent_for_caller(self, phone: str, limit: int = 5) -> list[Ticket]:
        mine = [t for t in self.tickets.values() if t.caller_phone == phone]
        return sorted(mine, key=lambda t: t.created_at, reverse=True)[:limit]

    def add_timeline(self, entry: TimelineEntry, once_key: str | None = None) -> bool:
        if once_key is not None:
            if once_key in self.timeline_once_keys:
                return False
            self.timeline_once_keys.add(once_key)
        self.timelines[entry.complaint_number].append(entry)
        return True

    def forget_timeline_text(self, complaint_number: str, fields: dict[str, tuple[str, ...]], at: str) -> int:
        entries, changed = self.timelines[complaint_number], 0
        for i, entry in enumerate(entries):
            gone = [name for name in fields.get(entry.action, ()) if name in entry.detail]
            if gone:
                kept = {k: v for k, v in entry.detail.items() if k not in gone}
                entries[i] = replace(entry, detail={**kept, "text_deleted_at": at})
                changed += 1
        return changed

    def due_numbers(self, now: str, per_shard: int = 500) -> list[str]:
        due = sorted((t.next_action_at, t.complaint_number) for t in self.tickets.values()
                     if t.next_action_at and t.next_action_at <= now)
        return [number for _, number in due]


if TYPE_CHECKING:
    _: TicketStore = MemoryTicketStore()
