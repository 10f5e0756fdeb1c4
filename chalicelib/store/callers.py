"""Callers: their tickets by caller ID, the district's blocklist, and a repeat caller's note on a ticket.

The blocklist lives in the directory table next to the district file (`DISTRICT#<code>` / `BLOCK#<phone>`),
so one Query on the district's key lists it; the IVR reads it through CachedDirectory's TTL cache.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import StaleTicket
from chalicelib.domain.ticket import Ticket
from chalicelib.store.connection import connection
from chalicelib.store.models import CallModel, CounterModel, DirectoryModel, OutboxModel, TicketModel, TimelineModel
from chalicelib.store.tickets import _timeline_item, ticket_from_item, ticket_item, timeline_key

BLOCK_PREFIX = "BLOCK#"
LOOKUP_LIMIT = 100  # a caller's tickets in the lookup window: the daily cap is at most 100


def caller_tickets(phone: str, since: str | None = None, limit: int = LOOKUP_LIMIT) -> list[Ticket]:
    """The caller's tickets (every district), newest first: one Query on the `by_caller` index."""
    condition = TicketModel.created_at >= since if since else None
    return [ticket_from_item(item) for item in TicketModel.by_caller.query(
        phone, range_key_condition=condition, scan_index_forward=False, limit=limit)]


# -- the blocklist -----------------------------------------------------------------------------------

def blocked_phones(code: str) -> frozenset[str]:
    return frozenset(entry["phone"] for entry in blocklist(code))


def blocklist(code: str) -> list[dict[str, Any]]:
    items = DirectoryModel.query(f"DISTRICT#{code}", DirectoryModel.sk.startswith(BLOCK_PREFIX))
    return [{"phone": item.sk[len(BLOCK_PREFIX):], "reason": item.reason or "", "by": item.updated_by or "",
             "at": item.updated_at or ""} for item in items]


def _audit(txn: TransactWrite, code: str, phone: str, by: str, at: str, action: str, summary: str) -> None:
    # The directory admin's audit trail (store/console.py audit reads it): same key, same shape.
    txn.save(TimelineModel(f"AUDIT#{code}", f"{at}#{action}#{phone}", actor_type="user", actor_id=by,
                           action=action, channel="console",
                           detail={"summary": summary, "version": 0, "section": "blocklist"}))


def block(code: str, phone: str, reason: str, by: str, at: str) -> None:
    """Add (or re-word) an entry, with its audit entry, in one transaction."""
    with TransactWrite(connection=connection()) as txn:
        txn.save(DirectoryModel(f"DISTRICT#{code}", f"{BLOCK_PREFIX}{phone}", district=code, reason=reason,
                                updated_at=at, updated_by=by))
        summary = f"blocked {phone}: {reason}" if reason else f"blocked {phone}"
        _audit(txn, code, phone, by, at, "blocklist_added", summary)


def unblock(code: str, phone: str, by: str, at: str) -> bool:
    """Remove an entry with its audit entry; False if the number was not on the list."""
    try:
        with TransactWrite(connection=connection()) as txn:
            txn.delete(DirectoryModel(f"DISTRICT#{code}", f"{BLOCK_PREFIX}{phone}"),
                       condition=DirectoryModel.sk.exists())
            _audit(txn, code, phone, by, at, "blocklist_removed", f"unblocked {phone}")
    except TransactWriteError as error:
        codes = [r.code if r is not None else None for r in (error.cancellation_reasons or [])]
        if codes and codes[0] == "ConditionalCheckFailed":
            return False
        raise
    return True


# -- a repeat caller's recorded message on their open ticket ----------------------------------------

class NoteAlreadyAdded(Exception):
    """This call already left its message (a retried Record webhook)."""


def add_call_note(change: Change, call_sid: str, recording_sid: str) -> None:
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
