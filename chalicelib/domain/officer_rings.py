"""An emergency rings its officer: a call that reads the complaint and asks them to press 1 to acknowledge.

The sweeper counts the rings on the ticket (Lifecycle._ring: `emergency_rings` calls, `emergency_ring_minutes`
apart, then the level above); this places the due one, from the officers' line, once however often the event
arrives. A ring no longer due (acknowledged meanwhile, moved a level up, closed) places nothing. The written
forward goes as for every ticket; the ring is on top of it.
"""
from __future__ import annotations

from chalicelib.domain.clock import Clock, SystemClock, iso
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.placing_calls import place_once
from chalicelib.domain.ports import Attempt, Claims, Dialer, Directory, TicketStore
from chalicelib.domain.ticket import Ticket


# Carrier-neutral: the Dialer's adapter prefixes "/{carrier}" (and the public base URL).
def ring_answer_path(number: str, level: str, attempt: int = 0) -> str:
    """The ring's steps: 0 reads the complaint and asks for 1; the officer's key comes back to `attempt` 1, 2…"""
    return f"/voice/ring/{number}/{level}/{attempt}"


def ring_status_path(number: str) -> str:
    return f"/voice/ring-status/{number}"


def ringing_still_due(ticket: Ticket | None, level: str, attempt: int | None = None) -> bool:
    """The ticket still waits for its officer at `level` to press 1 (and, given `attempt`, for that ring)."""
    return (ticket is not None and ticket.is_open and ticket.level == level and not ticket.flagged
            and ticket.officer_ring_due_at is not None and (attempt is None or ticket.officer_rings == attempt))


def place_officer_ring(event: DomainEvent, directory: Directory, dialer: Dialer, claims: Claims,
                       store: TicketStore, carrier_clock: Clock | None = None) -> str:
    """`carrier_clock` dates the attempt the carrier may be asked about later: real time, as the carrier's."""
    level, attempt = event.data["level"], event.data.get("attempt")
    ticket = store.get(event.complaint_number)
    if not ringing_still_due(ticket, level, attempt):
        return f"ring {attempt} at {level} no longer due: no call"
    assert ticket is not None
    district = directory.district(ticket.district)
    if district is None:
        raise LookupError(f"district {ticket.district!r} is not in the directory")
    officer = district.officer(ticket.department, level)
    if officer is None or not is_reachable(officer.phone):
        # Nobody holds the post: the rings run out unanswered and the level above is rung.
        return f"no officer at {ticket.department} {level}: no call"
    caller_id, carrier = _officers_caller_id(district)
    tried = Attempt("call", officer.phone, caller_id, ring_answer_path(ticket.complaint_number, level),
                    iso((carrier_clock or SystemClock()).now()), carrier)
    return place_once(f"officer-ring#{event.id}", tried, ring_status_path(ticket.complaint_number), dialer, claims,
                      f"ring {attempt} to {ticket.department} {level}")


def _officers_caller_id(district: District) -> tuple[str, str]:
    """The officers' line: the number they know Samvad by, and whose IVR answers if they call it back."""
    line = district.officers_line
    return line, district.carrier_for_line(line)
