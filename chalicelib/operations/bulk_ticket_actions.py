"""One action on many tickets (the console's bulk transfer and reroute): each ticket read, decided by the
lifecycle and written on its own, exactly as the single action does it (console_ticket_actions.py), so one
refusal or one stale ticket leaves the others done and nothing half-written."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import Actor, NotAllowed
from chalicelib.domain.ports import EventDispatcher, TicketStore
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.ticket_actions import TicketAction
from chalicelib.operations.console_ticket_actions import TicketMoved, perform_ticket_action


@dataclass(frozen=True)
class Missing:
    """No such ticket, or not one this user may see (told alike: its existence is not theirs to know)."""


@dataclass(frozen=True)
class Moved:
    """Someone changed the ticket between its read and its write: nothing of it was written."""


@dataclass(frozen=True)
class Refused:
    ticket: Ticket
    refused: NotAllowed


@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, Missing | Moved | Refused]] = field(default_factory=list)


def perform_on_each(action: TicketAction, numbers: Sequence[str], given: dict[str, Any], actor: Actor,
                    district: District, now: datetime, tickets: TicketStore, dispatcher: EventDispatcher,
                    may_see: Callable[[Ticket], bool]) -> Outcome:
    outcome = Outcome()
    found = {t.complaint_number: t for t in tickets.get_many(numbers)}
    for number in numbers:
        ticket = found.get(number)
        if ticket is None or not may_see(ticket):
            outcome.refused.append((number, Missing()))
            continue
        try:
            perform_ticket_action(action, ticket, given, actor, district, now, tickets, dispatcher)
        except NotAllowed as refused:
            outcome.refused.append((number, Refused(ticket, refused)))
        except TicketMoved:
            outcome.refused.append((number, Moved()))
        else:
            outcome.done.append(number)
    return outcome
