"""Placing the citizen's feedback call, once per due call however often the event arrives."""
from __future__ import annotations

from chalicelib.domain.district import is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import Claims, Dialer, Directory, TicketStore
from chalicelib.domain.ticket import RESOLVED


def place_feedback_call(event: DomainEvent, directory: Directory, dialer: Dialer, claims: Claims,
                        store: TicketStore, answer_path: str, status_path: str) -> str:
    phone = event.data.get("caller_phone", "")
    if not is_reachable(phone):
        return "caller number withheld: no call"
    # The event may be late (a retry, a redrive from the DLQ): ring only for the call the ticket still
    # waits for, never after the citizen has answered by SMS or the ticket has moved on.
    ticket = store.get(event.complaint_number)
    attempt = event.data.get("attempt")
    if ticket is None or ticket.status != RESOLVED or ticket.feedback_calls != attempt:
        return (f"feedback call {attempt} no longer due (ticket {ticket.status if ticket else 'missing'}, "
                f"{ticket.feedback_calls if ticket else 0} calls due so far): no call")
    district = directory.district(event.data["district"])
    if district is None:
        raise LookupError(f"district {event.data['district']!r} is not in the directory")
    key = f"feedback-call#{event.id}"
    if not claims.claim(key):
        return "placed before"
    try:
        sid = dialer.place_call(to=phone, caller_id=district.hotlines[0].lines[0], answer_path=answer_path,
                                status_path=status_path)
    except Exception:
        claims.release(key)
        raise
    claims.confirm(key, sid)
    return f"feedback call {attempt}: {sid}"
