"""Callers: their tickets by caller ID, a repeat caller's note on a ticket, and their answer on WhatsApp updates.

The district's blocklist is store/blocklist.py's.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.domain.consent import NotTheCallersTicket, WhatsAppConsent, consent_entry
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import NoteAlreadyAdded, StaleTicket
from chalicelib.domain.ticket import Ticket
from chalicelib.store.connection import connection
from chalicelib.store.models import CallerModel, CallModel, CounterModel, OutboxModel, TicketModel
from chalicelib.store.tickets import (
    _timeline_item,
    caller_item,
    consent_actions,
    ticket_from_item,
    ticket_item,
    timeline_key,
)

LOOKUP_LIMIT = 100  # a caller's tickets in the lookup window: the daily cap is at most 100


# -- callers' tickets, and a repeat caller's recorded message on their open ticket ---------------------

class DynamoCallerHistory:
    """The CallerHistory port (domain/ports.py): the tickets' `by_caller` index, and the note's transaction."""

    def caller_tickets(self, phone: str, since: str | None = None, limit: int = LOOKUP_LIMIT) -> list[Ticket]:
        """The caller's tickets (every district), newest first: one Query on the `by_caller` index."""
        condition = TicketModel.created_at >= since if since else None
        return [ticket_from_item(item) for item in TicketModel.by_caller.query(
            phone, range_key_condition=condition, scan_index_forward=False, limit=limit)]

    def add_call_note(self, change: Change, call_sid: str, recording_sid: str) -> None:
        """The note's change (ticket, timeline) and the call item in one transaction, once per call.

        The call item takes the complaint number, so a retried webhook fails its condition, the reconciler
        sees the recording has a ticket, and the call log says `note`.
        """
        ticket = change.after
        try:
            with TransactWrite(connection=connection()) as txn:
                txn.save(ticket_item(ticket), condition=TicketModel.version == change.before.version)
                for entry in change.timeline:
                    txn.save(_timeline_item(entry, timeline_key(entry.at, ticket.version)))
                for event in change.events:
                    txn.save(OutboxModel(event.id, created_at=event.at, body=event.to_json()))
                for counter in change.counters:
                    txn.update(CounterModel(counter.scope, counter.period),
                               actions=[Path(name).add(n) for name, n in sorted(counter.figures.items())])
                txn.update(CallModel(call_sid), actions=[
                    CallModel.complaint_number.set(ticket.complaint_number), CallModel.outcome.set("note"),
                    CallModel.recording_sid.set(recording_sid)],
                    condition=CallModel.complaint_number.does_not_exist())
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            if reasons and reasons[-1] is not None and reasons[-1].code == "ConditionalCheckFailed":
                raise NoteAlreadyAdded(call_sid) from error
            codes = {r.code for r in reasons if r is not None}
            if codes & {"ConditionalCheckFailed", "TransactionConflict"}:
                raise StaleTicket(change.before.complaint_number) from error
            raise

    # -- the caller's answer on WhatsApp updates (domain/consent.py) ----------------------------------------

    def consent(self, phone: str) -> WhatsAppConsent | None:
        """The phone's answer, or None when it never gave one: one GetItem."""
        try:
            item = CallerModel.get(f"CALLER#{phone}", "CONSENT")
        except CallerModel.DoesNotExist:
            return None
        if item.whatsapp_consent is None or not item.whatsapp_consent_at:
            return None
        return WhatsAppConsent(bool(item.whatsapp_consent), item.whatsapp_consent_at,
                               item.whatsapp_consent_channel or "")

    def record_consent(self, phone: str, consent: WhatsAppConsent, numbers: Sequence[str]) -> None:
        """The answer on the caller's item and on each of these tickets (the phone's own), with a timeline entry
        each, in one transaction. A ticket's version moves, so a transition that read it before cannot write the
        old answer back (it is stale and reads again). Raises NotTheCallersTicket (nothing written) when one of
        them is not this phone's ticket."""
        try:
            with TransactWrite(connection=connection()) as txn:
                for number in numbers:
                    txn.update(TicketModel(number), actions=[
                        TicketModel.whatsapp_consent.set(consent.given),
                        TicketModel.whatsapp_consent_at.set(consent.at), TicketModel.version.add(1)],
                        condition=TicketModel.caller_phone == phone)
                    entry = consent_entry(number, consent, phone)
                    txn.save(_timeline_item(entry, timeline_key(entry.at, 0) + uuid.uuid4().hex[:6]))
                txn.update(caller_item(phone), actions=consent_actions(consent))
        except TransactWriteError as error:
            codes = {r.code for r in error.cancellation_reasons or [] if r is not None}
            if "ConditionalCheckFailed" in codes:
                raise NotTheCallersTicket(", ".join(numbers)) from error
            raise
