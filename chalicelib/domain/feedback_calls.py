"""Placing the citizen's feedback call, once per due call however often the event arrives
(domain/placing_calls.py)."""
from __future__ import annotations

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.district import is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.placing_calls import place_once
from chalicelib.domain.ports import Attempt, Claims, Dialer, Directory, TicketStore
from chalicelib.domain.ticket import RESOLVED


# Carrier-neutral: the Dialer's adapter prefixes "/{carrier}" (and the public base URL).
def feedback_answer_path(number: str) -> str:
    """The feedback call's first step: the question, with the introduction (routing/feedback_ivr.py)."""
    return f"/voice/feedback/{number}/0"


def feedback_status_path(number: str) -> str:
    return f"/voice/feedback-status/{number}"


def place_feedback_call(event: DomainEvent, directory: Directory, dialer: Dialer, claims: Claims,
                        store: TicketStore, answer_path: str | None = None, status_path: str | None = None,
                        carrier_clock: Clock | None = None) -> str:
    """From the district's feedback line (its first hotline's first line), through that line's carrier; the
    paths are carrier-neutral (default: feedback_answer_path, feedback_status_path).
    `carrier_clock` dates the attempt the carrier may be asked about later: real time, as the carrier's."""
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
    caller_id, carrier = district.feedback_line
    answer = answer_path or feedback_answer_path(event.complaint_number)
    tried = Attempt("call", phone, caller_id, answer, iso((carrier_clock or SystemClock()).now()), carrier)
    return place_once(f"feedback-call#{event.id}", tried, status_path or feedback_status_path(event.complaint_number),
                      dialer, claims, f"feedback call {attempt}")
