"""Placing the citizen's feedback call, once per due call however often the event arrives.

A call whose placing went unanswered by the carrier (a timeout) may be ringing: its claim is held with the
attempt, and the retry asks the carrier for that call before placing another (as domain/delivery.py does).
"""
from __future__ import annotations

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.district import is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import Attempt, Claims, Dialer, Directory, OutcomeUnknown, TicketStore
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
    key = f"feedback-call#{event.id}"
    caller_id, carrier = district.feedback_line
    answer = answer_path or feedback_answer_path(event.complaint_number)
    status = status_path or feedback_status_path(event.complaint_number)
    tried = Attempt("call", phone, caller_id, answer, iso((carrier_clock or SystemClock()).now()), carrier)
    held = None
    if not claims.claim(key, tried.to_json()):  # the attempt rides on the claim: a consumer killed mid-call too
        held = claims.take_unconfirmed([key]).get(key)
        if held is None:
            return "placed before"
        tried = Attempt.from_json(held)
        try:
            found = dialer.find_call(tried)
        except Exception:
            claims.hold(key, held)  # the carrier could not say: ask again next time
            raise
        if found:
            claims.confirm(key, found)
            return f"feedback call {attempt}: {found} (the carrier had it)"
    try:
        sid = dialer.place_call(to=phone, caller_id=caller_id, answer_path=answer,
                                status_path=status, carrier=carrier)
    except Exception as error:
        if isinstance(error, OutcomeUnknown) or held:  # it may be ringing: never a second call at once
            claims.hold(key, tried.to_json())
        else:
            claims.release(key)
        raise
    claims.confirm(key, sid)
    return f"feedback call {attempt}: {sid}"
